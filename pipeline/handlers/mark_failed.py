"""MarkFailed: ``{"state", "error": {"Error", "Cause"}}`` → ``{"job_id", "status": "FAILED", "error"}``.

Also the target of an EventBridge rule on "Step Functions Execution Status Change" (FAILED,
TIMED_OUT, ABORTED): such executions may end without their failure recorded by the MarkFailed state.
"""

from __future__ import annotations

from typing import Any

from pipeline.cloud.failures import EXECUTION_STATUS_CHANGE, mark_failed, mark_failed_after_execution_ended
from pipeline.cloud.runtime import configure_logging, runtime

configure_logging()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if event.get("detail-type") == EXECUTION_STATUS_CHANGE:
        return mark_failed_after_execution_ended(event, runtime().job_store)
    return mark_failed(event.get("state"), event.get("error"), runtime().job_store)
