"""The enrichers: PII, profanity and sentiment findings over a transcript, and their composition.

Each finder is a pure function ``Transcript -> *Findings``; findings hold types, scores and
character offsets into the raw segment texts, never the text itself. ``compose_enriched`` applies
them to produce the clean, enriched transcript (schema_version "1").
"""

from postprocess.config import EnrichmentConfig

__all__ = ["EnrichmentConfig"]
