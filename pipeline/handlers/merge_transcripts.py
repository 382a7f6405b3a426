"""MergeTranscripts: ``{"job_id", "windows", "plan"}`` (the Map's results, and the requests
CheckAudioExtraction planned) → ``{"transcript_uri"}``: one transcript of the whole recording."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.transcription import merge_transcripts
from pipeline.handlers.events import MergeTranscriptsEvent
from pipeline.handlers.runtime import job_step, runtime
from shared import contract


@job_step(MergeTranscriptsEvent)
def handler(event: MergeTranscriptsEvent, context: LambdaContext) -> dict[str, Any]:
    rt = runtime()
    return merge_transcripts(
        event.job_id,
        event.windows,
        plan=event.plan,
        s3=rt.s3,
        store=rt.job_store,
        working_bucket=rt.setting(contract.ENV_WORKING_BUCKET),
    )
