"""``clearscribe run --jobs N``: N inputs at once, each in a worker process of its own.

Why processes, not threads sharing one model. CTranslate2 releases the GIL and one model can serve
several threads, but a job is more than the decoder: the enrichers (spaCy, presidio) run Python
under the GIL, and an interrupt must reach the job while the decoder runs. Python delivers a signal
to the main thread only, between two steps of Python code; a worker process is a main thread of its
own, so Ctrl-C, SIGTERM and SIGHUP stop each running job exactly as they stop a sequential run
(``pipeline.local.interrupts``: the job recorded FAILED ``INTERRUPTED``, its extracted audio
removed). Threads would wait for the decoder's next window (up to 5 minutes of audio) before they
could stop. Speed does not decide it: on 2 busy cores, 8 short recordings took 70.9 s in two
processes and 73.3 s in two threads sharing one model, against 203.5 s one after another
(``bench/bench_batch.py``, docs/benchmarks.md "Parallel batches"). Memory is the price: 950 MB for
the two processes, 599 MB for the threads; the default number of jobs accounts for it
(``pipeline.local.parallelism``).

How it runs:

* the workers are started with ``spawn`` (a fresh interpreter: no lock or thread of this process
  is copied) and load the model and the enrichers while they wait for their first input; each
  runs inputs through the same ``LocalRunner`` as a sequential run, with the same job ids (the
  thread share is left out of the settings that make a job's identity), job locks and records;
* each worker has a pipe of its own to this process (no lock is shared between workers, so one
  that is killed cannot block the others); inputs go out in order, to whichever worker is free;
  a file named again goes out only when its
  previous turn has ended, so it is reported as the sequential run reports it (``reused``); two
  files of the same content under other names meet at the job's lock: one processes the job, the
  other waits and reports its result;
* results are handed to ``on_outcome`` **in input order** (stdout is then the same as a sequential
  run's); a line on stderr tells each input's end as it happens, in the order they finish;
* an interrupt of this process is passed on to every worker, which records its job INTERRUPTED
  and removes its audio; this process waits for them all before it ends. A worker dies with this
  process (``PR_SET_PDEATHSIG``), and a worker that dies on its own (killed, out of memory) fails
  its job as ``recovery`` would, and another worker takes its place.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from pipeline.local.interrupts import SIGNALS, Interrupted, interrupt_on_signals
from pipeline.local.jobs import RunOutcome
from postprocess.config import EnrichmentConfig
from shared.config import Settings
from shared.errors import ClearscribeError, JobInterruptedError
from shared.status import JobStatus

#: How long the workers get to record their jobs and clean up after an interrupt.
STOP_TIMEOUT_SECONDS = 60.0
_POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class WorkerConfig:
    """What every worker needs to run inputs as a sequential run would (sent to it pickled)."""

    settings: Settings
    enrichment: EnrichmentConfig
    out_dir: Path
    force: bool
    cpu_threads: int
    log_level: int


def run_batch(
    paths: Sequence[Path],
    config: WorkerConfig,
    *,
    jobs: int,
    on_outcome: Callable[[Path, RunOutcome], None],
    progress: TextIO | None = None,
) -> None:
    """Run ``paths`` in ``jobs`` worker processes; ``on_outcome`` gets each result in input order.
    ``progress`` (stderr; None: quiet) gets a line per input as it starts and ends."""
    Batch(paths, config, jobs=jobs, on_outcome=on_outcome, progress=progress).run()


class Worker:
    """A worker process and this process's end of its pipe."""

    def __init__(self, process: Any, conn: Any) -> None:
        self.process, self.conn = process, conn
        self.task: int | None = None  # the input it was last given, until it reports it done
        self.said_bye = False

    @property
    def pid(self) -> int:
        return int(self.process.pid)


