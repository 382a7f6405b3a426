"""CheckAudioExtraction: ``{"job_id", "extraction"}`` → the extraction dict, polled once more (and,
once complete, checked against the longest recording the endpoint can finish)."""

from __future__ import annotations

from typing import Any

from pipeline.cloud.extraction import check_audio_extraction
from pipeline.cloud.runtime import configure_logging, runtime

configure_logging()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    rt = runtime()
    return check_audio_extraction(
        event["job_id"],
        event["extraction"],
        mediaconvert=rt.mediaconvert,
        store=rt.job_store,
        poll=rt.extraction_poll,
        s3=rt.s3,
        limit=rt.endpoint_limit,
    )
