"""CheckAudioExtraction: ``{"job_id", "extraction", "job"}`` → ``{"audio_uri", "duration_seconds",
"windows"}``: the extracted audio checked against the deployment's maximum duration and planned as
windows."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.extraction import check_audio_extraction
from pipeline.handlers.events import CheckAudioExtractionEvent
from pipeline.handlers.runtime import logger, runtime, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@event_parser(model=CheckAudioExtractionEvent)
def handler(event: CheckAudioExtractionEvent, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(job_id=event.job_id)
    rt = runtime()
    return check_audio_extraction(
        event.job_id,
        event.extraction,
        event.job.get("Job", event.job),
        s3=rt.s3,
        store=rt.job_store,
        limit=rt.duration_limit,
        window_seconds=rt.window_seconds,
        speakers=rt.labels_speakers,
    )
