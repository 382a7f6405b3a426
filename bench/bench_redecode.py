"""How often fallback sampling loses the end of a recording, before and after re-decoding.

The local engine fixes the random seed of its fallback sampling (``pipeline.asr.engine``), so
one recording is one draw. This benchmark draws many: for each seed it runs the first pass
(faster-whisper, offline-tiny.en, as ``clearscribe run`` does), then re-decodes the stretches
that fell back (``pipeline.asr.redecode``), and checks both transcripts on the MEETING script — its
card number read out digit by digit is what sends decoding into fallback.

A run "lost the ending" when the script's last sentence is not heard in the transcript's last two
segments (the measure of the end-to-end test).

    python -m bench.bench_redecode [--seeds 30] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path

from bench.bench_engines import comparable_words
from bench.report import replace_section
from pipeline.asr.engine import FasterWhisperEngine
from pipeline.asr.redecode import SAMPLE_RATE, Decoded, redecode_troubled
from shared.config import OFFLINE_MODEL, Settings
from tests.support.scripts import MEETING, heard, sentences
from tests.support.speech import speak_to_wav

WORK = Path(__file__).with_name(".work")
HEADING = "## Re-decoding after fallback"


def lost_ending(decoded: list[Decoded]) -> bool:
    tail = " ".join(seg.text for seg in decoded[-2:])
    return heard(sentences(MEETING.spoken)[-1], tail) < 0.75


def word_error_rate(decoded: list[Decoded]) -> float:
    import jiwer

    hypothesis = " ".join(comparable_words(" ".join(seg.text for seg in decoded)))
    return jiwer.wer(" ".join(comparable_words(MEETING.spoken)), hypothesis)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    args = parser.parse_args()

    import ctranslate2
    from faster_whisper import decode_audio

    WORK.mkdir(exist_ok=True)
    wav = WORK / f"meeting-{MEETING.fingerprint}.wav"
    if not wav.exists():
        speak_to_wav(MEETING.spoken, wav)
    audio = decode_audio(str(wav), sampling_rate=SAMPLE_RATE)
    duration = audio.shape[0] / SAMPLE_RATE
    engine = FasterWhisperEngine(OFFLINE_MODEL, settings=Settings(home=WORK, model=OFFLINE_MODEL))

    lost = {"first pass": 0, "re-decoded": 0}
    wers: dict[str, list[float]] = {"first pass": [], "re-decoded": []}
    fell_back = 0
    first_times: list[float] = []
    redecode_times: list[float] = []
    for seed in range(args.seeds):
        ctranslate2.set_random_seed(seed)
        started = time.perf_counter()
        first, _ = engine._decode(audio, duration=duration)
        first_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        repaired = first
        if any(seg.fell_back for seg in first):
            fell_back += 1
            repaired = redecode_troubled(first, audio, duration, lambda clips: engine._decode_clips(audio, clips))
            redecode_times.append(time.perf_counter() - started)
        for name, decoded in (("first pass", first), ("re-decoded", repaired)):
            lost[name] += lost_ending(decoded)
            wers[name].append(word_error_rate(decoded))
        print(
            f"seed {seed}: first pass {'LOST THE ENDING' if lost_ending(first) else 'complete'}, "
            f"re-decoded {'LOST THE ENDING' if lost_ending(repaired) else 'complete'}",
            flush=True,
        )

    med = statistics.median
    rows = [
        f"| {name} | {lost[name]} of {args.seeds} | {med(wers[name]):.1%} | {max(wers[name]):.1%} |"
        for name in ("first pass", "re-decoded")
    ]
    redecode = f"{med(redecode_times):.1f} s" if redecode_times else "—"
    body = (
        f"`python -m bench.bench_redecode --seeds {args.seeds}` — the MEETING script ({duration:.0f} s of "
        f"espeak-ng speech, a card number read out digit by digit), offline-tiny.en (int8, beam 5, VAD), "
        f"one run per random seed, {os.cpu_count()} cores, Python {platform.python_version()}.\n\n"
        "| transcript | lost the last sentence | median WER | worst WER |\n"
        "|---|---:|---:|---:|\n" + "\n".join(rows) + "\n\n"
        f"The first pass fell back to sampling in {fell_back} of {args.seeds} runs. First pass: median "
        f"{med(first_times):.1f} s; re-decoding the stretches that fell back: median {redecode}. WER is "
        "against the script as spoken, numbers and e-mail addresses in one form (as in the engines "
        "benchmark).\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


if __name__ == "__main__":
    main()
