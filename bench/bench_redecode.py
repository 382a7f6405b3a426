"""What the coverage check and the clip re-decoding recover, on the local engine.

The MEETING script (its card number read out digit by digit is what sends decoding into loops)
is spoken by several espeak-ng voices at several speeds, one with noise. For each recording and
each strategy, the engine's first pass alone (``WhisperEngine._decode_window``) is compared
with the whole decoding policy (``WhisperEngine.transcribe``: troubled and uncovered
stretches decoded again clip by clip, ``pipeline/asr/inference/decoding.py``):

* lost the ending: the script's last sentence is not heard in the last two segments;
* speech without words: detected speech no word is near (gaps of a second or more);
* WER against the script (numbers and e-mail addresses in one form, as in the engines benchmark).

    python -m bench.bench_redecode [--write docs/benchmarks.md]
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
from pipeline.asr.engine import load_engine
from pipeline.asr.inference.audio import decode_to_wav, read_wav
from pipeline.asr.inference.decoding import CHUNK_VAD, Decoded, uncovered
from pipeline.asr.inference.engine import WhisperEngine
from pipeline.asr.inference.spans import merge_spans, total
from pipeline.asr.inference.vad import detect_speech
from shared.config import OFFLINE_MODEL, Settings
from shared.contract import STRATEGIES
from shared.engine_settings import EngineSettings
from tests.support.scripts import MEETING, heard, sentences
from tests.support.speech import mix_noise, speak_to_wav

WORK = Path(__file__).with_name(".work")
HEADING = "## Coverage and re-decoding"
#: (voice, words per minute, pink noise amplitude)
VOICES = (
    ("en-us", 150, 0.0),
    ("en-gb-x-rp", 130, 0.0),
    ("en-gb-scotland", 160, 0.0),
    ("en-029", 140, 0.0),
    ("en-us+f3", 175, 0.0),
    ("en+m3", 185, 0.0),
    ("en-us", 160, 0.04),
)


def recording(voice: str, wpm: int, noise: float) -> Path:
    wav = WORK / f"meeting-{MEETING.fingerprint}-{voice}-{wpm}{'-noise' if noise else ''}.wav"
    if not wav.exists():
        clean = speak_to_wav(MEETING.spoken, wav.with_suffix(".clean.wav"), voice=voice, words_per_minute=wpm)
        if noise:
            mix_noise(clean, wav, amplitude=noise)
            clean.unlink()
        else:
            clean.rename(wav)
    return wav


def lost_ending(texts: list[str]) -> bool:
    return heard(sentences(MEETING.spoken)[-1], " ".join(texts[-2:])) < 0.75


def word_error_rate(text: str) -> float:
    import jiwer

    return jiwer.wer(" ".join(comparable_words(MEETING.spoken)), " ".join(comparable_words(text)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)

    rows = []
    for strategy in STRATEGIES:
        engine = load_engine(
            OFFLINE_MODEL, settings=Settings(home=WORK, model=OFFLINE_MODEL, engine=EngineSettings(strategy=strategy))
        )
        assert isinstance(engine, WhisperEngine)
        stats: dict[str, list[float]] = {k: [] for k in ("lost1", "lost2", "gap1", "gap2", "wer1", "wer2", "t1", "t2")}
        speech_total = 0.0
        for voice, wpm, noise in VOICES:
            wav = recording(voice, wpm, noise)
            decode_to_wav(wav, WORK / "redecode.wav")
            audio = read_wav(WORK / "redecode.wav")
            speech = merge_spans(detect_speech(audio, CHUNK_VAD))
            started = time.perf_counter()
            first: list[Decoded] = engine._decode_window(audio, speech)
            stats["t1"].append(time.perf_counter() - started)
            started = time.perf_counter()
            final = engine.transcribe(wav)
            stats["t2"].append(time.perf_counter() - started)
            speech_total += total(speech)
            stats["lost1"].append(lost_ending([s.text for s in first]))
            stats["lost2"].append(lost_ending([s.text for s in final.segments]))
            stats["gap1"].append(total(uncovered(speech, first)))
            stats["gap2"].append(sum(w.end - w.start for w in final.warnings))
            stats["wer1"].append(word_error_rate(" ".join(s.text for s in first)))
            stats["wer2"].append(word_error_rate(final.text))
            print(
                f"{strategy} {voice} {wpm}{' noise' if noise else ''}: first pass WER {stats['wer1'][-1]:.1%}, "
                f"{stats['gap1'][-1]:.1f} s without words; policy WER {stats['wer2'][-1]:.1%}, "
                f"{stats['gap2'][-1]:.1f} s without words",
                flush=True,
            )
        med = statistics.median
        n = len(VOICES)
        for label, k in (("first pass", "1"), ("with re-decoding", "2")):
            rows.append(
                f"| {strategy} | {label} | {int(sum(stats['lost' + k]))} of {n} | "
                f"{sum(stats['gap' + k]):.1f} s of {speech_total:.0f} s | {med(stats['wer' + k]):.1%} | "
                f"{max(stats['wer' + k]):.1%} | {sum(stats['t' + k]):.1f} s |"
            )
    body = (
        f"`python -m bench.bench_redecode` — the MEETING script ({len(sentences(MEETING.spoken))} sentences, a card "
        f"number read out digit by digit) spoken by {len(VOICES)} espeak-ng voices at 130–185 words per minute, "
        f"one with pink noise; offline-tiny.en (int8, beam 5, batches of {Settings.batch_size}), "
        f"{os.cpu_count()} cores, Python "
        f"{platform.python_version()}. The first pass is the engine's decoder alone; the policy adds the "
        "re-decoding of troubled and uncovered stretches (the time column includes the first pass and the "
        "voice activity detection).\n\n"
        "| strategy | transcript | lost the last sentence | speech without words | median WER | worst WER | "
        "time, all recordings |\n|---|---|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


if __name__ == "__main__":
    main()
