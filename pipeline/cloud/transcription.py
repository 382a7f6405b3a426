"""Transcription on the asynchronous endpoint, driven by its notifications, not by polling.

* ``TranscribeWindow`` (:func:`invoke_window`): a paused state of the workflow's Map over the
  recording's windows stores its task token (:mod:`pipeline.cloud.callbacks`) and sends the window
  to the endpoint (``InvokeEndpointAsync``, the window in its custom attributes, its request TTL and
  invocation timeout from the same budget the state waits).
* ``ResumeTranscription`` (:func:`resume_from_notification`): subscribed to the endpoint's success
  and error topics, it finds the token by the inference's id and resumes the execution —
  ``SendTaskSuccess`` with the transcript's location, or ``SendTaskFailure`` with the typed error the
  failure object holds.
* ``SweepTranscriptions`` (:func:`sweep`): on a schedule, resolves tokens whose notification never
  came by looking at the output and failure locations themselves, and fails those past their
  budget, so a lost notification never strands a job.
* ``MergeTranscripts`` (:func:`merge_transcripts`): the windows' transcripts, in order, as one.

The endpoint writes exactly one of two objects: the output (a Transcript JSON) at
``output_location`` or an error message at ``failure_location``. Neither the transcript nor the
failure message is ever logged: the message comes from the inference container and might quote
its input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.asr.inference.windows import Window, merge_requests
from pipeline.cloud.callbacks import CallbackStore, PendingInference, now
from shared.contract import AUDIO_CONTENT_TYPE, INFERENCE_PREFIX
from shared.errors import ClearscribeError, InvalidTranscriptError, TranscriptionError, TranscriptionTimeout
from shared.jobstore import JobStore, advance
from shared.log import get_logger
from shared.models import Transcript
from shared.s3uri import parse_s3_uri, s3_uri
from shared.status import JobStatus
from shared.transcript_json import parse_transcript_json

log = get_logger("clearscribe.cloud.transcription")

#: How much of a failure object is read (and kept in the job's error message).
FAILURE_MESSAGE_BYTES = 2048
FAILURE_MESSAGE_CHARS = 400


def object_exists(s3: Any, uri: str | None) -> bool:
    """Whether the object at ``uri`` exists, asked with a prefix listing: that needs only
    ``s3:ListBucket`` under the inference prefix (a HEAD of a missing key answers 403 instead of
    404 unless the caller may list the whole bucket)."""
    if not uri:
        return False
    bucket, key = parse_s3_uri(uri)
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=key, MaxKeys=1).get("Contents") or []
    # Keys are listed in order: if ``key`` exists it comes before every longer key it prefixes.
    return bool(listed) and listed[0]["Key"] == key


def load_transcript(s3: Any, uri: str) -> Transcript:
    """The Transcript at ``uri``; ``TranscriptionError`` naming the wrong field if it is not one."""
    bucket, key = parse_s3_uri(uri)
    raw = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    try:
        return parse_transcript_json(raw, where="the inference output")
    except InvalidTranscriptError as exc:
        raise TranscriptionError(exc.message) from None


def read_failure_message(s3: Any, uri: str) -> str:
    """The start of the failure object, as one line of bounded length."""
    bucket, key = parse_s3_uri(uri)
    body = s3.get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{FAILURE_MESSAGE_BYTES - 1}")["Body"].read()
    text = " ".join(body.decode("utf-8", errors="replace").split())
    if len(text) > FAILURE_MESSAGE_CHARS:
        text = text[: FAILURE_MESSAGE_CHARS - 1] + "…"
    return text or "empty failure object"


def failure_error(message: str) -> ClearscribeError:
    """The typed error an inference failure object stands for.

    The inference module writes ``{"error", "code", "message"}`` (possibly wrapped by the model
    server), so an undecodable or non-English recording fails the job with its own code;
    anything else is a ``TranscriptionError`` carrying the (bounded) message.
    """
    from pipeline.asr.inference.failures import read_failure

    error = read_failure(message)
    if type(error) is ClearscribeError:  # an error name this version does not know
        return TranscriptionError(f"the inference endpoint reported a failure: {message}")
    return error


@dataclass(frozen=True)
class InferenceBudget:
    """How long one window may take, from the moment it is sent: ``request_ttl_seconds`` in the
    endpoint's queue, then ``invocation_timeout_seconds`` of processing; the paused state waits
    their sum plus ``grace_seconds`` for the notification to arrive."""

    invocation_timeout_seconds: int
    request_ttl_seconds: int
    grace_seconds: int = 300

    @property
    def wait_seconds(self) -> int:
        return self.request_ttl_seconds + self.invocation_timeout_seconds + self.grace_seconds


def inference_id(job_id: str, window_index: int) -> str:
    """The inference's id (``InferenceId``, at most 64 characters): the job and the window."""
    return f"{job_id}.w{window_index}"[:64]


