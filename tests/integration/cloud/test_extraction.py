"""StartAudioExtraction / CheckAudioExtraction against a stubbed MediaConvert client."""

from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from pipeline.cloud import extraction
from pipeline.cloud.extraction import (
    EndpointLimit,
    check_audio_extraction,
    mediaconvert_client,
    output_duration_seconds,
    start_audio_extraction,
)
from pipeline.cloud.polling import PollPolicy
from shared.errors import AudioExtractionError, AudioExtractionTimeout, InvalidTransitionError, RecordingTooLongError
from shared.jobstore.dynamodb import DynamoDBJobStore
from shared.status import JobStatus
from tests.integration.cloud.conftest import INPUT_BUCKET, WORKING_BUCKET
from tests.integration.moto_harness import AUDIO_TEMPLATE_SETTINGS, REGION

TEMPLATE = "clearscribe-audio-extract"
ROLE = "arn:aws:iam::123456789012:role/clearscribe-mediaconvert"
POLICY = PollPolicy(15, 300, 3600)
SOURCE = {
    "bucket": INPUT_BUCKET,
    "key": "uploads/team sync.mp4",
    "version": "v1",
    "uri": f"s3://{INPUT_BUCKET}/uploads/team sync.mp4",
    "size": 10,
}


@pytest.fixture
def mediaconvert() -> Any:
    extraction._template_cache.clear()
    return boto3.client(
        "mediaconvert",
        region_name=REGION,
        endpoint_url="https://abcd1234.mediaconvert.us-east-1.amazonaws.com",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def _job(status: str, **extra: Any) -> dict[str, Any]:
    return {"Job": {"Id": "1700000000000-abc123", "Role": ROLE, "Settings": {}, "Status": status, **extra}}


def _started(store: DynamoDBJobStore, mediaconvert: Any) -> dict[str, Any]:
    store.create_job("job-1", SOURCE["uri"])
    with Stubber(mediaconvert) as stub:
        stub.add_response("get_job_template", {"JobTemplate": {"Name": TEMPLATE, "Settings": AUDIO_TEMPLATE_SETTINGS}})
        stub.add_response("create_job", _job("SUBMITTED"), {
            "JobTemplate": TEMPLATE, "Role": ROLE, "Settings": ANY, "UserMetadata": {"job_id": "job-1"},
            "ClientRequestToken": "job-1-attempt-1",
        })  # fmt: skip
        result = start_audio_extraction(
            "job-1",
            SOURCE,
            mediaconvert=mediaconvert,
            template=TEMPLATE,
            role_arn=ROLE,
            working_bucket=WORKING_BUCKET,
            store=store,
            poll=POLICY,
        )
        stub.assert_no_pending_responses()
    return result


def test_start_submits_the_template_job_to_the_working_bucket(store: DynamoDBJobStore, mediaconvert: Any) -> None:
    sent: list[dict[str, Any]] = []
    mediaconvert.meta.events.register("provide-client-params.mediaconvert.CreateJob", lambda params, **_: sent.append(
        copy.deepcopy(params)))  # fmt: skip
    result = _started(store, mediaconvert)
    assert result == {
        "mediaconvert_job_id": "1700000000000-abc123",
        "audio_uri": f"s3://{WORKING_BUCKET}/audio/job-1/team sync_audio.mp4",
        "status": "PROGRESSING",
        "poll": {"attempt": 0, "wait_seconds": 15, "elapsed_seconds": 0},
    }
    settings = sent[0]["Settings"]
    assert settings["Inputs"][0]["FileInput"] == SOURCE["uri"]
    assert settings["Inputs"][0]["AudioSelectors"] == AUDIO_TEMPLATE_SETTINGS["Inputs"][0]["AudioSelectors"]
    destination = settings["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"]["Destination"]
    assert destination == f"s3://{WORKING_BUCKET}/audio/job-1/"
    assert AUDIO_TEMPLATE_SETTINGS["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"]["Destination"] != (
        destination
    )
    rec = store.get_job("job-1")
    assert rec.status is JobStatus.EXTRACTING
    assert "started_at" in rec.stages["extracting"]


@pytest.mark.parametrize("status", ["SUBMITTED", "PROGRESSING"])
def test_running_job_gives_the_next_poll_with_backoff(store: DynamoDBJobStore, mediaconvert: Any, status: str) -> None:
    started = _started(store, mediaconvert)
    with Stubber(mediaconvert) as stub:
        stub.add_response("get_job", _job(status), {"Id": started["mediaconvert_job_id"]})
        result = check_audio_extraction("job-1", started, mediaconvert=mediaconvert, store=store, poll=POLICY)
    assert result["status"] == status
    assert result["poll"] == {"attempt": 1, "wait_seconds": 30, "elapsed_seconds": 15}
    assert store.get_job("job-1").status is JobStatus.EXTRACTING


def test_complete_job_marks_transcribing_and_finds_the_written_audio(
    store: DynamoDBJobStore, mediaconvert: Any, s3: Any
) -> None:
    started = _started(store, mediaconvert)
    # MediaConvert named the file differently from the prediction (e.g. another extension)
    s3.put_object(Bucket=WORKING_BUCKET, Key="audio/job-1/team sync_audio.m4a", Body=b"audio")
    done = _job("COMPLETE", OutputGroupDetails=[{"OutputDetails": [{"DurationInMs": 4000}]}])
    with Stubber(mediaconvert) as stub:
        stub.add_response("get_job", done, {"Id": started["mediaconvert_job_id"]})
        stub.add_response("get_job", done, {"Id": started["mediaconvert_job_id"]})
        result = check_audio_extraction("job-1", started, mediaconvert=mediaconvert, store=store, poll=POLICY, s3=s3)
        # a retried check (the Lambda ran twice) is harmless
        again = check_audio_extraction("job-1", started, mediaconvert=mediaconvert, store=store, poll=POLICY, s3=s3)
    assert result["status"] == "COMPLETE"
    assert result["audio_uri"] == f"s3://{WORKING_BUCKET}/audio/job-1/team sync_audio.m4a"
    assert again == result
    assert store.get_job("job-1").status is JobStatus.TRANSCRIBING


def test_complete_without_an_audio_file_is_an_error(store: DynamoDBJobStore, mediaconvert: Any, s3: Any) -> None:
    started = _started(store, mediaconvert)
    with Stubber(mediaconvert) as stub, pytest.raises(AudioExtractionError):
        stub.add_response("get_job", _job("COMPLETE"), {"Id": started["mediaconvert_job_id"]})
        check_audio_extraction("job-1", started, mediaconvert=mediaconvert, store=store, poll=POLICY, s3=s3)


@pytest.mark.parametrize("status", ["ERROR", "CANCELED"])
def test_failed_job_raises_with_the_mediaconvert_message(
    store: DynamoDBJobStore, mediaconvert: Any, status: str
) -> None:
    started = _started(store, mediaconvert)
    failed = _job(status, ErrorMessage="Demuxer: no audio track found", ErrorCode=1030)
    with Stubber(mediaconvert) as stub, pytest.raises(AudioExtractionError) as info:
        stub.add_response("get_job", failed, {"Id": started["mediaconvert_job_id"]})
        check_audio_extraction("job-1", started, mediaconvert=mediaconvert, store=store, poll=POLICY)
    assert "no audio track found" in info.value.message
    assert status in info.value.message
    assert info.value.code == "AUDIO_EXTRACTION_FAILED"


def test_exhausted_budget_times_out_and_cancels(store: DynamoDBJobStore, mediaconvert: Any) -> None:
    started = _started(store, mediaconvert)
    started["poll"] = {"attempt": 14, "wait_seconds": 300, "elapsed_seconds": 3300}
    with Stubber(mediaconvert) as stub, pytest.raises(AudioExtractionTimeout) as info:
        stub.add_response("get_job", _job("PROGRESSING"), {"Id": started["mediaconvert_job_id"]})
        stub.add_response("cancel_job", {}, {"Id": started["mediaconvert_job_id"]})
        check_audio_extraction("job-1", started, mediaconvert=mediaconvert, store=store, poll=POLICY)
    assert info.value.code == "AUDIO_EXTRACTION_TIMEOUT"


def test_start_on_a_finished_job_is_refused(store: DynamoDBJobStore, mediaconvert: Any) -> None:
    store.create_job("job-1", SOURCE["uri"])
    store.transition("job-1", JobStatus.FAILED, error={"code": "X", "message": "m"})
    with pytest.raises(InvalidTransitionError):
        start_audio_extraction(
            "job-1", SOURCE, mediaconvert=mediaconvert, template=TEMPLATE, role_arn=ROLE,
            working_bucket=WORKING_BUCKET, store=store, poll=POLICY,
        )  # fmt: skip


def test_template_without_output_group_is_an_extraction_error() -> None:
    with pytest.raises(AudioExtractionError):
        extraction.job_settings({"Inputs": [{}]}, "s3://b/k.mp4", "s3://w/audio/j/")


def test_the_client_calls_the_regional_endpoint_without_describe_endpoints() -> None:
    client = mediaconvert_client(region="eu-west-1")
    assert client.meta.endpoint_url == "https://mediaconvert.eu-west-1.amazonaws.com"
    with Stubber(client) as stub:  # any DescribeEndpoints call would find no stubbed response and raise
        stub.add_response("get_job", _job("PROGRESSING"), {"Id": "1"})
        client.get_job(Id="1")
        stub.assert_no_pending_responses()


def _complete_after(duration_ms: int) -> dict[str, Any]:
    """A COMPLETE GetJob response as MediaConvert shapes it: ``OutputGroupDetails[].OutputDetails[]``."""
    return _job("COMPLETE", OutputGroupDetails=[{"OutputDetails": [{"DurationInMs": duration_ms}]}])


def test_output_duration_is_read_from_the_job_output_details() -> None:
    assert output_duration_seconds(_complete_after(5_025_500)["Job"]) == 5025.5
    assert output_duration_seconds(_job("COMPLETE")["Job"]) is None


def test_a_recording_the_endpoint_cannot_finish_fails_before_transcription(
    store: DynamoDBJobStore, mediaconvert: Any
) -> None:
    started = _started(store, mediaconvert)
    limit = EndpointLimit(max_audio_seconds=2880, endpoint="the ml.m5.xlarge endpoint")
    with Stubber(mediaconvert) as stub, pytest.raises(RecordingTooLongError) as info:
        stub.add_response("get_job", _complete_after(2 * 3600 * 1000 + 5 * 60 * 1000), {"Id": ANY})
        check_audio_extraction("job-1", started, mediaconvert=mediaconvert, store=store, poll=POLICY, limit=limit)
    assert info.value.code == "RECORDING_TOO_LONG"
    assert "2 h 05 min" in info.value.message and "48 min" in info.value.message
    assert "ml.m5.xlarge" in info.value.message
    assert store.get_job("job-1").status is JobStatus.EXTRACTING  # never marked TRANSCRIBING


def test_a_recording_within_the_limit_goes_on_with_its_duration(store: DynamoDBJobStore, mediaconvert: Any) -> None:
    started = _started(store, mediaconvert)
    with Stubber(mediaconvert) as stub:
        stub.add_response("get_job", _complete_after(2880 * 1000), {"Id": ANY})
        result = check_audio_extraction(
            "job-1", started, mediaconvert=mediaconvert, store=store, poll=POLICY, limit=EndpointLimit(2880)
        )
    assert result["status"] == "COMPLETE" and result["duration_seconds"] == 2880
    assert store.get_job("job-1").status is JobStatus.TRANSCRIBING


def test_the_deployed_template_makes_a_valid_create_job_request(store: DynamoDBJobStore, mediaconvert: Any) -> None:
    """The workflow stack's job template, with input and destination set, passes the CreateJob model."""
    from infra.constructs.mediaconvert import audio_extraction_settings

    store.create_job("job-1", SOURCE["uri"])
    with Stubber(mediaconvert) as stub:
        stub.add_response(
            "get_job_template", {"JobTemplate": {"Name": TEMPLATE, "Settings": audio_extraction_settings()}}
        )
        stub.add_response("create_job", _job("SUBMITTED"))
        result = start_audio_extraction(
            "job-1", SOURCE, mediaconvert=mediaconvert, template=TEMPLATE, role_arn=ROLE,
            working_bucket=WORKING_BUCKET, store=store, poll=POLICY,
        )  # fmt: skip
    assert result["audio_uri"] == f"s3://{WORKING_BUCKET}/audio/job-1/team sync-audio.m4a"
