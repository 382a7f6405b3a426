"""Parallel batches: ``clearscribe run`` on 8 recordings with ``--jobs 1`` and with the default, side by side.

Eight short recordings (espeak-ng speech of the meeting script, a different stretch of it in each,
in mp4, cached in ``bench/.work``) go through one whole ``clearscribe run --model offline-tiny.en``
each time, in a fresh process with a fresh data dir, the two settings alternating which goes first:

* ``--jobs 1``: one input after another, the engine on every core (the behaviour before ``--jobs``);
* the default: as many inputs at once as ``pipeline.local.parallelism`` decides on this machine,
  each in a worker process with its share of the cores;
* for comparison, the mechanism not chosen: as many threads in one process, sharing one model
  (faster-whisper's ``num_workers``, so CTranslate2 decodes for several threads at once, each with
  the same share of the cores) and one set of enrichers, each thread running inputs through the
  same ``LocalRunner`` (``THREADS`` below; not part of clearscribe).

Wall time is the whole command, start-up included. Peak memory is the largest **sum of the
resident memory of the command's process tree** (the command and its worker processes, read from
``/proc`` every 0.1 s): what the batch takes from the machine at its busiest. Medians over the
repeats; every run must complete every input and both settings must give the same job ids.

    python -m bench.bench_batch [--recordings 8] [--repeats 3] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.report import replace_section
from pipeline.local.parallelism import cpu_cores
from shared.config import OFFLINE_MODEL
from tests.support.scripts import MEETING, sentences
from tests.support.speech import make_speech_video

WORK = Path(__file__).with_name(".work")
HEADING = "## Parallel batches"
SAMPLE_SECONDS = 0.1

#: Threads sharing one model (argv: jobs, threads each, home, model, inputs...), one JSON line per input.
THREADS = """
import dataclasses, json, sys, threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from faster_whisper import BatchedInferencePipeline, WhisperModel
from pipeline.asr.engine import load_engine, resolve_model_dir
from pipeline.local.runner import LocalRunner
from shared.config import Settings
from shared.jobstore.sqlite import SQLiteJobStore
jobs, threads, home, model = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
settings = Settings.from_env(home=home).with_(model=model)
shared = dataclasses.replace(settings, engine=dataclasses.replace(settings.engine, cpu_threads=threads))
engine = load_engine(model, settings=shared)
compute_type = shared.engine.resolved().compute_type
engine._model = WhisperModel(resolve_model_dir(model)[0], device="cpu", compute_type=compute_type,
                             cpu_threads=threads, num_workers=jobs)
engine._batched = BatchedInferencePipeline(engine._model)
store, local = SQLiteJobStore(settings.jobs_db), threading.local()
def run(path):
    if not hasattr(local, "runner"):
        local.runner = LocalRunner(settings, store, engine_factory=lambda: engine)
    return local.runner.run(Path(path)).to_dict()
with ThreadPoolExecutor(jobs) as pool:
    for outcome in pool.map(run, sys.argv[5:]):
        print(json.dumps(outcome))
"""


def recordings(count: int) -> list[Path]:
    """``count`` recordings of 5 sentences of the meeting script each, every one a different stretch."""
    spoken = sentences(MEETING.spoken)
    out = []
    for n in range(count):
        path = WORK / f"batch-{n + 1}-of-{count}-{MEETING.fingerprint}.mp4"
        if not path.exists():
            start = (n * 5) % max(len(spoken) - 5, 1)
            make_speech_video(f"Part {n + 1}. " + " ".join(spoken[start : start + 5]), path)
        out.append(path)
    return out


def _tree_rss_bytes(root: int) -> int:
    """The resident memory of ``root`` and every process below it, summed."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            parents[int(entry.name)] = int(fields[1])
            rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid and p not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(p, 0) for p in tree)


