"""Per-job locks for local runs: one process works on a job at a time, and a lock that nobody holds
tells that the job's process is gone.

A lock is an advisory ``flock`` on ``<home>/locks/<job_id>.lock``. The kernel releases it when its
process ends, however it ends (even SIGKILL), so a job record left in a running status whose lock
can be taken belongs to a dead process. The holder deletes the file before releasing it; a
process that waited on the old file notices that its file is no longer the one at the path and
takes the lock again, so lock files do not pile up and no two processes ever hold a job.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def lock_path(locks_dir: Path, job_id: str) -> Path:
    return Path(locks_dir) / f"{job_id}.lock"


def _is_current(handle: IO[str], path: Path) -> bool:
    """True when ``handle`` is still the file at ``path`` (not deleted or replaced since it was opened)."""
    try:
        return os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def _acquire(path: Path, *, wait: bool, on_wait: Callable[[], None] | None = None) -> IO[str] | None:
    """Open and lock ``path``; ``None`` when ``wait`` is false and another process holds it."""
    waited = False
    while True:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                handle.close()
                return None
            if on_wait is not None and not waited:
                on_wait()
                waited = True
            fcntl.flock(handle, fcntl.LOCK_EX)
        except BaseException:
            handle.close()
            raise
        if _is_current(handle, path):
            return handle
        handle.close()  # the holder deleted it while this process waited: lock the new file


def _release(handle: IO[str], path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@contextmanager
def job_lock(locks_dir: Path, job_id: str, *, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold the job's lock, waiting for it (``on_wait`` is called once if it is taken)."""
    path = lock_path(locks_dir, job_id)
    handle = _acquire(path, wait=True, on_wait=on_wait)
    assert handle is not None
    try:
        yield
    finally:
        _release(handle, path)


@contextmanager
def try_job_lock(locks_dir: Path, job_id: str) -> Iterator[bool]:
    """Take the job's lock if nobody holds it; yields whether it was taken."""
    path = lock_path(locks_dir, job_id)
    handle = _acquire(path, wait=False)
    try:
        yield handle is not None
    finally:
        if handle is not None:
            _release(handle, path)
