"""Transcription on notifications: TranscribeWindow keeps its task token and sends the window,
ResumeTranscription resumes the paused state from the endpoint's notification, the sweeper
resolves what a lost notification left waiting, MergeTranscripts joins the windows (moto S3 and
DynamoDB; a recording Step Functions client)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from pipeline.asr.inference.failures import failure_body
from pipeline.asr.inference.windows import SPEAKERS_OFF, SPEAKERS_ONLY, Window
from pipeline.cloud.callbacks import EXPIRY_AFTER_DEADLINE_SECONDS, CallbackStore, PendingInference
from pipeline.cloud.failures import error_from_step_functions
from pipeline.cloud.transcription import (
    FAILURE_MESSAGE_CHARS,
    InferenceBudget,
    inference_id,
    invoke_window,
    merge_transcripts,
    object_exists,
    resume_from_notification,
    sweep,
)
from shared.contract import AUDIO_CONTENT_TYPE
from shared.errors import ClearscribeError, InvalidMediaError, TranscriptionError, UnsupportedLanguageError
from shared.ids import job_id_for_object
from shared.jobstore.dynamodb import DynamoDBJobStore
from shared.models import Segment, Transcript
from shared.status import JobStatus
from shared.transcript_json import parse_transcript_json
from tests.integration.cloud.conftest import WORKING_BUCKET
from tests.integration.moto_harness import CapturedLogs, create_callback_table

CALLBACK_TABLE = "clearscribe-callbacks"
BUDGET = InferenceBudget(invocation_timeout_seconds=3600, request_ttl_seconds=1800, grace_seconds=300)
AUDIO = f"s3://{WORKING_BUCKET}/audio/job-1/team sync-audio.m4a"
SECRET_WORDS = "Priyanka Vasquez-Oduya"
OUTPUT = f"s3://{WORKING_BUCKET}/inference/output/0d5c.out"
FAILURE = f"s3://{WORKING_BUCKET}/inference/failure/0d5c-error.out"


def transcript(*said: tuple[float, float, str]) -> Transcript:
    return Transcript(
        language="en",
        duration=max([end for _, end, _ in said], default=0.0),
        segments=tuple(Segment(i, s, e, text) for i, (s, e, text) in enumerate(said)),
        model="distil-large-v3",
        engine="faster-whisper",
    )


class StepFunctions:
    """Records ``SendTaskSuccess`` / ``SendTaskFailure``; ``refuse`` makes them fail with that error code."""

    def __init__(self, refuse: str | None = None) -> None:
        self.refuse = refuse
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def _call(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((name, arguments))
        if self.refuse:
            raise ClientError({"Error": {"Code": self.refuse, "Message": "no"}}, name)
        return {}

    def send_task_success(self, **arguments: Any) -> dict[str, Any]:
        return self._call("success", arguments)

    def send_task_failure(self, **arguments: Any) -> dict[str, Any]:
        return self._call("failure", arguments)


class Endpoint:
    """``InvokeEndpointAsync``: records what it was sent (and what the callback table held at that
    moment), answers with the output and failure locations; ``meanwhile`` runs before it answers."""

    def __init__(self, callbacks: CallbackStore, meanwhile: Callable[[dict[str, Any]], None] | None = None) -> None:
        self.callbacks = callbacks
        self.meanwhile = meanwhile
        self.sent: list[dict[str, Any]] = []
        self.stored_before: list[PendingInference | None] = []

    def invoke_endpoint_async(self, **params: Any) -> dict[str, Any]:
        self.sent.append(params)
        self.stored_before.append(self.callbacks.get(params["InferenceId"]))
        if self.meanwhile is not None:
            self.meanwhile(params)
        return {"InferenceId": params["InferenceId"], "OutputLocation": OUTPUT, "FailureLocation": FAILURE}


@pytest.fixture
def callbacks(dynamodb: Any) -> CallbackStore:
    create_callback_table(dynamodb, CALLBACK_TABLE)
    return CallbackStore(CALLBACK_TABLE, dynamodb)


@pytest.fixture
def transcribing(store: DynamoDBJobStore) -> DynamoDBJobStore:
    store.create_job("job-1", "s3://in/a.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING):
        store.transition("job-1", status)
    return store


def send(endpoint: Endpoint, callbacks: CallbackStore, window: Window, token: str = "token-1") -> dict[str, Any]:
    return invoke_window(
        "job-1",
        AUDIO,
        window.to_dict(),
        token,
        runtime=endpoint,
        endpoint="whisper",
        callbacks=callbacks,
        budget=BUDGET,
    )


def completed(inference: str, output: str = OUTPUT) -> dict[str, Any]:
    return {
        "inferenceId": inference,
        "invocationStatus": "Completed",
        "responseParameters": {"contentType": "application/json", "outputLocation": output},
        "eventName": "InferenceResult",
    }


def failed(inference: str, failure: str = FAILURE, reason: str = "ClientError: see the logs") -> dict[str, Any]:
    return {
        "inferenceId": inference,
        "invocationStatus": "Failed",
        "responseParameters": {"failureLocation": failure},
        "failureReason": reason,
        "eventName": "InferenceResult",
    }


def put(s3: Any, uri: str, body: bytes) -> None:
    s3.put_object(Bucket=WORKING_BUCKET, Key=uri.split("/", 3)[3], Body=body)


def model_server_failure(error: ClearscribeError) -> bytes:
    """A failure object as the toolkit writes it: its wrapper around the inference module's JSON."""
    return json.dumps({"code": 400, "type": "InternalServerException", "message": failure_body(error)}).encode()


