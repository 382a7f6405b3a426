"""The workflow end to end in moto's Step Functions interpreter.

The definition is the one the workflow stack synthesizes (CDK, with zero-second polling), with
its CloudFormation intrinsics resolved (``infra.sandbox.templates``). moto executes it; every Lambda task
runs the real handler in-process (``LambdaDispatcher``), the enrichers run for real (presidio,
profanity, VADER) on a small transcript, MediaConvert is a scripted fake client and the
SageMaker asynchronous endpoint writes its output or failure object to moto S3 as the scenario
asks. Waits are zero.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import boto3
import jsonschema
import pytest
from moto import mock_aws

from infra.constructs.mediaconvert import audio_extraction_settings
from infra.sandbox.executions import (
    execution_states,
    execution_status_change,
    run_execution,
    start_execution,
    wait_for_execution,
)
from infra.sandbox.templates import definition_from_template, lambda_handlers
from pipeline.cli.cloud import CloudResources, rerun_job, submit_video
from pipeline.cloud import extraction as cloud_extraction
from pipeline.handlers import runtime as cloud_runtime
from postprocess.schema import load_enriched_schema
from shared.errors import EnrichmentError, RecordingTooLongError
from shared.ids import job_id_for_object
from shared.jobstore.dynamodb import DynamoDBJobStore
from shared.models import Segment, Transcript
from shared.status import JobStatus
from tests.infra.fixtures_workflow import FAST_POLLING, STAND_IN_ENDPOINT_NAME, workflow_template_json
from tests.integration.moto_harness import (
    ACCOUNT,
    REGION,
    AsyncInference,
    CapturedLogs,
    FakeMediaConvert,
    LambdaDispatcher,
    create_job_table,
)
from tests.support.lambda_context import FakeLambdaContext

INPUT_BUCKET = "clearscribe-input"
WORKING_BUCKET = "clearscribe-working"
OUTPUT_BUCKET = "clearscribe-output"
TABLE = "clearscribe-jobs"
ENDPOINT = STAND_IN_ENDPOINT_NAME

# Words that must never appear in a log line or in the enriched output as spoken.
PERSON = "Margarethe Okonkwo"
EMAIL_SPOKEN = "margarethe dot okonkwo at example dot com"
PROFANE = "shit"
SEGMENTS = (
    (0.0, 3.2, f"Good morning, this is {PERSON} from the finance team."),
    (3.2, 6.8, f"You can reach me at {EMAIL_SPOKEN} after the call."),
    (6.8, 9.5, f"The old dashboard was a piece of {PROFANE} but the new one is wonderful."),
    (9.5, 12.0, "Thanks everyone, I really appreciate the great work."),
)
TRANSCRIPT = Transcript(
    language="en",
    duration=12.0,
    segments=tuple(Segment(i, start, end, text) for i, (start, end, text) in enumerate(SEGMENTS)),
    model="distil-whisper/distil-large-v3",
    engine="faster-whisper",
)
RAW_MARKERS = (PERSON, "Okonkwo", "okonkwo", "finance team", "piece of shit", "reach me at")


@dataclass
class Workflow:
    sfn: Any
    s3: Any
    store: DynamoDBJobStore
    arn: str
    mediaconvert: FakeMediaConvert
    inference: AsyncInference
    dispatcher: LambdaDispatcher

    def upload(self, key: str, body: bytes = b"\x00\x00\x00\x20ftypisom fake video") -> dict[str, Any]:
        """Put a video into the input bucket; return the EventBridge event S3 would send."""
        put = self.s3.put_object(Bucket=INPUT_BUCKET, Key=key, Body=body)
        return object_created_event(key, put["VersionId"], put["ETag"].strip('"'), len(body))

    def run(self, event: dict[str, Any]) -> dict[str, Any]:
        return run_execution(self.sfn, self.arn, event)


def object_created_event(key: str, version_id: str, etag: str, size: int) -> dict[str, Any]:
    event = json.loads((Path(__file__).parents[1] / "events" / "eventbridge_object_created.json").read_text("utf-8"))
    event["detail"]["bucket"]["name"] = INPUT_BUCKET
    event["detail"]["object"].update({"key": key, "version-id": version_id, "etag": etag, "size": size})
    event["resources"] = [f"arn:aws:s3:::{INPUT_BUCKET}"]
    return event


@dataclass(frozen=True)
class Synthesized:
    definition: dict[str, Any]
    modules: dict[str, str]  # Lambda function name (logical id) → handler module


@pytest.fixture(scope="module")
def synthesized() -> Synthesized:
    """The workflow stack's state machine, synthesized once for this module."""
    template = workflow_template_json(FAST_POLLING)
    definition = definition_from_template(template, region=REGION, account=ACCOUNT, values={
        "WorkingBucketName": WORKING_BUCKET})  # fmt: skip
    return Synthesized(definition, lambda_handlers(template))


