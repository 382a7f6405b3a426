"""The workflow end to end in moto's Step Functions interpreter, driven by events as deployed.

The definition is the one the workflow stack synthesizes (CDK, with short budgets), its
CloudFormation intrinsics resolved (``sandbox.templates``); every Lambda gets its template
environment. moto executes it: every Lambda task runs the real handler in-process
(``LambdaDispatcher``), the enrichers run for real (presidio, profanity, VADER) on a small
transcript. ``ExtractAudio`` (``mediaconvert:createJob.sync``) goes through the sandbox's
integration to a scripted MediaConvert. Each window of the recording is one ``InvokeEndpointAsync``
to a scripted asynchronous endpoint, which writes its output or failure object to moto S3 and
publishes SageMaker's notification to moto SNS, whose Lambda subscription (from the template)
runs ``ResumeTranscription``; the scheduled rule's target, ``SweepTranscriptions``, is run when a
test says the schedule fires. Nothing polls and nothing sleeps.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import boto3
import jsonschema
import pytest
from moto import mock_aws

from infra.constructs.mediaconvert import audio_extraction_settings
from pipeline.asr.inference.failures import failure_body
from pipeline.asr.inference.windows import Window, plan_windows
from pipeline.cli.cloud import CloudResources, rerun_job, submit_video
from pipeline.cloud import extraction as cloud_extraction
from pipeline.cloud import transcription as cloud_transcription
from pipeline.cloud.callbacks import CallbackStore
from pipeline.handlers import runtime as cloud_runtime
from pipeline.outputs.cost import FIXED_INVOCATIONS, FIXED_TRANSITIONS, INVOCATIONS_PER_WINDOW, TRANSITIONS_PER_WINDOW
from postprocess.schema import load_enriched_schema
from sandbox.executions import (
    execution_states,
    execution_status_change,
    run_execution,
    start_execution,
    wait_for_execution,
)
from sandbox.moto_patches import mediaconvert_sync_patches, sns_lambda_delivery_patches, task_failure_cause_patches
from sandbox.subscriptions import LambdaSubscriptions
from sandbox.templates import Resolver, definition_from_template, lambda_handlers, resources_of_type
from shared.errors import EnrichmentError, RecordingTooLongError, UnsupportedLanguageError
from shared.ids import job_id_for_object
from shared.jobstore.dynamodb import DynamoDBJobStore
from shared.models import Segment, Transcript
from shared.status import JobStatus
from tests.infra.fixtures_workflow import SHORT_BUDGETS, STAND_IN_ENDPOINT_NAME, workflow_template_json
from tests.integration.moto_harness import (
    ACCOUNT,
    REGION,
    Answer,
    AsyncEndpoint,
    CapturedLogs,
    FakeMediaConvert,
    LambdaDispatcher,
    Request,
    create_callback_table,
    create_job_table,
    patch_moto,
)
from tests.support.lambda_context import FakeLambdaContext

INPUT_BUCKET = "clearscribe-input"
WORKING_BUCKET = "clearscribe-working"
ENDPOINT = STAND_IN_ENDPOINT_NAME
SUCCESS_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:clearscribe-inference-success"
ERROR_TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:clearscribe-inference-error"

# Words that must never appear in a log line or in the enriched output as spoken.
PERSON = "Margarethe Okonkwo"
EMAIL_SPOKEN = "margarethe dot okonkwo at example dot com"
PROFANE = "shit"
#: A recording of 41 min 40 s: three windows of 13 min 53 s at the default 20-minute window,
#: something said in each.
RECORDING_SECONDS = 2500.0
SEGMENTS = (
    (0.0, 3.2, f"Good morning, this is {PERSON} from the finance team."),
    (3.2, 6.8, f"You can reach me at {EMAIL_SPOKEN} after the call."),
    (900.0, 902.7, f"The old dashboard was a piece of {PROFANE} but the new one is wonderful."),
    (1700.0, 1702.5, "Thanks everyone, I really appreciate the great work."),
    (2490.0, 2493.0, "See you all next week."),
)
RAW_MARKERS = (PERSON, "Okonkwo", "okonkwo", "finance team", "piece of shit", "reach me at")


def window_transcript(window: Window | None) -> Transcript:
    """What the endpoint transcribes of ``window`` (the recording's times): the segments starting in it."""
    start = 0.0 if window is None else window.start
    end = RECORDING_SECONDS if window is None or window.end is None else window.end
    said = [(s, e, text) for s, e, text in SEGMENTS if start <= s < end]
    return Transcript(
        language="en",
        duration=end,
        segments=tuple(Segment(i, s, e, text) for i, (s, e, text) in enumerate(said)),
        model="distil-whisper/distil-large-v3",
        engine="faster-whisper",
    )


def transcribes(request: Request) -> Answer:
    return Answer("output", window_transcript(request.window).to_json().encode("utf-8"))


@dataclass
class Workflow:
    sfn: Any
    s3: Any
    store: DynamoDBJobStore
    callbacks: CallbackStore
    arn: str
    env: dict[str, str]
    mediaconvert: FakeMediaConvert
    endpoint: AsyncEndpoint
    dispatcher: LambdaDispatcher
    subscriptions: LambdaSubscriptions
    sweep_function: str

    @property
    def output_bucket(self) -> str:
        return self.env["OUTPUT_BUCKET"]

    def upload(self, key: str, body: bytes = b"\x00\x00\x00\x20ftypisom fake video") -> dict[str, Any]:
        """Put a video into the input bucket; return the EventBridge event S3 would send."""
        put = self.s3.put_object(Bucket=INPUT_BUCKET, Key=key, Body=body)
        return object_created_event(key, put["VersionId"], put["ETag"].strip('"'), len(body))

    def run(self, event: dict[str, Any]) -> dict[str, Any]:
        return run_execution(self.sfn, self.arn, event)

    def settle(self) -> None:
        """Wait until every answer due and every notification delivery under way has ended."""
        self.endpoint.wait()
        self.subscriptions.wait()

    def schedule_fires(self) -> dict[str, int]:
        """What the sweep rule's schedule does: invoke its target (SweepTranscriptions)."""
        headers: dict[str, str] = {}
        event = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}
        answer = self.dispatcher.invoke(self.sweep_function, json.dumps(event).encode(), headers)
        assert "x-amz-function-error" not in headers, answer
        return dict(json.loads(answer))

    def pending_with_locations(self, count: int, timeout: float = 30) -> None:
        """Wait until ``count`` windows wait with their output and failure locations recorded."""
        deadline = time.monotonic() + timeout
        while True:
            waiting = [p for p in self.callbacks.pending() if p.output_location and p.failure_location]
            if len(waiting) >= count:
                return
            assert time.monotonic() < deadline, f"{len(waiting)} of {count} windows waiting"
            time.sleep(0.05)


