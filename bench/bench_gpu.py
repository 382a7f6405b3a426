"""The endpoint's engine on a CUDA GPU: real-time factor and peak GPU memory.

Run it on a machine like the endpoint's instance (ml.g4dn.xlarge: one T4) with the CUDA 12 cuBLAS
CTranslate2 loads (docs/model.md), after ``pip install -e '.[local]'``:

    python -m bench.bench_gpu --model DIR [--minutes 15] [--compute-type float16] [--batch-size 16]
                              [--repeats 3] [--write docs/benchmarks.md]

``DIR`` is the CTranslate2 model the endpoint ships (``distil-whisper/distil-large-v3-ct2``, e.g.
``huggingface-cli download distil-whisper/distil-large-v3-ct2 --local-dir DIR``). The engine runs
exactly as ``model_fn`` builds it: ``WhisperEngine`` with ``CLEARSCRIBE_DEVICE=cuda`` and the given
compute type and batch size, beam 5, the whole decoding policy. The recording is espeak-ng speech of
the meeting script (``bench.bench_pipeline.speech_video``). Peak GPU memory is the highest
``memory.used`` ``nvidia-smi`` reports while the engine runs, less what was in use before it loaded.

The result replaces the "GPU" section of ``--write``, which until then gives faster-whisper's
published figures, labelled as published. Without a CUDA device it stops at once and says so.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import subprocess
import threading
import time
from pathlib import Path

from bench.bench_pipeline import speech_video
from bench.report import replace_section
from shared.engine_settings import EngineSettings, cuda_device_count

HEADING = "## GPU"


def gpu_memory_mb() -> float:
    out = subprocess.run(
        ["nvidia-smi", "--query-gpu=memory.used", "--format=csv,noheader,nounits", "--id=0"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(out.strip().splitlines()[0])


class PeakGpuMemory:
    """The highest GPU memory in use while the ``with`` block runs (polled every 100 ms)."""

    def __enter__(self) -> PeakGpuMemory:
        self.peak = gpu_memory_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, gpu_memory_mb())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, required=True, help="a CTranslate2 Whisper model directory")
    parser.add_argument("--minutes", type=float, default=15)
    parser.add_argument("--compute-type", default="float16")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    args = parser.parse_args()
    if cuda_device_count() < 1 or shutil.which("nvidia-smi") is None:
        print("bench_gpu: no CUDA device here (CTranslate2 sees none, or nvidia-smi is missing): run it on a GPU")
        return 1

    from pipeline.asr.inference.engine import WhisperEngine

    settings = EngineSettings(device="cuda", compute_type=args.compute_type, batch_size=args.batch_size)
    video = speech_video(args.minutes)
    before = gpu_memory_mb()
    with PeakGpuMemory() as memory:
        engine = WhisperEngine(str(args.model), settings=settings)
        times = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            transcript = engine.transcribe(video)
            times.append(time.perf_counter() - started)
    seconds = statistics.median(times)
    gpu = subprocess.run(
        ["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader", "--id=0"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    body = (
        f"`python -m bench.bench_gpu --model {args.model.name} --minutes {args.minutes:g} --compute-type "
        f"{args.compute_type} --batch-size {args.batch_size} --repeats {args.repeats}` — measured on {gpu}, "
        f"Python {platform.python_version()}: {transcript.duration / 60:.1f} min of espeak-ng speech, the engine as "
        "the endpoint builds it (beam 5, the whole decoding policy), median of the runs.\n\n"
        "| model | compute type | batch | transcribe (s) | real-time factor | peak GPU memory |\n"
        "|---|---|---:|---:|---:|---:|\n"
        f"| {args.model.name} | {args.compute_type} | {args.batch_size} | {seconds:.1f} | "
        f"{seconds / transcript.duration:.4f} | {memory.peak - before:.0f} MB |\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