# -- TranscribeWindow -------------------------------------------------------------------------------
def test_the_token_is_stored_before_the_window_is_sent_with_its_attribute_and_budget(
    callbacks: CallbackStore, s3: Any
) -> None:
    endpoint = Endpoint(callbacks)
    window = Window(1, 1200.0, 2400.0)

    result = send(endpoint, callbacks, window)

    (params,) = endpoint.sent
    assert params == {
        "EndpointName": "whisper",
        "InputLocation": AUDIO,
        "ContentType": AUDIO_CONTENT_TYPE,
        "InferenceId": "job-1.w1",
        "CustomAttributes": "window=1200.000-2400.000",
        "InvocationTimeoutSeconds": 3600,
        "RequestTTLSeconds": 1800,
    }
    (before,) = endpoint.stored_before
    assert before is not None and before.task_token == "token-1", "the endpoint was called before the token was kept"
    assert result == {"inference_id": "job-1.w1", "window": window.to_dict()}
    stored = callbacks.get("job-1.w1")
    assert stored is not None
    assert (stored.job_id, stored.window_index) == ("job-1", 1)
    assert (stored.output_location, stored.failure_location) == (OUTPUT, FAILURE)
    assert stored.deadline - stored.created_at == pytest.approx(BUDGET.wait_seconds) == 3600 + 1800 + 300


def test_the_stored_item_expires_a_day_after_its_deadline(callbacks: CallbackStore, dynamodb: Any) -> None:
    send(Endpoint(callbacks), callbacks, Window(0, 0.0, None))
    item = dynamodb.get_item(TableName=CALLBACK_TABLE, Key={"inference_id": {"S": "job-1.w0"}})["Item"]
    deadline = float(item["deadline"]["N"])
    assert int(item["expires_at"]["N"]) == int(deadline + EXPIRY_AFTER_DEADLINE_SECONDS)
    ttl = dynamodb.describe_time_to_live(TableName=CALLBACK_TABLE)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"  # the attribute the table's TTL reads


def test_the_last_window_runs_to_the_end_of_the_recording(callbacks: CallbackStore) -> None:
    endpoint = Endpoint(callbacks)
    send(endpoint, callbacks, Window(2, 2400.0, None))
    assert endpoint.sent[0]["CustomAttributes"] == "window=2400.000-"
    assert Window.from_attribute(endpoint.sent[0]["CustomAttributes"]) == Window(-1, 2400.0, None)


