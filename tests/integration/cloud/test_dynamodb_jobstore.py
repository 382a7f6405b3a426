"""The DynamoDB job store: conditional writes, idempotent create, listings (moto DynamoDB)."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest

from shared.errors import InvalidTransitionError, JobNotFoundError
from shared.jobstore.dynamodb import DynamoDBJobStore
from shared.status import JobStatus
from tests.integration.moto_harness import REGION


def test_create_registers_a_queued_job(store: DynamoDBJobStore) -> None:
    rec, created = store.create_job("job-a", "s3://in/a.mp4")
    assert created
    assert rec.status is JobStatus.QUEUED
    assert rec.stages == {"queued": {"started_at": rec.created_at}}
    assert store.get_job("job-a") == rec


def test_create_is_idempotent_and_returns_the_existing_record(store: DynamoDBJobStore) -> None:
    first, _ = store.create_job("job-a", "s3://in/a.mp4")
    store.transition("job-a", JobStatus.EXTRACTING)
    again, created = store.create_job("job-a", "s3://in/a.mp4")
    assert not created
    assert again.status is JobStatus.EXTRACTING
    assert again.created_at == first.created_at


def test_concurrent_creates_make_exactly_one_job(store: DynamoDBJobStore) -> None:
    results: list[bool] = []
    lock = threading.Lock()

    def create() -> None:
        _, created = store.create_job("job-race", "s3://in/r.mp4")
        with lock:
            results.append(created)

    threads = [threading.Thread(target=create) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 5 + [True]


def test_forward_transitions_record_stage_times(store: DynamoDBJobStore) -> None:
    store.create_job("job-a", "s3://in/a.mp4")
    for target in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition("job-a", target)
    rec = store.transition(
        "job-a", JobStatus.COMPLETE, outputs={"json": "s3://out/x.json"}, summary={"words": 12, "compound": 0.42}
    )
    assert rec.status is JobStatus.COMPLETE
    assert set(rec.stages) == {"queued", "extracting", "transcribing", "enriching"}
    assert all("ended_at" in stage for stage in rec.stages.values())
    stored = store.get_job("job-a")
    assert stored == rec
    assert stored.summary == {"words": 12, "compound": 0.42}
    assert isinstance(stored.summary["words"], int)


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((JobStatus.EXTRACTING, JobStatus.TRANSCRIBING), JobStatus.EXTRACTING),
        ((JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING, JobStatus.COMPLETE), JobStatus.FAILED),
        ((JobStatus.FAILED,), JobStatus.EXTRACTING),
        ((JobStatus.FAILED,), JobStatus.FAILED),
    ],
)
def test_rejected_moves_raise_and_change_nothing(
    store: DynamoDBJobStore, path: tuple[JobStatus, ...], target: JobStatus
) -> None:
    store.create_job("job-a", "s3://in/a.mp4")
    for step in path:
        store.transition("job-a", step, error={"code": "X", "message": "m"} if step is JobStatus.FAILED else None)
    before = store.get_job("job-a")
    with pytest.raises(InvalidTransitionError):
        store.transition("job-a", target)
    assert store.get_job("job-a") == before


def test_condition_is_enforced_by_dynamodb_not_only_by_the_read(store: DynamoDBJobStore, dynamodb: Any) -> None:
    """A move that was allowed when read but not when written is refused by the condition."""
    store.create_job("job-a", "s3://in/a.mp4")
    other = DynamoDBJobStore(store.table_name, client=boto3.client("dynamodb", region_name=REGION))
    real_put = dynamodb.put_item

    def put_after_a_concurrent_failure(**kwargs: Any) -> Any:
        if other.get_job("job-a").status is JobStatus.QUEUED:
            other.transition("job-a", JobStatus.FAILED, error={"code": "X", "message": "m"})
        return real_put(**kwargs)

    dynamodb.put_item = put_after_a_concurrent_failure
    with pytest.raises(InvalidTransitionError):
        store.transition("job-a", JobStatus.EXTRACTING)
    assert store.get_job("job-a").status is JobStatus.FAILED


def test_a_lost_race_between_allowed_moves_is_retried(store: DynamoDBJobStore, dynamodb: Any) -> None:
    store.create_job("job-a", "s3://in/a.mp4")
    other = DynamoDBJobStore(store.table_name, client=boto3.client("dynamodb", region_name=REGION))
    real_put = dynamodb.put_item

    def put_after_a_concurrent_move(**kwargs: Any) -> Any:
        if other.get_job("job-a").status is JobStatus.QUEUED:
            other.transition("job-a", JobStatus.EXTRACTING)
        return real_put(**kwargs)

    dynamodb.put_item = put_after_a_concurrent_move
    rec = store.transition("job-a", JobStatus.FAILED, error={"code": "X", "message": "m"})
    assert rec.status is JobStatus.FAILED
    assert "extracting" in store.get_job("job-a").stages


def test_failed_records_the_error_and_keeps_outputs_empty(store: DynamoDBJobStore) -> None:
    store.create_job("job-a", "s3://in/a.mp4")
    store.transition("job-a", JobStatus.EXTRACTING)
    rec = store.transition("job-a", JobStatus.FAILED, error={"code": "AUDIO_EXTRACTION_FAILED", "message": "bad"})
    assert store.get_job("job-a").error == {"code": "AUDIO_EXTRACTION_FAILED", "message": "bad"}
    assert rec.stages["extracting"]["ended_at"] == rec.updated_at
    assert rec.outputs is None


def test_unknown_jobs_raise_not_found(store: DynamoDBJobStore) -> None:
    with pytest.raises(JobNotFoundError):
        store.get_job("job-missing")
    with pytest.raises(JobNotFoundError):
        store.transition("job-missing", JobStatus.EXTRACTING)
    with pytest.raises(JobNotFoundError):
        store.restart_job("job-missing", "s3://in/a.mp4")


def test_restart_goes_back_to_queued_with_the_next_attempt(store: DynamoDBJobStore) -> None:
    first, _ = store.create_job("job-a", "s3://in/a.mp4")
    store.transition("job-a", JobStatus.FAILED, error={"code": "X", "message": "m"})
    rec = store.restart_job("job-a", "s3://in/a.mp4")
    assert rec.status is JobStatus.QUEUED
    assert rec.attempt == 2
    assert rec.error is None
    assert rec.created_at == first.created_at
    assert store.get_job("job-a") == rec


def _make_jobs(store: DynamoDBJobStore) -> None:
    for i in range(7):
        store.create_job(f"job-{i}", f"s3://in/{i}.mp4")
    for i in (1, 3, 5):
        store.transition(f"job-{i}", JobStatus.EXTRACTING)
    store.transition("job-5", JobStatus.FAILED, error={"code": "X", "message": "m"})


def test_list_by_status_uses_the_index_newest_first(store: DynamoDBJobStore, dynamodb: Any) -> None:
    _make_jobs(store)
    queries: list[dict[str, Any]] = []
    real_query = dynamodb.query

    def spy(**kwargs: Any) -> Any:
        queries.append(kwargs)
        return real_query(**kwargs)

    dynamodb.query = spy
    extracting = store.list_jobs(JobStatus.EXTRACTING)
    assert [r.job_id for r in extracting] == ["job-3", "job-1"]
    assert queries and all(q["IndexName"] == "by-status" for q in queries)
    queued = store.list_jobs(JobStatus.QUEUED, limit=2)
    assert [r.job_id for r in queued] == ["job-6", "job-4"]
    assert all(r.status is JobStatus.QUEUED for r in queued)


def test_list_all_is_newest_first_with_limit(store: DynamoDBJobStore) -> None:
    _make_jobs(store)
    everything = store.list_jobs()
    assert len(everything) == 7
    stamps = [r.updated_at for r in everything]
    assert stamps == sorted(stamps, reverse=True)
    assert everything[0].job_id == "job-5"
    assert [r.job_id for r in store.list_jobs(limit=3)] == [r.job_id for r in everything[:3]]


def test_find_jobs_by_id_prefix(store: DynamoDBJobStore) -> None:
    for job_id in ("job-abc1", "job-abc2", "job-xyz"):
        store.create_job(job_id, "s3://in/a.mp4")
    assert sorted(r.job_id for r in store.find_jobs("job-abc")) == ["job-abc1", "job-abc2"]
    assert store.find_jobs("job-nope") == []


def test_items_carry_the_documented_attributes(store: DynamoDBJobStore, dynamodb: Any) -> None:
    store.create_job("job-a", "s3://in/a b.mp4")
    store.transition("job-a", JobStatus.EXTRACTING)
    item = dynamodb.get_item(TableName=store.table_name, Key={"job_id": {"S": "job-a"}})["Item"]
    assert set(item) == {"job_id", "status", "source", "created_at", "updated_at", "attempt", "stages"}
    assert item["status"] == {"S": "EXTRACTING"}
    assert "M" in item["stages"]
