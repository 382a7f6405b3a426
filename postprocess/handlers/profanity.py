"""Lambda: profanity findings of a transcript in S3. The word index is built at init."""

from __future__ import annotations

from typing import Any

from postprocess.config import EnrichmentConfig
from postprocess.handlers import run_enricher
from postprocess.profanity import find_profanity, profanity_censor

CONFIG = EnrichmentConfig.from_env()
profanity_censor(CONFIG.profanity_allow, CONFIG.profanity_deny)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return run_enricher(event, "profanity", find_profanity, CONFIG)
