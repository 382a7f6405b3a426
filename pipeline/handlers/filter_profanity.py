"""FilterProfanity (a branch of Enrich, ``pipeline.handlers.enricher``). The word index is built at init."""

from __future__ import annotations

from pipeline.handlers.enricher import enricher_handler
from pipeline.handlers.runtime import runtime
from postprocess.profanity import find_profanity, profanity_censor

profanity_censor(runtime().enrichment.profanity_allow, runtime().enrichment.profanity_deny)

handler = enricher_handler("profanity", find_profanity)
