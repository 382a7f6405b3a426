"""The speech engine's decoding strategies side by side on the same audio: sequential against
chunked (batched) decoding, with Whisper tiny.en (int8, beam 5) on the CPU.

The audio is espeak-ng speech of the meeting script, repeated, encoded as the endpoint receives
it (mono 16 kHz AAC in M4A). Every run is a fresh process (so its peak memory is its own: model,
audio and decoding), configurations alternate, medians are reported. Every configuration runs the
whole decoding policy (``pipeline/asr/inference/decoding.py``): windows, Silero VAD, first pass,
clip re-decoding of troubled or uncovered speech.

* ``sequential``: Whisper's sequential decoding.
* ``chunked, batch N``: 30 s chunks each decoded on its own, N at a time.

    python -m bench.bench_engines [--minutes 5] [--repeats 3] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import jiwer

from bench.bench_pipeline import MEMORY_TARGET_MB
from bench.report import replace_section
from shared.config import OFFLINE_MODEL, Settings
from shared.contract import AUDIO_BITRATE_BPS
from shared.engine_settings import EngineSettings
from tests.support.scripts import MEETING, normalise_words
from tests.support.speech import encode_like_mediaconvert, speak_to_wav

WORK = Path(__file__).with_name(".work")
HEADING = "## Speech engines"
#: WER may grow by at most this much (absolute) for chunked decoding to be the default.
WER_TOLERANCE = 0.005
#: The engine's own peak may use what a whole run may (bench_pipeline's target) minus what the
#: enrichment adds on top of it (spaCy and presidio: about 100 MB, docs/benchmarks.md "Enrichment").
ENGINE_MEMORY_MB = MEMORY_TARGET_MB - 100
Config = tuple[str, int]
#: (strategy, batch size)
CONFIGS: tuple[Config, ...] = (("sequential", 1), ("chunked", 1), ("chunked", 4), ("chunked", 8))


def spoken_wav(minutes: float) -> tuple[Path, str]:
    """``(wav, reference text)``: about ``minutes`` of espeak-ng speech of the meeting script, cached in bench/.work."""
    spoken = MEETING.spoken
    repeats = int(minutes * 150) // len(spoken.split()) + 1
    reference = "\n\n".join([spoken] * repeats)
    wav = WORK / f"speech-{minutes:g}min-{MEETING.fingerprint}.wav"
    if not wav.exists():
        speak_to_wav(reference, wav)
    return wav, reference


def speech_audio(minutes: float) -> tuple[Path, str]:
    """``(m4a path, reference text)``: :func:`spoken_wav` encoded as the endpoint receives it."""
    wav, reference = spoken_wav(minutes)
    out = wav.with_name(f"{wav.stem}-{AUDIO_BITRATE_BPS}.m4a")
    if not out.exists():
        encode_like_mediaconvert(wav, out)
    return out, reference


def comparable_words(text: str) -> list[str]:
    """Words with numbers and e-mail addresses in one form, however they were written.

    The script spells numbers and the e-mail address out ("five five five, three one four",
    "margaret dot wilson at example dot com"); recognition writes "555-314" and "@". Numbers become
    single digits and addresses "dot"/"at" words on both sides, so WER counts recognition errors,
    not spelling conventions.
    """
    from postprocess.pii.core.spoken import normalize_spoken_numbers

    text = re.sub(r"\S+@\S+", lambda m: m.group().replace("@", " at ").replace(".", " dot "), text.lower())
    text = normalize_spoken_numbers(text).text
    text = re.sub(r"\d", lambda m: f" {m.group()} ", text)
    return normalise_words(text)


def word_error_rate(reference: str, hypothesis: str) -> float:
    return jiwer.wer(" ".join(comparable_words(reference)), " ".join(comparable_words(hypothesis)))


def name(strategy: str, batch: int) -> str:
    return strategy + (f", batch {batch}" if strategy == "chunked" else "")


# -- one run, in a process of its own --------------------------------------------------------------
def run_one(strategy: str, batch: int, audio: Path) -> dict[str, object]:
    from pipeline.asr.engine import load_engine

    settings = Settings(home=WORK, model=OFFLINE_MODEL, engine=EngineSettings(strategy=strategy, batch_size=batch))
    started = time.perf_counter()
    speech_engine = load_engine(OFFLINE_MODEL, settings=settings)
    loaded = time.perf_counter()
    transcript = speech_engine.transcribe(audio)
    done = time.perf_counter()
    return {
        "load": loaded - started,
        "transcribe": done - loaded,
        "text": transcript.text,
        "duration": transcript.duration,
        "speech": transcript.speech_seconds,
        "covered": transcript.covered_seconds,
        "warnings": len(transcript.warnings),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def in_fresh_process(strategy: str, batch: int, audio: Path) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.bench_engines", "--one", strategy, str(batch), str(audio)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    parser.add_argument("--one", nargs=3, metavar=("STRATEGY", "BATCH", "AUDIO"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        strategy, batch, audio = args.one
        print(json.dumps(run_one(strategy, int(batch), Path(audio))))
        return

    WORK.mkdir(exist_ok=True)
    audio, reference = speech_audio(args.minutes)
    runs: dict[Config, list[dict[str, object]]] = {c: [] for c in CONFIGS}
    for n in range(args.repeats):
        for config in CONFIGS:
            result = in_fresh_process(*config, audio)
            runs[config].append(result)
            print(
                f"run {n + 1} {name(*config)}: transcribe {result['transcribe']:.1f} s, "
                f"WER {word_error_rate(reference, str(result['text'])):.1%}, peak {result['peak_mb']:.0f} MB",
                flush=True,
            )

    med = statistics.median
    duration = float(runs[CONFIGS[0]][0]["duration"])  # type: ignore[arg-type]
    stats = {}
    for config, results in runs.items():
        stats[config] = {
            "transcribe": med(float(r["transcribe"]) for r in results),  # type: ignore[arg-type]
            "wer": med(word_error_rate(reference, str(r["text"])) for r in results),
            "peak": med(float(r["peak_mb"]) for r in results),  # type: ignore[arg-type]
            "covered": med(float(r["covered"]) / max(float(r["speech"]), 1e-9) for r in results),  # type: ignore[arg-type]
            "same": "yes" if len({r["text"] for r in results}) == 1 else "NO",
            "text": str(results[0]["text"]),
        }
    base = stats[CONFIGS[0]]
    rows = [
        f"| {name(*c)} | {s['transcribe']:.1f} | {s['transcribe'] / duration:.3f} | "
        f"{base['transcribe'] / s['transcribe']:.2f}× | {s['wer']:.1%} | {s['peak']:.0f} | {s['covered']:.1%} | "
        f"{s['same']} |"
        for c, s in stats.items()
    ]
    fw = stats
    fw_seq = fw[("sequential", 1)]
    eligible = [
        c
        for c, s in fw.items()
        if c[0] == "chunked" and s["wer"] <= fw_seq["wer"] + WER_TOLERANCE and s["peak"] <= ENGINE_MEMORY_MB
    ]
    fastest = min(eligible, key=lambda c: fw[c]["transcribe"]) if eligible else None
    verdict = (
        f"chunked decoding, batch {fastest[1]}: WER {fw[fastest]['wer']:.1%} against {fw_seq['wer']:.1%} sequential "
        f"(allowed: +{WER_TOLERANCE * 100:.1f} points), "
        f"{fw_seq['transcribe'] / fw[fastest]['transcribe']:.2f}× faster, "
        f"the fastest whose peak memory leaves room for the enrichment within the {MEMORY_TARGET_MB} MB of a run "
        f"(engine ≤ {ENGINE_MEMORY_MB} MB)"
        if fastest
        else "none: every chunked configuration lost more than the allowed WER or needs too much memory, "
        "sequential stays the default"
    )
    load = os.getloadavg()[0]
    body = (
        f"`python -m bench.bench_engines --minutes {args.minutes:g} --repeats {args.repeats}` — "
        f"{duration / 60:.1f} min of espeak-ng speech (the meeting script repeated; mono 16 kHz AAC in M4A, as the "
        f"endpoint receives it), Whisper tiny.en on faster-whisper, int8, beam 5, "
        f"every run in a fresh process, {args.repeats} alternating runs, medians, {os.cpu_count()} cores shared with "
        f"other work (load average {load:.1f} at the end), Python {platform.python_version()}.\n\n"
        "| strategy | transcribe (s) | real-time factor | speed vs sequential | WER | "
        "peak memory (MB) | speech covered | same text every run |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n\n"
        f"**Default**: {verdict}. "
        "Real-time factor = transcription seconds / audio seconds. WER is against the "
        "script as spoken, numbers as single digits and e-mail addresses as words on both sides. Peak memory is the "
        "process's maximum resident set (model, audio window, decoding). Speech covered = covered_seconds / "
        "speech_seconds of the transcript.\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


if __name__ == "__main__":
    main()
