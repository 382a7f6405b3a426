"""Profanity spans with better-profanity 0.7.0 semantics, fast, plus the forms its list misses.

better-profanity scans text word by word and compares each word (and each word joined with its
next words, with and without the separators) against every entry of its word list through a
per-character variant matcher, slow on long transcripts. ``ProfanityCensor`` keeps the scan
exactly as better-profanity does it (same word characters, same joins, same quirks) but answers
"is this a listed word?" with one dictionary lookup: every listed word is indexed by a key in
which all characters a variant may substitute for each other collapse to one, and only the few
entries under that key are compared character by character. Output is identical; see
``tests/unit/postprocess/test_profanity_conformance.py``.

On top of that, the censor the enrichers use (``profanity_censor``) also masks
- British swear words the list lacks (``BRITISH_WORDS``: "bollocks", "bugger", …) and "dammit";
- inflected forms of the core swear words (``INFLECTED_STEMS``): plurals, -ed, -ing, -y, -er
  ("bastards", "assholes", "damned", "crappy", "fucker"), in leetspeak too;
- letters stretched for emphasis ("fuuuck", "shiiit") of any listed word.
Inflections are limited to the core words because the list also holds ordinary words ("kill",
"pot", "strip", "screw") whose inflected forms ("killing it", "pots", "screws") are not swearing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from postprocess.config import EnrichmentConfig
from postprocess.findings import ProfanityFindings, SegmentSpan
from shared.models import Transcript

# better-profanity's leetspeak variants: a listed character may be written as any of these.
CHAR_VARIANTS: dict[str, tuple[str, ...]] = {
    "a": ("a", "@", "*", "4"),
    "i": ("i", "*", "l", "1"),
    "o": ("o", "*", "0", "@"),
    "u": ("u", "*", "v"),
    "v": ("v", "*", "u"),
    "l": ("l", "1"),
    "e": ("e", "*", "3"),
    "s": ("s", "$", "5"),
    "t": ("t", "7"),
}
CENSOR = "****"
# Swear words of British English that better-profanity's list lacks.
BRITISH_WORDS = (
    "bollocks", "bollock", "bugger", "bloody", "sodding", "pillock", "minger", "wazzock", "tosspot", "dammit",
    "goddammit", "goddamn", "bellend", "arsed",
)  # fmt: skip
# The words whose inflected forms are swearing too ("bastards", "crappy", "damned").
INFLECTED_STEMS = (
    "fuck", "shit", "bitch", "bastard", "asshole", "arsehole", "ass", "arse", "damn", "crap", "dick", "cunt",
    "twat", "wank", "wanker", "piss", "slut", "whore", "motherfucker", "douche", "douchebag", "bollock",
    "bugger", "dickhead", "knobhead", "tosser", "bellend", "shithead", "jackass", "dumbass", "fucker", "bullshit",
)  # fmt: skip
# Endings of an inflected form, longest first; "y"/"ier"/"iest" may double the stem's last letter.
_SUFFIXES = ("iest", "ier", "ing", "ers", "er", "es", "ed", "s", "d", "y")
_STRETCH = re.compile(r"(.)\1{2,}")


def _collapse_table(variants: dict[str, tuple[str, ...]]) -> dict[int, str]:
    """A translation table mapping every character to the representative of its variant class
    (characters that may stand for one another through some listed character)."""
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.get(c, c) != c:
            c = parent[c]
        return c

    for listed, alternatives in variants.items():
        for alt in alternatives:
            a, b = find(listed), find(alt)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {ord(c): find(c) for c in {*variants, *(a for alts in variants.values() for a in alts)}}


_COLLAPSE = _collapse_table(CHAR_VARIANTS)


def _variant_pattern(word: str) -> re.Pattern[str]:
    """A regex that fully matches exactly the strings better-profanity's ``VaryingString(word)`` equals."""
    parts = []
    for char in word:
        alternatives = CHAR_VARIANTS.get(char, (char,))
        parts.append("[" + "".join(re.escape(a) for a in alternatives) + "]")
    return re.compile("".join(parts), re.DOTALL)


def _default_word_characters() -> frozenset[str]:
    from better_profanity.constants import ALLOWED_CHARACTERS

    return frozenset(ALLOWED_CHARACTERS)


