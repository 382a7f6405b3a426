"""Words the detectors and passes share: common words, words that are no names, the last words of
organisations' names, and the tidying of a span taken for a name (common words trimmed off, except
where only a name can stand: "surname ready"; a word with digits or leetspeak is no name)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from postprocess.lean_imports import without_unused_ml_frameworks
from postprocess.pii.core.base import word_set
from postprocess.pii.core.rules import on

with without_unused_ml_frameworks():
    from spacy.lang.en.stop_words import STOP_WORDS as _SPACY_STOP_WORDS

STOP_WORDS: frozenset[str] = frozenset(_SPACY_STOP_WORDS)
WORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "pii_words.txt"


@cache
def _sections() -> dict[str, tuple[str, ...]]:
    """The sections of ``postprocess/data/pii_words.txt``: name -> its lines."""
    sections: dict[str, list[str]] = {}
    current: list[str] = []
    for line in WORDS_FILE.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif line:
            current.append(line)
    return {name: tuple(lines) for name, lines in sections.items()}


def words(section: str) -> frozenset[str]:
    """The words of a section of the word lists."""
    return frozenset(word for line in _sections()[section] for word in line.split())


def phrases(section: str) -> tuple[str, ...]:
    """The lines of a section of the word lists, one phrase each, in order."""
    return _sections()[section]


NOT_NAMES = words("not_names")
# Words the NER tends to take for names in transcripts (sentence-initial, capitalized by ASR).
_NER_NOT_NAMES = words("ner_not_names")
# The last word of an organisation's name: the NER takes some for places ("Redwood Analytics").
ORGANISATION_WORDS = words("organisation_words")


def names_an_organisation(text: str, end: int) -> bool:
    """True when the word at or right after ``end`` ends an organisation's name ("Oak Ridge motors",
    "Chris Dental")."""
    last = re.search(r"([A-Za-z]+)\W*$", text[max(0, end - 20) : end])
    after = re.match(r"[ \t]+([A-Za-z]+)", text[end : end + 20])
    return any(m is not None and m.group(1).lower() in ORGANISATION_WORDS for m in (last, after))


# Characters a name never holds: digits and the symbols of leetspeak ("b1tch", "sh!t", "@ss").
_NOT_IN_NAMES = re.compile(r"[0-9@$*!#%&+=|\\/<>{}\[\]^~]")


def name_words(words: list[str]) -> list[str]:
    """The leading words of ``words`` that can be a name: up to three capitalized words when the
    name starts capitalized, else up to two lowercase ones (ASR often writes names lowercase)."""
    capitalized = bool(words) and words[0][0].isupper()
    kept: list[str] = []
    for word in words:
        lowered = word.lower()
        if lowered in STOP_WORDS or lowered in NOT_NAMES:
            break
        if capitalized and not word[0].isupper():
            break
        kept.append(word)
    return kept[: 3 if capitalized else 2]


def plausible_name(value: str) -> bool:
    """False for what spaCy's NER calls a person but cannot be one: capitals only, three or fewer
    ("QQ", "UK")."""
    letters = re.sub(r"[^A-Za-z]", "", value)
    return not (letters.isupper() and len(letters) <= 3)


# First names that are also stop words: a name only where nothing else can stand ("My name is
# Will") or capitalised before the rest of a name ("May Chen").
_NAMES_AMONG_STOP_WORDS = word_set("will may")


def _first_name_among_stop_words(word: str) -> bool:
    return word[:1].isupper() and word.lower() in _NAMES_AMONG_STOP_WORDS


def trim_name_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` of ``text`` without leading/trailing common words the NER takes for parts
    of a name ("john yesterday", "Email"); None when nothing name-like is left, or when a word of
    it holds digits or leetspeak symbols ("b1tch" is no name)."""
    if _NOT_IN_NAMES.search(text, start, end):
        return None
    ignorable = STOP_WORDS | NOT_NAMES | _NER_NOT_NAMES

    def name_like(word: str) -> bool:
        bare = word.strip(".,;:!?'\"").lower().replace("’", "'")
        return bare not in ignorable and bare.split("'")[0] not in ignorable  # "you're", "I'm"

    every = [(m, name_like(m.group())) for m in re.finditer(r"\S+", text[start:end])]
    words = [
        m
        for i, (m, like) in enumerate(every)
        if like
        or (on("name.will_may") and _first_name_among_stop_words(m.group()) and i + 1 < len(every) and every[i + 1][1])
    ]
    if not words:
        return (start, end) if on("name.named_by_place") and named_by_place(text, start, end) else None
    return start + words[0].start(), start + words[-1].end()


# How the phone is answered, as recognition writes it: "… speaking, how can I help?" ("O can I yield?").
# "speaking" also as recognition writes it before "how can I help?" ("Teakin", "deacon").
SPEAKING_HOW_CAN_I = (
    r"(?:speaking|speakin'|[Tt]eakin|[Dd]eacon)[ \t]*[,.]?[ \t]*"
    r"(?i:(?:how|what|o)[ \t]+(?:can|may|could)[ \t]+I)\b"
)


# A word the lists above drop is still the name where nothing else can stand: right after a
# surname cue ("Hello, this is Sunita, surname ready.": Reddy heard as a word) or right before
# "speaking, how can I help?" ("a member ready speaking, how can I help?"). One word, not a stop
# word ("surname, please" and "the support team speaking" keep nothing).
_NAMED_BY_PLACE = re.compile(r"[A-Za-z][a-z'\-]+")
# "My name is Little": capitalised right after it, a word the lists drop is the name.
_MY_NAME_BEFORE = re.compile(r"\b(?i:my name is|my name's)[ \t,]+$")
_SURNAME_BEFORE = re.compile(r"\b(?i:(?:sur ?|sir |so |last |family )name)(?: is)?[ \t,]+$")
_ANSWERING_AFTER = re.compile(rf"[ \t]+{SPEAKING_HOW_CAN_I}")


def named_by_place(text: str, start: int, end: int) -> bool:
    word = text[start:end]
    if _NAMED_BY_PLACE.fullmatch(word) is None:
        return False
    my_name_before = word[0].isupper() and _MY_NAME_BEFORE.search(text, max(0, start - 16), start) is not None
    if _first_name_among_stop_words(word):
        return my_name_before
    return word.lower() in NOT_NAMES - STOP_WORDS - _NER_NOT_NAMES and bool(
        _SURNAME_BEFORE.search(text, max(0, start - 16), start) or _ANSWERING_AFTER.match(text, end) or my_name_before
    )
