"""WriteResults: ``{"job_id", "source", "transcript_uri", "findings"}`` → ``{"outputs", "summary"}``."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.results import cost_settings_from_env, write_results
from pipeline.handlers.events import WriteResultsEvent
from pipeline.handlers.runtime import job_step, runtime
from shared import contract


@job_step(WriteResultsEvent)
def handler(event: WriteResultsEvent, context: LambdaContext) -> dict[str, Any]:
    rt = runtime()
    return write_results(
        event.job_id,
        event.source,
        event.transcript_uri,
        event.findings,
        s3=rt.s3,
        output_bucket=rt.setting(contract.ENV_OUTPUT_BUCKET),
        store=rt.job_store,
        cost_settings=cost_settings_from_env(rt.env),
    )
