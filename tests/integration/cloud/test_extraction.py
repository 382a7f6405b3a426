"""PrepareAudioExtraction / CheckAudioExtraction around the ``ExtractAudio`` state (MediaConvert's
``createJob.sync``): the request it sends, checked against MediaConvert's own API model with a
botocore Stubber, and what is made of the job once it has ended."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from pipeline.asr.inference.windows import SPEAKERS_OFF, SPEAKERS_ONLY, Window, plan_windows
from pipeline.cloud import extraction
from pipeline.cloud.extraction import (
    DurationLimit,
    check_audio_extraction,
    mediaconvert_client,
    output_duration_seconds,
    prepare_audio_extraction,
)
from pipeline.cloud.failures import error_from_step_functions
from shared.errors import AudioExtractionError, InvalidTransitionError, RecordingTooLongError
from shared.jobstore.dynamodb import DynamoDBJobStore
from shared.status import JobStatus
from tests.integration.cloud.conftest import INPUT_BUCKET, WORKING_BUCKET
from tests.integration.moto_harness import AUDIO_TEMPLATE_SETTINGS, REGION

TEMPLATE = "clearscribe-audio-extract"
ROLE = "arn:aws:iam::123456789012:role/clearscribe-mediaconvert"
SOURCE: dict[str, Any] = {
    "bucket": INPUT_BUCKET,
    "key": "uploads/team sync.mp4",
    "version": "v1",
    "uri": f"s3://{INPUT_BUCKET}/uploads/team sync.mp4",
    "size": 10,
}
NO_LIMIT = DurationLimit(max_seconds=12 * 3600)


@pytest.fixture
def mediaconvert() -> Any:
    extraction._template_cache.clear()
    return boto3.client(
        "mediaconvert",
        region_name=REGION,
        endpoint_url="https://mediaconvert.us-east-1.amazonaws.com",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )


def _job(status: str, **extra: Any) -> dict[str, Any]:
    return {"Id": "1700000000000-abc123", "Role": ROLE, "Settings": {}, "Status": status, **extra}


def _complete_after(duration_ms: int) -> dict[str, Any]:
    """A COMPLETE job as ``GetJob`` (and so the ``.sync`` state's result) describes it."""
    return _job("COMPLETE", OutputGroupDetails=[{"OutputDetails": [{"DurationInMs": duration_ms}]}])


def _prepared(
    store: DynamoDBJobStore, mediaconvert: Any, template_settings: dict[str, Any] = AUDIO_TEMPLATE_SETTINGS
) -> dict[str, Any]:
    store.create_job("job-1", SOURCE["uri"])
    with Stubber(mediaconvert) as stub:  # only the template is read: the state creates the job
        stub.add_response(
            "get_job_template", {"JobTemplate": {"Name": TEMPLATE, "Settings": template_settings}}, {"Name": TEMPLATE}
        )
        result = prepare_audio_extraction(
            "job-1",
            SOURCE,
            mediaconvert=mediaconvert,
            template=TEMPLATE,
            role_arn=ROLE,
            working_bucket=WORKING_BUCKET,
            store=store,
        )
        stub.assert_no_pending_responses()
    return result


def _check(
    store: DynamoDBJobStore,
    s3: Any,
    prepared: dict[str, Any],
    job: dict[str, Any],
    *,
    limit: DurationLimit = NO_LIMIT,
    window_seconds: float = 1200,
) -> dict[str, Any]:
    return check_audio_extraction(
        "job-1",
        {"audio_uri": prepared["audio_uri"]},
        job,
        s3=s3,
        store=store,
        limit=limit,
        window_seconds=window_seconds,
    )


def test_prepare_writes_the_template_job_into_the_working_bucket_and_marks_extracting(
    store: DynamoDBJobStore, mediaconvert: Any
) -> None:
    result = _prepared(store, mediaconvert)

    request = result["request"]
    assert result["audio_uri"] == f"s3://{WORKING_BUCKET}/audio/job-1/team sync_audio.mp4"
    assert (request["JobTemplate"], request["Role"]) == (TEMPLATE, ROLE)
    assert request["UserMetadata"] == {"job_id": "job-1"}
    settings = request["Settings"]
    assert settings["Inputs"][0]["FileInput"] == SOURCE["uri"]
    assert settings["Inputs"][0]["AudioSelectors"] == AUDIO_TEMPLATE_SETTINGS["Inputs"][0]["AudioSelectors"]
    destination = settings["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"]["Destination"]
    assert destination == f"s3://{WORKING_BUCKET}/audio/job-1/"
    assert AUDIO_TEMPLATE_SETTINGS["OutputGroups"][0]["OutputGroupSettings"]["FileGroupSettings"]["Destination"] != (
        destination
    ), "the shared template settings were changed in place"
    record = store.get_job("job-1")
    assert record.status is JobStatus.EXTRACTING
    assert "started_at" in record.stages["extracting"]


def test_the_request_is_one_mediaconvert_accepts_and_a_retry_sends_the_same_token(
    store: DynamoDBJobStore, mediaconvert: Any
) -> None:
    """What ``ExtractAudio`` sends is validated against the CreateJob model; a retried prepare (same
    attempt) names the same ClientRequestToken, so MediaConvert does not start a second job."""
    from infra.constructs.mediaconvert import audio_extraction_settings

    first = _prepared(store, mediaconvert, audio_extraction_settings())
    with Stubber(mediaconvert) as stub:
        again = prepare_audio_extraction(
            "job-1",
            SOURCE,
            mediaconvert=mediaconvert,
            template=TEMPLATE,
            role_arn=ROLE,
            working_bucket=WORKING_BUCKET,
            store=store,
        )  # fmt: skip  (the template is cached per client: no second GetJobTemplate)
        stub.add_response("create_job", {"Job": _job("SUBMITTED")}, first["request"])
        mediaconvert.create_job(**first["request"])  # raises on any parameter the model does not allow
        stub.assert_no_pending_responses()

    assert again["request"]["ClientRequestToken"] == first["request"]["ClientRequestToken"] == "job-1-attempt-1"
    assert first["audio_uri"] == f"s3://{WORKING_BUCKET}/audio/job-1/team sync-audio.m4a"


def test_a_rerun_of_the_job_asks_for_a_new_mediaconvert_job(store: DynamoDBJobStore, mediaconvert: Any) -> None:
    _prepared(store, mediaconvert)
    store.transition("job-1", JobStatus.FAILED, error={"code": "X", "message": "m"})
    store.restart_job("job-1", SOURCE["uri"])
    again = prepare_audio_extraction(
        "job-1", SOURCE, mediaconvert=mediaconvert, template=TEMPLATE, role_arn=ROLE,
        working_bucket=WORKING_BUCKET, store=store,
    )  # fmt: skip
    assert again["request"]["ClientRequestToken"] == "job-1-attempt-2"


def test_prepare_on_a_finished_job_is_refused(store: DynamoDBJobStore, mediaconvert: Any) -> None:
    store.create_job("job-1", SOURCE["uri"])
    store.transition("job-1", JobStatus.FAILED, error={"code": "X", "message": "m"})
    with pytest.raises(InvalidTransitionError):
        prepare_audio_extraction(
            "job-1", SOURCE, mediaconvert=mediaconvert, template=TEMPLATE, role_arn=ROLE,
            working_bucket=WORKING_BUCKET, store=store,
        )  # fmt: skip


def test_a_complete_job_is_planned_as_windows_and_marks_transcribing(
    store: DynamoDBJobStore, mediaconvert: Any, s3: Any
) -> None:
    prepared = _prepared(store, mediaconvert)
    # MediaConvert named the file differently from the prediction (e.g. another extension).
    s3.put_object(Bucket=WORKING_BUCKET, Key="audio/job-1/team sync_audio.m4a", Body=b"audio")
    done = _complete_after(3_000_000)  # 50 minutes

    result = _check(store, s3, prepared, done, window_seconds=1200)
    again = _check(store, s3, prepared, done, window_seconds=1200)  # a retried Lambda is harmless

    assert result["audio_uri"] == f"s3://{WORKING_BUCKET}/audio/job-1/team sync_audio.m4a"
    assert result["duration_seconds"] == 3000
    assert [Window.from_dict(w) for w in result["windows"]] == [
        Window(0, 0.0, 1000.0),
        Window(1, 1000.0, 2000.0),
        Window(2, 2000.0, None),
    ]
    assert again == result
    assert store.get_job("job-1").status is JobStatus.TRANSCRIBING


@pytest.mark.parametrize(("duration_ms", "window_seconds"), [(4000, 1200), (7_322_450, 1200), (7_322_450, 600)])
def test_the_windows_are_the_plan_for_the_reported_duration_and_the_window_setting(
    store: DynamoDBJobStore, mediaconvert: Any, s3: Any, duration_ms: int, window_seconds: int
) -> None:
    prepared = _prepared(store, mediaconvert)
    s3.put_object(Bucket=WORKING_BUCKET, Key="audio/job-1/team sync_audio.mp4", Body=b"audio")
    result = _check(store, s3, prepared, _complete_after(duration_ms), window_seconds=window_seconds)
    assert result["windows"] == [w.to_dict() for w in plan_windows(duration_ms / 1000, window_seconds)]
    assert len(result["windows"]) == max(1, -(-duration_ms // (window_seconds * 1000)))


def test_with_speaker_labels_a_long_recording_asks_for_its_turns_once_and_its_windows_unlabelled(
    store: DynamoDBJobStore, mediaconvert: Any, s3: Any
) -> None:
    """A window knows only its own voices: the turns come from one request over the whole recording."""
    prepared = _prepared(store, mediaconvert)
    s3.put_object(Bucket=WORKING_BUCKET, Key="audio/job-1/team sync_audio.mp4", Body=b"audio")
    result = check_audio_extraction(
        "job-1", {"audio_uri": prepared["audio_uri"]}, _complete_after(3_000_000), s3=s3, store=store,
        limit=NO_LIMIT, window_seconds=1200, speakers=True,
    )  # fmt: skip
    assert [Window.from_dict(w) for w in result["windows"]] == [
        Window(0, 0.0, 1000.0, SPEAKERS_OFF),
        Window(1, 1000.0, 2000.0, SPEAKERS_OFF),
        Window(2, 2000.0, None, SPEAKERS_OFF),
        Window(3, 0.0, None, SPEAKERS_ONLY),
    ]


def test_with_speaker_labels_a_one_window_recording_is_labelled_by_its_one_request(
    store: DynamoDBJobStore, mediaconvert: Any, s3: Any
) -> None:
    prepared = _prepared(store, mediaconvert)
    s3.put_object(Bucket=WORKING_BUCKET, Key="audio/job-1/team sync_audio.mp4", Body=b"audio")
    result = check_audio_extraction(
        "job-1", {"audio_uri": prepared["audio_uri"]}, _complete_after(600_000), s3=s3, store=store,
        limit=NO_LIMIT, window_seconds=1200, speakers=True,
    )  # fmt: skip
    assert [Window.from_dict(w) for w in result["windows"]] == [Window(0, 0.0, None)]


def test_complete_without_an_audio_file_is_an_error(store: DynamoDBJobStore, mediaconvert: Any, s3: Any) -> None:
    prepared = _prepared(store, mediaconvert)
    with pytest.raises(AudioExtractionError, match="wrote no audio file"):
        _check(store, s3, prepared, _complete_after(4000))
    assert store.get_job("job-1").status is JobStatus.EXTRACTING


def test_complete_without_a_duration_is_an_error(store: DynamoDBJobStore, mediaconvert: Any, s3: Any) -> None:
    prepared = _prepared(store, mediaconvert)
    s3.put_object(Bucket=WORKING_BUCKET, Key="audio/job-1/team sync_audio.mp4", Body=b"audio")
    with pytest.raises(AudioExtractionError, match="no duration"):
        _check(store, s3, prepared, _job("COMPLETE"))


@pytest.mark.parametrize("status", ["ERROR", "CANCELED"])
def test_a_job_that_did_not_complete_raises_with_the_mediaconvert_message(
    store: DynamoDBJobStore, mediaconvert: Any, s3: Any, status: str
) -> None:
    prepared = _prepared(store, mediaconvert)
    failed = _job(status, ErrorMessage="Demuxer: no audio track found", ErrorCode=1030)
    with pytest.raises(AudioExtractionError) as info:
        _check(store, s3, prepared, failed)
    assert "no audio track found" in info.value.message and status in info.value.message
    assert info.value.code == "AUDIO_EXTRACTION_FAILED"


@pytest.mark.parametrize("wrapped", [True, False])
def test_a_failed_extract_audio_state_records_mediaconvert_s_own_message(wrapped: bool) -> None:
    """``createJob.sync`` fails with the job's description as the cause; the workflow names the
    error AudioExtractionError (its ExtractionFailed state) and MarkFailed keeps status, message and code."""
    import json

    job = _job("ERROR", ErrorMessage="Demuxer: [ReadPacketData File read failed - end of file hit]", ErrorCode=1040)
    cause = json.dumps({"Job": job} if wrapped else job)

    failure = error_from_step_functions({"Error": "AudioExtractionError", "Cause": cause})

    assert failure["code"] == "AUDIO_EXTRACTION_FAILED"
    assert failure["message"] == (
        "MediaConvert job 1700000000000-abc123 ERROR: Demuxer: [ReadPacketData File read failed - end of file hit] "
        "(code 1040)"
    )


def test_the_client_calls_the_regional_endpoint_without_describe_endpoints() -> None:
    client = mediaconvert_client(region="eu-west-1")
    assert client.meta.endpoint_url == "https://mediaconvert.eu-west-1.amazonaws.com"
    with Stubber(client) as stub:  # any DescribeEndpoints call would find no stubbed response and raise
        stub.add_response("get_job", {"Job": _job("PROGRESSING")}, {"Id": "1"})
        client.get_job(Id="1")
        stub.assert_no_pending_responses()


def test_template_without_output_group_is_an_extraction_error() -> None:
    with pytest.raises(AudioExtractionError):
        extraction.job_settings({"Inputs": [{}]}, "s3://b/k.mp4", "s3://w/audio/j/")


def test_output_duration_is_read_from_the_job_output_details() -> None:
    assert output_duration_seconds(_complete_after(5_025_500)) == 5025.5
    two_outputs = _job("COMPLETE", OutputGroupDetails=[{"OutputDetails": [{"DurationInMs": 10}, {"DurationInMs": 20}]}])
    assert output_duration_seconds(two_outputs) == 0.02
    assert output_duration_seconds(_job("COMPLETE")) is None


def test_a_recording_longer_than_the_deployment_takes_fails_before_transcription(
    store: DynamoDBJobStore, mediaconvert: Any, s3: Any
) -> None:
    prepared = _prepared(store, mediaconvert)
    s3.put_object(Bucket=WORKING_BUCKET, Key="audio/job-1/team sync_audio.mp4", Body=b"audio")
    with pytest.raises(RecordingTooLongError) as info:
        _check(store, s3, prepared, _complete_after((12 * 3600 + 5 * 60) * 1000), limit=DurationLimit(12 * 3600))
    assert info.value.code == "RECORDING_TOO_LONG"
    assert "12 h 05 min" in info.value.message and "12 h 00 min" in info.value.message
    assert "clearscribe:max-duration-seconds" in info.value.message
    assert store.get_job("job-1").status is JobStatus.EXTRACTING  # never marked TRANSCRIBING


def test_a_recording_exactly_at_the_limit_goes_on(store: DynamoDBJobStore, mediaconvert: Any, s3: Any) -> None:
    prepared = _prepared(store, mediaconvert)
    s3.put_object(Bucket=WORKING_BUCKET, Key="audio/job-1/team sync_audio.mp4", Body=b"audio")
    result = _check(store, s3, prepared, _complete_after(2880 * 1000), limit=DurationLimit(2880))
    assert result["duration_seconds"] == 2880
    assert store.get_job("job-1").status is JobStatus.TRANSCRIBING