@pytest.fixture
def workflow(monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Workflow]:
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "JOB_TABLE": TABLE,
        "WORKING_BUCKET": WORKING_BUCKET,
        "OUTPUT_BUCKET": OUTPUT_BUCKET,
        "MEDIACONVERT_TEMPLATE": "clearscribe-audio",
        "MEDIACONVERT_ROLE_ARN": f"arn:aws:iam::{ACCOUNT}:role/clearscribe-mediaconvert",
        "ENDPOINT_NAME": ENDPOINT,
        "ENDPOINT_INSTANCE_TYPE": "ml.m5.xlarge",
        "MAX_AUDIO_SECONDS": "2880",
        "POLL_INITIAL_SECONDS": "0",
        "POLL_MAX_SECONDS": "0",
        "EXTRACTION_POLL_BUDGET_SECONDS": "5",
        "TRANSCRIPTION_POLL_BUDGET_SECONDS": "5",
        "LOG_LEVEL": "DEBUG",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    config = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
    with mock_aws(config=config):
        s3 = boto3.client("s3", region_name=REGION)
        for bucket in (INPUT_BUCKET, WORKING_BUCKET, OUTPUT_BUCKET):
            s3.create_bucket(Bucket=bucket)
        s3.put_bucket_versioning(Bucket=INPUT_BUCKET, VersioningConfiguration={"Status": "Enabled"})
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        create_job_table(dynamodb, TABLE)
        mediaconvert = FakeMediaConvert(
            statuses=["SUBMITTED", "PROGRESSING", "COMPLETE"], s3=s3, template_settings=audio_extraction_settings()
        )
        cloud_extraction._template_cache.clear()
        cloud_runtime.configure(mediaconvert=mediaconvert)
        inference = AsyncInference(s3, WORKING_BUCKET, output=TRANSCRIPT.to_json().encode("utf-8"))
        inference.patch(monkeypatch)
        dispatcher = LambdaDispatcher(synthesized.modules)
        dispatcher.patch(monkeypatch)
        sfn = boto3.client("stepfunctions", region_name=REGION)
        arn = sfn.create_state_machine(
            name="clearscribe-workflow",
            definition=json.dumps(synthesized.definition),
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/clearscribe-workflow",
        )["stateMachineArn"]
        store = DynamoDBJobStore(TABLE, client=dynamodb)
        yield Workflow(sfn, s3, store, arn, mediaconvert, inference, dispatcher)
    cloud_runtime.configure()


OUTPUT_FILES = ["enriched.json", "report.html", "transcript.srt", "transcript.txt", "transcript.vtt"]


def output_keys(s3: Any, job_id: str) -> list[str]:
    listed = s3.list_objects_v2(Bucket=OUTPUT_BUCKET, Prefix=f"transcripts/{job_id}/").get("Contents") or []
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
    assert job.error["code"] == code
    assert len(job.error["message"]) <= 500
    assert stage in job.stages
    assert "ended_at" in job.stages[stage]
    assert all("ended_at" in s for s in job.stages.values())
    assert job.outputs is None
    assert output_keys(wf.s3, job_id) == []
    assert_every_job_terminal(wf.store)
    return job.error


