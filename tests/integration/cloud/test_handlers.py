"""The Lambda handlers: event in, one step, small dict out, with the events each receives as the state
machine, SNS and the schedule send them (moto S3/DynamoDB, fake MediaConvert, endpoint and Step
Functions clients)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from pipeline.cloud import extraction as cloud_extraction
from pipeline.cloud.extraction import DurationLimit
from pipeline.cloud.transcription import InferenceBudget
from pipeline.handlers import (
    check_audio_extraction,
    mark_complete,
    mark_failed,
    merge_transcripts,
    prepare_audio_extraction,
    register_job,
    resume_transcription,
    sweep_transcriptions,
    transcribe_window,
)
from pipeline.handlers import runtime as cloud_runtime
from sandbox.subscriptions import sns_event
from shared.errors import ConfigInvalidError, RecordingTooLongError, TranscriptionError
from shared.models import Segment, Transcript
from shared.status import JobStatus
from shared.transcript_json import parse_transcript_json
from tests.integration.cloud.conftest import INPUT_BUCKET, OUTPUT_BUCKET, TABLE, WORKING_BUCKET
from tests.integration.moto_harness import FakeMediaConvert, create_callback_table
from tests.support.lambda_context import FakeLambdaContext

EVENTS = Path(__file__).resolve().parents[2] / "events"
CALLBACK_TABLE = "clearscribe-callbacks"
ENV = {
    "JOB_TABLE": TABLE,
    "WORKING_BUCKET": WORKING_BUCKET,
    "OUTPUT_BUCKET": OUTPUT_BUCKET,
    "MEDIACONVERT_TEMPLATE": "clearscribe-audio",
    "MEDIACONVERT_ROLE_ARN": "arn:aws:iam::123456789012:role/mc",
    "ENDPOINT_NAME": "whisper",
    "ENDPOINT_INSTANCE_TYPE": "ml.m5.xlarge",
    "CALLBACK_TABLE": CALLBACK_TABLE,
    "MAX_DURATION_SECONDS": "7200",
    "CLEARSCRIBE_WINDOW_SECONDS": "1200",
    "INVOCATION_TIMEOUT_SECONDS": "3600",
    "REQUEST_TTL_SECONDS": "1800",
    "NOTIFICATION_GRACE_SECONDS": "0",
}


class Endpoint:
    """``InvokeEndpointAsync``: a distinct output and failure location per inference."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def invoke_endpoint_async(self, **params: Any) -> dict[str, Any]:
        self.sent.append(params)
        name = params["InferenceId"]
        return {
            "InferenceId": name,
            "OutputLocation": f"s3://{WORKING_BUCKET}/inference/output/{name}.out",
            "FailureLocation": f"s3://{WORKING_BUCKET}/inference/failure/{name}-error.out",
        }


class StepFunctions:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def send_task_success(self, **arguments: Any) -> dict[str, Any]:
        self.calls.append(("success", arguments))
        return {}

    def send_task_failure(self, **arguments: Any) -> dict[str, Any]:
        self.calls.append(("failure", arguments))
        return {}


class Clients:
    def __init__(self, mediaconvert: FakeMediaConvert) -> None:
        self.mediaconvert = mediaconvert
        self.endpoint = Endpoint()
        self.sfn = StepFunctions()


@pytest.fixture
def clients(s3: Any, dynamodb: Any) -> Clients:
    create_callback_table(dynamodb, CALLBACK_TABLE)
    fakes = Clients(FakeMediaConvert(statuses=["COMPLETE"], s3=s3, duration_ms=2_500_000))
    cloud_extraction._template_cache.clear()
    cloud_runtime.configure(
        ENV, mediaconvert=fakes.mediaconvert, sagemaker_runtime=fakes.endpoint, stepfunctions=fakes.sfn
    )
    return fakes


def _event() -> dict[str, Any]:
    return json.loads((EVENTS / "eventbridge_object_created.json").read_text("utf-8"))


def _registered(s3: Any) -> dict[str, Any]:
    event = _event()
    s3.put_object(Bucket=INPUT_BUCKET, Key=event["detail"]["object"]["key"], Body=b"video")
    execution = "arn:aws:states:us-east-1:123456789012:execution:ClearscribeWorkflow:first"
    job = register_job.handler({"event": event, "execution": execution}, FakeLambdaContext())
    assert set(job) == {"job_id", "duplicate", "source"}
    assert cloud_runtime.runtime().job_store.get_job(job["job_id"]).owner == execution
    return job


