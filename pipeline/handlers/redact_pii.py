"""RedactPII (a branch of Enrich, ``pipeline.handlers.enricher``). The presidio engine is built at init."""

from __future__ import annotations

from pipeline.handlers.enricher import enricher_handler
from pipeline.handlers.runtime import runtime
from postprocess.pii import find_pii, pii_analyzer

pii_analyzer(runtime().enrichment.spacy_model)

handler = enricher_handler("pii", find_pii)
