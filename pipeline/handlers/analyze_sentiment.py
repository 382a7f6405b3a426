"""AnalyzeSentiment (a branch of Enrich, ``pipeline.handlers.enricher``). VADER's lexicon is loaded at init."""

from __future__ import annotations

from pipeline.handlers.enricher import enricher_handler
from postprocess.sentiment import score_sentiment, sentiment_analyzer

sentiment_analyzer()

handler = enricher_handler("sentiment", score_sentiment)
