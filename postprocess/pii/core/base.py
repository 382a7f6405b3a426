"""What the speech recognizers share: the presidio base class and result, word sets, context
windows, and the overlap test against spans already found."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate
from typing import Any

from postprocess.lean_imports import without_unused_ml_frameworks

with without_unused_ml_frameworks():
    from presidio_analyzer import EntityRecognizer, RecognizerResult

# How far before a value its context words are looked for (characters).
CONTEXT_WINDOW = 60


def recognizer_result(
    recognizer: EntityRecognizer, entity: str, start: int, end: int, score: float
) -> RecognizerResult:
    """A presidio result credited to ``recognizer`` (presidio's bookkeeping needs its name and id)."""
    metadata = {
        RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,  # type: ignore[has-type]
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
    }
    return RecognizerResult(entity, start, end, score, recognition_metadata=metadata)


class SpeechRecognizer(EntityRecognizer):
    """A rule-based recognizer with nothing to load, named after its class, finding ``ENTITIES``.

    Subclasses implement ``find(text, entities)`` returning ``(entity, start, end, score)``
    tuples for the requested entities; ``analyze`` wraps them as presidio results."""

    ENTITIES: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__(supported_entities=list(self.ENTITIES), name=type(self).__name__)

    def load(self) -> None:  # nothing to load
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        wanted = [e for e in self.ENTITIES if e in entities]
        if not wanted:
            return []
        return [
            recognizer_result(self, entity, start, end, score)
            for entity, start, end, score in self.find(text, frozenset(wanted))
            if entity in wanted and start < end
        ]

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        raise NotImplementedError

    @classmethod
    def found(cls, result: RecognizerResult) -> bool:
        """True when this recognizer produced ``result``."""
        metadata = result.recognition_metadata or {}
        return metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) == cls.__name__


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


def before(text: str, start: int, width: int = CONTEXT_WINDOW) -> str:
    """The ``width`` characters of ``text`` before ``start``."""
    return text[max(0, start - width) : start]


def overlaps(found: Iterable[tuple[str, int, int, float]], start: int, end: int) -> bool:
    """Whether ``start``–``end`` overlaps a span a recognizer has already ``found``."""
    return any(s < end and start < e for _, s, e, _ in found)


class SpanIndex:
    """Spans a recognizer has found, to ask whether a new span overlaps one in logarithmic time
    (``overlaps`` scans them all: fine once, quadratic when asked for every match of a long text)."""

    def __init__(self, found: Iterable[tuple[str, int, int, float]]) -> None:
        spans = sorted((s, e) for _, s, e, _ in found)
        self._starts = [s for s, _ in spans]
        self._reach = list(accumulate((e for _, e in spans), max))  # the furthest end so far

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``start``–``end`` overlaps one of the spans."""
        before_end = bisect_left(self._starts, end)
        return before_end > 0 and self._reach[before_end - 1] > start

    def covers(self, start: int, end: int) -> bool:
        """Whether one of the spans holds all of ``start``–``end``."""
        from_start = bisect_right(self._starts, start)
        return from_start > 0 and self._reach[from_start - 1] >= end
