"""CheckTranscription: ``{"job_id", "inference"}`` → the inference dict (+ ``transcript_uri`` when COMPLETE)."""

from __future__ import annotations

from typing import Any

from pipeline.cloud.runtime import configure_logging, runtime
from pipeline.cloud.transcription import check_transcription

configure_logging()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    rt = runtime()
    return check_transcription(
        event["job_id"], event["inference"], s3=rt.s3, store=rt.job_store, poll=rt.transcription_poll
    )