# -- scenarios ------------------------------------------------------------------------------------
def test_happy_path_writes_clean_outputs_and_completes(workflow: Workflow) -> None:
    wf = workflow
    event = wf.upload("uploads/finance weekly.mp4")
    with CapturedLogs().attached() as logs:
        execution = wf.run(event)
    assert execution["status"] == "SUCCEEDED", execution
    states = execution_states(wf.sfn, execution["executionArn"])
    assert states.count("CheckAudioExtraction") == 3  # SUBMITTED, PROGRESSING, COMPLETE
    assert states[-3:] == ["WriteResults", "MarkComplete", "JobComplete"]

    (job,) = wf.store.list_jobs()
    assert job.status is JobStatus.COMPLETE
    assert job.source == f"s3://{INPUT_BUCKET}/uploads/finance weekly.mp4"
    assert list(job.stages) == ["queued", "extracting", "transcribing", "enriching"]
    ordered = [t for s in job.stages.values() for t in (s["started_at"], s["ended_at"])]
    assert ordered == sorted(ordered)
    assert job.error is None

    # MediaConvert got the source and the per-job destination; inference got the audio it wrote
    (create,) = [kw for name, kw in wf.mediaconvert.calls if name == "create_job"]
    assert create["Settings"]["Inputs"][0]["FileInput"] == job.source
    assert create["UserMetadata"] == {"job_id": job.job_id}
    (request,) = wf.inference.requests
    assert request["input"] == f"s3://{WORKING_BUCKET}/audio/{job.job_id}/finance weekly-audio.m4a"
    assert request["endpoint"] == ENDPOINT and request["inference_id"] == job.job_id

    # outputs: the five files, recorded on the job, all clean
    assert output_keys(wf.s3, job.job_id) == OUTPUT_FILES
    assert job.outputs == {
        fmt: f"s3://{OUTPUT_BUCKET}/transcripts/{job.job_id}/{name}"
        for fmt, name in {
            "json": "enriched.json",
            "srt": "transcript.srt",
            "vtt": "transcript.vtt",
            "txt": "transcript.txt",
            "html": "report.html",
        }.items()
    }
    enriched = json.loads(read(wf.s3, job.outputs["json"]))
    jsonschema.validate(enriched, load_enriched_schema())
    assert enriched["job_id"] == job.job_id
    assert enriched["source"]["uri"] == job.source
    assert len(enriched["transcript"]["segments"]) == len(SEGMENTS)
    assert enriched["pii"]["counts"].get("PERSON", 0) >= 1
    assert enriched["profanity"]["count"] >= 1
    for fmt in ("json", "srt", "vtt", "txt", "html"):
        text = read(wf.s3, job.outputs[fmt])
        for marker in (PERSON, "Okonkwo", PROFANE):
            assert marker not in text, (fmt, marker)
    assert "wonderful" in read(wf.s3, job.outputs["txt"])
    assert job.summary is not None
    assert job.summary["profanity_count"] == enriched["profanity"]["count"]
    assert job.summary["sentiment"]["label"] == enriched["sentiment"]["overall"]["label"]
    cost = job.summary["estimated_cost"]  # from the recorded stage times, shown in the report too
    assert [line["item"] for line in cost["lines"]][-1] == "state_transitions"
    assert "Estimated AWS cost" in read(wf.s3, job.outputs["html"])

    # nothing said in the recording reaches a log line
    assert logs.lines, "the handlers logged nothing at DEBUG"
    assert any(job.job_id in line for line in logs.lines)
    for marker in RAW_MARKERS:
        assert marker not in logs.text, marker


