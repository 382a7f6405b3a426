"""CheckTranscription: ``{"job_id", "inference"}`` → the inference dict (+ ``transcript_uri`` when COMPLETE)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.transcription import check_transcription
from pipeline.handlers.events import CheckTranscriptionEvent
from pipeline.handlers.runtime import logger, runtime, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@event_parser(model=CheckTranscriptionEvent)
def handler(event: CheckTranscriptionEvent, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(job_id=event.job_id)
    rt = runtime()
    return check_transcription(event.job_id, event.inference, s3=rt.s3, store=rt.job_store, poll=rt.transcription_poll)
