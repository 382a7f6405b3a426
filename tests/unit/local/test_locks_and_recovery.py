"""Job locks and the recovery of jobs whose process was killed."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from pipeline.local.locks import job_lock, lock_path, try_job_lock
from pipeline.local.recovery import STALE_AFTER_SECONDS, recover_interrupted
from shared.jobstore import utc_now
from shared.jobstore.sqlite import SQLiteJobStore
from shared.status import JobStatus

HOLD_LOCK = """
import sys, time
from pathlib import Path
from pipeline.local.locks import job_lock
with job_lock(Path(sys.argv[1]), sys.argv[2], on_wait=lambda: None):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_released_lock_leaves_no_file_behind(tmp_path: Path) -> None:
    with job_lock(tmp_path, "job-1", on_wait=lambda: None):
        assert lock_path(tmp_path, "job-1").exists()
    assert not list(tmp_path.iterdir())


def test_a_waiter_gets_the_job_after_the_holder_deleted_the_file(tmp_path: Path) -> None:
    order: list[str] = []
    waited = threading.Event()
    with job_lock(tmp_path, "job-1", on_wait=lambda: None):

        def second() -> None:
            with job_lock(tmp_path, "job-1", on_wait=waited.set):
                order.append("second")

        thread = threading.Thread(target=second)
        thread.start()
        assert waited.wait(10)
        order.append("first")
    thread.join(10)
    assert order == ["first", "second"]
    assert not list(tmp_path.iterdir())


@pytest.mark.integration
def test_a_lock_held_by_another_process_is_not_free_and_is_free_once_it_dies(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path), "job-1"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with try_job_lock(tmp_path, "job-1") as free:
            assert not free
    finally:
        holder.kill()
        holder.wait()
    with try_job_lock(tmp_path, "job-1") as free:
        assert free


def _set_heartbeat(home: Path, at: str) -> None:
    with sqlite3.connect(home / "jobs.sqlite3") as conn:
        conn.execute("UPDATE jobs SET heartbeat_at = ? WHERE job_id = 'job-1'", (at,))


def _stranded(home: Path, owner: str, heartbeat_at: str = "2026-01-01T00:00:00.000Z") -> SQLiteJobStore:
    """A job left in TRANSCRIBING by ``owner``, with its extracted audio in the work dir."""
    store = SQLiteJobStore(home / "jobs.sqlite3")
    store.create_job("job-1", "/videos/a.mp4", owner=owner)
    for step in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING):
        store.transition("job-1", step)
    _set_heartbeat(home, heartbeat_at)
    (home / "work" / "job-1").mkdir(parents=True)
    (home / "work" / "job-1" / "audio.wav").write_bytes(b"RIFF raw audio")
    return store


def test_a_job_whose_process_is_gone_becomes_interrupted_and_its_raw_audio_is_removed(home: Path) -> None:
    store = _stranded(home, f"process 999999 on {socket.gethostname()}")
    assert recover_interrupted(store, home) == ["job-1"]
    record = store.get_job("job-1")
    assert record.status is JobStatus.FAILED and record.error["code"] == "INTERRUPTED"
    assert "process 999999" in record.error["message"]
    assert record.owner is None and record.heartbeat_at is None
    assert not (home / "work" / "job-1").exists()
    assert recover_interrupted(store, home) == []


@pytest.mark.integration
def test_a_job_whose_process_still_holds_its_lock_is_left_running(home: Path) -> None:
    store = _stranded(home, f"process 1 on {socket.gethostname()}")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(home / "locks"), "job-1"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert recover_interrupted(store, home) == []
        assert store.get_job("job-1").status is JobStatus.TRANSCRIBING
        assert (home / "work" / "job-1" / "audio.wav").exists()
    finally:
        holder.kill()
        holder.wait()
    assert recover_interrupted(store, home) == ["job-1"]


def test_another_hosts_job_is_left_alone_while_its_heartbeat_is_fresh(home: Path) -> None:
    store = _stranded(home, "process 1 on elsewhere.example", heartbeat_at=utc_now())
    assert recover_interrupted(store, home) == []
    assert store.get_job("job-1").status is JobStatus.TRANSCRIBING
    assert STALE_AFTER_SECONDS >= 60
    _set_heartbeat(home, "2000-01-01T00:00:00.000Z")
    assert recover_interrupted(store, home) == ["job-1"]


def test_work_dirs_of_no_running_job_are_removed(home: Path) -> None:
    store = SQLiteJobStore(home / "jobs.sqlite3")
    leftover = home / "work" / "job-gone" / "audio.wav"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"raw")
    recover_interrupted(store, home)
    assert not leftover.parent.exists()
