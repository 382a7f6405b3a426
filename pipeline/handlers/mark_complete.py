"""MarkComplete: ``{"job_id", "outputs", "summary"}`` → ``{"job_id", "status": "COMPLETE"}``."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.results import mark_complete
from pipeline.handlers.events import MarkCompleteEvent
from pipeline.handlers.runtime import logger, runtime, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@event_parser(model=MarkCompleteEvent)
def handler(event: MarkCompleteEvent, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(job_id=event.job_id)
    return mark_complete(event.job_id, event.outputs, event.summary, runtime().job_store)
