from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from shared.errors import InvalidTransitionError, JobNotFoundError
from shared.jobstore.sqlite import SQLiteJobStore
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
