"""One local job from start to end: its lock, its record, reuse of a completed result, failures.

``run`` (a media file through the whole pipeline) and ``enrich`` (a transcript file through the
enrichers) do different work inside the same frame, ``LocalJobs.execute``:

* the job's lock is held for the whole attempt, so two processes given the same job run it once:
  the second waits, then reports the first one's result;
* a completed job is reported again without work (its outputs are copied when asked for in
  another output dir); ``force`` runs it again as a new attempt;
* the record names the process running it and gets a heartbeat, so ``recovery`` can tell a live
  job from one whose process was killed;
* every failure ends in FAILED with a code and a message; an interrupt (Ctrl-C, SIGTERM, SIGHUP)
  is recorded as ``INTERRUPTED`` and then propagates; a failed re-run of a completed job puts the
  completed result back (the failure is kept as ``last_rerun``).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.local import interrupts
from pipeline.local.locks import job_lock
from pipeline.local.terminal import Progress
from shared.errors import ClearscribeError, JobInterruptedError, OutputNotWritableError
from shared.jobstore import JobRecord, JobStore, advance
from shared.log import get_logger
from shared.status import JobStatus

log = get_logger("pipeline.local.jobs")

#: How often a running job's record is touched; recovery treats another host's job as dead
#: once its heartbeat is older than ``pipeline.local.recovery.STALE_AFTER_SECONDS``.
HEARTBEAT_SECONDS = 30.0


@dataclass
class RunOutcome:
    job_id: str
    status: JobStatus
    source: str
    error: dict[str, str] | None = None
    outputs: dict[str, str] | None = None
    summary: dict[str, Any] | None = None
    reused: bool = False
    # A forced re-run failed and the job's earlier, completed result was kept.
    previous_result_kept: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = {
            "job_id": self.job_id,
            "status": self.status.value,
            "source": self.source,
            "error": self.error,
            "outputs": self.outputs,
            "summary": self.summary,
            "reused": self.reused,
        }
        if self.previous_result_kept:
            data["previous_result_kept"] = True
        return data

    @classmethod
    def from_record(cls, rec: JobRecord, *, reused: bool) -> RunOutcome:
        return cls(
            job_id=rec.job_id,
            status=rec.status,
            source=rec.source,
            error=rec.error,
            outputs=rec.outputs,
            summary=rec.summary,
            reused=reused,
        )


@dataclass(frozen=True)
class JobResult:
    outputs: dict[str, str]
    summary: dict[str, Any]


class Attempt:
    """What the work of one attempt sees: its job id and a way to move the job to its next stage."""

    def __init__(self, jobs: LocalJobs, job_id: str) -> None:
        self.job_id = job_id
        self._jobs = jobs

    def move(self, status: JobStatus) -> None:
        raise_if_interrupted()
        advance(self._jobs.store, self.job_id, status)
        self._jobs.progress.stage(status.stage)


def raise_if_interrupted() -> None:
    """Raise the interrupt a library swallowed: a signal that arrived while native code ran a Python
    callback may have been caught there and never reached this code (see ``interrupts``). Checked
    at every stage boundary, so an interrupted job never goes on to the next stage."""
    signum = interrupts.pending()
    if signum is not None:
        raise interrupts.Interrupted(signum)


def local_owner() -> str:
    """How a job record names this process as the one running it."""
    return f"process {os.getpid()} on {socket.gethostname()}"


def parse_local_owner(owner: str | None) -> tuple[int, str] | None:
    """``(pid, host)`` from a record's owner written by ``local_owner``; None for anything else."""
    match = re.fullmatch(r"process (\d+) on (.+)", owner or "")
    return (int(match.group(1)), match.group(2)) if match else None


def error_of(exc: BaseException) -> dict[str, str]:
    """The ``{code, message}`` a job records for an exception (never transcript text)."""
    if isinstance(exc, ClearscribeError):
        return exc.to_dict()
    if isinstance(exc, OSError):
        # OS errors name a path and a reason (disk full, permission); nothing from the recording.
        where = f": {exc.filename}" if exc.filename else ""
        return {"code": "INTERNAL_ERROR", "message": f"{type(exc).__name__}: {exc.strerror or exc}{where}"}
    return {"code": "INTERNAL_ERROR", "message": type(exc).__name__}


