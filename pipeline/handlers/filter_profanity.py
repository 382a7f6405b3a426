"""FilterProfanity (a branch of Enrich): ``{"job_id", "transcript_uri", "findings_prefix"}`` →
``{"enricher": "profanity", "findings_uri", "summary"}``. The word index is built at init."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.enrichment import run_enricher
from pipeline.handlers.events import EnrichEvent
from pipeline.handlers.runtime import logger, runtime, tracer
from postprocess.profanity import find_profanity, profanity_censor

profanity_censor(runtime().enrichment.profanity_allow, runtime().enrichment.profanity_deny)


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@event_parser(model=EnrichEvent)
def handler(event: EnrichEvent, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(job_id=event.job_id)
    rt = runtime()
    return run_enricher(
        event.job_id, event.transcript_uri, event.findings_prefix, "profanity", find_profanity, rt.enrichment, s3=rt.s3
    )