class Batch:
    def __init__(
        self,
        paths: Sequence[Path],
        config: WorkerConfig,
        *,
        jobs: int,
        on_outcome: Callable[[Path, RunOutcome], None],
        progress: TextIO | None,
    ) -> None:
        self.paths = [Path(p) for p in paths]
        self.config = config
        self.jobs = max(1, min(jobs, len(self.paths)))
        self.on_outcome = on_outcome
        self.progress = progress
        self._ctx = multiprocessing.get_context("spawn")
        self._workers: list[Worker] = []
        self._waiting: deque[int] = deque()  # inputs ready to go out, in order
        self._after: dict[int, int] = {}  # input index → the next index of the same file
        self._outcomes: dict[int, RunOutcome] = {}
        self._reported = 0
        self._started_at: dict[int, float] = {}
        self._replacements = 0
        self._signal: int | None = None

    # -- the run ----------------------------------------------------------------------------------
    def run(self) -> None:
        self._say(
            f"{len(self.paths)} inputs, {self.jobs} at a time, "
            f"{self.config.cpu_threads} CPU thread{'s' if self.config.cpu_threads != 1 else ''} each"
        )
        self._waiting.extend(self.plan())
        # While the batch runs, a signal only sets a mark that the loop reads: an exception raised
        # in the middle of reading a worker's message (or printing a JSON line) would cut it in two.
        previous = {sig: signal.signal(sig, self._note_signal) for sig in SIGNALS}
        try:
            for _ in range(self.jobs):
                self._start_worker()
            while len(self._outcomes) < len(self.paths) and self._workers:
                if self._signal is not None:
                    raise Interrupted(self._signal)
                self._dispatch()
                conns = [w.conn for w in self._workers]
                for conn in multiprocessing.connection.wait(conns, timeout=_POLL_SECONDS):
                    self._receive(next(w for w in self._workers if w.conn is conn))
            self._fail_lost_inputs()
        except BaseException as exc:
            signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGTERM
            self._stop(signum)
            self._report_ready(skip_missing=True)
            raise
        else:
            self._stop(None)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def plan(self) -> list[int]:
        """The inputs that go out at once, in order; a file named again waits for its previous turn
        (``_after``) and goes out when that ends, as in a sequential run."""
        first: list[int] = []
        last_of: dict[str, int] = {}
        for index, path in enumerate(self.paths):
            key = os.path.realpath(path)
            if key in last_of:
                self._after[last_of[key]] = index
            else:
                first.append(index)
            last_of[key] = index
        return first

    def _note_signal(self, signum: int, frame: object) -> None:
        if self._signal is None:
            self._signal = signum

    def _dispatch(self) -> None:
        """Give the next waiting inputs to the workers that have none."""
        for worker in self._workers:
            if worker.task is None and self._waiting:
                worker.task = self._waiting.popleft()
                worker.conn.send((worker.task, str(self.paths[worker.task])))

    def _receive(self, worker: Worker) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):  # the worker ended; if it did not say goodbye, it was killed
            self._lost(worker)
            return
        self._handle(message, worker)

    def _handle(self, message: tuple[Any, ...], worker: Worker | None = None) -> None:
        kind = message[0]
        if kind == "started":
            index = message[1]
            self._started_at[index] = time.monotonic()
            self._say(f"{self.paths[index].name}: started")
        elif kind == "done":
            index, outcome = message[1], message[2]
            if worker is not None:
                worker.task = None
            self._finish(index, outcome)
        elif kind == "error":  # the store or the output dir failed: a sequential run stops there too
            raise message[1]
        elif kind == "bye" and worker is not None:
            worker.said_bye = True

    def _finish(self, index: int, outcome: RunOutcome) -> None:
        self._outcomes[index] = outcome
        if index in self._after:
            self._waiting.append(self._after.pop(index))
        took = time.monotonic() - self._started_at.get(index, time.monotonic())
        what = outcome.status.value if not outcome.error else f"{outcome.status.value} {outcome.error.get('code')}"
        self._say(f"{self.paths[index].name}: {what} in {took:.0f} s ({len(self._outcomes)}/{len(self.paths)} done)")
        self._report_ready(skip_missing=False)

    def _report_ready(self, *, skip_missing: bool) -> None:
        """Hand on the results that are next in input order (after an interrupt, every one there is)."""
        while self._reported < len(self.paths):
            outcome = self._outcomes.get(self._reported)
            if outcome is None and not skip_missing:
                return
            if outcome is not None:
                self.on_outcome(self.paths[self._reported], outcome)
            self._reported += 1

    def _say(self, line: str) -> None:
        if self.progress is not None:
            self.progress.write(line + "\n")
            self.progress.flush()

    # -- workers ----------------------------------------------------------------------------------
    def _start_worker(self) -> None:
        # The worker starts with the interrupting signals blocked and unblocks them once its handlers
        # are in place, so a Ctrl-C during its start-up is handled, not a traceback.
        ours, theirs = self._ctx.Pipe()
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        try:
            process = self._ctx.Process(
                target=worker_main,
                args=(self.config, theirs, os.getpid()),
                name="clearscribe-job",
                daemon=True,
            )
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        theirs.close()  # the worker holds it now: when the worker ends, this end reads end-of-file
        self._workers.append(Worker(process, ours))

    def _lost(self, worker: Worker) -> None:
        """A worker's pipe closed: its input, if it had one unfinished, failed as ``recovery`` fails
        a killed run's job; another worker takes its place while inputs are left."""
        worker.process.join()
        worker.conn.close()
        self._workers.remove(worker)
        if worker.said_bye:
            return
        if worker.task is not None:
            self._finish(worker.task, self._outcome_of_dead_worker(worker.task))
        left = len(self.paths) - len(self._outcomes) - sum(w.task is not None for w in self._workers)
        if left > 0 and self._replacements < len(self.paths):
            self._replacements += 1
            self._start_worker()

    def _outcome_of_dead_worker(self, index: int) -> RunOutcome:
        """What a killed worker left: its job failed by ``recovery`` (as the next command would)."""
        from pipeline.asr.inference.engine import ENGINE_NAME
        from pipeline.local.identity import local_job_id, output_settings
        from pipeline.local.recovery import recover_interrupted
        from shared.jobstore.sqlite import SQLiteJobStore

        path, settings = self.paths[index], self.config.settings
        identity = output_settings("run", self.config.enrichment, settings=settings, engine=ENGINE_NAME)
        job_id = local_job_id(path, identity)
        store = SQLiteJobStore(settings.jobs_db)
        recover_interrupted(store, settings.home)
        with contextlib.suppress(ClearscribeError):
            record = store.get_job(job_id)
            if record.status.is_terminal:
                return RunOutcome.from_record(record, reused=False)
        error = JobInterruptedError("the clearscribe worker running it ended before it finished").to_dict()
        return RunOutcome(job_id=job_id, status=JobStatus.FAILED, source=str(path.absolute()), error=error)

    def _fail_lost_inputs(self) -> None:
        """Inputs left when no worker is (every one died and none could take its place)."""
        for index in range(len(self.paths)):
            if index not in self._outcomes:
                self._finish(index, self._outcome_of_dead_worker(index))

    def _stop(self, signum: int | None) -> None:
        """End the workers: the end-of-inputs mark, or ``signum`` passed on; wait for them, taking
        their last messages, so none is left running when this process ends."""
        for worker in self._workers:
            with contextlib.suppress(OSError, ProcessLookupError):
                if signum is None:
                    worker.conn.send(None)
                elif worker.process.exitcode is None:
                    os.kill(worker.pid, signum)
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        open_ends = {w.conn: w for w in self._workers}
        while open_ends and time.monotonic() < deadline:
            for conn in multiprocessing.connection.wait(list(open_ends), timeout=0.1):
                worker = open_ends[conn]
                try:
                    message = worker.conn.recv()
                except (EOFError, OSError):
                    del open_ends[conn]
                    continue
                if message[0] == "done":
                    self._outcomes[message[1]] = message[2]
        killed = False
        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.kill()
                killed = True
            worker.process.join()
            worker.conn.close()
        if killed:  # a worker that did not end in time cannot record its job: do it as the next command would
            from pipeline.local.recovery import recover_interrupted
            from shared.jobstore.sqlite import SQLiteJobStore

            recover_interrupted(SQLiteJobStore(self.config.settings.jobs_db), self.config.settings.home)


