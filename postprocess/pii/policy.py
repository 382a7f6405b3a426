"""The PII policy: what is hidden beyond what the detectors and passes found.

- **standard** (the default): their findings as they are.
- **strict**, for those who must never publish a value and accept more placeholders: also every
  number of three or more digits, written or spoken, that is not a measured quantity, an amount, a
  time or a plain date (``quantities.quantity_reason`` says which it is), as ID_NUMBER or the type
  its shape gives; and every capitalised word that is neither a dictionary word
  (``postprocess/data/pii_dictionary.txt.gz``) nor a sentence's first, as PERSON.
"""

from __future__ import annotations

import gzip
import re
from functools import cache
from pathlib import Path

from postprocess.pii.core.base import word_set
from postprocess.pii.core.chains import digit_chains
from postprocess.pii.core.quantities import A_DATE, YEARS, quantity_reason, type_by_shape
from postprocess.pii.core.spoken import NormalizedText
from postprocess.pii.core.words import STOP_WORDS

DICTIONARY = Path(__file__).resolve().parents[1] / "data" / "pii_dictionary.txt.gz"
STRICT_DIGITS = 3
# What strict still shows: numbers that measure, cost or date something.
_SHOWN = frozenset(
    {"an amount of money", "amounts of money", "a quantity with a unit", "a time", A_DATE, "a date and a time", YEARS,
     "a range of years", "a list of quantities"}
)  # fmt: skip
# Capitalised words of plain dates, which strict shows.
_CALENDAR = word_set(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday"
)
_CAPITALISED = re.compile(r"(?<![\w'’@.\-])[A-Z][A-Za-z'’\-]*[a-z][A-Za-z'’\-]*(?![\w@])")
_SENTENCE_START = re.compile(r"(?:^|[.?!…:;\"]|\n)[ \t\"'(]*$")


@cache
def dictionary() -> frozenset[str]:
    """The dictionary's words, lowercase (loaded once)."""
    with gzip.open(DICTIONARY, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def strict_spans(normalized: NormalizedText) -> list[tuple[int, int, str]]:
    """What the strict policy hides in ``normalized.raw``: ``(start, end, type)`` spans."""
    text = normalized.text
    found = []
    for chain in digit_chains(text):
        if len(chain.digits) < STRICT_DIGITS:
            continue
        before, after = text[max(0, chain.start - 20) : chain.start], text[chain.end : chain.end + 25]
        if quantity_reason(chain.value, before, after) in _SHOWN:
            continue
        kind, _ = type_by_shape(chain, before)
        found.append((*normalized.raw_span(chain.start, chain.end), kind))
    raw = normalized.raw
    words = dictionary()
    for match in _CAPITALISED.finditer(raw):
        word = match.group().lower().replace("’", "'")
        if word in words or word in STOP_WORDS or word in _CALENDAR or word.split("'")[0] in words | STOP_WORDS:
            continue
        if _SENTENCE_START.search(raw, max(0, match.start() - 4), match.start()):
            continue
        found.append((match.start(), match.end(), "PERSON"))
    return found
