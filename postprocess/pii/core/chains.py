"""Runs of digit groups (and capital-letter groups) as speech recognition writes a value read out.

A value read out comes back in any grouping: "4539 1480 3436 4712", "4, 5, 3, 9, …", "415.
5, 5, 5, 0, 1, 9" (a sentence break the recognizer inserted), "G-4-8, 2, 1, 9", "QQ 12 34 56 C".
``digit_chains`` and ``code_chains`` find such runs in text whose spoken numbers were already
rewritten into digits (``postprocess.pii.core.spoken``): groups joined by spaces, commas, dashes, slashes,
brackets, a dot between digits, or quotes (digits read in pairs come back as feet and inches:
"6'5", 3'9""), or a word recognition put between the groups ("6, 98, I'm 4, 7", "did 1, 6",
"9, 1, number 8", "172.2 or not 115.7, not 246": "dot" misheard); across a sentence break when one
side is a short group, neither is a round number and the first is neither the year of a date, a
year said as one, nor a time (so "we sold 1500. 2000 more", "on August 2025. 9965 passed",
"between 2016 and 2020. 3, 3, 3" and "at 1020. 577 departs" stay apart, "495. 66938325. 15" is
one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

from postprocess.pii.core.cues import CueIndex
from postprocess.pii.core.rules import off, on

# A quote next to digits does not glue them to a word: recognition writes digits read in pairs
# as feet and inches ("sixty five thirty nine" -> 6'5", 3'9").
_DIGIT_GROUP = re.compile(r"(?<![A-Za-z0-9])\d+(?![A-Za-z0-9])")
# A code token: capitals (at most five), digits, capitals and digits mixed ("GB82", "NW1", "6XE"),
# letters of any case and digits ("55281iN4", "2b"; not "21st", "10am" or "1990s"); or, only
# between two of those (or a single letter right before one), a word recognition wrote for a
# spelled character ("to" for 2, "a" for A).
_WORD = re.compile(r"[A-Za-z0-9'’]+")
_STRONG_CODE = re.compile(r"[A-Z]{1,5}|\d+|[A-Z0-9]*(?:[A-Z]\d|\d[A-Z])[A-Z0-9]*")
_NOT_CODE = re.compile(r"\d+(?:st|nd|rd|th|am|pm|s)", re.IGNORECASE)  # "21st", "10am", "1990s"
_WEAK_CODE = frozenset({"to", "too", "for", *"abcdefghijklmnopqrstuvwxyz"})
WEAK_TOKENS = {"to": "2", "too": "2", "for": "4"}
_QUOTES = r"['\"’”]{0,2}"
# Words recognition puts between the groups of a value read out: a pause ("um", "so"), a word it
# heard for one ("I'm", "did", "pre-" for "nine" or "three"), "number" repeated, "not" or "or not"
# for "dot" (a correction, "3416, not 3461", is a value read out twice); "&" glued between two
# characters ("K&B 6300": "K and B" as recognition writes it); a currency sign it put before a group
# ("84, $1.5, $1.9, 2": whether that is money is for ``numbers.quantity_reason`` to say).
_FILLER = r"(?i:i'?m|did|so|um|uh|er|number|pre-?|not|or not)"
_HARD_GAP = re.compile(
    rf"{_QUOTES}(?:\s*(?:[,\-–—/(]|\)[ \t]*[\-–]?)?\s*|\.|&|\s*[,\-]?\s*(?:dash|hyphen|slash)\s*[,\-]?\s*"
    rf"|[ \t]*,?[ \t]*{_FILLER}[ \t]*,?[ \t]*|[ \t]*,[ \t]*[$£€])"
)
_HARD_GAP_NO_FILLER = re.compile(
    rf"{_QUOTES}(?:\s*(?:[,\-–—/(]|\)[ \t]*[\-–]?)?\s*|\.|&|\s*[,\-]?\s*(?:dash|hyphen|slash)\s*[,\-]?\s*"
    rf"|[ \t]*,[ \t]*[$£€])"
)
_SOFT_GAP = re.compile(rf"{_QUOTES}[ \t]*[,.?!]*[.?!][ \t\n]+")
# A year that ends a date ("… on August 2025."): the sentence ends there, whatever follows.
_DATE_BEFORE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[ \t]+(?:\d{1,2}(?:st|nd|rd|th)?,?[ \t]+)?$",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d\d")
# … or a year said as one ("between 2016 and 2020.", "since 2019.", "in 2021.").
_YEAR_WORD_BEFORE = re.compile(r"\b(?:and|to|in|since|until|till|from|by|of|year)[ \t]+$", re.IGNORECASE)
# A time ("the meeting is at 1020."), not a number to reach someone at ("reach me at 415.").
_TIME_BEFORE = re.compile(
    r"(?<!\bme )(?<!\bus )(?<!\bhim )(?<!\bher )\b(?:at|until|till|by|from)[ \t]+$", re.IGNORECASE
)
SHORT_GROUP = 4


@dataclass(frozen=True)
class Chain:
    """A run of value groups in ``text``: ``[start, end)`` and each group's ``[start, end)``;
    ``soft`` holds the indexes of groups joined to the previous one across a sentence break."""

    text: str
    start: int
    end: int
    groups: tuple[tuple[int, int], ...]
    soft: tuple[int, ...] = ()

    @cached_property
    def value(self) -> str:
        return self.text[self.start : self.end]

    @cached_property
    def code(self) -> str:
        """The letters and digits of the chain, upper case, with the words recognition wrote for
        spelled characters turned back ("LS6 to a B" -> "LS62AB")."""
        return "".join(WEAK_TOKENS.get(g.lower(), re.sub(r"[^A-Za-z0-9]", "", g).upper()) for g in self.group_texts)

    @cached_property
    def digits(self) -> str:
        return re.sub(r"\D", "", self.code)

    @cached_property
    def group_texts(self) -> list[str]:
        return [self.text[s:e] for s, e in self.groups]

    @property
    def letters(self) -> str:
        return re.sub(r"[^A-Z]", "", self.value)

    def part(self, first: int, last: int) -> Chain:
        """Groups ``first`` to ``last`` (inclusive) as a chain of their own."""
        groups = self.groups[first : last + 1]
        soft = tuple(i - first for i in self.soft if first < i <= last)
        return Chain(self.text, groups[0][0], groups[-1][1], groups, soft)


def _round(token: str) -> bool:
    digits = re.sub(r"\D", "", token)
    return len(digits) >= 3 and digits.endswith("00")


def _joins_across_sentences(text: str, previous: tuple[int, int], start: int, end: int) -> bool:
    """Whether two groups a sentence break separates are one value: at least one of them short,
    neither a round number, and the first not the year of a date nor a year said as one ("between
    2016 and 2020.")."""
    first, second = text[previous[0] : previous[1]], text[start:end]
    if _round(first) or _round(second) or not (len(first) <= SHORT_GROUP or len(second) <= SHORT_GROUP):
        return False
    dated = _YEAR.fullmatch(first) and (
        _DATE_BEFORE.search(text, max(0, previous[0] - 20), previous[0])
        or _YEAR_WORD_BEFORE.search(text, max(0, previous[0] - 8), previous[0])
    )
    timed = _TIME_BEFORE.search(text, max(0, previous[0] - 10), previous[0])  # "… at 1020." "577 departs"
    return not ((dated and on("chain.year_ends_sentence")) or (timed and on("chain.time_ends_sentence")))


def _build(text: str, tokens: list[tuple[int, int]]) -> list[Chain]:
    chains: list[Chain] = []
    groups: list[tuple[int, int]] = []
    soft: list[int] = []
    for start, end in tokens:
        if groups:
            gap = text[groups[-1][1] : start]
            if (_HARD_GAP if on("chain.fillers") else _HARD_GAP_NO_FILLER).fullmatch(gap):
                groups.append((start, end))
                continue
            if (
                on("chain.across_sentence")
                and _SOFT_GAP.fullmatch(gap)
                and _joins_across_sentences(text, groups[-1], start, end)
            ):
                soft.append(len(groups))
                groups.append((start, end))
                continue
            chains.append(Chain(text, groups[0][0], groups[-1][1], tuple(groups), tuple(soft)))
        groups, soft = [(start, end)], []
    if groups:
        chains.append(Chain(text, groups[0][0], groups[-1][1], tuple(groups), tuple(soft)))
    return chains


def digit_chains(text: str) -> tuple[Chain, ...]:
    """Runs of digit groups (digits glued to letters, like "B12" or "4th", are not part of one).
    Several recognizers ask for the runs of the same text: they are found once."""
    return _digit_chains(text, off())


@lru_cache(maxsize=8)
def _digit_chains(text: str, rules_off: frozenset[str]) -> tuple[Chain, ...]:
    return tuple(_build(text, [(m.start(), m.end()) for m in _DIGIT_GROUP.finditer(text)]))


def code_chains(text: str, *, need_digit: bool = True) -> tuple[Chain, ...]:
    """Runs of capital-letter and digit groups that hold at least one letter (and one digit, if
    ``need_digit``); words standing for spelled characters only inside a run or, for up to two
    single letters, right before it."""
    return _code_chains(text, need_digit, off())


@lru_cache(maxsize=8)
def _code_chains(text: str, need_digit: bool, rules_off: frozenset[str]) -> tuple[Chain, ...]:
    tokens: list[tuple[int, int]] = []
    weak: set[int] = set()
    for word in _WORD.finditer(text):
        token = word.group()
        if token in _WEAK_CODE and on("chain.weak_tokens"):
            weak.add(word.start())
        elif not (
            _STRONG_CODE.fullmatch(token)
            or (token.isalnum() and not token.isalpha() and not token.isdigit() and not _NOT_CODE.fullmatch(token))
        ):
            continue
        tokens.append((word.start(), word.end()))
    found = []
    for chain in _build(text, tokens):
        strong = [i for i, (start, _) in enumerate(chain.groups) if start not in weak]
        if not strong:
            continue
        first = strong[0]
        while (
            on("chain.lower_letters_before")
            and first > 0
            and strong[0] - first < 2
            and len(chain.group_texts[first - 1]) == 1
        ):
            first -= 1  # spelled letters written lowercase before the code ("and a B123456", "g g 2 8 4 …")
        chain = chain.part(first, strong[-1])
        code = chain.code
        if re.search(r"[A-Z]", code) and (not need_digit or re.search(r"\d", code)):
            found.append(chain)
    return tuple(found)


UK_POSTCODE = re.compile(r"(?:[A-Z]{1,2}\d[A-Z\d]?)\d[A-Z]{2}")


# Sentence words that are capitals but not part of a code.
_WORDS = frozenset({"I", "A", "OK", "AM", "PM"})


def trimmed(chain: Chain, cues: CueIndex | None = None) -> Chain | None:
    """The chain without leading and trailing sentence words ("I", "A", "OK") and, given the
    text's cues, without a cue it starts with: a cue is never part of its value ("What's your
    patient ID?" "6, 5, 8, …", "I will need your SSN." "7.8922.")."""
    groups = chain.group_texts
    first, last = 0, len(groups) - 1
    while first <= last and (groups[first] in _WORDS or (cues is not None and cues.covers(*chain.groups[first]))):
        first += 1
    while last >= first and groups[last] in _WORDS:
        last -= 1
    return chain.part(first, last) if first <= last else None