def object_created_event(key: str, version_id: str, etag: str, size: int) -> dict[str, Any]:
    event = json.loads((Path(__file__).parents[1] / "events" / "eventbridge_object_created.json").read_text("utf-8"))
    event["detail"]["bucket"]["name"] = INPUT_BUCKET
    event["detail"]["object"].update({"key": key, "version-id": version_id, "etag": etag, "size": size})
    event["resources"] = [f"arn:aws:s3:::{INPUT_BUCKET}"]
    return event


@dataclass(frozen=True)
class Synthesized:
    template: dict[str, Any]
    definition: dict[str, Any]
    modules: dict[str, str]  # Lambda function name (logical id) → handler module
    env: dict[str, str]  # the step functions' environment, resolved
    subscriptions: list[tuple[str, str]]  # (topic ARN, function ARN) of the Lambda subscriptions
    sweep_function: str  # the ARN the sweep schedule's rule targets


@pytest.fixture(scope="module")
def synthesized() -> Synthesized:
    """The workflow stack's state machine and functions, synthesized once for this module."""
    template = workflow_template_json(SHORT_BUDGETS)
    values = {"WorkingBucketName": WORKING_BUCKET, "OutputRefSuccess": SUCCESS_TOPIC, "OutputRefError": ERROR_TOPIC}
    resolver = Resolver(template, region=REGION, account=ACCOUNT, values=values)
    definition = definition_from_template(template, region=REGION, account=ACCOUNT, values=values)
    modules = lambda_handlers(template)
    (window_function,) = [
        f for f in resources_of_type(template, "AWS::Lambda::Function").values()
        if f["Properties"]["Handler"].startswith("pipeline.handlers.transcribe_window.")
    ]  # fmt: skip
    env = {k: str(v) for k, v in resolver.resolve(window_function["Properties"]["Environment"]["Variables"]).items()}
    subscriptions = [
        (str(resolver.resolve(s["Properties"]["TopicArn"])), str(resolver.resolve(s["Properties"]["Endpoint"])))
        for s in resources_of_type(template, "AWS::SNS::Subscription").values()
    ]
    (sweep_rule,) = [
        r for r in resources_of_type(template, "AWS::Events::Rule").values() if "ScheduleExpression" in r["Properties"]
    ]
    sweep_function = str(resolver.resolve(sweep_rule["Properties"]["Targets"][0]["Arn"]))
    return Synthesized(template, definition, modules, env, subscriptions, sweep_function)