def default_wordlist() -> tuple[str, ...]:
    """better-profanity's own word list (the installed package's ``profanity_wordlist.txt``)."""
    text = resources.files("better_profanity").joinpath("profanity_wordlist.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class ProfanityCensor:
    """Finds profane spans in a text exactly where better-profanity's ``censor`` would mask them."""

    def __init__(
        self,
        words: Iterable[str] | None = None,
        *,
        allow: Iterable[str] = (),
        deny: Iterable[str] = (),
        word_characters: frozenset[str] | None = None,
        inflected: Iterable[str] = (),
        stretched: bool = False,
    ) -> None:
        allowed = {w.lower() for w in allow}
        listed = {w.lower() for w in (default_wordlist() if words is None else words)} - allowed
        listed |= {w.lower() for w in deny}
        self._word_chars = word_characters or _default_word_characters()
        self._index = _variant_index(listed)
        self._stems = _variant_index({w.lower() for w in inflected} - allowed)
        self._stretched = stretched
        self._max_joins = max([1, *(sum(c not in self._word_chars for c in w) for w in listed)])

    def is_listed(self, lowered: str) -> bool:
        """True when ``lowered`` equals a listed word or one of its leetspeak variants."""
        return _in_index(self._index, lowered)

    def is_form(self, lowered: str) -> bool:
        """True when ``lowered`` is a listed word, an inflected form of a stem ("bastards",
        "crappy") or a listed word with stretched letters ("fuuuck")."""
        candidates = [lowered]
        if self._stretched and _STRETCH.search(lowered):
            candidates += _unstretched(lowered)
        for candidate in candidates:
            if self.is_listed(candidate):
                return True
            if any(_in_index(self._stems, stem) for stem in _stems(candidate)):
                return True
        return False

    def form_spans(self, text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Words of ``text`` outside ``taken`` that are inflected or stretched swear words."""
        if not self._stems and not self._stretched:
            return []
        found = []
        for start, end in self._words(text):
            if any(s < end and e > start for s, e in taken):
                continue
            word = text[start:end].lower()
            if not self.is_listed(word) and self.is_form(word):
                found.append((start, end))
        return found

    def _words(self, text: str) -> list[tuple[int, int]]:
        words = []
        start = -1
        for index, char in enumerate(text):
            if char in self._word_chars:
                if start < 0:
                    start = index
            elif start >= 0:
                words.append((start, index))
                start = -1
        if start >= 0:
            words.append((start, len(text)))
        return words

    # -- better-profanity's scan, with spans --------------------------------------------------
    def spans(self, text: str) -> list[tuple[int, int]]:
        """``[start, end)`` ranges of ``text`` that better-profanity replaces with ``****``."""
        start = self._next_word_start(text, 0)
        if start >= len(text) - 1:
            return []
        body = text[start:]
        word_chars = self._word_chars
        spans: list[tuple[int, int]] = []
        cur_word = ""
        skip_index = -1
        next_words: list[tuple[str, int]] = []
        for index, char in enumerate(body):
            if index < skip_index:
                continue
            if char in word_chars:
                cur_word += char
                continue
            if cur_word.strip() == "":
                cur_word = ""
                continue
            next_words = self._update_next_words(body, next_words, index)
            word_start = index - len(cur_word)
            joined_end = self._joined_swear_word_end(cur_word, next_words)
            if joined_end >= 0:
                spans.append((word_start, joined_end))
                cur_word = CENSOR
                skip_index = joined_end
                next_words = []
            if self.is_listed(cur_word.lower()) and (not spans or spans[-1][0] != word_start):
                spans.append((word_start, index))
            cur_word = ""
        if cur_word != "":
            if skip_index < len(body) - 1:
                if self.is_listed(cur_word.lower()):
                    spans.append((len(body) - len(cur_word), len(body)))
            elif spans:  # better-profanity drops the tail of a join that ends the text
                spans[-1] = (spans[-1][0], len(body))
        return [(s + start, e + start) for s, e in spans]

    def censor(self, text: str) -> str:
        """``text`` with every profane span replaced by ``****`` (better-profanity's ``censor``, plus
        inflected and stretched forms when the censor was built with them)."""
        return apply_censor(text, self.all_spans(text))

    def all_spans(self, text: str) -> list[tuple[int, int]]:
        """better-profanity's spans and those of inflected and stretched forms, sorted."""
        exact = self.spans(text)
        return sorted([*exact, *self.form_spans(text, exact)])

    def _joined_swear_word_end(self, cur_word: str, next_words: list[tuple[str, int]]) -> int:
        full = cur_word.lower()
        full_with_separators = full
        for i in range(0, len(next_words), 2):
            single, end_index = next_words[i]
            with_separators = next_words[i + 1][0]
            if single == "":
                continue
            full += single.lower()
            full_with_separators += with_separators.lower()
            if self.is_listed(full) or self.is_listed(full_with_separators):
                return end_index
        return -1

    def _update_next_words(self, text: str, next_words: list[tuple[str, int]], start: int) -> list[tuple[str, int]]:
        if not next_words:
            return self._next_words(text, start, self._max_joins)
        del next_words[:2]
        if next_words and next_words[-1][0] != "":
            next_words += self._next_words(text, next_words[-1][1], 1)
        return next_words

    def _next_word_start(self, text: str, start: int) -> int:
        for index in range(start, len(text)):
            if text[index] in self._word_chars:
                return index
        return len(text)

    def _word_and_end(self, text: str, start: int) -> tuple[str, int]:
        index = start
        for index in range(start, len(text)):
            if text[index] not in self._word_chars:
                return text[start:index], index
        return text[start : index + 1], index

    def _next_words(self, text: str, start: int, count: int) -> list[tuple[str, int]]:
        word_start = self._next_word_start(text, start)
        if word_start >= len(text) - 1:
            return [("", word_start), ("", word_start)]
        word, end_index = self._word_and_end(text, word_start)
        words = [(word, end_index), (text[start:word_start] + word, end_index)]
        if count > 1:
            words.extend(self._next_words(text, end_index, count - 1))
        return words


def _variant_index(words: Iterable[str]) -> dict[str, list[re.Pattern[str]]]:
    index: dict[str, list[re.Pattern[str]]] = {}
    for word in sorted(words):
        index.setdefault(word.translate(_COLLAPSE), []).append(_variant_pattern(word))
    return index


def _in_index(index: dict[str, list[re.Pattern[str]]], lowered: str) -> bool:
    candidates = index.get(lowered.translate(_COLLAPSE))
    return candidates is not None and any(p.fullmatch(lowered) for p in candidates)


def _unstretched(word: str) -> list[str]:
    """``word`` with each run of three or more equal characters cut to one and to two."""
    variants = {""}
    cursor = 0
    for run in _STRETCH.finditer(word):
        head = word[cursor : run.start()]
        variants = {v + head + run.group(1) * k for v in variants for k in (1, 2)}
        cursor = run.end()
    return sorted(v + word[cursor:] for v in variants)


def _stems(word: str) -> list[str]:
    """What ``word`` may be an inflection of: the suffix cut off, a doubled last letter undone
    ("crappy" -> "crap"), a silent "e" restored, a "y" turned back from "i" ("bitchier")."""
    stems = []
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            stems += [stem, stem + "e"]
            if len(stem) >= 4 and stem[-1] == stem[-2]:
                stems.append(stem[:-1])
            if stem.endswith("i"):
                stems.append(stem[:-1] + "y")
    return stems


def apply_censor(text: str, spans: Iterable[tuple[int, int]], mask: str = CENSOR) -> str:
    """``text`` with each ``[start, end)`` span (sorted, non-overlapping) replaced by ``mask``."""
    pieces: list[str] = []
    cursor = 0
    for start, end in spans:
        pieces.append(text[cursor:start])
        pieces.append(mask)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


@lru_cache(maxsize=8)
def profanity_censor(allow: tuple[str, ...] = (), deny: tuple[str, ...] = ()) -> ProfanityCensor:
    """The censor the enrichers use, for an allow/deny configuration, built once per process:
    better-profanity's words and British ones, inflected and stretched forms."""
    return ProfanityCensor(
        (*default_wordlist(), *BRITISH_WORDS), allow=allow, deny=deny, inflected=INFLECTED_STEMS, stretched=True
    )


def find_profanity(transcript: Transcript, config: EnrichmentConfig | None = None) -> ProfanityFindings:
    """Profane spans of every segment, by segment id and raw-text offsets (no words kept)."""
    config = config or EnrichmentConfig.from_env()
    censor = profanity_censor(config.profanity_allow, config.profanity_deny)
    spans = [
        SegmentSpan(segment.id, start, end)
        for segment in transcript.segments
        for start, end in censor.all_spans(segment.text)
    ]
    return ProfanityFindings(spans=tuple(sorted(spans)))
