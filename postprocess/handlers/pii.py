"""Lambda: PII findings of a transcript in S3. The presidio engine is built at init."""

from __future__ import annotations

from typing import Any

from postprocess.config import EnrichmentConfig
from postprocess.handlers import run_enricher
from postprocess.pii import find_pii, pii_analyzer

CONFIG = EnrichmentConfig.from_env()
pii_analyzer(CONFIG.spacy_model)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run_enricher(event, "pii", find_pii, CONFIG)