def test_a_notification_that_arrives_before_the_locations_are_recorded_leaves_no_orphan(
    callbacks: CallbackStore, s3: Any
) -> None:
    sfn = StepFunctions()

    def answered_at_once(params: dict[str, Any]) -> None:
        assert resume_from_notification(completed(params["InferenceId"]), sfn=sfn, s3=s3, callbacks=callbacks) == (
            "succeeded"
        )

    send(Endpoint(callbacks, meanwhile=answered_at_once), callbacks, Window(0, 0.0, 1200.0))

    assert [name for name, _ in sfn.calls] == ["success"]
    assert list(callbacks.pending()) == [], "record_locations re-created the resolved item"


def test_inference_ids_fit_sagemaker_and_name_each_window_of_a_job() -> None:
    job = job_id_for_object("clearscribe-input", "uploads/" + "x" * 900 + ".mp4", "v" * 32)
    ids = {inference_id(job, index) for index in range(40)}  # window-concurrency's maximum
    assert len(ids) == 40
    assert all(len(i) <= 64 for i in ids)


# -- ResumeTranscription ----------------------------------------------------------------------------
@pytest.fixture
def waiting(callbacks: CallbackStore) -> CallbackStore:
    """Window 1 of job-1 sent; its state waits on token-1."""
    send(Endpoint(callbacks), callbacks, Window(1, 1200.0, 2400.0))
    return callbacks


def test_a_completed_notification_resumes_with_the_transcript_location(waiting: CallbackStore, s3: Any) -> None:
    sfn = StepFunctions()
    assert resume_from_notification(completed("job-1.w1"), sfn=sfn, s3=s3, callbacks=waiting) == "succeeded"
    ((name, arguments),) = sfn.calls
    assert name == "success" and arguments["taskToken"] == "token-1"
    assert json.loads(arguments["output"]) == {"transcript_uri": OUTPUT, "window_index": 1}
    assert waiting.get("job-1.w1") is None


@pytest.mark.parametrize(
    "error",
    [
        UnsupportedLanguageError("the recording appears to be in 'de' (0.97); only English is supported"),
        InvalidMediaError("the audio could not be decoded"),
    ],
)
def test_a_failed_notification_resumes_with_the_typed_error_of_the_failure_object(
    waiting: CallbackStore, s3: Any, error: ClearscribeError
) -> None:
    put(s3, FAILURE, model_server_failure(error))
    sfn = StepFunctions()

    assert resume_from_notification(failed("job-1.w1"), sfn=sfn, s3=s3, callbacks=waiting) == "failed"

    ((name, arguments),) = sfn.calls
    assert name == "failure" and arguments["taskToken"] == "token-1"
    assert arguments["error"] == type(error).__name__
    recorded = error_from_step_functions({"Error": arguments["error"], "Cause": arguments["cause"]})
    assert recorded == {"code": error.code, "message": error.message}
    assert waiting.get("job-1.w1") is None


def test_a_failure_object_of_another_kind_is_a_bounded_transcription_error_never_logged(
    waiting: CallbackStore, s3: Any
) -> None:
    message = "CUDA out of memory while decoding: " + "x" * 10_000 + f" {SECRET_WORDS}"
    put(s3, FAILURE, message.encode())
    sfn = StepFunctions()
    with CapturedLogs().attached() as logs:
        resume_from_notification(failed("job-1.w1"), sfn=sfn, s3=s3, callbacks=waiting)

    ((_, arguments),) = sfn.calls
    assert arguments["error"] == "TranscriptionError"
    recorded = error_from_step_functions({"Error": arguments["error"], "Cause": arguments["cause"]})
    assert recorded["code"] == "TRANSCRIPTION_FAILED"
    assert "CUDA out of memory" in recorded["message"] and SECRET_WORDS not in recorded["message"]
    assert len(recorded["message"]) < FAILURE_MESSAGE_CHARS + 100
    assert any('"outcome": "failed"' in line for line in logs.lines)
    assert "CUDA" not in logs.text


def test_a_failure_with_no_failure_object_fails_with_the_reason_sagemaker_gave(waiting: CallbackStore, s3: Any) -> None:
    sfn = StepFunctions()
    reason = "ClientError: the request expired in the queue (RequestTTLSeconds)"
    resume_from_notification(failed("job-1.w1", reason=reason), sfn=sfn, s3=s3, callbacks=waiting)
    ((_, arguments),) = sfn.calls
    assert arguments["error"] == "TranscriptionError"
    assert json.loads(arguments["cause"])["errorMessage"] == f"the inference failed: {reason}"