def _extracted(clients: Clients, job: dict[str, Any]) -> dict[str, Any]:
    """PrepareAudioExtraction, what ExtractAudio (createJob.sync) does with its request, and
    CheckAudioExtraction on the job as the integration describes it."""
    prepared = prepare_audio_extraction.handler({"job_id": job["job_id"], "source": job["source"]}, FakeLambdaContext())
    assert set(prepared) == {"request", "audio_uri"}
    request = prepared["request"]
    created = clients.mediaconvert.create_job(
        JobTemplate=request["JobTemplate"], Role=request["Role"], Settings=request["Settings"],
        UserMetadata=request["UserMetadata"], ClientRequestToken=request["ClientRequestToken"],
    )  # fmt: skip
    described = clients.mediaconvert.get_job(Id=created["Job"]["Id"])
    return check_audio_extraction.handler(
        {"job_id": job["job_id"], "extraction": {"audio_uri": prepared["audio_uri"]}, "job": described},
        FakeLambdaContext(),
    )


def test_runtime_builds_clients_and_settings_lazily_and_once(aws: None) -> None:
    rt = cloud_runtime.configure(ENV)
    assert rt._cache == {}
    assert rt.s3 is rt.s3
    assert rt.callbacks is rt.callbacks and rt.callbacks.table == CALLBACK_TABLE
    assert rt.inference_budget == InferenceBudget(invocation_timeout_seconds=3600, request_ttl_seconds=1800,
                                                  grace_seconds=0)  # fmt: skip
    assert rt.duration_limit == DurationLimit(7200)
    assert rt.window_seconds == 1200
    defaults = cloud_runtime.configure({"JOB_TABLE": TABLE})
    assert defaults.duration_limit == DurationLimit(12 * 3600) and defaults.window_seconds == 1200
    with pytest.raises(RuntimeError, match="INVOCATION_TIMEOUT_SECONDS"):
        defaults.inference_budget  # noqa: B018  (TranscribeWindow cannot send a window without its budget)
    with pytest.raises(ConfigInvalidError, match="CLEARSCRIBE_WINDOW_SECONDS"):
        cloud_runtime.configure({"CLEARSCRIBE_WINDOW_SECONDS": "30"}).window_seconds  # noqa: B018


def test_handlers_carry_a_job_from_the_upload_to_its_merged_transcript(clients: Clients, s3: Any) -> None:
    job = _registered(s3)
    store = cloud_runtime.runtime().job_store

    audio = _extracted(clients, job)

    assert set(audio) == {"audio_uri", "duration_seconds", "windows"}
    assert audio["duration_seconds"] == 2500.0  # what the MediaConvert job reports
    assert [w["index"] for w in audio["windows"]] == [0, 1, 2]  # 2500 s in windows of at most 1200 s
    assert store.get_job(job["job_id"]).status is JobStatus.TRANSCRIBING

    # The Map's items: one TranscribeWindow per window, each with its own token.
    for window in audio["windows"]:
        item = {"job_id": job["job_id"], "audio_uri": audio["audio_uri"], "window": window,
                "task_token": f"token-{window['index']}"}  # fmt: skip
        sent = transcribe_window.handler(item, FakeLambdaContext())
        assert sent == {"inference_id": f"{job['job_id']}.w{window['index']}", "window": window}
    assert [p["InputLocation"] for p in clients.endpoint.sent] == [audio["audio_uri"]] * 3

    # The endpoint writes each window's transcript and announces it; SNS delivers the notifications.
    for index, params in enumerate(clients.endpoint.sent):
        text = Transcript("en", 1.0, (Segment(0, 1000.0 * index, 1000.0 * index + 1, f"part {index}"),), "m")
        key = f"inference/output/{params['InferenceId']}.out"
        s3.put_object(Bucket=WORKING_BUCKET, Key=key, Body=text.to_json().encode())
    records = [
        sns_event(topic_arn="arn:aws:sns:us-east-1:123456789012:success", subscription_arn="arn:sub", message_id=str(n),
                  subject=None, message=json.dumps({"inferenceId": p["InferenceId"], "invocationStatus": "Completed",
                  "responseParameters": {"outputLocation": f"s3://{WORKING_BUCKET}/inference/output/{p['InferenceId']}.out"}}))
        for n, p in enumerate(clients.endpoint.sent)
    ]  # fmt: skip
    batch = {"Records": [r["Records"][0] for r in records]}
    assert resume_transcription.handler(batch, FakeLambdaContext()) == {"outcomes": ["succeeded"] * 3}
    resumed = {a["taskToken"]: json.loads(a["output"]) for name, a in clients.sfn.calls if name == "success"}
    assert sorted(resumed) == ["token-0", "token-1", "token-2"]

    # The Map's results, in item order, go to MergeTranscripts.
    merged = merge_transcripts.handler(
        {"job_id": job["job_id"], "windows": [resumed[f"token-{i}"] for i in range(3)]}, FakeLambdaContext()
    )
    assert merged == {"transcript_uri": f"s3://{WORKING_BUCKET}/inference/{job['job_id']}/transcript.json"}
    assert store.get_job(job["job_id"]).status is JobStatus.ENRICHING
    body = s3.get_object(Bucket=WORKING_BUCKET, Key=f"inference/{job['job_id']}/transcript.json")["Body"].read()
    assert [s.text for s in parse_transcript_json(body, where="merged").segments] == ["part 0", "part 1", "part 2"]


