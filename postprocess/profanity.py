"""Profanity spans with better-profanity 0.7.0 semantics, fast.

better-profanity scans text word by word and compares each word (and each word joined with its
next words, with and without the separators) against every entry of its word list through a
per-character variant matcher, which costs ~1 ms per word. ``ProfanityCensor`` keeps the scan
exactly as better-profanity does it (same word characters, same joins, same quirks) but answers
"is this a listed word?" with one dictionary lookup: every listed word is indexed by a key in
which all characters a variant may substitute for each other collapse to one, and only the few
entries under that key are compared character by character. Output is identical; see
``tests/unit/postprocess/test_profanity_conformance.py``.
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
    ) -> None:
        allowed = {w.lower() for w in allow}
        listed = {w.lower() for w in (default_wordlist() if words is None else words)} - allowed
        listed |= {w.lower() for w in deny}
        self._word_chars = word_characters or _default_word_characters()
        self._index: dict[str, list[re.Pattern[str]]] = {}
        for word in sorted(listed):
            self._index.setdefault(word.translate(_COLLAPSE), []).append(_variant_pattern(word))
        self._max_joins = max([1, *(sum(c not in self._word_chars for c in w) for w in listed)])

    def is_listed(self, lowered: str) -> bool:
        """True when ``lowered`` equals a listed word or one of its leetspeak variants."""
        candidates = self._index.get(lowered.translate(_COLLAPSE))
        return bool(candidates) and any(p.fullmatch(lowered) for p in candidates)

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
        """``text`` with every profane span replaced by ``****`` (better-profanity's ``censor``)."""
        return apply_censor(text, self.spans(text))

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
    """The censor for an allow/deny configuration, built once per process."""
    return ProfanityCensor(allow=allow, deny=deny)


def find_profanity(transcript: Transcript, config: EnrichmentConfig | None = None) -> ProfanityFindings:
    """Profane spans of every segment, by segment id and raw-text offsets (no words kept)."""
    config = config or EnrichmentConfig.from_env()
    censor = profanity_censor(config.profanity_allow, config.profanity_deny)
    spans = [
        SegmentSpan(segment.id, start, end)
        for segment in transcript.segments
        for start, end in censor.spans(segment.text)
    ]
    return ProfanityFindings(spans=tuple(sorted(spans)))
