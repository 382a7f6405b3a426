"""End-to-end benchmark of `clearscribe run` against faster-whisper alone, side by side.

A 10-minute speech video (espeak-ng + ffmpeg) goes through (a) faster-whisper alone — model
load plus transcription of the same file with the same settings — and (b) the whole local
pipeline (validation, extraction, model load, transcription, enrichment, writing, job store).
Runs alternate, and the medians are reported with the pipeline's overhead: everything but
the ASR call, as a share of the pipeline's total.

    python -m bench.bench_pipeline [--minutes 10] [--repeats 3] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
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
    segments, _info = model.transcribe(str(video), language="en", beam_size=settings.beam_size, vad_filter=True,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", type=Path, help="update the '## Local pipeline' section of this markdown file")
    args = parser.parse_args()

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
