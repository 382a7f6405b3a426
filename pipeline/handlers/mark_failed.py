"""MarkFailed: ``{"state", "error": {"Error", "Cause"}}`` → ``{"job_id", "status": "FAILED", "error"}``.

Also the target of an EventBridge rule on "Step Functions Execution Status Change" (FAILED,
TIMED_OUT, ABORTED): such executions may end without their failure recorded by the MarkFailed state.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.failures import EXECUTION_STATUS_CHANGE, mark_failed, mark_failed_after_execution_ended
from pipeline.handlers.events import StepFailureEvent
from pipeline.handlers.runtime import logger, runtime, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if event.get("detail-type") == EXECUTION_STATUS_CHANGE:
        result = mark_failed_after_execution_ended(event, runtime().job_store)
    else:
        failure = parse(event=event, model=StepFailureEvent)
        result = mark_failed(failure.state, failure.error, runtime().job_store)
    if result.get("job_id"):
        logger.append_keys(job_id=result["job_id"])
    logger.info("failure recorded", extra={"status": result.get("status")})
    return result