# -- in the worker ----------------------------------------------------------------------------------
def _die_with_parent() -> None:
    """Have the kernel send SIGTERM to this worker when the process that started it ends (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def worker_main(config: WorkerConfig, conn: Any, parent: int) -> None:
    """A worker: run the inputs it is handed until the end-of-inputs mark or an interrupt.

    It starts with the interrupting signals blocked (see ``Batch._start_worker``); once they are
    unblocked, they raise ``Interrupted`` as in a sequential run, and after the worker's last job
    they are ignored, so a signal passed on late cannot end it with a traceback."""
    logging.getLogger("clearscribe").setLevel(config.log_level)
    _die_with_parent()
    for sig in SIGNALS:
        signal.signal(sig, signal.SIG_IGN)
    try:
        with interrupt_on_signals():
            signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
            if os.getppid() != parent:  # the batch ended before this worker started
                return
            runner = _runner(config)
            runner.load_in_background()  # while waiting for the first input
            while (task := conn.recv()) is not None:
                index, path = task
                conn.send(("started", index))
                try:
                    outcome = runner.run(Path(path), force=config.force)
                except ClearscribeError as exc:
                    conn.send(("error", exc))
                    return
                conn.send(("done", index, outcome))
            conn.send(("bye",))
    except KeyboardInterrupt:
        pass  # the job is recorded INTERRUPTED and its audio removed (LocalJobs); the batch ends


def _runner(config: WorkerConfig) -> Any:
    from pipeline.asr.engine import load_engine
    from pipeline.local.runner import LocalRunner
    from pipeline.local.terminal import Progress
    from shared.jobstore.sqlite import SQLiteJobStore

    settings = config.settings
    # The job's identity keeps the threads asked for (see the module docstring); the engine gets the share.
    engine_settings = replace(settings, engine=replace(settings.engine, cpu_threads=config.cpu_threads))
    return LocalRunner(
        settings,
        SQLiteJobStore(settings.jobs_db),
        engine_factory=lambda: load_engine(settings.model, settings=engine_settings),
        enrichment=config.enrichment,
        out_dir=config.out_dir,
        progress=Progress(quiet=True, stream=sys.stderr),
    )
