"""End-to-end benchmark of `clearscribe run` against faster-whisper alone, side by side.

A 10-minute speech video (espeak-ng + ffmpeg) goes through (a) faster-whisper alone — model
load plus transcription of the same file with the same settings — and (b) the whole local
pipeline (validation, extraction, model load, transcription, enrichment, writing, job store).
Runs alternate, and the medians are reported with the pipeline's overhead: everything but
the ASR call, as a share of the pipeline's total.

    python -m bench.bench_pipeline [--minutes 10] [--repeats 3] [--write docs/benchmarks.md]

With ``--memory-minutes 10,60`` it measures instead the peak memory (maximum resident set) of a
whole ``clearscribe run`` process on recordings of each length, one fresh process each: the audio
is decoded window by window, so the peak must not grow with the duration (target: ≤ 600 MB for
one hour with offline-tiny.en).

    python -m bench.bench_pipeline --memory-minutes 10,60 [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.report import replace_section
from pipeline.asr.engine import FasterWhisperEngine, resolve_model_dir
from pipeline.local.runner import LocalRunner
from shared.config import OFFLINE_MODEL, Settings
from shared.jobstore.sqlite import SQLiteJobStore
from tests.support.scripts import MEETING
from tests.support.speech import make_speech_video

WORK = Path(__file__).with_name(".work")
MEMORY_HEADING = "## Memory on long recordings"
MEMORY_TARGET_MB = 600


def speech_video(minutes: float) -> Path:
    """A video of about ``minutes`` of speech, cached in bench/.work."""
    out = WORK / f"speech-{minutes:g}min-{MEETING.fingerprint}.mp4"
    if not out.exists():
        words_needed = int(minutes * 150)
        spoken = MEETING.spoken
        text = " ".join([spoken] * (words_needed // len(spoken.split()) + 1))
        make_speech_video(text, out)
    return out


def faster_whisper_alone(video: Path, settings: Settings) -> float:
    from faster_whisper import WhisperModel

    started = time.perf_counter()
    source, _ = resolve_model_dir(OFFLINE_MODEL)
    model = WhisperModel(source, device="cpu", compute_type=settings.compute_type,
                         cpu_threads=settings.cpu_threads or os.cpu_count() or 1)  # fmt: skip
    segments, _info = model.transcribe(str(video), language="en", beam_size=settings.beam_size or 5, vad_filter=True,
                                       condition_on_previous_text=False)  # fmt: skip
    for _ in segments:
        pass
    return time.perf_counter() - started


def whole_pipeline(video: Path) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    try:
        settings = Settings(home=home, model=OFFLINE_MODEL)
        asr: dict[str, float] = {}

        class TimedEngine(FasterWhisperEngine):
            def transcribe(self, audio_path, *, on_progress=None):  # type: ignore[no-untyped-def]
                started = time.perf_counter()
                try:
                    return super().transcribe(audio_path, on_progress=on_progress)
                finally:
                    asr["asr_call"] = time.perf_counter() - started

        runner = LocalRunner(settings, SQLiteJobStore(settings.jobs_db),
                             engine_factory=lambda: TimedEngine(OFFLINE_MODEL, settings=settings))  # fmt: skip
        started = time.perf_counter()
        outcome = runner.run(video)
        total = time.perf_counter() - started
        if outcome.error:
            raise RuntimeError(f"pipeline failed: {outcome.error}")
        timings = json.loads(Path(outcome.outputs["json"]).read_text("utf-8"))["timings"]
        return {"total": total, **timings, **asr}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def peak_memory(video: Path) -> dict[str, float]:
    """``clearscribe run`` on ``video`` in a fresh process (fresh home): its peak RSS and times."""
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    try:
        exe = Path(sys.executable).with_name("clearscribe")
        started = time.perf_counter()
        proc = subprocess.run(
            ["/usr/bin/time", "-f", "peak-kb %M", str(exe), "run", str(video), "--model", OFFLINE_MODEL, "--json",
             "--home", str(home)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        total = time.perf_counter() - started
        peak_kb = next(int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("peak-kb "))
        outcome = json.loads(proc.stdout.splitlines()[0])
        enriched = json.loads(Path(outcome["outputs"]["json"]).read_text("utf-8"))
        return {
            "peak_mb": peak_kb / 1024,
            "total": total,
            "duration": enriched["source"]["duration_seconds"],
            "transcribe": enriched["timings"]["transcribe_seconds"],
            "words": len(enriched["transcript"]["text"].split()),
            "covered": enriched["transcript"]["covered_seconds"] / enriched["transcript"]["speech_seconds"],
        }
    finally:
        shutil.rmtree(home, ignore_errors=True)


def memory_main(minutes: list[float], write: Path | None) -> None:
    rows = []
    worst = 0.0
    for length in minutes:
        result = peak_memory(speech_video(length))
        worst = max(worst, result["peak_mb"])
        print(f"{length:g} min: peak {result['peak_mb']:.0f} MB in {result['total']:.0f} s", flush=True)
        rows.append(
            f"| {result['duration'] / 60:.1f} min | {result['words']:,} | {result['peak_mb']:.0f} MB | "
            f"{result['transcribe']:.0f} s | {result['transcribe'] / result['duration']:.3f} | "
            f"{result['covered']:.1%} | {result['total']:.0f} s |"
        )
    verdict = "met" if worst <= MEMORY_TARGET_MB else "NOT met"
    body = (
        f"`python -m bench.bench_pipeline --memory-minutes {','.join(f'{m:g}' for m in minutes)}` — one "
        f"`clearscribe run --model {OFFLINE_MODEL}` per recording in a fresh process (espeak-ng speech of the "
        "meeting script, repeated, in an mp4), peak memory = the process's maximum resident set (`/usr/bin/time`), "
        f"default decoding (chunked, batches of {Settings.batch_size}), {os.cpu_count()} cores shared with other "
        f"work, Python "
        f"{platform.python_version()}.\n\n"
        "| recording | words | peak memory | transcribe stage | real-time factor | speech covered | whole run |\n"
        "|---|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n\n"
        f"Target: ≤ {MEMORY_TARGET_MB} MB for one hour — {verdict}. The whole run includes the enrichment (spaCy, "
        "presidio) after the transcription, with the speech model still loaded.\n"
    )
    print(body)
    if write:
        replace_section(write, MEMORY_HEADING, body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", type=Path, help="update the '## Local pipeline' section of this markdown file")
    parser.add_argument("--memory-minutes", help="comma-separated lengths: measure peak memory instead")
    args = parser.parse_args()
    if args.memory_minutes:
        memory_main([float(m) for m in args.memory_minutes.split(",")], args.write)
        return

    video = speech_video(args.minutes)
    settings = Settings(home=WORK)
    alone: list[float] = []
    runs: list[dict[str, float]] = []
    whole_pipeline(video)  # warm the page cache and imports once, unmeasured
    for n in range(args.repeats):
        alone.append(faster_whisper_alone(video, settings))
        runs.append(whole_pipeline(video))
        print(f"run {n + 1}: faster-whisper alone {alone[-1]:.1f} s, pipeline {runs[-1]['total']:.1f} s", flush=True)

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    from pipeline.local.media import probe_media

    duration = probe_media(video, max_bytes=settings.max_bytes, max_duration_seconds=10**6).duration_seconds
    overhead = [r["total"] - r["asr_call"] for r in runs]
    share = statistics.median(o / r["total"] for o, r in zip(overhead, runs, strict=True))
    rows = [
        ("audio", f"{duration / 60:.1f} min of speech ({video.stat().st_size / 1e6:.1f} MB mp4)"),
        ("faster-whisper alone (load + transcribe)", f"{statistics.median(alone):.1f} s"),
        ("clearscribe run, total", f"{med('total'):.1f} s"),
        ("— validate + extract audio (ffmpeg)", f"{med('extract_seconds'):.2f} s"),
        ("— transcribe stage (model load + ASR)", f"{med('transcribe_seconds'):.1f} s"),
        ("— of which the ASR call", f"{med('asr_call'):.1f} s"),
        ("— enrich + write outputs", f"{med('enrich_seconds'):.2f} s"),
        ("everything but the ASR call", f"{statistics.median(overhead):.1f} s = {share:.1%} of the total"),
        ("pipeline / faster-whisper alone", f"{med('total') / statistics.median(alone):.2f}×"),
    ]
    table = "| measure | median |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows)
    verdict = "met" if share <= 0.15 else "NOT met"
    body = (
        f"`python -m bench.bench_pipeline --minutes {args.minutes:g} --repeats {args.repeats}` — "
        f"{args.repeats} alternating runs of each, model `{OFFLINE_MODEL}` (int8, beam 5, VAD), "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.\n\n{table}\n\n"
        f"Target: everything but the ASR call ≤ 15% of the total — {verdict}.\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, "## Local pipeline", body)


if __name__ == "__main__":
    main()