def test_a_notification_for_an_unknown_inference_does_nothing(waiting: CallbackStore, s3: Any) -> None:
    sfn = StepFunctions()
    assert resume_from_notification(completed("another-workflow.w0"), sfn=sfn, s3=s3, callbacks=waiting) == "unknown"
    assert sfn.calls == []
    assert [p.inference_id for p in waiting.pending()] == ["job-1.w1"]


def test_a_notification_delivered_twice_resumes_once(waiting: CallbackStore, s3: Any) -> None:
    sfn = StepFunctions()
    outcomes = [resume_from_notification(completed("job-1.w1"), sfn=sfn, s3=s3, callbacks=waiting) for _ in range(2)]
    assert outcomes == ["succeeded", "unknown"]
    assert len(sfn.calls) == 1


@pytest.mark.parametrize("code", ["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"])
def test_a_state_that_no_longer_waits_is_no_error_and_its_token_is_cleared(
    waiting: CallbackStore, s3: Any, code: str
) -> None:
    sfn = StepFunctions(refuse=code)
    assert resume_from_notification(completed("job-1.w1"), sfn=sfn, s3=s3, callbacks=waiting) == "succeeded"
    assert waiting.get("job-1.w1") is None


def test_a_resume_that_fails_keeps_the_token_for_a_retry(waiting: CallbackStore, s3: Any) -> None:
    sfn = StepFunctions(refuse="ThrottlingException")
    with pytest.raises(ClientError, match="ThrottlingException"):
        resume_from_notification(completed("job-1.w1"), sfn=sfn, s3=s3, callbacks=waiting)
    assert waiting.get("job-1.w1") is not None, "a lost resume would strand the execution"


# -- SweepTranscriptions ----------------------------------------------------------------------------
def pending(callbacks: CallbackStore, name: str, *, created: float, deadline: float, written: bool = True) -> None:
    callbacks.put(
        PendingInference(
            inference_id=name,
            task_token=f"token-{name}",
            job_id="job-1",
            window_index=int(name.rsplit("w", 1)[1]),
            created_at=created,
            deadline=deadline,
            output_location=f"s3://{WORKING_BUCKET}/inference/output/{name}.out" if written else "",
            failure_location=f"s3://{WORKING_BUCKET}/inference/failure/{name}-error.out" if written else "",
        )
    )


def test_the_sweep_resolves_what_was_written_times_out_what_is_late_and_leaves_the_rest(
    callbacks: CallbackStore, s3: Any
) -> None:
    now = 1_000_000.0
    pending(callbacks, "done.w0", created=now - 900, deadline=now + 9000)
    put(s3, f"s3://{WORKING_BUCKET}/inference/output/done.w0.out", transcript((0, 1, "hi")).to_json().encode())
    pending(callbacks, "refused.w1", created=now - 900, deadline=now + 9000)
    put(s3, f"s3://{WORKING_BUCKET}/inference/failure/refused.w1-error.out", model_server_failure(
        UnsupportedLanguageError("the recording appears to be in 'fr'")))  # fmt: skip
    pending(callbacks, "late.w2", created=now - 9000, deadline=now - 1)
    pending(callbacks, "late-unrecorded.w3", created=now - 9000, deadline=now - 1, written=False)
    pending(callbacks, "slow.w4", created=now - 900, deadline=now + 9000)
    pending(callbacks, "young.w5", created=now - 10, deadline=now + 9000)
    young_output = f"s3://{WORKING_BUCKET}/inference/output/young.w5.out"
    put(s3, young_output, transcript((0, 1, "hi")).to_json().encode())  # its notification may still come
    sfn = StepFunctions()

    counts = sweep(sfn=sfn, s3=s3, callbacks=callbacks, grace_seconds=300, at=now)

    assert counts == {"succeeded": 1, "failed": 1, "timed_out": 2, "waiting": 1}
    calls = {arguments["taskToken"]: (name, arguments) for name, arguments in sfn.calls}
    assert calls.keys() == {"token-done.w0", "token-refused.w1", "token-late.w2", "token-late-unrecorded.w3"}
    assert json.loads(calls["token-done.w0"][1]["output"])["transcript_uri"].endswith("/done.w0.out")
    assert calls["token-refused.w1"][1]["error"] == "UnsupportedLanguageError"
    for late in ("token-late.w2", "token-late-unrecorded.w3"):
        name, arguments = calls[late]
        assert name == "failure" and arguments["error"] == "TranscriptionTimeout"
        recorded = error_from_step_functions({"Error": arguments["error"], "Cause": arguments["cause"]})
        assert recorded["code"] == "TRANSCRIPTION_TIMEOUT" and "within its budget" in recorded["message"]
    assert sorted(p.inference_id for p in callbacks.pending()) == ["slow.w4", "young.w5"]


