"""CheckTranscription against async-inference result objects in moto S3."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.asr.inference.failures import failure_body
from pipeline.cloud.polling import PollPolicy
from pipeline.cloud.transcription import FAILURE_MESSAGE_CHARS, check_transcription
from shared.errors import InvalidMediaError, TranscriptionError, TranscriptionTimeout, UnsupportedLanguageError
from shared.jobstore.dynamodb import DynamoDBJobStore
from shared.models import Segment, Transcript
from shared.status import JobStatus
from tests.integration.cloud.conftest import WORKING_BUCKET
from tests.integration.moto_harness import CapturedLogs

POLICY = PollPolicy(15, 300, 7200)
SECRET_WORDS = "Priyanka Vasquez-Oduya"
TRANSCRIPT = Transcript(
    language="en",
    duration=4.0,
    segments=(Segment(0, 0.0, 2.0, f"My name is {SECRET_WORDS}."), Segment(1, 2.0, 4.0, "Thanks everyone.")),
    model="distil-large-v3",
    engine="faster-whisper",
)


@pytest.fixture
def inference(store: DynamoDBJobStore) -> dict[str, Any]:
    store.create_job("job-1", "s3://in/a.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING):
        store.transition("job-1", status)
    return {
        "output_location": f"s3://{WORKING_BUCKET}/inference/output/job-1.out",
        "failure_location": f"s3://{WORKING_BUCKET}/inference/failure/job-1-error.out",
        "status": "IN_PROGRESS",
        "poll": {"attempt": 0, "wait_seconds": 15, "elapsed_seconds": 0},
    }


def test_pending_inference_gives_the_next_poll(store: DynamoDBJobStore, s3: Any, inference: dict[str, Any]) -> None:
    result = check_transcription("job-1", inference, s3=s3, store=store, poll=POLICY)
    assert result["status"] == "IN_PROGRESS"
    assert result["poll"] == {"attempt": 1, "wait_seconds": 30, "elapsed_seconds": 15}
    assert "transcript_uri" not in result
    assert store.get_job("job-1").status is JobStatus.TRANSCRIBING


def test_output_object_completes_and_marks_enriching(
    store: DynamoDBJobStore, s3: Any, inference: dict[str, Any]
) -> None:
    s3.put_object(Bucket=WORKING_BUCKET, Key="inference/output/job-1.out", Body=TRANSCRIPT.to_json().encode())
    with CapturedLogs().attached() as logs:
        result = check_transcription("job-1", inference, s3=s3, store=store, poll=POLICY)
    assert result["status"] == "COMPLETE"
    assert result["transcript_uri"] == inference["output_location"]
    assert result["failure_location"] == inference["failure_location"]
    assert store.get_job("job-1").status is JobStatus.ENRICHING
    assert any('"job_id": "job-1"' in line for line in logs.lines)
    assert SECRET_WORDS not in logs.text


@pytest.mark.parametrize("body", [b"not json", b'{"error": "x"}', b"[1, 2]", json.dumps({"segments": "x"}).encode()])
def test_output_that_is_not_a_transcript_is_a_transcription_error(
    store: DynamoDBJobStore, s3: Any, inference: dict[str, Any], body: bytes
) -> None:
    s3.put_object(Bucket=WORKING_BUCKET, Key="inference/output/job-1.out", Body=body)
    with pytest.raises(TranscriptionError):
        check_transcription("job-1", inference, s3=s3, store=store, poll=POLICY)
    assert store.get_job("job-1").status is JobStatus.TRANSCRIBING


def test_failure_object_raises_with_a_bounded_message_that_is_not_logged(
    store: DynamoDBJobStore, s3: Any, inference: dict[str, Any]
) -> None:
    message = "CUDA out of memory while decoding: " + "x" * 10_000 + f" {SECRET_WORDS}"
    s3.put_object(Bucket=WORKING_BUCKET, Key="inference/failure/job-1-error.out", Body=message.encode())
    with CapturedLogs().attached() as logs, pytest.raises(TranscriptionError) as info:
        check_transcription("job-1", inference, s3=s3, store=store, poll=POLICY)
    assert "CUDA out of memory" in info.value.message
    assert len(info.value.message) < FAILURE_MESSAGE_CHARS + 100
    assert logs.lines
    assert "CUDA" not in logs.text
    assert info.value.code == "TRANSCRIPTION_FAILED"


@pytest.mark.parametrize(
    "error",
    [InvalidMediaError("the audio could not be decoded"), UnsupportedLanguageError("appears to be in 'de'")],
)
def test_a_failure_written_by_the_inference_module_keeps_its_type_and_code(
    store: DynamoDBJobStore, s3: Any, inference: dict[str, Any], error: Exception
) -> None:
    wrapped = json.dumps({"code": 400, "type": "InternalServerException", "message": failure_body(error)})
    s3.put_object(Bucket=WORKING_BUCKET, Key="inference/failure/job-1-error.out", Body=wrapped.encode())
    with pytest.raises(type(error)) as info:
        check_transcription("job-1", inference, s3=s3, store=store, poll=POLICY)
    assert info.value.code == error.code and info.value.message == error.message


def test_exhausted_budget_is_a_transcription_timeout(
    store: DynamoDBJobStore, s3: Any, inference: dict[str, Any]
) -> None:
    inference["poll"] = {"attempt": 30, "wait_seconds": 300, "elapsed_seconds": 7000}
    with pytest.raises(TranscriptionTimeout) as info:
        check_transcription("job-1", inference, s3=s3, store=store, poll=POLICY)
    assert info.value.code == "TRANSCRIPTION_TIMEOUT"


def test_a_forbidden_check_is_an_error_not_a_pending_result(store: DynamoDBJobStore, inference: dict[str, Any]) -> None:
    from botocore.exceptions import ClientError

    class NoListPermission:
        def list_objects_v2(self, **_: Any) -> Any:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Forbidden"}}, "ListObjectsV2")

    with pytest.raises(ClientError, match="AccessDenied"):
        check_transcription("job-1", inference, s3=NoListPermission(), store=store, poll=POLICY)


def test_an_object_is_found_by_its_exact_key_only(s3: Any) -> None:
    from pipeline.cloud.transcription import object_exists

    s3.put_object(Bucket=WORKING_BUCKET, Key="inference/output/job-1.out.partial", Body=b"x")
    assert not object_exists(s3, f"s3://{WORKING_BUCKET}/inference/output/job-1.out")
    s3.put_object(Bucket=WORKING_BUCKET, Key="inference/output/job-1.out", Body=b"x")
    assert object_exists(s3, f"s3://{WORKING_BUCKET}/inference/output/job-1.out")
    assert not object_exists(s3, None)
