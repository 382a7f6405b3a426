"""RegisterJob and MarkFailed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest

from pipeline.cloud.failures import error_from_step_functions, mark_failed
from pipeline.cloud.register import register_job
from shared.errors import InvalidMediaError
from shared.ids import job_id_for_object
from shared.jobstore.dynamodb import DynamoDBJobStore
from shared.status import JobStatus
from tests.support.lambda_context import FakeLambdaContext

EVENTS = Path(__file__).resolve().parents[2] / "events"


def _event() -> dict[str, Any]:
    return json.loads((EVENTS / "eventbridge_object_created.json").read_text(encoding="utf-8"))


def test_register_creates_one_queued_job_and_flags_duplicates(store: DynamoDBJobStore) -> None:
    event = _event()
    obj = event["detail"]["object"]
    first = register_job(event, store)
    expected_id = job_id_for_object("clearscribe-input", obj["key"], obj["version-id"])
    assert first == {
        "job_id": expected_id,
        "duplicate": False,
        "source": {
            "bucket": "clearscribe-input",
            "key": obj["key"],
            "version": obj["version-id"],
            "uri": f"s3://clearscribe-input/{obj['key']}",
            "size": obj["size"],
        },
    }
    second = register_job(event, store)
    assert second["duplicate"] is True
    assert second["job_id"] == expected_id
    assert [r.job_id for r in store.list_jobs()] == [expected_id]
    assert store.get_job(expected_id).source == first["source"]["uri"]


def test_a_new_version_of_the_same_key_is_a_new_job(store: DynamoDBJobStore) -> None:
    event = _event()
    first = register_job(event, store)
    event["detail"]["object"]["version-id"] = "another-version"
    second = register_job(event, store)
    assert second["duplicate"] is False
    assert second["job_id"] != first["job_id"]


def test_register_rejects_non_media_without_creating_a_job(store: DynamoDBJobStore) -> None:
    event = _event()
    event["detail"]["object"]["key"] = "uploads/readme.txt"
    with pytest.raises(InvalidMediaError):
        register_job(event, store)
    assert store.list_jobs() == []


def _lambda_error(error_type: str, message: str) -> dict[str, str]:
    cause = {"errorMessage": message, "errorType": error_type, "stackTrace": ["  File x, line 1, in y\n"]}
    return {"Error": error_type, "Cause": json.dumps(cause)}


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (_lambda_error("AudioExtractionError", "MediaConvert job 1 ERROR: bad"), "AUDIO_EXTRACTION_FAILED"),
        (_lambda_error("AudioExtractionTimeout", "still running"), "AUDIO_EXTRACTION_TIMEOUT"),
        (_lambda_error("TranscriptionTimeout", "no result"), "TRANSCRIPTION_TIMEOUT"),
        (_lambda_error("EmptyFileError", "empty"), "EMPTY_FILE"),
        (_lambda_error("KeyError", "'job_id'"), "INTERNAL_ERROR"),
        ({"Error": "States.Timeout", "Cause": "Task timed out"}, "STEP_TIMEOUT"),
    ],
)
def test_step_functions_errors_map_to_codes(error: dict[str, str], code: str) -> None:
    mapped = error_from_step_functions(error)
    assert mapped["code"] == code
    assert "stackTrace" not in mapped["message"]
    assert "File x" not in mapped["message"]


def test_long_causes_are_trimmed_to_500_characters() -> None:
    mapped = error_from_step_functions(_lambda_error("TranscriptionError", "y" * 5000))
    assert len(mapped["message"]) == 500
    assert mapped["code"] == "TRANSCRIPTION_FAILED"


def test_mark_failed_moves_a_running_job_to_failed(store: DynamoDBJobStore) -> None:
    store.create_job("job-1", "s3://in/a.mp4")
    store.transition("job-1", JobStatus.EXTRACTING)
    state = {"job": {"job_id": "job-1", "duplicate": False}, "extraction": {"status": "PROGRESSING"}}
    result = mark_failed(state, _lambda_error("AudioExtractionError", "MediaConvert said no"), store)
    assert result == {
        "job_id": "job-1",
        "status": "FAILED",
        "error": {"code": "AUDIO_EXTRACTION_FAILED", "message": "MediaConvert said no"},
    }
    rec = store.get_job("job-1")
    assert rec.status is JobStatus.FAILED
    assert rec.error == result["error"]
    assert "ended_at" in rec.stages["extracting"]


def test_mark_failed_without_a_registered_job_does_not_crash(store: DynamoDBJobStore) -> None:
    state = _event()  # RegisterJob failed: the state is still the raw event
    result = mark_failed(state, _lambda_error("InvalidMediaError", "not media"), store)
    assert result["job_id"] is None
    assert result["error"]["code"] == "INVALID_MEDIA"
    assert store.list_jobs() == []
    assert mark_failed({"job": {"job_id": "job-ghost"}}, None, store)["job_id"] == "job-ghost"


def test_mark_failed_leaves_a_completed_job_alone(store: DynamoDBJobStore) -> None:
    store.create_job("job-1", "s3://in/a.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING, JobStatus.COMPLETE):
        store.transition("job-1", status)
    result = mark_failed("job-1", _lambda_error("EnrichmentError", "late"), store)
    assert result["status"] == "COMPLETE"
    assert store.get_job("job-1").status is JobStatus.COMPLETE


def test_a_rerun_event_restarts_an_ended_job_but_not_a_running_one(store: DynamoDBJobStore) -> None:
    event = _event()
    job_id = register_job(event, store)["job_id"]
    store.transition(job_id, JobStatus.EXTRACTING)
    rerun = {**event, "rerun": True}
    assert register_job(rerun, store)["duplicate"] is True  # still running: left alone
    assert store.get_job(job_id).status is JobStatus.EXTRACTING
    store.transition(job_id, JobStatus.FAILED, error={"code": "X", "message": "m"})
    assert register_job(event, store)["duplicate"] is True  # an ordinary redelivery never restarts
    result = register_job(rerun, store)
    assert result["duplicate"] is False
    rec = store.get_job(job_id)
    assert rec.status is JobStatus.QUEUED
    assert rec.attempt == 2
    assert rec.error is None


def _status_change(status: str) -> dict[str, Any]:
    event = json.loads((EVENTS / "stepfunctions_execution_timed_out.json").read_text(encoding="utf-8"))
    event["detail"]["status"] = status
    return event


@pytest.mark.parametrize(
    ("status", "code"), [("TIMED_OUT", "STEP_TIMEOUT"), ("ABORTED", "EXECUTION_ABORTED"), ("FAILED", "WORKFLOW_ERROR")]
)
def test_an_execution_that_ended_without_mark_failed_fails_its_job(
    store: DynamoDBJobStore, status: str, code: str
) -> None:
    from pipeline.handlers import mark_failed as mark_failed_handler
    from pipeline.handlers import runtime as cloud_runtime

    job_id = register_job(_event(), store)["job_id"]
    store.transition(job_id, JobStatus.EXTRACTING)
    cloud_runtime.configure(job_store=store)
    result = mark_failed_handler.handler(_status_change(status), FakeLambdaContext())
    assert result["job_id"] == job_id
    rec = store.get_job(job_id)
    assert rec.status is JobStatus.FAILED
    assert rec.error is not None and rec.error["code"] == code


def test_a_failed_execution_records_its_own_error_and_cause(store: DynamoDBJobStore) -> None:
    from pipeline.cloud.failures import mark_failed_after_execution_ended

    event = _status_change("FAILED")
    job_id = register_job(_event(), store, execution=event["detail"]["executionArn"])["job_id"]
    event["detail"].update(
        error="States.DataLimitExceeded", cause="The state/task returned a result with a size exceeding the limit"
    )
    mark_failed_after_execution_ended(event, store)
    rec = store.get_job(job_id)
    assert rec.status is JobStatus.FAILED
    assert rec.error == {"code": "WORKFLOW_ERROR", "message": event["detail"]["cause"]}


def test_a_failed_execution_keeps_the_error_its_mark_failed_recorded(store: DynamoDBJobStore) -> None:
    from pipeline.cloud.failures import mark_failed_after_execution_ended

    job_id = register_job(_event(), store)["job_id"]
    mark_failed(job_id, _lambda_error("AudioExtractionError", "MediaConvert said no"), store)
    mark_failed_after_execution_ended(_status_change("FAILED"), store)
    assert store.get_job(job_id).error == {"code": "AUDIO_EXTRACTION_FAILED", "message": "MediaConvert said no"}


def test_the_end_of_a_duplicate_execution_leaves_the_job_of_another_alone(store: DynamoDBJobStore) -> None:
    from pipeline.cloud.failures import mark_failed_after_execution_ended

    job_id = register_job(_event(), store, execution="arn:aws:states:us-east-1:1:execution:sm:owner")["job_id"]
    result = mark_failed_after_execution_ended(_status_change("ABORTED"), store)  # another execution's ARN
    assert result["job_id"] == job_id and result["error"] is None
    assert store.get_job(job_id).status is JobStatus.QUEUED


def test_a_retried_registration_continues_the_job_of_its_execution(store: DynamoDBJobStore) -> None:
    first = register_job(_event(), store, execution="arn:aws:states:us-east-1:1:execution:sm:a")
    retried = register_job(_event(), store, execution="arn:aws:states:us-east-1:1:execution:sm:a")
    other = register_job(_event(), store, execution="arn:aws:states:us-east-1:1:execution:sm:b")
    assert (first["duplicate"], retried["duplicate"], other["duplicate"]) == (False, False, True)
    assert retried["job_id"] == first["job_id"]
    (job,) = store.list_jobs()
    assert job.attempt == 1 and job.owner == "arn:aws:states:us-east-1:1:execution:sm:a"


@pytest.mark.parametrize("status", ["SUCCEEDED", "RUNNING"])
def test_other_execution_statuses_change_nothing(store: DynamoDBJobStore, status: str) -> None:
    from pipeline.cloud.failures import mark_failed_after_execution_ended

    job_id = register_job(_event(), store)["job_id"]
    assert mark_failed_after_execution_ended(_status_change(status), store)["job_id"] is None
    assert store.get_job(job_id).status is JobStatus.QUEUED


def test_a_timed_out_execution_of_a_non_job_input_is_ignored(store: DynamoDBJobStore) -> None:
    from pipeline.cloud.failures import mark_failed_after_execution_ended

    event = _status_change("TIMED_OUT")
    event["detail"]["input"] = json.dumps(
        {"detail": {"bucket": {"name": "b"}, "object": {"key": "x.txt", "etag": "e"}}}
    )
    assert mark_failed_after_execution_ended(event, store)["job_id"] is None
    assert store.list_jobs() == []


@pytest.mark.parametrize("versioned", [True, False])
def test_a_url_encoded_eventbridge_key_is_resolved_to_the_stored_key(
    store: DynamoDBJobStore, s3: Any, versioned: bool
) -> None:
    if versioned:
        s3.put_bucket_versioning(Bucket="clearscribe-input", VersioningConfiguration={"Status": "Enabled"})
    key = "uploads/Q3 review + plans é.mp4"
    put = s3.put_object(Bucket="clearscribe-input", Key=key, Body=b"video")
    event = _event()
    obj = event["detail"]["object"]
    obj.update({"key": quote_plus(key, safe="/"), "etag": put["ETag"].strip('"'), "size": 5})
    if versioned:
        obj["version-id"] = put["VersionId"]
    else:
        obj.pop("version-id")
    result = register_job(event, store, s3=s3)
    assert result["source"]["key"] == key
    assert result["job_id"] == job_id_for_object("clearscribe-input", key, put.get("VersionId") or obj["etag"])


def test_a_key_that_exists_as_written_is_never_decoded(store: DynamoDBJobStore, s3: Any) -> None:
    s3.put_bucket_versioning(Bucket="clearscribe-input", VersioningConfiguration={"Status": "Enabled"})
    literal = "uploads/c++ talk+q&a.mp4"
    decoy = s3.put_object(Bucket="clearscribe-input", Key="uploads/c   talk q&a.mp4", Body=b"other")
    put = s3.put_object(Bucket="clearscribe-input", Key=literal, Body=b"video")
    assert decoy["VersionId"] != put["VersionId"]
    event = _event()
    event["detail"]["object"].update({"key": literal, "version-id": put["VersionId"]})
    assert register_job(event, store, s3=s3)["source"]["key"] == literal


def test_without_permission_to_check_the_key_is_kept(store: DynamoDBJobStore) -> None:
    from botocore.exceptions import ClientError

    class Forbidden:
        def list_objects_v2(self, **_: Any) -> Any:
            raise ClientError({"Error": {"Code": "403", "Message": "Forbidden"}}, "ListObjectsV2")

    event = _event()
    event["detail"]["object"]["key"] = "uploads/a+b.mp4"
    assert register_job(event, store, s3=Forbidden())["source"]["key"] == "uploads/a+b.mp4"
