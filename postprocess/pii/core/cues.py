"""Cue words: what a speaker says before a value, and which kind of value it announces.

In calls a value is announced ("my account number is", "the sort code is", "and your date of
birth?") and recognition often keeps the cue even when it garbles the value. The cues type a
value that is an identifier by its own shape (a long digit run), and let short values through
that would be ordinary numbers without them (a PIN, a sort code, the last four of an SSN).

``CueIndex`` finds every cue of a text once; ``nearest`` answers "which cue precedes this
position most closely", ``attached`` "does the value follow the cue directly" — only fillers
between ("number", "is", "it's", "the", …), or the cue ends a question and the value opens the
answer ("And your date of birth?" "July 4th, 1979.").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from postprocess.pii.core.rules import off, on

HEARD_FILE = Path(__file__).resolve().parents[2] / "data" / "pii_heard.tsv"


def _cue_table() -> dict[str, tuple[str, ...]]:
    """Kind -> cue phrases (regex alternatives, matched as whole words, case-insensitive), from the
    rows of ``postprocess/data/pii_heard.tsv`` whose context is ``cue:KIND``, in file order. Longer
    phrases first: the alternation takes the first alternative that matches at a position, so
    "account number" is one cue, not "account" and then a phone-ish "number"."""
    table: dict[str, list[str]] = {}
    for line in HEARD_FILE.read_text("utf-8").splitlines():
        if line.startswith(("#", "heard\t")) or not line.strip():
            continue
        heard, _, context, _, _ = line.split("\t")
        if context.startswith("cue:"):
            table.setdefault(context.removeprefix("cue:"), []).append(heard)
    return {kind: tuple(phrases) for kind, phrases in table.items()}


CUES = _cue_table()
# Cue kinds that announce card data and the entity they yield.
ENTITY_OF_CUE = {
    "CARD_DETAIL": "CREDIT_CARD",
    "NUMBER": "PHONE_NUMBER",
    "EXTENSION": "PHONE_NUMBER",
    "HEARD_PIN": "PIN",
    "CAR": "LICENSE_PLATE",
}

# A cue may end in a dot ("B.I.N.", "S.S.N."): it ends where no letter or digit follows.
_CUE_PATTERN = re.compile(
    "|".join(rf"(?P<{kind}>\b(?:{'|'.join(phrases)})(?!\w))" for kind, phrases in CUES.items()),
    re.IGNORECASE,
)
# What may stand between a cue and its value: fillers only.
_FILLERS = re.compile(
    r"(?:[\s,:;\-]|\b(?:number|numbers|no|code|is|was|it'?s|it|that'?s|that|this|of|reads|will|would|should|"
    r"be|the|my|your|his|her|our|their|please|sure|yes|yeah|yep|okay|ok|so|um|uh|er|on|file|here|we|have|"
    r"now|then|just|and|ending|ends|in|with|as|are|go|ahead|right|digits?|for|to|all)\b)*",
    re.IGNORECASE,
)
# A cue ending a question (or a sentence, or a segment) and the value opening the next sentence;
# not when a number of four or more digits came between (the cue's own value: "The PIN is 6812 …
# Between 2017" / "And 2020 we grew …"); a shorter one may be the value's start ("born on July 20,"
# / "1980").
_ACROSS_SENTENCE = re.compile(r"(?P<rest>(?![^.?!\n]*\d{4})[^.?!\n]{0,60})(?:[.?!]+\s+|\n)(?P<open>.{0,40})", re.DOTALL)
ATTACH_WINDOW = 110


@dataclass(frozen=True)
class Cue:
    kind: str
    start: int
    end: int

    @property
    def entity(self) -> str:
        return ENTITY_OF_CUE.get(self.kind, self.kind)


def cue_index(text: str) -> CueIndex:
    """The cues of ``text``, found once for all the recognizers that ask."""
    return _cue_index(text, off())


@lru_cache(maxsize=8)
def _cue_index(text: str, rules_off: frozenset[str]) -> CueIndex:
    return CueIndex(text)


class CueIndex:
    """Every cue of one text, by position."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.cues = [
            Cue(str(m.lastgroup), m.start(), m.end()) for m in _CUE_PATTERN.finditer(text) if on(f"cue.{m.lastgroup}")
        ]
        self._ends = [c.end for c in self.cues]
        self._starts = [c.start for c in self.cues]

    def starts_at(self, start: int) -> bool:
        """Whether a cue starts at ``start``."""
        i = bisect_left(self._starts, start)
        return i < len(self._starts) and self._starts[i] == start

    def covers(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies inside one cue ("ID" of "patient ID", "SSN")."""
        i = bisect_right(self._starts, start) - 1
        return i >= 0 and self.cues[i].end >= end

    def nearest(self, start: int, window: int = 70, kinds: frozenset[str] | None = None) -> Cue | None:
        """The cue ending closest before ``start`` (within ``window`` characters), of ``kinds`` if given."""
        i = bisect_right(self._ends, start) - 1
        while i >= 0 and self.cues[i].end >= start - window:
            if kinds is None or self.cues[i].kind in kinds:
                return self.cues[i]
            i -= 1
        return None

    def attached(self, start: int, kinds: frozenset[str] | None = None) -> Cue | None:
        """The nearest cue (of ``kinds``) that the value at ``start`` directly follows; a plain
        "number" is a filler here ("the sort code is … Number one, five")."""
        i = bisect_right(self._ends, start) - 1
        while i >= 0 and self.cues[i].end >= start - ATTACH_WINDOW:
            cue = self.cues[i]
            if cue.kind != "NUMBER" and (kinds is None or cue.kind in kinds):
                return cue if follows_directly(self.text[cue.end : start]) else None
            i -= 1
        return None

    def announced_after(self, end: int) -> Cue | None:
        """The cue that names the value ending at ``end`` right after it ("It's 88035, the pin.",
        "…, that's my social"): the next cue, within a few words of the value in its sentence."""
        i = bisect_right(self._starts, end)
        if on("cue.named_after") and i < len(self.cues) and _NAMED_AFTER.fullmatch(self.text[end : self.cues[i].start]):
            return self.cues[i]
        return None


# Between a value and the cue that names it after it: "…, the pin", "… is my PIN", "…, that's my social".
_NAMED_AFTER = re.compile(r"[ \t]*,?[ \t]*(?:(?:that's|that is|is|was)[ \t]+)?(?:the|my|your)[ \t]+", re.IGNORECASE)


def names_a_thing(cues: CueIndex, start: int) -> bool:
    """True when the value at ``start`` follows a word that names things by number ("room", "page",
    "flight", "version"…) in the same sentence, with fillers only between."""
    cue = cues.attached(start)
    return cue is not None and cue.kind == "NOT_PII" and _FILLERS.fullmatch(cues.text[cue.end : start]) is not None


# The answer's first words before its value, when the cue asked ("… insurance number?" "It's not a
# U-Z, 84, 8, 179."): up to four, none that starts a range ("between 2018 and 2020").
_FEW_WORDS_OPEN = re.compile(r"(?!(?i:between|from)\b)(?:[A-Za-z'\-]+[ \t,]+){1,4}")


def follows_directly(between: str) -> bool:
    """True when ``between`` (the text from a cue to a value) holds fillers only, or ends the cue's
    sentence within a few words and opens the next one with fillers ("… for the check? It's …") or,
    when the cue asked, with up to four words ("… insurance number?" "It's not a U-Z, 84, …")."""
    if _FILLERS.fullmatch(between):
        return True
    across = _ACROSS_SENTENCE.fullmatch(between) if on("cue.across_sentence") else None
    if across is None:
        return False
    if _FILLERS.fullmatch(across.group("open")):
        return True
    asked = "?" in between[across.end("rest") : across.start("open")]  # the cue asked: a few words may lead the answer
    return on("cue.answer_few_words") and asked and _FEW_WORDS_OPEN.fullmatch(across.group("open")) is not None
