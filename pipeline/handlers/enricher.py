"""The one handler the three Enrich branches share (RedactPII, FilterProfanity, AnalyzeSentiment):
``{"job_id", "transcript_uri", "findings_prefix"}`` → ``{"enricher", "findings_uri", "summary"}``.
Each branch's module builds its engine at init and names its finder."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.enrichment import Finder, run_enricher
from pipeline.handlers.events import EnrichEvent
from pipeline.handlers.runtime import job_step, runtime
from postprocess.findings import EnricherName


def enricher_handler(enricher: EnricherName, find: Finder) -> Callable[[Any, LambdaContext], dict[str, Any]]:
    """The Lambda handler that runs ``find`` as ``enricher`` on the job's transcript."""

    @job_step(EnrichEvent)
    def handler(event: EnrichEvent, context: LambdaContext) -> dict[str, Any]:
        rt = runtime()
        return run_enricher(
            event.job_id, event.transcript_uri, event.findings_prefix, enricher, find, rt.enrichment, s3=rt.s3
        )

    return handler
