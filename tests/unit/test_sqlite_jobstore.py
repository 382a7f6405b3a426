from __future__ import annotations

import contextlib
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from shared.errors import InvalidTransitionError, JobNotFoundError, StoreCorruptError
from shared.jobstore.sqlite import SCHEMA_VERSION, SQLiteJobStore
from shared.status import JobStatus


@pytest.fixture
def store(tmp_path: Path) -> SQLiteJobStore:
    return SQLiteJobStore(tmp_path / "jobs.sqlite3")


def test_creating_the_same_job_twice_returns_the_first_record(store: SQLiteJobStore) -> None:
    first, created = store.create_job("job-1", "/videos/a.mp4")
    again, created_again = store.create_job("job-1", "/videos/other-name.mp4")
    assert created and not created_again
    assert again.source == "/videos/a.mp4"
    assert again.created_at == first.created_at
    assert len(store.list_jobs()) == 1


def test_a_job_moves_through_every_stage_with_start_and_end_times(store: SQLiteJobStore) -> None:
    store.create_job("job-1", "a.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition("job-1", status)
    done = store.transition("job-1", JobStatus.COMPLETE, outputs={"json": "x.json"}, summary={"words": 3})
    assert done.status is JobStatus.COMPLETE
    assert list(done.stages) == ["queued", "extracting", "transcribing", "enriching"]
    for times in done.stages.values():
        assert times["started_at"] <= times["ended_at"]
    assert done.outputs == {"json": "x.json"} and done.summary == {"words": 3}
    assert store.get_job("job-1").to_dict() == done.to_dict()


def test_backward_and_post_terminal_moves_are_refused_and_leave_the_record_unchanged(store: SQLiteJobStore) -> None:
    store.create_job("job-1", "a.mp4")
    store.transition("job-1", JobStatus.TRANSCRIBING)
    with pytest.raises(InvalidTransitionError):
        store.transition("job-1", JobStatus.EXTRACTING)
    failed = store.transition("job-1", JobStatus.FAILED, error={"code": "X", "message": "boom"})
    with pytest.raises(InvalidTransitionError):
        store.transition("job-1", JobStatus.COMPLETE)
    with pytest.raises(InvalidTransitionError):
        store.transition("job-1", JobStatus.FAILED, error={"code": "Y", "message": "again"})
    assert store.get_job("job-1").to_dict() == failed.to_dict()
    assert failed.error == {"code": "X", "message": "boom"}


def test_restart_starts_a_new_attempt_from_queued(store: SQLiteJobStore) -> None:
    store.create_job("job-1", "a.mp4")
    store.transition("job-1", JobStatus.FAILED, error={"code": "X", "message": "boom"})
    rec = store.restart_job("job-1", "a.mp4")
    assert rec.status is JobStatus.QUEUED and rec.attempt == 2 and rec.error is None
    assert list(rec.stages) == ["queued"]


def test_listing_filters_by_status_newest_first(store: SQLiteJobStore) -> None:
    for n in range(3):
        store.create_job(f"job-{n}", f"{n}.mp4")
    store.transition("job-1", JobStatus.FAILED, error={"code": "X", "message": "m"})
    assert [r.job_id for r in store.list_jobs(status=JobStatus.FAILED)] == ["job-1"]
    assert store.list_jobs()[0].job_id == "job-1"
    assert len(store.list_jobs(limit=2)) == 2


def test_unknown_jobs_raise_job_not_found(store: SQLiteJobStore) -> None:
    with pytest.raises(JobNotFoundError):
        store.get_job("nope")
    with pytest.raises(JobNotFoundError):
        store.transition("nope", JobStatus.EXTRACTING)


def test_the_store_is_a_plain_sqlite_file(store: SQLiteJobStore) -> None:
    store.create_job("job-1", "a.mp4")
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT status FROM jobs WHERE job_id='job-1'").fetchone() == ("QUEUED",)


# -- a store that is damaged, foreign, old, or shared by several processes ----------------
def test_a_file_that_is_not_a_database_is_reported_with_its_path_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    path.write_bytes(b"this is not a database, just some text that ended up here\n" * 100)
    with pytest.raises(StoreCorruptError) as caught:
        SQLiteJobStore(path)
    assert str(path) in caught.value.message and "mv " in caught.value.message


def test_a_database_of_another_program_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    with pytest.raises(StoreCorruptError, match="another program"):
        SQLiteJobStore(path)
    with sqlite3.connect(path) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["invoices"]


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    SQLiteJobStore(path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreCorruptError, match="newer clearscribe"):
        SQLiteJobStore(path)


def test_a_store_made_before_versioning_is_migrated_and_keeps_its_jobs(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    with sqlite3.connect(path) as conn:  # the layout before versioned migrations
        conn.executescript(
            "CREATE TABLE jobs (job_id TEXT PRIMARY KEY, status TEXT NOT NULL, source TEXT NOT NULL,"
            " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 1,"
            " detail TEXT NOT NULL DEFAULT '{}');"
            "INSERT INTO jobs VALUES ('job-old', 'COMPLETE', 'a.mp4', '2026-01-01T00:00:00.000Z',"
            ' \'2026-01-01T00:00:00.000Z\', 1, \'{"outputs": {"json": "x.json"}}\');'
        )
    store = SQLiteJobStore(path)
    assert store.get_job("job-old").outputs == {"json": "x.json"}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    store.restart_job("job-old", "a.mp4", owner="process 1 on h")
    store.heartbeat("job-old", "process 1 on h")
    again = store.get_job("job-old")
    assert again.owner == "process 1 on h" and again.heartbeat_at is not None and again.attempt == 2


def _hammer(path: str, worker: int, jobs: int) -> None:
    store = SQLiteJobStore(Path(path))
    for n in range(jobs):
        job_id = f"job-{n}"
        store.create_job(job_id, f"worker-{worker}")
        for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING, JobStatus.COMPLETE):
            with contextlib.suppress(InvalidTransitionError):  # another worker moved it first
                store.transition(job_id, status)


def test_several_processes_writing_at_once_lose_nothing_and_never_move_a_job_backwards(tmp_path: Path) -> None:
    path = tmp_path / "jobs.sqlite3"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hammer, args=(str(path), w, 25)) for w in range(6)]
    for proc in workers:
        proc.start()
    for proc in workers:
        proc.join(120)
        assert proc.exitcode == 0
    records = SQLiteJobStore(path).list_jobs()
    assert len(records) == 25
    assert all(r.status is JobStatus.COMPLETE and r.attempt == 1 for r in records)
    assert all(list(r.stages) == ["queued", "extracting", "transcribing", "enriching"] for r in records)


def test_a_failed_rerun_puts_the_completed_result_back_and_keeps_the_failure(store: SQLiteJobStore) -> None:
    store.create_job("job-1", "a.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition("job-1", status)
    done = store.transition("job-1", JobStatus.COMPLETE, outputs={"json": "x.json"}, summary={"words": 3})
    rerun = store.restart_job("job-1", "a.mp4")
    store.transition("job-1", JobStatus.FAILED, error={"code": "TRANSCRIPTION_FAILED", "message": "m"})
    kept = store.revert_rerun(done, rerun.attempt, {"code": "TRANSCRIPTION_FAILED", "message": "m"})
    again = store.get_job("job-1")
    assert again.status is JobStatus.COMPLETE and again.outputs == {"json": "x.json"} and again.summary == {"words": 3}
    assert again.last_rerun == {"attempt": 2, "error": {"code": "TRANSCRIPTION_FAILED", "message": "m"},
                                "at": kept.updated_at}  # fmt: skip
