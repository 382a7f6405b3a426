"""RegisterJob: ``{"event": <EventBridge "Object Created">, "execution": <execution ARN>}`` →
``{"job_id", "duplicate", "source"}``."""

from __future__ import annotations

from typing import Any

from pipeline.cloud.register import register_job
from pipeline.cloud.runtime import configure_logging, runtime

configure_logging()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    rt = runtime()
    return register_job(event["event"], rt.job_store, s3=rt.s3, execution=event.get("execution"))
