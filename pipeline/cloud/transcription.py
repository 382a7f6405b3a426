"""CheckTranscription: poll the SageMaker asynchronous inference result objects.

The endpoint writes exactly one of two objects: the output (a Transcript JSON) at
``output_location`` or an error message at ``failure_location``. Neither the transcript nor the
failure message is ever logged: the message comes from the inference container and might quote
its input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline.cloud.polling import PollBudgetExhausted, PollPolicy
from shared.errors import ClearscribeError, InvalidTranscriptError, TranscriptionError, TranscriptionTimeout
from shared.jobstore import JobStore, advance
from shared.log import get_logger
from shared.models import Transcript
from shared.s3uri import parse_s3_uri
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


def check_transcription(
    job_id: str,
    inference: Mapping[str, Any],
    *,
    s3: Any,
    store: JobStore,
    poll: PollPolicy,
) -> dict[str, Any]:
    """One poll of an asynchronous inference.

    Output present: checks it is a Transcript JSON, marks the job ENRICHING and returns the dict
    with ``status: "COMPLETE"`` and ``transcript_uri``. Failure object present: raises
    ``TranscriptionError`` with the (bounded) message. Neither: the next ``poll``, or
    ``TranscriptionTimeout`` once the budget is spent.
    """
    output_location = inference["output_location"]
    if object_exists(s3, output_location):
        transcript = load_transcript(s3, output_location)
        advance(store, job_id, JobStatus.ENRICHING)
        log.info(
            "transcription complete",
            extra={
                "job_id": job_id,
                "segments": len(transcript.segments),
                "words": transcript.word_count,
                "duration_seconds": transcript.duration,
            },
        )
        return {**inference, "status": "COMPLETE", "transcript_uri": output_location}
    failure_location = inference.get("failure_location")
    if failure_location and object_exists(s3, failure_location):
        log.warning("transcription failed", extra={"job_id": job_id})
        raise failure_error(read_failure_message(s3, failure_location))
    try:
        next_poll = poll.next_poll(inference.get("poll"))
    except PollBudgetExhausted as exc:
        raise TranscriptionTimeout(f"no inference result {exc}") from None
    return {**inference, "status": "IN_PROGRESS", "poll": next_poll}
