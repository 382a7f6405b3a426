"""spaCy's NER for PERSON and LOCATION, without what it takes for names and places in calls.

The NER's results are checked here, before presidio removes duplicates: presidio keeps one of two
results for the same span (or drops one contained in another of equal or higher score), so a
result dropped afterwards could take a rule's result for the same name with it ("Morning, I'm a
Gomez here.": the NER's "Gomez" would have replaced the rule's).

Left out: a name that trims to nothing or holds digits or leetspeak (``identity.trim_name_span``),
capitals of three letters or fewer ("QQ"), a noun after "the", "this", "that" ("read me the
Ivan": IBAN misheard; not after "your": "I'm your Martin" is a name with a word misheard), a
company ("Chris Dental", "Oak Ridge motors": it ends in, or is followed by, an organisation
word), and what ``location.plausible_place`` rules out.
"""

from __future__ import annotations

import re
from typing import Any

from postprocess.lean_imports import without_unused_ml_frameworks
from postprocess.recognizers.identity import ORGANISATION_WORDS, plausible_name, trim_name_span
from postprocess.recognizers.location import plausible_place

with without_unused_ml_frameworks():
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

NER_NAME = "SpacyRecognizer"
_DETERMINER_BEFORE = re.compile(r"\b(?:the|this|that)[ \t]+$", re.IGNORECASE)


def names_an_organisation(text: str, end: int) -> bool:
    """True when the word at or right after ``end`` ends an organisation's name ("Oak Ridge motors",
    "Chris Dental")."""
    last = re.search(r"([A-Za-z]+)\W*$", text[max(0, end - 20) : end])
    after = re.match(r"[ \t]+([A-Za-z]+)", text[end : end + 20])
    return any(m is not None and m.group(1).lower() in ORGANISATION_WORDS for m in (last, after))


def plausible_ner_result(text: str, entity: str, start: int, end: int) -> bool:
    """Whether the NER's PERSON or LOCATION ``text[start:end]`` can be one in a call."""
    if names_an_organisation(text, end):
        return False
    if entity == "LOCATION":
        return plausible_place(text[start:end])
    trimmed = trim_name_span(text, start, end)
    if trimmed is None:
        return False
    start, end = trimmed
    return plausible_name(text[start:end]) and not _DETERMINER_BEFORE.search(text, max(0, start - 8), start)


class SpeechNerRecognizer(SpacyRecognizer):
    """presidio's spaCy recognizer (named as it, so results read the same), minus implausible results."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON", "LOCATION"], name=NER_NAME)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        return [
            result
            for result in super().analyze(text, entities, nlp_artifacts)
            if plausible_ner_result(text, result.entity_type, result.start, result.end)
        ]
