"""WriteResults: ``{"job_id", "source", "transcript_uri", "findings"}`` → ``{"outputs", "summary"}``."""

from __future__ import annotations

from typing import Any

from pipeline.cloud.results import cost_settings_from_env, write_results
from pipeline.cloud.runtime import configure_logging, runtime

configure_logging()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    rt = runtime()
    return write_results(
        event["job_id"],
        event["source"],
        event["transcript_uri"],
        event["findings"],
        s3=rt.s3,
        output_bucket=rt.setting("OUTPUT_BUCKET"),
        store=rt.job_store,
        cost_settings=cost_settings_from_env(rt.env),
    )
