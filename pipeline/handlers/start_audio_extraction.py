"""StartAudioExtraction: ``{"job_id", "source"}`` → ``{"mediaconvert_job_id", "audio_uri", "status", "poll"}``."""

from __future__ import annotations

from typing import Any

from pipeline.cloud.extraction import start_audio_extraction
from pipeline.cloud.runtime import configure_logging, runtime

configure_logging()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    rt = runtime()
    return start_audio_extraction(
        event["job_id"],
        event["source"],
        mediaconvert=rt.mediaconvert,
        template=rt.setting("MEDIACONVERT_TEMPLATE"),
        role_arn=rt.setting("MEDIACONVERT_ROLE_ARN"),
        working_bucket=rt.setting("WORKING_BUCKET"),
        store=rt.job_store,
        poll=rt.extraction_poll,
    )