@contextmanager
def start_workflow(
    monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized, definition: dict[str, Any]
) -> Iterator[Workflow]:
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        **synthesized.env,
        "LOG_LEVEL": "DEBUG",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    config = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
    with mock_aws(config=config):
        s3 = boto3.client("s3", region_name=REGION)
        for bucket in (INPUT_BUCKET, env["WORKING_BUCKET"], env["OUTPUT_BUCKET"]):
            s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=INPUT_BUCKET, VersioningConfiguration={"Status": "Enabled"})
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        create_job_table(dynamodb, env["JOB_TABLE"])
        create_callback_table(dynamodb, env["CALLBACK_TABLE"])
        mediaconvert = FakeMediaConvert(
            statuses=["COMPLETE"], s3=s3, template_settings=audio_extraction_settings(),
            duration_ms=int(RECORDING_SECONDS * 1000),
        )  # fmt: skip
        monkeypatch.setattr(cloud_extraction, "_template_cache", {})
        cloud_runtime.configure(mediaconvert=mediaconvert)
        patch_moto(monkeypatch, mediaconvert_sync_patches(lambda: mediaconvert))
        patch_moto(monkeypatch, task_failure_cause_patches())
        dispatcher = LambdaDispatcher(synthesized.modules)
        dispatcher.patch(monkeypatch)
        subscriptions = LambdaSubscriptions(dispatcher.invoke)
        patch_moto(monkeypatch, sns_lambda_delivery_patches(subscriptions.deliver))
        sns = boto3.client("sns", region_name=REGION)
        for topic in (SUCCESS_TOPIC, ERROR_TOPIC):
            sns.create_topic(Name=topic.rsplit(":", 1)[-1])
        for topic, function in synthesized.subscriptions:
            sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=function)
        endpoint = AsyncEndpoint(
            s3, sns, env["WORKING_BUCKET"], success_topic=SUCCESS_TOPIC, error_topic=ERROR_TOPIC, answer=transcribes
        )
        endpoint.patch(monkeypatch)

        sfn = boto3.client("stepfunctions", region_name=REGION)
        arn = sfn.create_state_machine(
            name="clearscribe-workflow",
            definition=json.dumps(definition),
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/clearscribe-workflow",
        )["stateMachineArn"]
        wf = Workflow(
            sfn=sfn,
            s3=s3,
            store=DynamoDBJobStore(env["JOB_TABLE"], client=dynamodb),
            callbacks=CallbackStore(env["CALLBACK_TABLE"], dynamodb),
            arn=arn,
            env=env,
            mediaconvert=mediaconvert,
            endpoint=endpoint,
            dispatcher=dispatcher,
            subscriptions=subscriptions,
            sweep_function=synthesized.sweep_function,
        )
        try:
            yield wf
        finally:
            wf.settle()
    cloud_runtime.configure()


@pytest.fixture
def workflow(monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Workflow]:
    with start_workflow(monkeypatch, synthesized, synthesized.definition) as wf:
        yield wf


def with_timeout(definition: dict[str, Any], path: tuple[str, ...], seconds: int) -> dict[str, Any]:
    """The definition with the ``TimeoutSeconds`` of the state at ``path`` (inside a Map: the Map's
    name, then the inner state's) cut to ``seconds``: a budget spent in a test's time."""
    changed = json.loads(json.dumps(definition))
    states = changed["States"]
    for name in path[:-1]:
        states = states[name]["ItemProcessor"]["States"]
    states[path[-1]]["TimeoutSeconds"] = seconds
    return changed


OUTPUT_FILES = ["enriched.json", "report.html", "transcript.srt", "transcript.txt", "transcript.vtt"]


def output_keys(wf: Workflow, job_id: str) -> list[str]:
    listed = wf.s3.list_objects_v2(Bucket=wf.output_bucket, Prefix=f"transcripts/{job_id}/").get("Contents") or []
    return sorted(obj["Key"].rsplit("/", 1)[-1] for obj in listed)


def read(s3: Any, uri: str) -> str:
    bucket, _, key = uri[5:].partition("/")
    return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")


def assert_every_job_terminal(store: DynamoDBJobStore) -> None:
    jobs = store.list_jobs()
    assert jobs, "no job was registered"
    assert all(job.status.is_terminal for job in jobs), [(j.job_id, j.status) for j in jobs]


