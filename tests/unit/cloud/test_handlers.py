"""The Lambda handlers: event in, one step, small dict out (moto S3/DynamoDB, fake MediaConvert)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.cloud import extraction as cloud_extraction
from pipeline.cloud.polling import PollPolicy
from pipeline.handlers import (
    check_audio_extraction,
    check_transcription,
    mark_complete,
    mark_failed,
    register_job,
    start_audio_extraction,
)
from pipeline.handlers import runtime as cloud_runtime
from shared.errors import TranscriptionError
from shared.models import Segment, Transcript
from shared.status import JobStatus
from tests.integration.moto_harness import FakeMediaConvert
from tests.support.lambda_context import FakeLambdaContext
from tests.unit.cloud.conftest import INPUT_BUCKET, OUTPUT_BUCKET, TABLE, WORKING_BUCKET

EVENTS = Path(__file__).resolve().parents[2] / "events"
ENV = {
    "JOB_TABLE": TABLE,
    "WORKING_BUCKET": WORKING_BUCKET,
    "OUTPUT_BUCKET": OUTPUT_BUCKET,
    "MEDIACONVERT_TEMPLATE": "clearscribe-audio",
    "MEDIACONVERT_ROLE_ARN": "arn:aws:iam::123456789012:role/mc",
    "ENDPOINT_NAME": "whisper",
    "POLL_INITIAL_SECONDS": "10",
    "POLL_MAX_SECONDS": "40",
    "EXTRACTION_POLL_BUDGET_SECONDS": "100",
    "MAX_AUDIO_SECONDS": "2880",
    "ENDPOINT_INSTANCE_TYPE": "ml.m5.xlarge",
}


@pytest.fixture
def fake_mediaconvert(s3: Any, dynamodb: Any) -> FakeMediaConvert:
    fake = FakeMediaConvert(statuses=["PROGRESSING", "COMPLETE"], s3=s3)
    cloud_extraction._template_cache.clear()
    cloud_runtime.configure(ENV, mediaconvert=fake)
    return fake


def _event() -> dict[str, Any]:
    return json.loads((EVENTS / "eventbridge_object_created.json").read_text("utf-8"))


def test_runtime_builds_clients_lazily_and_once(aws: None) -> None:
    rt = cloud_runtime.configure({"JOB_TABLE": TABLE})
    assert rt._cache == {}
    assert rt.s3 is rt.s3
    assert rt.extraction_poll == PollPolicy(15, 300, 3600)
    with pytest.raises(RuntimeError, match="OUTPUT_BUCKET"):
        rt.setting("OUTPUT_BUCKET")


def test_handlers_carry_a_job_through_extraction(fake_mediaconvert: FakeMediaConvert, s3: Any) -> None:
    event = _event()
    s3.put_object(Bucket=INPUT_BUCKET, Key=event["detail"]["object"]["key"], Body=b"video")
    execution = "arn:aws:states:us-east-1:123456789012:execution:ClearscribeWorkflow:first"
    job = register_job.handler({"event": event, "execution": execution}, FakeLambdaContext())
    assert set(job) == {"job_id", "duplicate", "source"}
    assert cloud_runtime.runtime().job_store.get_job(job["job_id"]).owner == execution
    started = start_audio_extraction.handler({"job_id": job["job_id"], "source": job["source"]}, FakeLambdaContext())
    assert set(started) == {"mediaconvert_job_id", "audio_uri", "status", "poll"}
    assert started["poll"] == {"attempt": 0, "wait_seconds": 10, "elapsed_seconds": 0}
    polled = check_audio_extraction.handler({"job_id": job["job_id"], "extraction": started}, FakeLambdaContext())
    assert polled["status"] == "PROGRESSING"
    assert polled["poll"] == {"attempt": 1, "wait_seconds": 20, "elapsed_seconds": 10}
    done = check_audio_extraction.handler({"job_id": job["job_id"], "extraction": polled}, FakeLambdaContext())
    assert done["status"] == "COMPLETE"
    assert set(done) == {*started, "duration_seconds"}
    assert done["duration_seconds"] == 4.0  # what the MediaConvert job reports
    assert cloud_runtime.runtime().job_store.get_job(job["job_id"]).status is JobStatus.TRANSCRIBING


def test_check_audio_extraction_fails_a_recording_too_long_for_the_endpoint(
    fake_mediaconvert: FakeMediaConvert, s3: Any
) -> None:
    from shared.errors import RecordingTooLongError

    fake_mediaconvert.duration_ms = 3 * 3600 * 1000
    event = _event()
    s3.put_object(Bucket=INPUT_BUCKET, Key=event["detail"]["object"]["key"], Body=b"video")
    job = register_job.handler(
        {"event": event, "execution": "arn:aws:states:us-east-1:1:execution:sm:x"}, FakeLambdaContext()
    )
    started = start_audio_extraction.handler({"job_id": job["job_id"], "source": job["source"]}, FakeLambdaContext())
    fake_mediaconvert.statuses = ["COMPLETE"]
    with pytest.raises(RecordingTooLongError, match=r"ml\.m5\.xlarge endpoint finishes at most 48 min"):
        check_audio_extraction.handler({"job_id": job["job_id"], "extraction": started}, FakeLambdaContext())


def test_check_transcription_and_completion_handlers(fake_mediaconvert: FakeMediaConvert, s3: Any) -> None:
    store = cloud_runtime.runtime().job_store
    store.create_job("job-1", "s3://in/a.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING):
        store.transition("job-1", status)
    inference = {
        "output_location": f"s3://{WORKING_BUCKET}/out/job-1.out",
        "failure_location": f"s3://{WORKING_BUCKET}/fail/job-1.out",
        "status": "IN_PROGRESS",
        "poll": {"attempt": 0, "wait_seconds": 0, "elapsed_seconds": 0},
    }
    pending = check_transcription.handler({"job_id": "job-1", "inference": inference}, FakeLambdaContext())
    assert pending["status"] == "IN_PROGRESS" and pending["poll"]["attempt"] == 1
    transcript = Transcript("en", 1.0, (Segment(0, 0.0, 1.0, "hello"),), "m")
    s3.put_object(Bucket=WORKING_BUCKET, Key="out/job-1.out", Body=transcript.to_json().encode())
    done = check_transcription.handler({"job_id": "job-1", "inference": pending}, FakeLambdaContext())
    assert done["transcript_uri"] == inference["output_location"]
    assert set(done) == {"output_location", "failure_location", "status", "poll", "transcript_uri"}
    result = mark_complete.handler(
        {"job_id": "job-1", "outputs": {"json": "s3://o/j"}, "summary": {"words": 1}}, FakeLambdaContext()
    )
    assert result == {"job_id": "job-1", "status": "COMPLETE"}


def test_mark_failed_handler_shapes(fake_mediaconvert: FakeMediaConvert) -> None:
    store = cloud_runtime.runtime().job_store
    store.create_job("job-1", "s3://in/a.mp4")
    error = {
        "Error": "TranscriptionError",
        "Cause": json.dumps({"errorMessage": "endpoint failed", "errorType": "TranscriptionError"}),
    }
    result = mark_failed.handler(
        {"state": {"job": {"job_id": "job-1"}, "error": error}, "error": error}, FakeLambdaContext()
    )
    assert result == {
        "job_id": "job-1",
        "status": "FAILED",
        "error": {"code": TranscriptionError.code, "message": "endpoint failed"},
    }
    unregistered = mark_failed.handler(
        {"state": _event(), "error": {"Error": "InvalidMediaError"}}, FakeLambdaContext()
    )
    assert unregistered["job_id"] is None and unregistered["status"] == "FAILED"