def test_output_written_after_the_deadline_still_wins_over_the_timeout(callbacks: CallbackStore, s3: Any) -> None:
    now = 1_000_000.0
    pending(callbacks, "finally.w0", created=now - 9000, deadline=now - 60)
    put(s3, f"s3://{WORKING_BUCKET}/inference/output/finally.w0.out", b"{}")
    sfn = StepFunctions()
    assert sweep(sfn=sfn, s3=s3, callbacks=callbacks, grace_seconds=300, at=now)["succeeded"] == 1
    assert [name for name, _ in sfn.calls] == ["success"]


def test_a_sweep_that_may_not_look_is_an_error_not_a_timeout(callbacks: CallbackStore) -> None:
    class NoListPermission:
        def list_objects_v2(self, **_: Any) -> Any:
            raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Forbidden"}}, "ListObjectsV2")

    now = 1_000_000.0
    pending(callbacks, "unknown.w0", created=now - 9000, deadline=now - 1)
    sfn = StepFunctions()
    with pytest.raises(ClientError, match="AccessDenied"):
        sweep(sfn=sfn, s3=NoListPermission(), callbacks=callbacks, grace_seconds=300, at=now)
    assert sfn.calls == [] and callbacks.get("unknown.w0") is not None


# -- MergeTranscripts -------------------------------------------------------------------------------
def test_the_windows_are_merged_in_window_order_and_the_job_moves_to_enriching(
    s3: Any, transcribing: DynamoDBJobStore
) -> None:
    parts = [
        transcript((0.0, 4.0, f"My name is {SECRET_WORDS}."), (4.0, 9.9, "Let us begin.")),
        transcript((9.7, 9.9, "begin."), (9.9, 15.0, "First item.")),  # its cut moved past speech: "begin." again
        transcript((15.0, 20.0, "Thanks everyone.")),
    ]
    windows = []
    for index, part in enumerate(parts):
        put(s3, f"s3://{WORKING_BUCKET}/inference/output/w{index}.out", part.to_json().encode())
        windows.append(
            {"transcript_uri": f"s3://{WORKING_BUCKET}/inference/output/w{index}.out", "window_index": index}
        )

    with CapturedLogs().attached() as logs:
        result = merge_transcripts("job-1", [windows[2], windows[0], windows[1]], s3=s3, store=transcribing,
                                   working_bucket=WORKING_BUCKET)  # fmt: skip

    assert result == {"transcript_uri": f"s3://{WORKING_BUCKET}/inference/job-1/transcript.json"}
    body = s3.get_object(Bucket=WORKING_BUCKET, Key="inference/job-1/transcript.json")["Body"].read()
    merged = parse_transcript_json(body, where="merged")
    assert [s.text for s in merged.segments] == [
        f"My name is {SECRET_WORDS}.", "Let us begin.", "First item.", "Thanks everyone."
    ]  # fmt: skip
    assert [s.id for s in merged.segments] == [0, 1, 2, 3]
    assert merged.duration == 20.0
    assert transcribing.get_job("job-1").status is JobStatus.ENRICHING
    assert any('"windows": 3' in line for line in logs.lines)
    assert SECRET_WORDS not in logs.text


