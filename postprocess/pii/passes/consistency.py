"""Whole-transcript consistency: a value found once is redacted everywhere in that transcript.

Recognition is inconsistent: a name caught after "my name is" comes back later on its own or
glued into a mangled address ("Margaret.orgtonatemple.com"); a number caught after its cue is
repeated in another grouping, or split by a pause ("My mobile is 07700" … "900123"). So once the
recognizers have found a value anywhere in a transcript, ``repeated_values`` finds, everywhere in
it:

- the value itself, in any letter case;
- each of its name words of three or more letters (the words of a PERSON or USERNAME, the local
  part of an email address) as a word of its own, and any token glued together with ".", "@",
  "_" or "-" that contains one ("Margaret.orgtonatemple.com" is redacted whole);
- capitals right after a found name whose letters are part of one of its words: what recognition
  kept of the spelling that followed the name ("My name is Margaret Park, and at the RK");
- a capitalised word that sounds like one of those name words (same Soundex code, similar
  spelling: "Calum" and "Calam" for "Callum", "Shivon" for "Siobhan"): recognition spells the
  same name differently each time it hears it;
- each of its digit groups of four or more digits, in any digit run: a run whose digits contain
  such a group, or whose digits (four or more) are part of a found value. Years (1900–2099) and
  round numbers are too common to be parts.

A name word written lowercase right after a determiner ("your bill" once "Bill Campbell" was
found) is the common word, and a name that is itself a common word ("surname ready", "Will") is
looked for elsewhere only where it is capitalised ("Thanks, Will", not "it will be ready").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from postprocess.pii.core.chains import digit_chains
from postprocess.pii.core.domains import host_shaped
from postprocess.pii.core.quantities import quantity_reason
from postprocess.pii.core.rules import on
from postprocess.pii.core.spoken import NormalizedText
from postprocess.pii.core.words import NOT_NAMES, STOP_WORDS, words

NAME_PART_MIN = 3
DIGIT_PART_MIN = 4
# Types whose words are names (parts of them identify a person).
NAMED_TYPES = frozenset({"PERSON", "USERNAME"})
# Types whose values are text, not numbers: their digits are not parts.
TEXT_TYPES = frozenset({"PERSON", "LOCATION", "EMAIL_ADDRESS", "PASSWORD", "USERNAME"})
_CONNECTORS = words("address_connectors")
_YEAR = re.compile(r"(?:19|20)\d\d")
# A name word written lowercase after a determiner is the common word it also is ("Bill Campbell"
# … "your bill of 43 dollars"); a lowercase name after anything else is still the name ("thanks luis").
_DETERMINER_BEFORE = re.compile(r"\b(?i:the|a|an|your|my|his|her|their|our|this|that)[ \t]+$")
_GLUED = re.compile(r"\S*[.@_\-]\S*")


@dataclass(frozen=True)
class Found:
    """A value found in the raw text: ``[start, end)``, its type and score."""

    start: int
    end: int
    type: str
    score: float = 1.0


def name_parts(value: str, kind: str) -> set[str]:
    """The lowercase name words of a value (three or more letters, not common words)."""
    if kind == "EMAIL_ADDRESS":
        parts = re.split(r"@|\bat\b", value, maxsplit=1, flags=re.IGNORECASE)
        if len(parts) < 2:
            return set()  # no "at": where the local part ends is not known
        value = parts[0]
    elif kind not in NAMED_TYPES:
        return set()
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", value)}
    return {w for w in words if len(w) >= NAME_PART_MIN and w not in STOP_WORDS | NOT_NAMES | _CONNECTORS}


def digit_parts(normalized_value: str) -> set[str]:
    """The digit groups of four or more digits of a value, and all its digits together."""
    groups = set(re.findall(rf"\d{{{DIGIT_PART_MIN},}}", normalized_value))
    joined = re.sub(r"\D", "", normalized_value)
    if len(joined) >= DIGIT_PART_MIN:
        groups.add(joined)
    return {g for g in groups if not _YEAR.fullmatch(g) and not (len(g) >= 3 and g.endswith("000"))}


def repeated_values(raw: str, normalized: NormalizedText, found: Sequence[Found]) -> list[Found]:
    """Every other occurrence, in ``raw``, of the found values and of their parts."""
    repeats: list[Found] = []
    if on("rep.same_text"):
        repeats += _same_text(raw, found)
    if on("rep.name_words"):
        repeats += _name_words(raw, found)
    if on("rep.digit_runs"):
        repeats += _digit_runs(raw, normalized, found)
    return repeats


def _same_text(raw: str, found: Sequence[Found]) -> Iterable[Found]:
    values: dict[str, Found] = {}
    common: set[str] = set()  # names that are also common words ("Will", "ready" for Reddy)
    for f in found:
        value = raw[f.start : f.end].strip()
        if f.type in NAMED_TYPES and value.lower() in STOP_WORDS | NOT_NAMES:
            common.add(value.lower())
        if len(re.sub(r"\W", "", value)) >= NAME_PART_MIN:
            values.setdefault(value.lower(), f)
    if not values:
        return []
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)) + r")(?!\w)",
        re.IGNORECASE,
    )
    return [
        _like(values[m.group().lower()], m.start(), m.end())
        for m in pattern.finditer(raw)
        if not (_common_word_use(raw, m) and values[m.group().lower()].type in NAMED_TYPES)
        and not (m.group().lower() in common and not m.group()[0].isupper())  # "it will be ready" stays
    ]


def _common_word_use(raw: str, match: re.Match[str]) -> bool:
    """A name word written lowercase after a determiner: the common word it also is."""
    return (
        match.group().islower() and _DETERMINER_BEFORE.search(raw, max(0, match.start() - 8), match.start()) is not None
    )


def _like(source: Found, start: int, end: int, kind: str | None = None) -> Found:
    """Another occurrence of ``source`` (or of a part of it), with its type and score."""
    return Found(start, end, kind or source.type, source.score)


def _name_words(raw: str, found: Sequence[Found]) -> Iterable[Found]:
    parts: dict[str, Found] = {}
    for f in found:
        for part in name_parts(raw[f.start : f.end], f.type):
            parts.setdefault(part, f)
    if not parts:
        return []
    alternation = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    out = [
        _like(parts[m.group().lower()], m.start(), m.end(), "PERSON")
        for m in re.finditer(rf"(?<![\w.@\-])(?:{alternation})(?!\w)(?![.@_\-]\w)", raw, re.IGNORECASE)
        if not _common_word_use(raw, m)
    ]  # a word of its own; a word inside a glued token is handled with the token
    if on("rep.sounding_like"):
        out += _sounding_like(raw, parts)
    if on("rep.partly_spelled"):
        out += _partly_spelled(raw, parts, found)
    inside = re.compile(alternation, re.IGNORECASE)
    for token in _GLUED.finditer(raw) if on("rep.glued") else ():
        word = token.group().rstrip(".,;:!?\"')").lstrip("\"'(")
        hit = inside.search(word)
        if hit and re.search(r"[A-Za-z]", word):
            start = token.start() + token.group().index(word)
            kind = "EMAIL_ADDRESS" if "@" in word or host_shaped(word) else "PERSON"
            out.append(_like(parts[hit.group().lower()], start, start + len(word), kind))
    return out


# How far after a name its spelling (what recognition kept of it) may follow.
SPELLING_REACH = 60
# Capitals after a name that are words or codes of their own, not letters of the name.
_NOT_SPELLINGS = words("not_spellings")
# Two or more capitals, alone or joined by dashes, dots or spaces ("RK", "OHNS4", "M.S", "R-E-Z"),
# with the single letter before them that recognition may have written apart ("a M.S").
_CAPITALS = re.compile(r"(?<![\w\-.])(?:(?P<lone>[A-Za-z])[ \t]+)?(?P<run>[A-Z](?:[\-.]?[ \t]?[A-Z])+)(?![a-z])")


def _partly_spelled(raw: str, parts: dict[str, Found], found: Sequence[Found]) -> list[Found]:
    """Capitals right after a found name (within ``SPELLING_REACH`` characters) whose letters
    are part of one of its words: the spelling that follows a name, as much of it as recognition
    kept ("My name is Margaret Park, and at the RK", "Javier Johnson. I stay OHNS4", "Dylan Adams,
    I see a M.S")."""
    words = [p for p in parts if len(p) >= NAME_PART_MIN]
    out = []
    for f in found:
        if f.type != "PERSON":
            continue
        for match in _CAPITALS.finditer(raw, f.end, min(len(raw), f.end + SPELLING_REACH)):
            run = list(re.finditer(r"[A-Z]", match.group("run")))
            spelled = "".join(m.group() for m in run).lower()
            # the longest start of the run that is part of a name word ("RK I need": "RK")
            kept = next((k for k in range(len(run), 1, -1) if any(spelled[:k] in w for w in words)), 0)
            letters = spelled[:kept]
            if not kept or letters in _NOT_SPELLINGS or letters in STOP_WORDS:  # "the IN number"
                continue
            start = match.start("run")
            lone = match.group("lone")
            if lone and any(lone.lower() + letters in w for w in words):
                start = match.start("lone")
            out.append(_like(f, start, match.start("run") + run[kept - 1].end(), "PERSON"))
    return out


def soundex(word: str) -> str:
    """American Soundex: the first letter and three digits for the consonant sounds that follow."""
    codes = {**dict.fromkeys("bfpv", "1"), **dict.fromkeys("cgjkqsxz", "2"), **dict.fromkeys("dt", "3"), "l": "4",
             **dict.fromkeys("mn", "5"), "r": "6"}  # fmt: skip
    word = re.sub(r"[^a-z]", "", word.lower())
    if not word:
        return ""
    out, last = word[0].upper(), codes.get(word[0], "")
    for char in word[1:]:
        code = codes.get(char, "")
        if code and code != last:
            out += code
        if char not in "hw":
            last = code
    return (out + "000")[:4]


_CAPITALISED = re.compile(r"(?<![\w.@\-])[A-Z][a-z]{3,}(?![\w@])")
SOUNDS_LIKE_RATIO = 0.6
# A capitalised word that starts a sentence may be any word: it must be spelled closer to the name.
SENTENCE_START_RATIO = 0.7
_SENTENCE_START = re.compile(r"(?:^|[.?!]\s+|\n)$")


def _sounding_like(raw: str, parts: dict[str, Found]) -> list[Found]:
    """Capitalised words that sound like a found name word and are spelled much like it."""
    by_code: dict[str, list[str]] = {}
    for part in parts:
        if len(part) >= 4:
            by_code.setdefault(soundex(part), []).append(part)
    out = []
    for match in _CAPITALISED.finditer(raw):
        word = match.group().lower()
        if word in parts or word in STOP_WORDS or word in NOT_NAMES:
            continue
        starts_sentence = _SENTENCE_START.search(raw, max(0, match.start() - 3), match.start()) is not None
        needed = SENTENCE_START_RATIO if starts_sentence else SOUNDS_LIKE_RATIO
        for part in by_code.get(soundex(word), ()):
            if SequenceMatcher(None, part, word).ratio() >= needed:
                out.append(_like(parts[part], match.start(), match.end(), "PERSON"))
                break
    return out


def _digit_runs(raw: str, normalized: NormalizedText, found: Sequence[Found]) -> Iterable[Found]:
    """Digit runs sharing digits with a found value: a run holding one of the value's parts, or a
    run of five or more digits inside the value (four at its start or end: "ending in 4712")."""
    values: list[tuple[str, set[str], Found]] = []  # (all digits, parts, the found value)
    for f in found:
        if f.type in TEXT_TYPES:
            continue
        n_start, n_end = normalized.normalized_span(f.start, f.end)
        value = normalized.text[n_start:n_end]
        parts = digit_parts(value)
        if parts:
            values.append((re.sub(r"\D", "", value), parts, f))
    if not values:
        return []
    text = normalized.text
    out = []
    for chain in digit_chains(text):
        digits = chain.digits
        if len(digits) < DIGIT_PART_MIN or _YEAR.fullmatch(digits):
            continue
        if quantity_reason(chain.value, text[max(0, chain.start - 20) : chain.start], text[chain.end : chain.end + 25]):
            continue
        for all_digits, parts, source in values:
            inside = digits in all_digits and (
                len(digits) > DIGIT_PART_MIN or all_digits.startswith(digits) or all_digits.endswith(digits)
            )
            if inside or any(part in digits for part in parts):
                out.append(_like(source, *normalized.raw_span(chain.start, chain.end)))
                break
    return out
