"""RedactPII (a branch of Enrich): ``{"job_id", "transcript_uri", "findings_prefix"}`` →
``{"enricher": "pii", "findings_uri", "summary"}``. The presidio engine is built at init."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.enrichment import run_enricher
from pipeline.handlers.events import EnrichEvent
from pipeline.handlers.runtime import logger, runtime, tracer
from postprocess.pii import find_pii, pii_analyzer

pii_analyzer(runtime().enrichment.spacy_model)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@event_parser(model=EnrichEvent)
def handler(event: EnrichEvent, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(job_id=event.job_id)
    rt = runtime()
    return run_enricher(
        event.job_id, event.transcript_uri, event.findings_prefix, "pii", find_pii, rt.enrichment, s3=rt.s3
    )