def test_the_turns_of_the_speaker_request_label_the_merged_windows(s3: Any, transcribing: DynamoDBJobStore) -> None:
    """The windows were transcribed unlabelled; the plan's speakers-only request brought the whole
    recording's turns, which label the merged segments (one name per person across the boundary)."""
    parts = [transcript((0.0, 4.0, "Shall we start?"), (4.0, 9.0, "Yes, go ahead.")), transcript((9.0, 14.0, "Right."))]
    turns = Transcript("en", 14.0, (), "m", speaker_turns=((0.0, 4.0, "S1"), (4.0, 9.0, "S2"), (9.0, 14.0, "S1")))
    uris = []
    for name, body in (("w0", parts[0]), ("w1", parts[1]), ("turns", turns)):
        put(s3, f"s3://{WORKING_BUCKET}/inference/output/{name}.out", body.to_json().encode())
        uris.append(f"s3://{WORKING_BUCKET}/inference/output/{name}.out")
    plan: list[dict[str, Any]] = [
        {"index": 0, "start": 0.0, "end": 9.0, "speakers": SPEAKERS_OFF},
        {"index": 1, "start": 9.0, "end": None, "speakers": SPEAKERS_OFF},
        {"index": 2, "start": 0.0, "end": None, "speakers": SPEAKERS_ONLY},
    ]
    windows = [{"transcript_uri": uri, "window_index": index} for index, uri in enumerate(uris)]

    merge_transcripts("job-1", windows, plan=plan, s3=s3, store=transcribing, working_bucket=WORKING_BUCKET)

    body = s3.get_object(Bucket=WORKING_BUCKET, Key="inference/job-1/transcript.json")["Body"].read()
    merged = parse_transcript_json(body, where="merged")
    assert [(s.text, s.speaker) for s in merged.segments] == [
        ("Shall we start?", "S1"), ("Yes, go ahead.", "S2"), ("Right.", "S1")
    ]  # fmt: skip
    assert merged.speaker_turns == turns.speaker_turns


def test_a_speaker_request_that_brought_no_turns_fails_the_merge(s3: Any, transcribing: DynamoDBJobStore) -> None:
    put(s3, OUTPUT, transcript((0.0, 1.0, "hello")).to_json().encode())
    windows = [{"transcript_uri": OUTPUT, "window_index": 0}, {"transcript_uri": OUTPUT, "window_index": 1}]
    plan: list[dict[str, Any]] = [
        {"index": 0, "start": 0.0, "end": None, "speakers": SPEAKERS_OFF},
        {"index": 1, "start": 0.0, "end": None, "speakers": SPEAKERS_ONLY},  # answered with words, no turns
    ]
    with pytest.raises(TranscriptionError, match="no speaker turns"):
        merge_transcripts("job-1", windows, plan=plan, s3=s3, store=transcribing, working_bucket=WORKING_BUCKET)
    assert transcribing.get_job("job-1").status is JobStatus.TRANSCRIBING


@pytest.mark.parametrize("body", [b"not json", b'{"error": "x"}', b"[1, 2]", json.dumps({"segments": "x"}).encode()])
def test_output_that_is_not_a_transcript_fails_the_merge(s3: Any, transcribing: DynamoDBJobStore, body: bytes) -> None:
    put(s3, OUTPUT, body)
    with pytest.raises(TranscriptionError, match="the inference output: not a Transcript JSON: "):
        merge_transcripts("job-1", [{"transcript_uri": OUTPUT, "window_index": 0}], s3=s3, store=transcribing,
                          working_bucket=WORKING_BUCKET)  # fmt: skip
    assert transcribing.get_job("job-1").status is JobStatus.TRANSCRIBING


def test_an_object_is_found_by_its_exact_key_only(s3: Any) -> None:
    s3.put_object(Bucket=WORKING_BUCKET, Key="inference/output/job-1.out.partial", Body=b"x")
    assert not object_exists(s3, f"s3://{WORKING_BUCKET}/inference/output/job-1.out")
    s3.put_object(Bucket=WORKING_BUCKET, Key="inference/output/job-1.out", Body=b"x")
    assert object_exists(s3, f"s3://{WORKING_BUCKET}/inference/output/job-1.out")
    assert not object_exists(s3, None)
