"""Clean up after local runs that were killed (SIGKILL, a crash, a power cut).

A killed process cannot record its end: its job stays in a running status and its work dir,
which holds the extracted raw audio, stays on disk. Every ``clearscribe`` command calls
``recover_interrupted`` first. A running job whose lock nobody holds (the kernel drops a lock
with its process) becomes FAILED ``INTERRUPTED`` and its work dir is removed; so is any work
dir whose job is not running. A job run from another machine on a shared data dir is left
alone while its heartbeat is fresh.
"""

from __future__ import annotations

import shutil
import socket
from datetime import UTC, datetime
from pathlib import Path

from pipeline.local.jobs import parse_local_owner
from pipeline.local.locks import try_job_lock
from shared.errors import InvalidTransitionError, JobInterruptedError
from shared.jobstore import JobRecord
from shared.jobstore.sqlite import SQLiteJobStore
from shared.log import get_logger
from shared.status import JobStatus

log = get_logger("pipeline.local.recovery")

#: A job run from another host is presumed dead when its heartbeat is older than this.
STALE_AFTER_SECONDS = 600.0


def _age_seconds(stamp: str, now: datetime) -> float:
    return (now - datetime.fromisoformat(stamp.replace("Z", "+00:00"))).total_seconds()


def _runs_elsewhere(record: JobRecord, now: datetime) -> bool:
    owner = parse_local_owner(record.owner)
    if owner is None or owner[1] == socket.gethostname():
        return False
    return bool(record.heartbeat_at) and _age_seconds(record.heartbeat_at or "", now) < STALE_AFTER_SECONDS


def recover_interrupted(store: SQLiteJobStore, home: Path) -> list[str]:
    """Fail the jobs whose process is gone and remove work dirs no live job uses; returns the failed ids."""
    home = Path(home)
    locks, work = home / "locks", home / "work"
    now = datetime.now(UTC)
    recovered: list[str] = []
    live: set[str] = set()
    for record in store.running_jobs():
        if _runs_elsewhere(record, now):
            live.add(record.job_id)
            continue
        with try_job_lock(locks, record.job_id) as free:
            if not free:
                live.add(record.job_id)
                continue
            who = record.owner if parse_local_owner(record.owner) else "an earlier run"
            error = JobInterruptedError(f"the clearscribe process running it ({who}) ended before it finished")
            try:
                store.transition(record.job_id, JobStatus.FAILED, error=error.to_dict())
                recovered.append(record.job_id)
            except InvalidTransitionError:
                pass  # it finished between the listing and the lock
            shutil.rmtree(work / record.job_id, ignore_errors=True)
    if work.is_dir():
        for leftover in work.iterdir():
            if leftover.name in live:
                continue
            with try_job_lock(locks, leftover.name) as free:
                if free:
                    shutil.rmtree(leftover, ignore_errors=True)
    if recovered:
        log.info("interrupted jobs recovered", extra={"jobs": len(recovered)})
    return recovered
