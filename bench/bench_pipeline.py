"""End-to-end benchmark: ``clearscribe run`` against bare faster-whisper, side by side.

A recording of about 15 minutes of speech (espeak-ng + ffmpeg, the meeting script repeated, in an
mp4) goes through, alternately, each in a fresh process:

* **bare faster-whisper**: ``WhisperModel`` loaded, ``BatchedInferencePipeline.transcribe`` on the
  file with the same model, compute type, beam width, batch size, VAD and word timestamps, every
  segment consumed;
* **the whole local pipeline**: ``clearscribe run`` (validation, extraction, VAD, ASR, the
  coverage checks, enrichment, every output, the job store).

It reports the medians of wall time and peak memory (the process's maximum resident set) and the
ratio of the medians; the target is at most 1.05×.

    python -m bench.bench_pipeline [--minutes 15] [--repeats 3] [--write docs/benchmarks.md]

With ``--memory-minutes 10,60`` it measures instead the peak memory of a whole ``clearscribe run``
process on recordings of each length: the audio is read window by window, so the peak must not grow
with the duration (target: ≤ 600 MB for one hour with offline-tiny.en).

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
from postprocess.document import EnrichedTranscript
from shared.config import OFFLINE_MODEL
from shared.engine_settings import EngineSettings
from tests.support.scripts import MEETING
from tests.support.speech import ffmpeg_exe, make_speech_video

WORK = Path(__file__).with_name(".work")
HEADING = "## Local pipeline"
MEMORY_HEADING = "## Memory on long recordings"
MEMORY_TARGET_MB = 600
TARGET_RATIO = 1.05

#: Bare faster-whisper, as its README shows it, with the engine's settings (argv: model dir, file,
#: compute type, threads, beam, batch size).
BARE = """
import sys
from faster_whisper import BatchedInferencePipeline, WhisperModel
model_dir, path, compute_type, threads, beam, batch = sys.argv[1:]
model = WhisperModel(model_dir, device="cpu", compute_type=compute_type, cpu_threads=int(threads))
segments, info = BatchedInferencePipeline(model).transcribe(
    path, language="en", beam_size=int(beam), batch_size=int(batch), vad_filter=True, word_timestamps=True,
    condition_on_previous_text=False, temperature=0.0,
)
print(sum(len(s.words or ()) for s in segments))
"""


def speech_video(minutes: float) -> Path:
    """A video of ``minutes`` of espeak-ng speech (the meeting script repeated), cached in bench/.work."""
    out = WORK / f"speech-{minutes:g}min-{MEETING.fingerprint}.mp4"
    if not out.exists():
        long = out.with_name(f".long-{out.name}")
        words_needed = int(minutes * 160)
        spoken = MEETING.spoken
        make_speech_video(" ".join([spoken] * (words_needed // len(spoken.split()) + 1)), long)
        subprocess.run([ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-i", str(long), "-t", str(minutes * 60),
                        "-c", "copy", str(out)], check=True)  # fmt: skip
        long.unlink()
    return out


def _timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """``(wall seconds, peak MB, stdout)`` of ``command`` run to its end in a fresh process."""
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "peak-kb %M", *command], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {proc.stderr[-1500:]}")
    peak_kb = next(int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("peak-kb "))
    return wall, peak_kb / 1024, proc.stdout


def bare(video: Path) -> dict[str, float]:
    from pipeline.asr.offline_models import offline_model_dir

    settings = EngineSettings().resolved(cuda_devices=0)
    wall, peak, out = _timed([sys.executable, "-c", BARE, str(offline_model_dir(OFFLINE_MODEL)), str(video),
                              settings.compute_type, str(settings.cpu_threads), str(settings.beam_size),
                              str(settings.batch_size)])  # fmt: skip
    return {"wall": wall, "peak_mb": peak, "words": float(out.strip().splitlines()[-1])}


def whole_run(video: Path) -> dict[str, float]:
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    try:
        exe = Path(sys.executable).with_name("clearscribe")
        wall, peak, out = _timed([str(exe), "run", str(video), "--model", OFFLINE_MODEL, "--json", "--home", str(home)])
        outcome = json.loads(out.splitlines()[0])
        path = Path(outcome["outputs"]["json"])
        enriched = EnrichedTranscript.from_json(path.read_bytes(), where=str(path))
        covered, speech = enriched.transcript.covered_seconds, enriched.transcript.speech_seconds
        return {
            "wall": wall,
            "peak_mb": peak,
            "duration": enriched.source.duration_seconds,
            "words": float(enriched.word_count),
            "covered": (covered or 0.0) / speech if speech else 0.0,
            **enriched.timings,
        }
    finally:
        shutil.rmtree(home, ignore_errors=True)


def overhead_main(minutes: float, repeats: int, write: Path | None) -> None:
    video = speech_video(minutes)
    whole_run(video)  # the page cache and the byte-compiled modules, once, unmeasured
    bare_runs: list[dict[str, float]] = []
    runs: list[dict[str, float]] = []
    for n in range(repeats):
        first, second = (bare, whole_run) if n % 2 == 0 else (whole_run, bare)  # alternate who goes first
        for measure in (first, second):
            (bare_runs if measure is bare else runs).append(measure(video))
        print(f"run {n + 1}: bare {bare_runs[-1]['wall']:.1f} s, clearscribe run {runs[-1]['wall']:.1f} s", flush=True)

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    ratio = med(runs, "wall") / med(bare_runs, "wall")
    settings = EngineSettings().resolved(cuda_devices=0)
    table = (
        "| | wall time (median) | peak memory (median) |\n|---|---:|---:|\n"
        f"| bare faster-whisper `BatchedInferencePipeline` | {med(bare_runs, 'wall'):.1f} s | "
        f"{med(bare_runs, 'peak_mb'):.0f} MB |\n"
        f"| `clearscribe run` | {med(runs, 'wall'):.1f} s | {med(runs, 'peak_mb'):.0f} MB |\n"
        f"| ratio | {ratio:.3f}× | {med(runs, 'peak_mb') / med(bare_runs, 'peak_mb'):.2f}× |\n"
    )
    stages = (
        "\n| stage of `clearscribe run` (median) | seconds |\n|---|---:|\n"
        f"| validate + extract audio (model and enrichers load meanwhile) | {med(runs, 'extract_seconds'):.2f} |\n"
        f"| transcribe (VAD, ASR, coverage checks) | {med(runs, 'transcribe_seconds'):.1f} |\n"
        f"| enrich + write outputs | {med(runs, 'enrich_seconds'):.2f} |\n"
    )
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    body = (
        f"`python -m bench.bench_pipeline --minutes {minutes:g} --repeats {repeats}` — "
        f"{med(runs, 'duration') / 60:.1f} min of espeak-ng speech in an mp4, {repeats} runs of each, alternating "
        f"which goes first, every run in a fresh process; model `{OFFLINE_MODEL}`, {settings.compute_type}, beam "
        f"{settings.beam_size}, batch {settings.batch_size}, VAD and word timestamps on both sides; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.\n\n{table}{stages}\n"
        f"Target: `clearscribe run` ≤ {TARGET_RATIO}× the bare pipeline's wall time — {verdict}. Words: bare "
        f"{med(bare_runs, 'words'):.0f} as decoded, clearscribe {med(runs, 'words'):.0f} in the clean text (each "
        f"redacted value, a read-out card number of 16 words among them, is one placeholder there); speech covered "
        f"{med(runs, 'covered'):.1%}.\n"
    )
    print(body)
    if write:
        replace_section(write, HEADING, body)


def memory_main(minutes: list[float], write: Path | None) -> None:
    rows = []
    worst = 0.0
    for length in minutes:
        result = whole_run(speech_video(length))
        worst = max(worst, result["peak_mb"])
        print(f"{length:g} min: peak {result['peak_mb']:.0f} MB in {result['wall']:.0f} s", flush=True)
        rows.append(
            f"| {result['duration'] / 60:.1f} min | {result['words']:,.0f} | {result['peak_mb']:.0f} MB | "
            f"{result['transcribe_seconds']:.0f} s | {result['transcribe_seconds'] / result['duration']:.3f} | "
            f"{result['covered']:.1%} | {result['wall']:.0f} s |"
        )
    verdict = "met" if worst <= MEMORY_TARGET_MB else "NOT met"
    settings = EngineSettings().resolved(cuda_devices=0)
    body = (
        f"`python -m bench.bench_pipeline --memory-minutes {','.join(f'{m:g}' for m in minutes)}` — one "
        f"`clearscribe run --model {OFFLINE_MODEL}` per recording in a fresh process (espeak-ng speech of the "
        "meeting script, repeated, in an mp4), peak memory = the process's maximum resident set (`/usr/bin/time`), "
        f"default decoding (chunked, batches of {settings.batch_size}), {os.cpu_count()} cores shared with other "
        f"work, Python {platform.python_version()}.\n\n"
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
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", type=Path, help="update this markdown file's section")
    parser.add_argument("--memory-minutes", help="comma-separated lengths: measure peak memory instead")
    args = parser.parse_args()
    if args.memory_minutes:
        memory_main([float(m) for m in args.memory_minutes.split(",")], args.write)
    else:
        overhead_main(args.minutes, args.repeats, args.write)


if __name__ == "__main__":
    main()
