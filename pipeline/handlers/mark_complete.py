"""MarkComplete: ``{"job_id", "outputs", "summary"}`` → ``{"job_id", "status": "COMPLETE"}``."""

from __future__ import annotations

from typing import Any

from pipeline.cloud.results import mark_complete
from pipeline.cloud.runtime import configure_logging, runtime

configure_logging()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return mark_complete(event["job_id"], event.get("outputs") or {}, event.get("summary") or {}, runtime().job_store)
