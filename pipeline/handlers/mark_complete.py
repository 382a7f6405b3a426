"""MarkComplete: ``{"job_id", "outputs", "summary"}`` → ``{"job_id", "status": "COMPLETE"}``."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.results import mark_complete
from pipeline.handlers.events import MarkCompleteEvent
from pipeline.handlers.runtime import job_step, runtime


@job_step(MarkCompleteEvent)
def handler(event: MarkCompleteEvent, context: LambdaContext) -> dict[str, Any]:
    return mark_complete(event.job_id, event.outputs, event.summary, runtime().job_store)