def test_mediaconvert_error_fails_the_job_with_its_message(workflow: Workflow) -> None:
    wf = workflow
    wf.mediaconvert.statuses = ["PROGRESSING", "ERROR"]
    event = wf.upload("uploads/corrupt.mp4")
    execution = wf.run(event)
    job_id = wf.store.list_jobs()[0].job_id
    error = assert_failed(wf, execution, job_id, "AUDIO_EXTRACTION_FAILED", "extracting")
    assert "end of file hit" in error["message"]
    assert "Traceback" not in error["message"]
    assert wf.inference.requests == []


def test_mediaconvert_that_never_finishes_times_out(workflow: Workflow) -> None:
    wf = workflow
    wf.mediaconvert.statuses = ["PROGRESSING"]
    execution = wf.run(wf.upload("uploads/endless.mp4"))
    job_id = wf.store.list_jobs()[0].job_id
    assert_failed(wf, execution, job_id, "AUDIO_EXTRACTION_TIMEOUT", "extracting")
    budget = 5  # EXTRACTION_POLL_BUDGET_SECONDS, each zero-second poll counting one second
    assert wf.mediaconvert.count("get_job") == budget
    assert wf.mediaconvert.count("cancel_job") == 1
    assert wf.inference.requests == []


def test_inference_failure_object_fails_the_job(workflow: Workflow) -> None:
    wf = workflow
    wf.inference.mode = "failure"
    wf.inference.failure = b"ModelError: Received server error (500) from primary: CUDA out of memory"
    execution = wf.run(wf.upload("uploads/long talk.mkv"))
    job_id = wf.store.list_jobs()[0].job_id
    error = assert_failed(wf, execution, job_id, "TRANSCRIPTION_FAILED", "transcribing")
    assert "CUDA out of memory" in error["message"]
    assert wf.dispatcher.count("pipeline.handlers.redact_pii") == 0


def test_inference_that_never_answers_times_out(workflow: Workflow) -> None:
    wf = workflow
    wf.inference.mode = "never"
    execution = wf.run(wf.upload("uploads/silence.webm"))
    job_id = wf.store.list_jobs()[0].job_id
    assert_failed(wf, execution, job_id, "TRANSCRIPTION_TIMEOUT", "transcribing")
    assert wf.dispatcher.count("pipeline.handlers.check_transcription") == 5


def test_the_same_event_delivered_twice_makes_one_job(workflow: Workflow) -> None:
    wf = workflow
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
    assert len(wf.inference.requests) == 1


def test_key_with_spaces_unicode_and_plus_runs_through(workflow: Workflow, tmp_path: Path) -> None:
    wf = workflow
    video = tmp_path / "Réunion d'équipe + Q&A été 2024.mp4"
    video.write_bytes(b"\x00\x00\x00\x20ftypisom fake video with a unicode name")
    resources = CloudResources(INPUT_BUCKET, OUTPUT_BUCKET, TABLE, wf.arn, REGION)
    submitted = submit_video(video, resources, client=wf.s3)
    key = submitted["key"]
    assert key == "uploads/Réunion d'équipe + Q&A été 2024.mp4"
    head = wf.s3.head_object(Bucket=INPUT_BUCKET, Key=key)
    execution = wf.run(object_created_event(key, head["VersionId"], head["ETag"].strip('"'), video.stat().st_size))
    assert execution["status"] == "SUCCEEDED", execution
    job = wf.store.get_job(submitted["job_id"])  # the CLI predicted the job id RegisterJob used
    assert job.status is JobStatus.COMPLETE
    assert job.source == f"s3://{INPUT_BUCKET}/{key}"
    assert wf.inference.requests[0]["input"].endswith("/Réunion d'équipe + Q&A été 2024-audio.m4a")
    assert output_keys(wf.s3, job.job_id) == OUTPUT_FILES
    assert_every_job_terminal(wf.store)