def test_check_audio_extraction_fails_a_recording_longer_than_the_deployment_takes(clients: Clients, s3: Any) -> None:
    clients.mediaconvert.duration_ms = (2 * 3600 + 60) * 1000
    job = _registered(s3)
    with pytest.raises(RecordingTooLongError, match=r"2 h 01 min, longer than this deployment's maximum of 2 h 00 min"):
        _extracted(clients, job)


def test_a_window_event_without_its_task_token_is_refused(clients: Clients) -> None:
    item = {"job_id": "job-1", "audio_uri": f"s3://{WORKING_BUCKET}/audio/job-1/a.m4a", "window": {"index": 0}}
    with pytest.raises(ValidationError, match="task_token"):
        transcribe_window.handler(item, FakeLambdaContext())
    assert clients.endpoint.sent == []


def test_the_sweep_handler_waits_the_notification_grace(clients: Clients, s3: Any) -> None:
    transcribe_window.handler(
        {"job_id": "job-1", "audio_uri": f"s3://{WORKING_BUCKET}/audio/job-1/a.m4a",
         "window": {"index": 0, "start": 0.0, "end": None}, "task_token": "token-0"},
        FakeLambdaContext(),
    )  # fmt: skip
    output = Transcript("en", 1.0, (Segment(0, 0.0, 1.0, "hello"),), "m")
    s3.put_object(Bucket=WORKING_BUCKET, Key="inference/output/job-1.w0.out", Body=output.to_json().encode())
    scheduled = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}

    cloud_runtime.configure({**ENV, "NOTIFICATION_GRACE_SECONDS": "300"}, stepfunctions=clients.sfn)
    assert sweep_transcriptions.handler(scheduled, FakeLambdaContext()) == {
        "succeeded": 0, "failed": 0, "timed_out": 0, "waiting": 0
    }  # fmt: skip
    assert clients.sfn.calls == [], "a notification may still be on its way"

    cloud_runtime.configure(ENV, stepfunctions=clients.sfn)  # no grace: it looks at once
    assert sweep_transcriptions.handler(scheduled, FakeLambdaContext())["succeeded"] == 1
    assert [(name, a["taskToken"]) for name, a in clients.sfn.calls] == [("success", "token-0")]


def test_mark_complete_and_mark_failed_handler_shapes(clients: Clients) -> None:
    store = cloud_runtime.runtime().job_store
    store.create_job("job-1", "s3://in/a.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition("job-1", status)
    result = mark_complete.handler(
        {"job_id": "job-1", "outputs": {"json": "s3://o/j"}, "summary": {"words": 1}}, FakeLambdaContext()
    )
    assert result == {"job_id": "job-1", "status": "COMPLETE"}

    store.create_job("job-2", "s3://in/b.mp4")
    error = {
        "Error": "TranscriptionError",
        "Cause": json.dumps({"errorMessage": "endpoint failed", "errorType": "TranscriptionError"}),
    }
    result = mark_failed.handler(
        {"state": {"job": {"job_id": "job-2"}, "error": error}, "error": error}, FakeLambdaContext()
    )
    assert result == {
        "job_id": "job-2",
        "status": "FAILED",
        "error": {"code": TranscriptionError.code, "message": "endpoint failed"},
    }
    unregistered = mark_failed.handler(
        {"state": _event(), "error": {"Error": "InvalidMediaError"}}, FakeLambdaContext()
    )
    assert unregistered["job_id"] is None and unregistered["status"] == "FAILED"
