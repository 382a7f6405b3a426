"""Running one speech recognizer the way the PII enricher does: on normalized text, mapped back."""

from __future__ import annotations

from postprocess.pii.core.base import SpeechRecognizer
from postprocess.pii.core.spoken import normalize_spoken_numbers


def found(recognizer: SpeechRecognizer, text: str) -> list[tuple[str, str]]:
    """(type, raw text) of what ``recognizer`` finds in ``text``."""
    normalized = normalize_spoken_numbers(text)
    results = recognizer.find(normalized.text, frozenset(recognizer.ENTITIES))
    return [(kind, text[slice(*normalized.raw_span(s, e))]) for kind, s, e, _ in results]