def assert_failed(wf: Workflow, execution: dict[str, Any], job_id: str, code: str, stage: str) -> dict[str, str]:
    assert execution["status"] == "FAILED"
    assert execution_states(wf.sfn, execution["executionArn"])[-2:] == ["MarkFailed", "JobFailed"]
    job = wf.store.get_job(job_id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None
    assert job.error["code"] == code, job.error
    assert len(job.error["message"]) <= 500
    assert stage in job.stages
    assert "ended_at" in job.stages[stage]
    assert all("ended_at" in s for s in job.stages.values())
    assert job.outputs is None
    assert output_keys(wf, job_id) == []
    assert_every_job_terminal(wf.store)
    return job.error


def only_job_id(wf: Workflow) -> str:
    (job,) = wf.store.list_jobs()
    return job.job_id


# -- the successful path ------------------------------------------------------------------------
def test_a_recording_in_three_windows_is_transcribed_on_notifications_and_merged_in_order(workflow: Workflow) -> None:
    wf = workflow
    wf.mediaconvert.statuses = ["SUBMITTED", "PROGRESSING", "COMPLETE"]
    wf.endpoint.hold(3)  # the three windows are all in flight, and finish last to first
    event = wf.upload("uploads/finance weekly.mp4")
    with CapturedLogs().attached() as logs:
        execution = wf.run(event)
        wf.settle()

    assert execution["status"] == "SUCCEEDED", execution
    states = execution_states(wf.sfn, execution["executionArn"])
    assert states[:5] == [
        "RegisterJob",
        "IsDuplicate",
        "PrepareAudioExtraction",
        "ExtractAudio",
        "CheckAudioExtraction",
    ]
    assert states.count("ExtractAudio") == 1, "Step Functions waited for MediaConvert in one state"
    assert wf.mediaconvert.count("get_job") == 3  # the integration followed the job to COMPLETE
    assert states.count("TranscribeWindow") == 3
    assert states[-3:] == ["WriteResults", "MarkComplete", "JobComplete"]
    job = wf.store.get_job(only_job_id(wf))
    assert job.status is JobStatus.COMPLETE
    assert job.source == f"s3://{INPUT_BUCKET}/uploads/finance weekly.mp4"
    assert list(job.stages) == ["queued", "extracting", "transcribing", "enriching"]
    ordered = [t for s in job.stages.values() for t in (s["started_at"], s["ended_at"])]
    assert ordered == sorted(ordered)
    assert job.error is None

    # MediaConvert got the source and the per-job destination through ExtractAudio.
    (create,) = [kw for name, kw in wf.mediaconvert.calls if name == "create_job"]
    assert create["Settings"]["Inputs"][0]["FileInput"] == job.source
    assert create["UserMetadata"] == {"job_id": job.job_id}
    assert create["ClientRequestToken"] == f"{job.job_id}-attempt-1"

    # One invocation per planned window, each naming its window, with the deployment's budget.
    plan = plan_windows(RECORDING_SECONDS, int(wf.env["CLEARSCRIBE_WINDOW_SECONDS"]))
    assert len(plan) == 3
    requests = sorted(wf.endpoint.requests, key=lambda r: r.inference_id)
    assert [r.custom_attributes for r in requests] == [w.attribute for w in plan]
    assert [r.inference_id for r in requests] == [f"{job.job_id}.w{w.index}" for w in plan]
    for request in requests:
        assert request.endpoint == ENDPOINT
        assert request.input_location == f"s3://{WORKING_BUCKET}/audio/{job.job_id}/finance weekly-audio.m4a"
        assert request.invocation_timeout_seconds == int(wf.env["INVOCATION_TIMEOUT_SECONDS"])
        assert request.request_ttl_seconds == int(wf.env["REQUEST_TTL_SECONDS"])
    assert wf.endpoint.answered == [f"{job.job_id}.w{i}" for i in (2, 1, 0)]
    assert wf.dispatcher.count("pipeline.handlers.resume_transcription") == 3
    assert wf.subscriptions.failed == 0
    assert list(wf.callbacks.pending()) == [], "a task token outlived its window"

    # The transcript is the windows merged in the recording's order, whatever order they finished in.
    enriched = json.loads(read(wf.s3, job.outputs["json"]))  # type: ignore[index]
    jsonschema.validate(enriched, load_enriched_schema())
    segments = enriched["transcript"]["segments"]
    assert [s["start"] for s in segments] == [start for start, _, _ in SEGMENTS]
    assert [s["id"] for s in segments] == list(range(len(SEGMENTS)))
    assert enriched["job_id"] == job.job_id and enriched["source"]["uri"] == job.source
    assert enriched["pii"]["counts"].get("PERSON", 0) >= 1
    assert enriched["profanity"]["count"] >= 1

    # The outputs: five files, recorded on the job, all clean.
    assert output_keys(wf, job.job_id) == OUTPUT_FILES
    assert job.outputs == {
        fmt: f"s3://{wf.output_bucket}/transcripts/{job.job_id}/{name}"
        for fmt, name in {
            "json": "enriched.json",
            "srt": "transcript.srt",
            "vtt": "transcript.vtt",
            "txt": "transcript.txt",
            "html": "report.html",
        }.items()
    }
    for fmt in ("json", "srt", "vtt", "txt", "html"):
        text = read(wf.s3, job.outputs[fmt])
        for marker in (PERSON, "Okonkwo", PROFANE):
            assert marker not in text, (fmt, marker)
    assert "next week" in read(wf.s3, job.outputs["txt"])
    assert job.summary is not None
    assert job.summary["profanity_count"] == enriched["profanity"]["count"]

    # The cost estimate counts what this execution really did (WriteResults cannot count the two
    # states after it, nor MarkComplete).
    lines = {line["item"]: line for line in job.summary["estimated_cost"]["lines"]}
    assert lines["state_transitions"]["quantity"] == FIXED_TRANSITIONS + TRANSITIONS_PER_WINDOW * 3 == len(states)
    invoked = len(wf.dispatcher.invocations)  # every function this job ran, ResumeTranscription included
    assert lines["lambda_requests"]["quantity"] == FIXED_INVOCATIONS + INVOCATIONS_PER_WINDOW * 3 == invoked
    assert "Estimated AWS cost" in read(wf.s3, job.outputs["html"])

    # Nothing said in the recording reaches a log line.
    assert any(job.job_id in line for line in logs.lines)
    for marker in RAW_MARKERS:
        assert marker not in logs.text, marker


def test_a_short_recording_is_one_window_with_no_end(workflow: Workflow) -> None:
    wf = workflow
    wf.mediaconvert.duration_ms = 4000
    execution = wf.run(wf.upload("uploads/quick note.m4a"))
    assert execution["status"] == "SUCCEEDED", execution
    (request,) = wf.endpoint.requests
    assert request.window == Window(-1, 0.0, None)
    assert execution_states(wf.sfn, execution["executionArn"]).count("TranscribeWindow") == 1


def test_a_lost_notification_is_resolved_by_the_scheduled_sweep(workflow: Workflow) -> None:
    wf = workflow
    wf.endpoint.answer = lambda request: replace(transcribes(request), notify=False)
    arn = start_execution(wf.sfn, wf.arn, wf.upload("uploads/quiet topic.mp4"))
    wf.pending_with_locations(3)
    wf.endpoint.wait()
    assert wf.sfn.describe_execution(executionArn=arn)["status"] == "RUNNING", "resumed with no notification"

    swept = wf.schedule_fires()

    assert swept == {"succeeded": 3, "failed": 0, "timed_out": 0, "waiting": 0}
    execution = wait_for_execution(wf.sfn, arn)
    assert execution["status"] == "SUCCEEDED", execution
    assert wf.dispatcher.count("pipeline.handlers.resume_transcription") == 0
    enriched = json.loads(read(wf.s3, wf.store.get_job(only_job_id(wf)).outputs["json"]))  # type: ignore[index]
    assert len(enriched["transcript"]["segments"]) == len(SEGMENTS)
    assert wf.schedule_fires() == {"succeeded": 0, "failed": 0, "timed_out": 0, "waiting": 0}


# -- failures --------------------------------------------------------------------------------------
def test_a_window_the_endpoint_fails_fails_the_job_with_its_code(workflow: Workflow) -> None:
    wf = workflow
    refused = UnsupportedLanguageError("the recording appears to be in 'de' (0.97); only English is supported")
    wrapped = json.dumps({"code": 400, "type": "InternalServerException", "message": failure_body(refused)})

    def second_window_in_german(request: Request) -> Answer:
        if request.window is not None and request.window.start > 0 and request.window.end is not None:
            return Answer("failure", wrapped.encode("utf-8"))
        return transcribes(request)

    wf.endpoint.answer = second_window_in_german
    execution = wf.run(wf.upload("uploads/kickoff.mp4"))
    wf.settle()

    error = assert_failed(wf, execution, only_job_id(wf), "UNSUPPORTED_LANGUAGE", "transcribing")
    assert error["message"] == refused.message
    assert wf.dispatcher.count("pipeline.handlers.merge_transcripts") == 0
    assert wf.dispatcher.count("pipeline.handlers.redact_pii") == 0
    assert wf.subscriptions.failed == 0, "a notification for a window whose execution ended raised"
    assert list(wf.callbacks.pending()) == []


def test_a_failure_object_the_inference_module_did_not_write_fails_the_job_with_its_message(
    workflow: Workflow,
) -> None:
    wf = workflow
    wf.endpoint.answer = lambda request: Answer(
        "failure", b"ModelError: Received server error (500) from primary: CUDA out of memory"
    )
    execution = wf.run(wf.upload("uploads/long talk.mkv"))
    error = assert_failed(wf, execution, only_job_id(wf), "TRANSCRIPTION_FAILED", "transcribing")
    assert "CUDA out of memory" in error["message"]
    assert wf.dispatcher.count("pipeline.handlers.redact_pii") == 0


def test_output_that_is_not_a_transcript_fails_the_job_at_the_merge(workflow: Workflow) -> None:
    wf = workflow
    wf.endpoint.answer = lambda request: Answer("output", b'{"predictions": []}')
    execution = wf.run(wf.upload("uploads/odd.mp4"))
    assert_failed(wf, execution, only_job_id(wf), "TRANSCRIPTION_FAILED", "transcribing")
    assert execution_states(wf.sfn, execution["executionArn"])[-3:] == ["MergeTranscripts", "MarkFailed", "JobFailed"]


def test_a_window_with_no_answer_past_its_budget_is_timed_out_by_the_sweep(
    workflow: Workflow, monkeypatch: pytest.MonkeyPatch
) -> None:
    wf = workflow
    wf.endpoint.answer = lambda request: Answer("never")
    arn = start_execution(wf.sfn, wf.arn, wf.upload("uploads/silence.webm"))
    wf.pending_with_locations(3)

    assert wf.schedule_fires()["waiting"] == 3, "a young window was given up on"
    budget = cloud_runtime.runtime().inference_budget.wait_seconds
    later = time.time() + budget + 1
    monkeypatch.setattr(cloud_transcription, "now", lambda: later)  # the schedule fires after the budget
    swept = wf.schedule_fires()

    assert swept["timed_out"] == 3
    execution = wait_for_execution(wf.sfn, arn)
    error = assert_failed(wf, execution, only_job_id(wf), "TRANSCRIPTION_TIMEOUT", "transcribing")
    assert "no inference result within its budget" in error["message"]


def test_mediaconvert_error_fails_the_job_with_its_message(workflow: Workflow) -> None:
    wf = workflow
    wf.mediaconvert.statuses = ["PROGRESSING", "ERROR"]
    execution = wf.run(wf.upload("uploads/corrupt.mp4"))
    error = assert_failed(wf, execution, only_job_id(wf), "AUDIO_EXTRACTION_FAILED", "extracting")
    assert error["message"].startswith("MediaConvert job ") and " ERROR: " in error["message"]
    assert wf.mediaconvert.error_message in error["message"] and "(code 1010)" in error["message"]
    assert "ExtractionFailed" in execution_states(wf.sfn, execution["executionArn"])
    assert wf.endpoint.requests == []


def test_mediaconvert_that_never_finishes_times_out(monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> None:
    definition = with_timeout(synthesized.definition, ("ExtractAudio",), 1)
    with start_workflow(monkeypatch, synthesized, definition) as wf:
        wf.mediaconvert.statuses = ["PROGRESSING"]
        execution = wf.run(wf.upload("uploads/endless.mp4"))
        assert "ExtractionTimedOut" in execution_states(wf.sfn, execution["executionArn"])
        assert_failed(wf, execution, only_job_id(wf), "AUDIO_EXTRACTION_TIMEOUT", "extracting")
        assert wf.endpoint.requests == []


def test_an_over_long_recording_fails_before_inference_with_its_code(workflow: Workflow) -> None:
    wf = workflow
    limit = int(wf.env["MAX_DURATION_SECONDS"])
    wf.mediaconvert.duration_ms = (limit + 30 * 60) * 1000
    execution = wf.run(wf.upload("uploads/all day workshop.mp4"))

    error = assert_failed(wf, execution, only_job_id(wf), RecordingTooLongError.code, "extracting")
    assert "12 h 30 min" in error["message"] and "12 h 00 min" in error["message"]
    assert wf.endpoint.requests == []  # the endpoint never saw it
    assert "TranscribeWindow" not in execution_states(wf.sfn, execution["executionArn"])


def test_a_mangled_key_fails_at_extraction_instead_of_hanging(workflow: Workflow) -> None:
    """An event naming an object that is not there (e.g. a key decoded twice) ends FAILED."""
    wf = workflow
    wf.upload("uploads/a+b c.mp4")
    execution = wf.run(object_created_event("uploads/a b c.mp4", "v-missing", "0" * 32, 100))
    error = assert_failed(wf, execution, only_job_id(wf), "AUDIO_EXTRACTION_FAILED", "extracting")
    assert "input" in error["message"].lower()


def test_an_enricher_raising_fails_the_job_without_outputs(workflow: Workflow) -> None:
    wf = workflow

    def broken_profanity(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise EnrichmentError("profanity word list could not be loaded")

    wf.dispatcher.overrides["pipeline.handlers.filter_profanity"] = broken_profanity
    execution = wf.run(wf.upload("uploads/meeting.mov"))
    error = assert_failed(wf, execution, only_job_id(wf), "ENRICHMENT_FAILED", "enriching")
    assert error["message"] == "profanity word list could not be loaded"
    assert wf.dispatcher.count("pipeline.handlers.write_results") == 0


def test_a_non_media_upload_fails_without_a_job(workflow: Workflow) -> None:
    wf = workflow
    execution = wf.run(wf.upload("uploads/notes.txt", b"minutes"))
    assert execution["status"] == "FAILED"
    assert execution_states(wf.sfn, execution["executionArn"]) == ["RegisterJob", "MarkFailed", "JobFailed"]
    assert wf.store.list_jobs() == []
    assert wf.mediaconvert.calls == []


# -- one job per upload ------------------------------------------------------------------------------
def test_the_same_event_delivered_twice_makes_one_job(workflow: Workflow) -> None:
    wf = workflow
    wf.mediaconvert.duration_ms = 4000
    event = wf.upload("uploads/standup.mp4")
    first = start_execution(wf.sfn, wf.arn, event)
    second = wf.run(event)
    first_done = wait_for_execution(wf.sfn, first)
    outcomes = sorted(execution_states(wf.sfn, e["executionArn"])[-1] for e in (first_done, second))
    assert outcomes == ["AlreadyRegistered", "JobComplete"]
    assert first_done["status"] == second["status"] == "SUCCEEDED"
    (job,) = wf.store.list_jobs()
    assert job.status is JobStatus.COMPLETE
    assert job.attempt == 1
    assert wf.mediaconvert.count("create_job") == 1
    assert len(wf.endpoint.requests) == 1


def test_key_with_spaces_unicode_and_plus_runs_through(workflow: Workflow, tmp_path: Path) -> None:
    wf = workflow
    video = tmp_path / "Réunion d'équipe + Q&A été 2024.mp4"
    video.write_bytes(b"\x00\x00\x00\x20ftypisom fake video with a unicode name")
    resources = CloudResources(INPUT_BUCKET, wf.output_bucket, wf.env["JOB_TABLE"], wf.arn, REGION)
    submitted = submit_video(video, resources, client=wf.s3)
    key = submitted["key"]
    assert key == "uploads/Réunion d'équipe + Q&A été 2024.mp4"
    head = wf.s3.head_object(Bucket=INPUT_BUCKET, Key=key)
    execution = wf.run(object_created_event(key, head["VersionId"], head["ETag"].strip('"'), video.stat().st_size))
    assert execution["status"] == "SUCCEEDED", execution
    job = wf.store.get_job(submitted["job_id"])  # the CLI predicted the job id RegisterJob used
    assert job.status is JobStatus.COMPLETE
    assert job.source == f"s3://{INPUT_BUCKET}/{key}"
    assert wf.endpoint.requests[0].input_location.endswith("/Réunion d'équipe + Q&A été 2024-audio.m4a")
    assert output_keys(wf, job.job_id) == OUTPUT_FILES
    assert_every_job_terminal(wf.store)


def test_a_failed_job_rerun_from_the_cli_completes_as_its_next_attempt(workflow: Workflow) -> None:
    wf = workflow
    wf.mediaconvert.statuses = ["ERROR"]
    first = wf.run(wf.upload("uploads/retry me.mp4"))
    (job,) = wf.store.list_jobs()
    assert first["status"] == "FAILED" and job.status is JobStatus.FAILED

    wf.mediaconvert.statuses = ["PROGRESSING", "COMPLETE"]
    resources = CloudResources(INPUT_BUCKET, wf.output_bucket, wf.env["JOB_TABLE"], wf.arn, REGION)
    started = rerun_job(job.job_id, resources, s3=wf.s3, sfn=wf.sfn, dynamodb=wf.store.client)
    second = wait_for_execution(wf.sfn, started["execution_arn"])
    assert second["status"] == "SUCCEEDED", second
    rerun = wf.store.get_job(job.job_id)
    assert rerun.status is JobStatus.COMPLETE
    assert rerun.attempt == 2
    assert rerun.error is None
    assert rerun.created_at == job.created_at
    tokens = [kw["ClientRequestToken"] for name, kw in wf.mediaconvert.calls if name == "create_job"]
    assert tokens == [f"{job.job_id}-attempt-1", f"{job.job_id}-attempt-2"]  # a new MediaConvert job
    assert output_keys(wf, job.job_id) == OUTPUT_FILES
    # an ordinary redelivery of the original event still changes nothing
    again = wf.run(object_created_event("uploads/retry me.mp4", *_version_and_etag(wf, "uploads/retry me.mp4")))
    assert execution_states(wf.sfn, again["executionArn"])[-1] == "AlreadyRegistered"
    assert wf.store.get_job(job.job_id).attempt == 2


def _version_and_etag(wf: Workflow, key: str) -> tuple[str, str, int]:
    head = wf.s3.head_object(Bucket=INPUT_BUCKET, Key=key)
    return head["VersionId"], head["ETag"].strip('"'), head["ContentLength"]


def test_an_event_with_a_url_encoded_key_still_processes_the_stored_object(workflow: Workflow) -> None:
    wf = workflow
    wf.mediaconvert.duration_ms = 4000
    key = "uploads/all hands + Q&A ü.mp4"
    stored = wf.upload(key)["detail"]["object"]
    encoded = object_created_event(quote_plus(key, safe="/"), stored["version-id"], stored["etag"], stored["size"])
    execution = wf.run(encoded)
    assert execution["status"] == "SUCCEEDED", execution
    (job,) = wf.store.list_jobs()
    assert job.status is JobStatus.COMPLETE
    assert job.source == f"s3://{INPUT_BUCKET}/{key}"
    assert job.job_id == job_id_for_object(INPUT_BUCKET, key, stored["version-id"])


def test_a_retried_register_job_continues_the_job_it_created(workflow: Workflow) -> None:
    """The first RegisterJob ran (its conditional put created the job) but its response was lost:
    Step Functions retries the task, and the retry continues that job instead of ending the
    execution at AlreadyRegistered with the job stuck in QUEUED."""
    wf = workflow
    wf.mediaconvert.duration_ms = 4000
    wf.dispatcher.lost_results["pipeline.handlers.register_job"] = 1
    execution = wf.run(wf.upload("uploads/retried.mp4"))

    assert execution["status"] == "SUCCEEDED", execution
    states = execution_states(wf.sfn, execution["executionArn"])
    assert wf.dispatcher.count("pipeline.handlers.register_job") == 2
    assert "AlreadyRegistered" not in states and states[-1] == "JobComplete"
    (job,) = wf.store.list_jobs()
    assert job.status is JobStatus.COMPLETE and job.attempt == 1
    assert job.owner == execution["executionArn"]


# -- failures outside the state machine's own error handling -----------------------------------------
@pytest.fixture(scope="module")
def status_rule(synthesized: Synthesized) -> Any:
    """The synthesized rule on execution status changes, as an EventBridge pattern."""
    (rule,) = [
        r["Properties"]["EventPattern"]
        for r in resources_of_type(synthesized.template, "AWS::Events::Rule").values()
        if r["Properties"].get("EventPattern", {}).get("source") == ["aws.states"]
    ]
    return rule


def deliver_status_change(wf: Workflow, execution: dict[str, Any], rule: dict[str, Any]) -> bool:
    """What EventBridge does when the execution ends: if the synthesized rule matches the status
    change, invoke its target (the real MarkFailed handler). Returns whether the rule matched."""
    from moto.events.models import EventPattern

    from pipeline.handlers import mark_failed

    event = execution_status_change(execution)
    pattern = json.loads(json.dumps(rule))
    pattern["detail"]["stateMachineArn"] = [wf.arn]
    if not EventPattern.load(json.dumps(pattern)).matches_event(event):
        return False
    mark_failed.handler(event, FakeLambdaContext())
    return True


def test_an_execution_that_runs_out_of_time_ends_its_job_failed(
    monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized, status_rule: dict[str, Any]
) -> None:
    """The state machine's own timeout ends an execution whose windows still wait, without running
    MarkFailed: the status change does it. The tokens left behind are cleared by the sweep once
    their budget has passed, with nothing left to resume."""
    definition = json.loads(json.dumps(synthesized.definition))
    definition["TimeoutSeconds"] = 8  # long enough for the windows to be waiting when it runs out
    with start_workflow(monkeypatch, synthesized, definition) as wf:
        wf.endpoint.answer = lambda request: Answer("never")
        arn = start_execution(wf.sfn, wf.arn, wf.upload("uploads/overrun.mp4"))
        wf.pending_with_locations(3)
        execution = wait_for_execution(wf.sfn, arn)
        assert execution["status"] == "TIMED_OUT", execution
        assert "MarkFailed" not in execution_states(wf.sfn, execution["executionArn"])
        job_id = only_job_id(wf)
        assert wf.store.get_job(job_id).status is JobStatus.TRANSCRIBING  # until the status change arrives

        assert deliver_status_change(wf, execution, status_rule)
        job = wf.store.get_job(job_id)
        assert job.status is JobStatus.FAILED
        assert job.error is not None and job.error["code"] == "STEP_TIMEOUT"

        later = time.time() + cloud_runtime.runtime().inference_budget.wait_seconds + 1
        monkeypatch.setattr(cloud_transcription, "now", lambda: later)
        assert wf.schedule_fires()["timed_out"] == 3
        assert list(wf.callbacks.pending()) == []
        assert wf.store.get_job(job_id).error == job.error, "the sweep changed the recorded failure"


def test_an_execution_whose_mark_failed_raises_ends_its_job_failed(
    workflow: Workflow, status_rule: dict[str, Any]
) -> None:
    wf = workflow
    wf.mediaconvert.statuses = ["ERROR"]

    def table_unavailable(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise ConnectionError("could not reach DynamoDB")

    wf.dispatcher.overrides["pipeline.handlers.mark_failed"] = table_unavailable
    execution = wf.run(wf.upload("uploads/corrupt.mp4"))
    assert execution["status"] == "FAILED"
    assert execution_states(wf.sfn, execution["executionArn"])[-2:] == ["MarkFailed", "JobFailed"]
    (job,) = wf.store.list_jobs()
    assert job.status is JobStatus.EXTRACTING

    del wf.dispatcher.overrides["pipeline.handlers.mark_failed"]  # the function works again
    assert deliver_status_change(wf, execution, status_rule)
    job = wf.store.get_job(job.job_id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None and job.error["code"] == "AUDIO_EXTRACTION_FAILED"
    assert wf.mediaconvert.error_message in job.error["message"]


def test_a_successful_execution_is_not_delivered_to_mark_failed(
    workflow: Workflow, status_rule: dict[str, Any]
) -> None:
    wf = workflow
    wf.mediaconvert.duration_ms = 4000
    execution = wf.run(wf.upload("uploads/fine.mp4"))
    assert execution["status"] == "SUCCEEDED"
    assert not deliver_status_change(wf, execution, status_rule)
    assert wf.store.list_jobs()[0].status is JobStatus.COMPLETE
