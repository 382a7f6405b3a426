"""RegisterJob: ``{"event": <EventBridge "Object Created">, "execution": <execution ARN>}`` →
``{"job_id", "duplicate", "source"}``."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.register import register_job
from pipeline.handlers.events import RegisterJobEvent
from pipeline.handlers.runtime import logger, runtime, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@event_parser(model=RegisterJobEvent)
def handler(event: RegisterJobEvent, context: LambdaContext) -> dict[str, Any]:
    rt = runtime()
    result = register_job(event.event, rt.job_store, s3=rt.s3, execution=event.execution)
    logger.append_keys(job_id=result["job_id"])  # register_job has logged the outcome
    return result
