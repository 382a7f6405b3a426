"""MergeTranscripts: ``{"job_id", "windows", "plan"}`` (the Map's results, and the requests
CheckAudioExtraction planned) → ``{"transcript_uri"}``: one transcript of the whole recording."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.transcription import merge_transcripts
from pipeline.handlers.events import MergeTranscriptsEvent
from pipeline.handlers.runtime import logger, runtime, tracer
from shared import contract


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@event_parser(model=MergeTranscriptsEvent)
def handler(event: MergeTranscriptsEvent, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(job_id=event.job_id)
    rt = runtime()
    return merge_transcripts(
        event.job_id,
        event.windows,
        plan=event.plan,
        s3=rt.s3,
        store=rt.job_store,
        working_bucket=rt.setting(contract.ENV_WORKING_BUCKET),
    )