def test_a_mangled_key_fails_at_extraction_instead_of_hanging(workflow: Workflow) -> None:
    """An event naming an object that is not there (e.g. a key decoded twice) ends FAILED."""
    wf = workflow
    wf.upload("uploads/a+b c.mp4")
    event = object_created_event("uploads/a b c.mp4", "v-missing", "0" * 32, 100)
    execution = wf.run(event)
    job_id = wf.store.list_jobs()[0].job_id
    error = assert_failed(wf, execution, job_id, "AUDIO_EXTRACTION_FAILED", "extracting")
    assert "input" in error["message"].lower()


def test_an_enricher_raising_fails_the_job_without_outputs(workflow: Workflow) -> None:
    wf = workflow

    def broken_profanity(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise EnrichmentError("profanity word list could not be loaded")

    wf.dispatcher.overrides["pipeline.handlers.filter_profanity"] = broken_profanity
    execution = wf.run(wf.upload("uploads/meeting.mov"))
    job_id = wf.store.list_jobs()[0].job_id
    error = assert_failed(wf, execution, job_id, "ENRICHMENT_FAILED", "enriching")
    assert error["message"] == "profanity word list could not be loaded"
    assert wf.dispatcher.count("pipeline.handlers.write_results") == 0


def test_a_non_media_upload_fails_without_a_job(workflow: Workflow) -> None:
    wf = workflow
    execution = wf.run(wf.upload("uploads/notes.txt", b"minutes"))
    assert execution["status"] == "FAILED"
    assert execution_states(wf.sfn, execution["executionArn"]) == ["RegisterJob", "MarkFailed", "JobFailed"]
    assert wf.store.list_jobs() == []
    assert wf.mediaconvert.calls == []


def test_a_failed_job_rerun_from_the_cli_completes_as_its_next_attempt(workflow: Workflow) -> None:
    wf = workflow
    wf.mediaconvert.statuses = ["ERROR"]
    first = wf.run(wf.upload("uploads/retry me.mp4"))
    (job,) = wf.store.list_jobs()
    assert first["status"] == "FAILED" and job.status is JobStatus.FAILED

    wf.mediaconvert.statuses = ["PROGRESSING", "COMPLETE"]
    resources = CloudResources(INPUT_BUCKET, OUTPUT_BUCKET, TABLE, wf.arn, REGION)
    started = rerun_job(job.job_id, resources, s3=wf.s3, sfn=wf.sfn, dynamodb=wf.store.client)
    second = wait_for_execution(wf.sfn, started["execution_arn"])
    assert second["status"] == "SUCCEEDED", second
    rerun = wf.store.get_job(job.job_id)
    assert rerun.status is JobStatus.COMPLETE
    assert rerun.attempt == 2
    assert rerun.error is None
    assert rerun.created_at == job.created_at
    assert wf.mediaconvert.count("create_job") == 2
    tokens = {kw["ClientRequestToken"] for name, kw in wf.mediaconvert.calls if name == "create_job"}
    assert len(tokens) == 2  # a new MediaConvert job, not the failed one replayed
    assert output_keys(wf.s3, job.job_id) == OUTPUT_FILES
    # an ordinary redelivery of the original event still changes nothing
    again = wf.run(object_created_event("uploads/retry me.mp4", *_version_and_etag(wf, "uploads/retry me.mp4")))
    assert execution_states(wf.sfn, again["executionArn"])[-1] == "AlreadyRegistered"
    assert wf.store.get_job(job.job_id).attempt == 2


def _version_and_etag(wf: Workflow, key: str) -> tuple[str, str, int]:
    head = wf.s3.head_object(Bucket=INPUT_BUCKET, Key=key)
    return head["VersionId"], head["ETag"].strip('"'), head["ContentLength"]


def test_an_event_with_a_url_encoded_key_still_processes_the_stored_object(workflow: Workflow) -> None:
    wf = workflow
    key = "uploads/all hands + Q&A ü.mp4"
    stored = wf.upload(key)["detail"]["object"]
    encoded = object_created_event(quote_plus(key, safe="/"), stored["version-id"], stored["etag"], stored["size"])
    execution = wf.run(encoded)
    assert execution["status"] == "SUCCEEDED", execution
    (job,) = wf.store.list_jobs()
    assert job.status is JobStatus.COMPLETE
    assert job.source == f"s3://{INPUT_BUCKET}/{key}"
    assert job.job_id == job_id_for_object(INPUT_BUCKET, key, stored["version-id"])


# -- failures outside the state machine's own error handling -----------------------------------------
@pytest.fixture(scope="module")
def status_rule() -> Any:
    """The synthesized rule on execution status changes, as an EventBridge pattern matcher."""

    template = workflow_template_json(FAST_POLLING)
    (rule,) = [
        r["Properties"]["EventPattern"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Events::Rule" and r["Properties"]["EventPattern"]["source"] == ["aws.states"]
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


def test_an_execution_failing_with_states_runtime_ends_its_job_failed(
    workflow: Workflow, status_rule: dict[str, Any]
) -> None:
    """A wait with no poll in its input (a step returned a malformed dict) is a States.Runtime error,
    which no Catch takes: the execution fails without running MarkFailed."""
    wf = workflow

    def malformed(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"mediaconvert_job_id": "x", "audio_uri": "s3://w/a.m4a", "status": "PROGRESSING"}

    wf.dispatcher.overrides["pipeline.handlers.start_audio_extraction"] = malformed
    execution = wf.run(wf.upload("uploads/broken step.mp4"))
    assert execution["status"] == "FAILED" and execution["error"] == "States.Runtime"
    assert "MarkFailed" not in execution_states(wf.sfn, execution["executionArn"])
    (job,) = wf.store.list_jobs()
    assert job.status is JobStatus.QUEUED  # what the table says until the status change arrives

    assert deliver_status_change(wf, execution, status_rule)
    job = wf.store.get_job(job.job_id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None and job.error["code"] == "WORKFLOW_ERROR"
    assert_every_job_terminal(wf.store)


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
    assert "end of file hit" in job.error["message"]


def test_a_successful_execution_is_not_delivered_to_mark_failed(
    workflow: Workflow, status_rule: dict[str, Any]
) -> None:
    wf = workflow
    execution = wf.run(wf.upload("uploads/fine.mp4"))
    assert execution["status"] == "SUCCEEDED"
    assert not deliver_status_change(wf, execution, status_rule)
    assert wf.store.list_jobs()[0].status is JobStatus.COMPLETE


def test_a_retried_register_job_continues_the_job_it_created(workflow: Workflow) -> None:
    """The first RegisterJob ran (its conditional put created the job) but its response was lost:
    Step Functions retries the task, and the retry continues that job instead of ending the
    execution at AlreadyRegistered with the job stuck in QUEUED."""
    wf = workflow
    wf.dispatcher.lost_results["pipeline.handlers.register_job"] = 1
    execution = wf.run(wf.upload("uploads/retried.mp4"))

    assert execution["status"] == "SUCCEEDED", execution
    states = execution_states(wf.sfn, execution["executionArn"])
    assert wf.dispatcher.count("pipeline.handlers.register_job") == 2
    assert "AlreadyRegistered" not in states and states[-1] == "JobComplete"
    (job,) = wf.store.list_jobs()
    assert job.status is JobStatus.COMPLETE and job.attempt == 1
    assert job.owner == execution["executionArn"]


def test_an_over_long_recording_fails_before_inference_with_its_code(workflow: Workflow) -> None:
    wf = workflow
    wf.mediaconvert.duration_ms = (2 * 3600 + 30 * 60) * 1000  # 2 h 30 min; the endpoint finishes 48 min
    execution = wf.run(wf.upload("uploads/all day workshop.mp4"))
    job_id = wf.store.list_jobs()[0].job_id

    error = assert_failed(wf, execution, job_id, RecordingTooLongError.code, "extracting")
    assert "2 h 30 min" in error["message"] and "48 min" in error["message"]
    assert wf.inference.requests == []  # the endpoint never saw it
    assert "InvokeTranscription" not in execution_states(wf.sfn, execution["executionArn"])
