"""MarkFailed: every caught error ends the job in FAILED with a code and a message.

Step Functions hands over ``{"Error", "Cause"}``. For a Lambda that raised (and for a window the
endpoint failed, resumed with ``SendTaskFailure``), ``Error`` is the exception class name (one
class per code in ``shared.errors``) and ``Cause`` is a JSON document whose ``errorMessage`` is
the exception message; only that message is kept (never the stack trace), trimmed to 500
characters. For the ``ExtractAudio`` state (``mediaconvert:createJob.sync``) the workflow names
the error ``AudioExtractionError`` (or ``AudioExtractionTimeout``) and the cause is MediaConvert's
description of the job: its status, error code and message are kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from shared import errors
from shared.errors import InvalidTransitionError, JobNotFoundError
from shared.jobstore import JobStore
from shared.log import get_logger
from shared.status import JobStatus

log = get_logger("clearscribe.cloud.failures")

MESSAGE_LIMIT = 500

#: Step Functions' own error names that have a clearer code than INTERNAL_ERROR.
_STATES_CODES = {
    "States.Timeout": "STEP_TIMEOUT",
    "States.Aborted": "EXECUTION_ABORTED",
    "States.HeartbeatTimeout": "STEP_TIMEOUT",
    "States.TaskFailed": "STEP_FAILED",
    "States.Runtime": "WORKFLOW_ERROR",
    "States.DataLimitExceeded": "WORKFLOW_ERROR",
    "Lambda.Unknown": "STEP_FAILED",
    "Sandbox.Timedout": "STEP_TIMEOUT",
}


#: Step Functions error name (the exception class name) → the code a FAILED job records.
ERROR_CODES: dict[str, str] = {name: cls.code for name, cls in errors.error_classes().items()}


def error_from_step_functions(error: Mapping[str, Any] | None) -> dict[str, str]:
    """``{"Error", "Cause"}`` → ``{"code", "message"}``."""
    error = error or {}
    name = str(error.get("Error") or "")
    code = ERROR_CODES.get(name) or _STATES_CODES.get(name) or ("STEP_TIMEOUT" if "Timeout" in name else None)
    message = _cause_message(error.get("Cause"))
    if code is None:
        code = errors.ClearscribeError.code
        message = f"{name}: {message}" if name else message
    message = message or name or "unknown error"
    if len(message) > MESSAGE_LIMIT:
        message = message[: MESSAGE_LIMIT - 1] + "…"
    return {"code": code, "message": message}


def _cause_message(cause: Any) -> str:
    if cause is None:
        return ""
    if isinstance(cause, Mapping):
        return str(cause.get("errorMessage") or "")
    text = str(cause)
    try:
        parsed = json.loads(text)
    except ValueError:
        return text.strip()
    if isinstance(parsed, Mapping):
        job = parsed.get("Job", parsed)
        if not parsed.get("errorMessage") and isinstance(job, Mapping) and job.get("Status"):
            return (
                f"MediaConvert job {job.get('Id', '?')} {job.get('Status')}: "
                f"{job.get('ErrorMessage') or 'no error message'} (code {job.get('ErrorCode')})"
            )
        return str(parsed.get("errorMessage") or "")
    return text.strip()


def job_id_of(state_or_job_id: Mapping[str, Any] | str | None) -> str | None:
    """The job id in a state (``$.job.job_id``, or ``$.job_id``), if the job got that far."""
    if isinstance(state_or_job_id, str):
        return state_or_job_id or None
    if not isinstance(state_or_job_id, Mapping):
        return None
    job = state_or_job_id.get("job")
    if isinstance(job, Mapping) and job.get("job_id"):
        return str(job["job_id"])
    job_id = state_or_job_id.get("job_id")
    return str(job_id) if job_id else None


def mark_failed(
    state_or_job_id: Mapping[str, Any] | str | None,
    error: Mapping[str, Any] | None,
    store: JobStore,
) -> dict[str, Any]:
    """Move the job to FAILED with ``{code, message}``; returns ``{"job_id", "status", "error"}``.

    A job that was never registered (RegisterJob itself failed), or one already in a terminal
    status, is left as it is: the error is logged by code and returned.
    """
    failure = error_from_step_functions(error)
    job_id = job_id_of(state_or_job_id)
    if job_id is None:
        log.warning("workflow failed before a job was registered", extra={"error_code": failure["code"]})
        return {"job_id": None, "status": JobStatus.FAILED.value, "error": failure}
    try:
        current = store.get_job(job_id)
    except JobNotFoundError:
        log.warning("workflow failed for an unknown job", extra={"job_id": job_id, "error_code": failure["code"]})
        return {"job_id": job_id, "status": JobStatus.FAILED.value, "error": failure}
    if current.status.is_terminal:
        log.warning(
            "failure after the job ended; status kept",
            extra={"job_id": job_id, "status": current.status.value, "error_code": failure["code"]},
        )
        return {"job_id": job_id, "status": current.status.value, "error": current.error or failure}
    try:
        record = store.transition(job_id, JobStatus.FAILED, error=failure)
    except InvalidTransitionError:  # it reached a terminal status meanwhile
        record = store.get_job(job_id)
        return {"job_id": job_id, "status": record.status.value, "error": record.error or failure}
    log.warning("job failed", extra={"job_id": job_id, "error_code": failure["code"]})
    return {"job_id": job_id, "status": record.status.value, "error": failure}


#: Execution statuses whose job may not have recorded its failure: timed out or aborted executions
#: never run MarkFailed, and a FAILED one may have failed outside any Catch (``States.Runtime``,
#: ``States.DataLimitExceeded``) or in MarkFailed itself. Value: the error name when the event has none.
UNCAUGHT_STATUSES = {"FAILED": "States.Runtime", "TIMED_OUT": "States.Timeout", "ABORTED": "States.Aborted"}
EXECUTION_STATUS_CHANGE = "Step Functions Execution Status Change"


def mark_failed_after_execution_ended(event: Mapping[str, Any], store: JobStore) -> dict[str, Any]:
    """For an EventBridge "Step Functions Execution Status Change" event: the job of an execution
    that failed, timed out or was aborted is marked FAILED here, with the execution's error and
    cause when the event carries them (the job id comes from the execution's input, the original
    S3 event). A job that has ended already keeps its status and error (MarkFailed usually got
    there first); a job that another execution owns (this one was a duplicate) is left alone.
    Other statuses change nothing."""
    from pipeline.cloud.events import parse_source_event

    detail = event.get("detail") or {}
    status = str(detail.get("status") or "")
    if status not in UNCAUGHT_STATUSES:
        return {"job_id": None, "status": status, "error": None}
    try:
        job_id: str | None = parse_source_event(json.loads(detail.get("input") or "{}")).job_id
    except (ValueError, errors.ClearscribeError):
        job_id = None  # not a job's execution (or RegisterJob would have rejected it too)
    execution = detail.get("executionArn")
    if job_id is not None and execution:
        try:
            owner = store.get_job(job_id).owner
        except JobNotFoundError:
            owner = None
        if owner is not None and owner != execution:
            log.info("execution ended for a job it does not own; status kept", extra={"job_id": job_id})
            return {"job_id": job_id, "status": status, "error": None}
    error = {
        "Error": detail.get("error") or UNCAUGHT_STATUSES[status],
        "Cause": detail.get("cause") or f"the execution {status.lower().replace('_', ' ')}",
    }
    return mark_failed(job_id, error, store)
