"""PrepareAudioExtraction: ``{"job_id", "source"}`` → ``{"request", "audio_uri"}`` (the MediaConvert
``CreateJob`` request the ``ExtractAudio`` state sends)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.extraction import prepare_audio_extraction
from pipeline.handlers.events import PrepareAudioExtractionEvent
from pipeline.handlers.runtime import job_step, runtime
from shared import contract


@job_step(PrepareAudioExtractionEvent)
def handler(event: PrepareAudioExtractionEvent, context: LambdaContext) -> dict[str, Any]:
    rt = runtime()
    return prepare_audio_extraction(
        event.job_id,
        event.source,
        mediaconvert=rt.mediaconvert,
        template=rt.setting(contract.ENV_MEDIACONVERT_TEMPLATE),
        role_arn=rt.setting(contract.ENV_MEDIACONVERT_ROLE_ARN),
        working_bucket=rt.setting(contract.ENV_WORKING_BUCKET),
        store=rt.job_store,
    )
