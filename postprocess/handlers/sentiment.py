"""Lambda: sentiment findings of a transcript in S3. VADER's lexicon is loaded at init."""

from __future__ import annotations

from typing import Any

from postprocess.config import EnrichmentConfig
from postprocess.handlers import run_enricher
from postprocess.sentiment import score_sentiment, sentiment_analyzer

CONFIG = EnrichmentConfig.from_env()
sentiment_analyzer()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run_enricher(event, "sentiment", score_sentiment, CONFIG)