def invoke_window(
    job_id: str,
    audio_uri: str,
    window: Mapping[str, Any],
    task_token: str,
    *,
    runtime: Any,
    endpoint: str,
    callbacks: CallbackStore,
    budget: InferenceBudget,
) -> dict[str, Any]:
    """Store the paused state's token, then send the window to the endpoint. Returns what was sent
    (the state's result comes from :func:`resume_from_notification`)."""
    planned = Window.from_dict(window)
    pending = PendingInference(
        inference_id=inference_id(job_id, planned.index),
        task_token=task_token,
        job_id=job_id,
        window_index=planned.index,
        created_at=now(),
        deadline=now() + budget.wait_seconds,
    )
    callbacks.put(pending)  # before the endpoint can answer
    response = runtime.invoke_endpoint_async(
        EndpointName=endpoint,
        InputLocation=audio_uri,
        ContentType=AUDIO_CONTENT_TYPE,
        InferenceId=pending.inference_id,
        CustomAttributes=planned.attribute,
        InvocationTimeoutSeconds=budget.invocation_timeout_seconds,
        RequestTTLSeconds=budget.request_ttl_seconds,
    )
    # The sweeper needs these to resolve a lost notification; a notification that already
    # resolved the token leaves nothing to add them to.
    callbacks.record_locations(
        pending.inference_id, response.get("OutputLocation") or "", response.get("FailureLocation") or ""
    )
    log.info("window sent", extra={"job_id": job_id, "window": planned.index, "inference_id": pending.inference_id})
    return {"inference_id": pending.inference_id, "window": planned.to_dict()}


@dataclass(frozen=True)
class InferenceOutcome:
    """What became of one inference: its output, or the error it failed with."""

    inference_id: str
    output_location: str | None = None
    error: ClearscribeError | None = None


def outcome_of_notification(message: Mapping[str, Any], s3: Any) -> InferenceOutcome:
    """The outcome a SageMaker asynchronous inference notification announces (its ``inferenceId``,
    ``invocationStatus`` and ``responseParameters``); the failure object is read for the typed error."""
    inference = str(message.get("inferenceId") or "")
    response = message.get("responseParameters") or {}
    if message.get("invocationStatus") == "Completed" and response.get("outputLocation"):
        return InferenceOutcome(inference, output_location=str(response["outputLocation"]))
    failure_location = response.get("failureLocation")
    if failure_location and object_exists(s3, str(failure_location)):
        return InferenceOutcome(inference, error=failure_error(read_failure_message(s3, str(failure_location))))
    reason = " ".join(str(message.get("failureReason") or "no reason given").split())[:FAILURE_MESSAGE_CHARS]
    return InferenceOutcome(inference, error=TranscriptionError(f"the inference failed: {reason}"))


def resume(outcome: InferenceOutcome, *, sfn: Any, callbacks: CallbackStore) -> str:
    """Resume the execution that waits for ``outcome``'s inference. Returns what was done:
    ``"succeeded"``, ``"failed"``, or ``"unknown"`` (no token waits for it: resolved already,
    or not this workflow's)."""
    pending = callbacks.get(outcome.inference_id)
    if pending is None:
        log.info("no execution waits for this inference", extra={"inference_id": outcome.inference_id})
        return "unknown"
    # The output itself is not read here (this function runs outside the VPC and handles ids and
    # locations only): MergeTranscripts reads it and fails the job if it is not a transcript.
    error = outcome.error
    if error is None:
        result = {"transcript_uri": outcome.output_location, "window_index": pending.window_index}
        _send(sfn.send_task_success, taskToken=pending.task_token, output=json.dumps(result))
        verdict = "succeeded"
    else:
        cause = json.dumps({"errorMessage": error.message})
        _send(sfn.send_task_failure, taskToken=pending.task_token, error=type(error).__name__, cause=cause)
        verdict = "failed"
    callbacks.remove(outcome.inference_id)
    log.info(
        "execution resumed",
        extra={"job_id": pending.job_id, "window": pending.window_index, "outcome": verdict,
               "error_code": None if error is None else error.code},
    )  # fmt: skip
    return verdict


