"""CheckAudioExtraction: ``{"job_id", "extraction", "job"}`` → ``{"audio_uri", "duration_seconds",
"windows"}``: the extracted audio checked against the deployment's maximum duration and planned as
windows."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.extraction import check_audio_extraction
from pipeline.handlers.events import CheckAudioExtractionEvent
from pipeline.handlers.runtime import job_step, runtime


@job_step(CheckAudioExtractionEvent)
def handler(event: CheckAudioExtractionEvent, context: LambdaContext) -> dict[str, Any]:
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