def run_batch(paths: list[Path], jobs: str | None, *, threads: tuple[int, int] | None = None) -> dict[str, float | str]:
    """One ``clearscribe run`` of ``paths`` (with ``threads``: ``(jobs, threads each)``, the threads of
    ``THREADS`` instead): wall seconds, peak tree memory (MB), the plan it printed."""
    home = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    exe = Path(sys.executable).with_name("clearscribe")
    command = [str(exe), "run", *map(str, paths), "--model", OFFLINE_MODEL, "--json", "--home", str(home)]
    if jobs is not None:
        command += ["--jobs", jobs]
    if threads is not None:
        command = [sys.executable, "-c", THREADS, *map(str, threads), str(home), OFFLINE_MODEL, *map(str, paths)]
    env = {k: v for k, v in os.environ.items() if k not in ("CLEARSCRIBE_JOBS", "CLEARSCRIBE_CPU_THREADS")}
    peak = 0
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(SAMPLE_SECONDS):
                peak = max(peak, _tree_rss_bytes(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, err = proc.communicate()
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        if proc.returncode != 0:
            raise RuntimeError(f"clearscribe run failed ({proc.returncode}): {err[-1500:]}")
        lines = [json.loads(line) for line in out.splitlines()]
        assert len(lines) == len(paths) and all(line["status"] == "COMPLETE" for line in lines), lines
        plan = re.search(r"(\d+) at a time, (\d+) CPU threads? each", err)
        if threads is not None:
            described = f"{threads[0]} threads, one model, {threads[1]} CPU thread{'s' if threads[1] != 1 else ''} each"
        else:
            described = plan.group(0) if plan else "1 at a time, every core"
        return {
            "wall": wall,
            "peak_mb": peak / 1e6,
            "plan": described,
            "at_once": int(plan.group(1)) if plan else 1,
            "threads_each": int(plan.group(2)) if plan else cpu_cores(),
            "jobs": ",".join(line["job_id"] for line in lines),
        }
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recordings", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", type=Path, help="write the section into this markdown file")
    args = parser.parse_args()

    paths = recordings(args.recordings)
    audio = sum(_duration(p) for p in paths)
    run_batch(paths[:2], "1")  # the page cache and the byte-compiled modules, once, unmeasured
    results: dict[str, list[dict[str, float | str]]] = {"--jobs 1": [], "default": [], "threads": []}
    loads = [os.getloadavg()[0]]
    default_plan: tuple[int, int] | None = None
    for n in range(args.repeats):
        order = ("--jobs 1", "default", "threads") if n % 2 == 0 else ("threads", "default", "--jobs 1")
        if default_plan is None:  # the threads run as many jobs as the default, so the default goes first
            order = ("default", "--jobs 1", "threads")
        for name in order:
            if name == "threads":
                assert default_plan is not None
                result = run_batch(paths, None, threads=default_plan)
            else:
                result = run_batch(paths, "1" if name == "--jobs 1" else None)
            if name == "default":
                default_plan = (int(result["at_once"]), int(result["threads_each"]))
            results[name].append(result)
            print(f"run {n + 1}, {name}: {result['wall']:.1f} s, {result['peak_mb']:.0f} MB", flush=True)
        loads.append(os.getloadavg()[0])
    assert len({str(r["jobs"]) for rows in results.values() for r in rows}) == 1, "all give the same jobs"

    def med(name: str, key: str) -> float:
        return statistics.median(float(r[key]) for r in results[name])

    rows = [
        f"| `--jobs 1` ({results['--jobs 1'][0]['plan']}) | {med('--jobs 1', 'wall'):.1f} s | "
        f"{med('--jobs 1', 'peak_mb'):.0f} MB |",
        f"| default ({results['default'][0]['plan']}) | {med('default', 'wall'):.1f} s | "
        f"{med('default', 'peak_mb'):.0f} MB |",
        f"| default / `--jobs 1` | {med('default', 'wall') / med('--jobs 1', 'wall'):.2f}× | "
        f"{med('default', 'peak_mb') / med('--jobs 1', 'peak_mb'):.2f}× |",
        f"| not chosen: {results['threads'][0]['plan']} | {med('threads', 'wall'):.1f} s | "
        f"{med('threads', 'peak_mb'):.0f} MB |",
    ]
    wall_ratio = med("default", "wall") / med("--jobs 1", "wall")
    mem_ratio = med("default", "peak_mb") / med("--jobs 1", "peak_mb")
    threads_wall = med("threads", "wall") / med("default", "wall")
    threads_mem = med("threads", "peak_mb") / med("default", "peak_mb")
    body = (
        f"`python -m bench.bench_batch --recordings {args.recordings} --repeats {args.repeats}` — "
        f"{args.recordings} recordings of espeak-ng speech (the meeting script, a different stretch in each, "
        f"{audio / 60:.1f} min in all, mp4), one whole `clearscribe run --model {OFFLINE_MODEL} --json` per "
        f"measure in a fresh process with a fresh data dir, the three in turn, the order alternating, "
        f"{args.repeats} runs of each, medians; {cpu_cores()} cores **shared with other work** (load average "
        f"{min(loads):.1f}–{max(loads):.1f} during the runs), Python {platform.python_version()}. Wall time is the "
        "whole command, start-up and model loading included. Peak memory is the largest sum of the resident "
        "memory of the command's process tree (the command and its workers, sampled every 0.1 s).\n\n"
        f"| batch of {args.recordings} | wall time (median) | peak memory (median) |\n|---|---:|---:|\n"
        + "\n".join(rows)
        + "\n\n"
        "All three give the same job ids and every input completes. What it means: the default runs inputs in "
        f"worker processes, each loading its own model and enrichers; it took {wall_ratio:.2f}× the wall time of "
        f"`--jobs 1` for {mem_ratio:.2f}× its memory. Threads sharing one model took {threads_wall:.2f}× the "
        f"default's wall time with {threads_mem:.2f}× its memory; `--jobs` does not use them because an interrupt "
        "cannot reach a thread until the decoder's current window ends, and the enrichers would share one "
        f"interpreter lock (`pipeline/local/batch.py`). On {cpu_cores()} cores shared with other work the gap "
        "depends on that work: one job decoding on every core has its CTranslate2 threads wait for each other "
        "whenever another program takes a core, which one thread per job avoids; on an idle machine the gain is "
        "what overlapping one job's start-up, extraction and enrichment with another's decoding gives, and more "
        "cores run more jobs at once.\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


def _duration(path: Path) -> float:
    from pipeline.local.media import probe_media

    return probe_media(path, max_bytes=1 << 40, max_duration_seconds=1 << 20).duration_seconds


if __name__ == "__main__":
    main()