def _send(call: Any, **arguments: Any) -> None:
    """A ``SendTask*`` call; a token that is no longer waited on (timed out, or resolved by the other
    path) is no error: there is nothing left to resume."""
    try:
        call(**arguments)
    except Exception as exc:
        code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
        if code in ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist"):
            log.info("the state no longer waits", extra={"reason": code})
            return
        raise


def resume_from_notification(message: Mapping[str, Any], *, sfn: Any, s3: Any, callbacks: CallbackStore) -> str:
    """``ResumeTranscription``: one SageMaker notification (the SNS message's JSON)."""
    return resume(outcome_of_notification(message, s3), sfn=sfn, callbacks=callbacks)


def sweep(
    *, sfn: Any, s3: Any, callbacks: CallbackStore, grace_seconds: float, at: float | None = None
) -> dict[str, int]:
    """``SweepTranscriptions``: every token waiting longer than ``grace_seconds`` is resolved from
    what the endpoint wrote (its notification was lost), or failed with ``TranscriptionTimeout`` once
    its deadline has passed with nothing written. Returns counts by outcome."""
    at = now() if at is None else at
    counts = {"succeeded": 0, "failed": 0, "timed_out": 0, "waiting": 0}
    for pending in callbacks.pending(older_than=at - grace_seconds):
        outcome: InferenceOutcome | None = None
        if pending.output_location and object_exists(s3, pending.output_location):
            outcome = InferenceOutcome(pending.inference_id, output_location=pending.output_location)
        elif pending.failure_location and object_exists(s3, pending.failure_location):
            error = failure_error(read_failure_message(s3, pending.failure_location))
            outcome = InferenceOutcome(pending.inference_id, error=error)
        elif at >= pending.deadline:
            timeout = TranscriptionTimeout(
                f"window {pending.window_index}: no inference result within its budget "
                f"({int(pending.deadline - pending.created_at)} s)"
            )
            outcome = InferenceOutcome(pending.inference_id, error=timeout)
        if outcome is None:
            counts["waiting"] += 1
            continue
        verdict = resume(outcome, sfn=sfn, callbacks=callbacks)
        key = "timed_out" if isinstance(outcome.error, TranscriptionTimeout) else verdict
        counts[key] = counts.get(key, 0) + 1
    if any(counts[k] for k in ("succeeded", "failed", "timed_out")):
        log.warning("sweep resolved inferences whose notification did not arrive", extra=counts)
    return counts


def merge_transcripts(
    job_id: str,
    windows: Sequence[Mapping[str, Any]],
    *,
    plan: Sequence[Mapping[str, Any]] = (),
    s3: Any,
    store: JobStore,
    working_bucket: str,
) -> dict[str, Any]:
    """``MergeTranscripts``: the windows' transcripts (the Map's results, in window order) as one
    transcript in the working bucket; the job moves to ENRICHING. Returns ``{"transcript_uri"}``.

    When the plan (``CheckAudioExtraction``'s requests) holds the request for the recording's
    speaker turns, its result carries no words: its turns are given to the merged segments
    (:func:`~pipeline.asr.inference.windows.merge_requests`), as a local run labels its whole
    transcript."""
    planned = {int(p["index"]): Window.from_dict(p) for p in plan}
    answers = []
    for result in windows:
        index = int(result.get("window_index", 0))
        window = planned.get(index) or Window(index, 0.0, None)
        answers.append((window, load_transcript(s3, str(result["transcript_uri"]))))
    try:
        merged = merge_requests(answers)
    except ValueError as exc:
        raise TranscriptionError(str(exc)) from None
    key = f"{INFERENCE_PREFIX}{job_id}/transcript.json"
    s3.put_object(Bucket=working_bucket, Key=key, Body=merged.to_json().encode("utf-8"), ContentType="application/json")
    advance(store, job_id, JobStatus.ENRICHING)
    log.info(
        "transcription complete",
        extra={"job_id": job_id, "windows": len(answers), "segments": len(merged.segments),
               "words": merged.word_count, "duration_seconds": merged.duration},
    )  # fmt: skip
    return {"transcript_uri": s3_uri(working_bucket, key)}
