"""How many inputs ``clearscribe run`` works on at once, and how many CPU threads each one gets.

``--jobs N`` (or ``CLEARSCRIBE_JOBS``) says it; without either, the number comes from the machine:

    jobs = min(cores // threads per job, available memory // memory per job, inputs), at least 1

* **threads per job**: ``CLEARSCRIBE_CPU_THREADS`` when it is set, else 1. One CTranslate2 thread
  per job uses the cores better than several threads on one job, whose threads wait for each other
  when other work takes a core: on 2 busy cores, 8 short recordings took 70.9 s as two jobs of 1
  thread and 203.5 s as one job of 2 threads (docs/benchmarks.md, "Parallel batches"). With fewer
  inputs than cores, each job gets its share of the cores: ``cores // jobs`` threads
  (:func:`threads_per_job`).
* **memory per job**: the peak resident memory of one job, measured as
  ``RUNTIME_BYTES + WEIGHTS_FACTOR × size of the model's model.bin``: a job of ``offline-tiny.en``
  (72 MiB of weights) peaked at 437 MB on a short recording and 536 MB on 79 minutes, one of
  ``offline-base`` (138 MiB) at 525 MB on the short one. A model whose weights are not on this
  machine yet (a hub name not in the cache) counts as ``UNKNOWN_WEIGHTS_BYTES``, the size of
  ``distil-large-v3``'s float16 weights, the default model's.
* **available memory**: ``MemAvailable`` of ``/proc/meminfo`` (memory the kernel can hand out
  without swapping); where it cannot be read, memory sets no limit.
* on a CUDA device the default is 1: one model on the GPU already decodes 16 chunks at a time.

The rule is standard library only (the unit tier tests it with made-up machines); ``plan_jobs``
applies it to this machine and the model asked for.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from shared.env import env_int

if TYPE_CHECKING:
    from shared.config import Settings

ENV_JOBS = "CLEARSCRIBE_JOBS"
#: The CPU threads a job gets by default when there are more inputs than cores.
MIN_THREADS_PER_JOB = 1
#: A job's peak memory besides the speech model's weights (Python, the enrichers' spaCy pipeline
#: and recognizers, the VAD, a 5-minute audio window and its decoding), measured with offline-tiny.en
#: on 79 minutes of speech (536 MB) less its weights.
RUNTIME_BYTES = 450 * 1024**2
#: Resident bytes per byte of ``model.bin``: offline-base (138 MiB) peaked 87 MB above
#: offline-tiny.en (72 MiB) on the same recording, 1.32 bytes per byte of weights.
WEIGHTS_FACTOR = 1.32
#: ``distil-large-v3`` (the default model) in CTranslate2 float16, the weights of a hub model that
#: is not in the local cache yet.
UNKNOWN_WEIGHTS_BYTES = 1_510_000_000


def jobs_from_env(environ: Mapping[str, str] | None = None) -> int | None:
    """``CLEARSCRIBE_JOBS`` (a whole number of at least 1), or None when unset."""
    env = os.environ if environ is None else environ
    value = env_int(env, ENV_JOBS, 0, minimum=1)
    return value or None


def cpu_cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container limits), else all."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def available_memory_bytes(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """``MemAvailable`` in bytes; None where the kernel does not say."""
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            name, _, value = line.partition(":")
            if name == "MemAvailable":
                return int(value.split()[0]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def job_memory_bytes(model_dir: Path | None) -> int:
    """The peak memory of one job on the model in ``model_dir`` (None: weights not on this machine)."""
    try:
        weights = (model_dir / "model.bin").stat().st_size if model_dir is not None else UNKNOWN_WEIGHTS_BYTES
    except OSError:
        weights = UNKNOWN_WEIGHTS_BYTES
    return RUNTIME_BYTES + int(WEIGHTS_FACTOR * weights)


def default_jobs(
    *,
    inputs: int,
    cores: int,
    available_bytes: int | None,
    job_bytes: int,
    threads_asked: int = 0,
    gpu: bool = False,
) -> int:
    """The rule in the module docstring; ``threads_asked`` is ``CLEARSCRIBE_CPU_THREADS`` (0: unset)."""
    if gpu:
        return 1
    by_cores = cores // max(threads_asked or MIN_THREADS_PER_JOB, 1)
    by_memory = by_cores if available_bytes is None else available_bytes // max(job_bytes, 1)
    return max(1, min(by_cores, by_memory, inputs))


def threads_per_job(*, cores: int, jobs: int, threads_asked: int = 0) -> int:
    """CPU threads for each of ``jobs`` jobs at once: ``CLEARSCRIBE_CPU_THREADS`` when set (each job
    gets that many), else an even share of the cores, at least 1."""
    if threads_asked:
        return threads_asked
    return max(1, cores // max(jobs, 1))


def plan_jobs(asked: int | None, *, inputs: int, settings: Settings) -> tuple[int, int]:
    """``(inputs at once, CPU threads each)`` for a run of ``inputs`` files: ``--jobs`` (``asked``),
    else ``CLEARSCRIBE_JOBS``, else :func:`default_jobs` on this machine and ``settings.model``."""
    cores, threads_asked = cpu_cores(), settings.engine.cpu_threads
    jobs = asked or jobs_from_env()
    if jobs is None and inputs > 1:
        jobs = default_jobs(
            inputs=inputs,
            cores=cores,
            available_bytes=available_memory_bytes(),
            job_bytes=job_memory_bytes(model_weights_dir(settings.model)),
            threads_asked=threads_asked,
            gpu=settings.engine.resolved().device == "cuda",
        )
    jobs = max(1, min(jobs or 1, inputs))
    return jobs, threads_per_job(cores=cores, jobs=jobs, threads_asked=threads_asked)


def model_weights_dir(model: str) -> Path | None:
    """The directory of the model's weights on this machine; None when they are not here yet."""
    from pipeline.asr.engine import resolve_model_dir

    source, _ = resolve_model_dir(model)
    if Path(source).is_dir():
        return Path(source)
    try:
        from faster_whisper.utils import download_model

        return Path(download_model(source, local_files_only=True))
    except Exception:  # not in the local cache
        return None