class LocalJobs:
    def __init__(self, settings_home: Path, store: JobStore, *, out_dir: Path, progress: Progress) -> None:
        self.home = Path(settings_home)
        self.store = store
        self.out_dir = Path(out_dir)
        self.progress = progress

    @property
    def locks_dir(self) -> Path:
        return self.home / "locks"

    def execute(
        self,
        job_id: str,
        source: str,
        work: Callable[[Attempt], JobResult],
        *,
        force: bool,
        label: str,
    ) -> RunOutcome:
        self.progress.start(label)

        def waiting() -> None:
            log.info("waiting for another run of the same job", extra={"job_id": job_id})
            self.progress.stage("waiting for another clearscribe process working on the same job")

        try:
            with job_lock(self.locks_dir, job_id, on_wait=waiting):
                return self._attempt(job_id, source, work, force=force)
        finally:
            self.progress.done()

    def _attempt(self, job_id: str, source: str, work: Callable[[Attempt], JobResult], *, force: bool) -> RunOutcome:
        owner = local_owner()
        record, created = self.store.create_job(job_id, source, owner=owner)
        previous: JobRecord | None = None
        if not created:
            if record.status is JobStatus.COMPLETE and outputs_present(record):
                if not force:
                    return self._reuse(record)
                previous = record
            # A forced re-run, a failed or interrupted earlier attempt, or outputs removed since.
            record = self.store.restart_job(job_id, source, owner=owner)
        try:
            with self._heartbeat(job_id, owner):
                result = work(Attempt(self, job_id))
            raise_if_interrupted()
            done = advance(self.store, job_id, JobStatus.COMPLETE, outputs=result.outputs, summary=result.summary)
            self.progress.stage("complete")
            return RunOutcome.from_record(done, reused=False)
        except KeyboardInterrupt:
            # Ctrl-C, SIGTERM or SIGHUP (see pipeline.local.interrupts): record it, then stop.
            self._fail(job_id, JobInterruptedError("interrupted before it finished").to_dict(), previous, record)
            raise
        except Exception as exc:  # every failure ends in a terminal status with a reason
            signum = interrupts.pending()
            if signum is not None:  # a library turned the interrupt into an error of its own
                self._fail(job_id, JobInterruptedError("interrupted before it finished").to_dict(), previous, record)
                raise interrupts.Interrupted(signum) from exc
            if not isinstance(exc, ClearscribeError):
                log.exception("unexpected failure", extra={"job_id": job_id})
            return self._fail(job_id, error_of(exc), previous, record)

    def _fail(self, job_id: str, error: dict[str, str], previous: JobRecord | None, attempt: JobRecord) -> RunOutcome:
        failed = self.store.transition(job_id, JobStatus.FAILED, error=error)
        log.info("job failed", extra={"job_id": job_id, "code": error["code"]})
        outcome = RunOutcome.from_record(failed, reused=False)
        if previous is not None and hasattr(self.store, "revert_rerun"):
            kept = self.store.revert_rerun(previous, attempt.attempt, error)
            outcome.outputs, outcome.summary = kept.outputs, kept.summary
            outcome.previous_result_kept = True
        return outcome

    def _reuse(self, record: JobRecord) -> RunOutcome:
        outcome = RunOutcome.from_record(record, reused=True)
        wanted = (self.out_dir / record.job_id).resolve()
        outputs = record.outputs or {}
        if outputs and any(Path(p).parent != wanted for p in outputs.values()):
            outcome.outputs = copy_outputs(outputs, wanted)
        return outcome

    @contextmanager
    def _heartbeat(self, job_id: str, owner: str) -> Iterator[None]:
        """Refresh the job's heartbeat every ``HEARTBEAT_SECONDS`` until the block ends."""
        heartbeat = getattr(self.store, "heartbeat", None)
        if heartbeat is None:
            yield
            return
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(HEARTBEAT_SECONDS):
                try:
                    heartbeat(job_id, owner)
                except ClearscribeError:  # a busy store: the next beat will do
                    continue

        thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()


def outputs_present(record: JobRecord) -> bool:
    return bool(record.outputs) and all(Path(p).is_file() for p in (record.outputs or {}).values())


def copy_outputs(outputs: dict[str, str], target_dir: Path) -> dict[str, str]:
    """Copy a job's output files into ``target_dir`` (each written whole, then renamed into place)."""
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        copied = {}
        for fmt, src in outputs.items():
            dest = target_dir / Path(src).name
            tmp = dest.with_name(f".tmp-{dest.name}")
            shutil.copyfile(src, tmp)
            os.replace(tmp, dest)
            copied[fmt] = str(dest)
    except OSError as exc:
        raise OutputNotWritableError(f"{target_dir}: cannot write the outputs ({exc.strerror})") from None
    return copied
