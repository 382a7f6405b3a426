"""Corrections: words the speech model keeps hearing wrong, replaced by what was said.

A corrections file holds one rule per line, ``heard => written`` (blank lines and lines whose first
non-blank character is ``#`` are ignored)::

    # our product and people
    cube control => kubectl
    pre a => Priya
    acme corp => ACME Corp.

The engine applies them to the raw transcript it produces (:func:`apply_corrections`), on both
paths, so everything after it (PII redaction, profanity, sentiment, captions, the text) sees the
written words:

* **Whole words.** The heard side is one or more words, matched against whole words of a segment,
  case-insensitively, ignoring punctuation around each word (``Cube control,`` matches ``cube
  control``; ``cubes`` does not match ``cube``). A phrase is matched inside one segment only.
* **Case as given.** The written side is written exactly as in the file; the punctuation around
  the matched words (a comma after the last, an opening quote before the first) stays.
* **Overlapping rules.** Rules are tried at each word from left to right: the longest heard phrase
  that matches there wins (the file's first among equals), and the words it replaced are not looked
  at again: a replacement is never corrected once more.
* **Word times.** The written words share the time of the words they replace, from the first one's
  start to the last one's end, split in proportion to their lengths: ``cube control`` (1.0-1.3 s,
  1.3-1.9 s) written ``kubectl`` is one word from 1.0 to 1.9 s. A written word's probability is the
  lowest of the words it replaces.

On the endpoint the rules come from the environment variable ``CLEARSCRIBE_CORRECTIONS``, rules
separated by ``;`` (``shared.engine_settings``).

Standard library only: the SageMaker model artifact ships this module with the inference package.
Transcript text never goes to logs or error messages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from shared.errors import ConfigInvalidError
from shared.models import Segment, Transcript, Word, join_segment_texts
from shared.vocabulary import SEPARATOR, file_lines

#: What separates the heard words from the written form on a line.
ARROW = "=>"

__all__ = [
    "ARROW",
    "Correction",
    "apply_corrections",
    "corrections_from_env",
    "corrections_to_env",
    "parse_corrections",
    "read_corrections_file",
]

# A word's text: leading space, punctuation before, the word, punctuation after.
_WORD = re.compile(r"^(\s*)(\W*?)(\w(?:.*\w)?|)(\W*)$", re.DOTALL)


def match_key(word: str) -> str:
    """What a word is matched by: without the punctuation around it, case-folded."""
    found = _WORD.match(word)
    core = found.group(3) if found else word.strip()
    return core.casefold()


@dataclass(frozen=True)
class Correction:
    """One rule: the words heard (as matched, see :func:`match_key`) and the form written."""

    heard: tuple[str, ...]
    written: str

    @classmethod
    def parse(cls, line: str, *, where: str) -> Correction:
        if line.count(ARROW) != 1:
            raise ConfigInvalidError(f"{where}: expected one rule 'heard {ARROW} written'")
        left, right = (part.strip() for part in line.split(ARROW))
        if SEPARATOR in line:
            raise ConfigInvalidError(f"{where}: a rule may not contain {SEPARATOR!r}")
        heard = tuple(match_key(w) for w in left.split())
        if not heard or not all(heard):
            raise ConfigInvalidError(f"{where}: the heard side must be one or more words (letters or digits)")
        written = " ".join(right.split())
        if not written:
            raise ConfigInvalidError(f"{where}: the written side is empty")
        return cls(heard, written)

    def __str__(self) -> str:
        return f"{' '.join(self.heard)} {ARROW} {self.written}"


def parse_corrections(lines: Sequence[tuple[int, str]], *, source: str) -> tuple[Correction, ...]:
    """The rules of a corrections file's lines (``(line number, line)``), checked; a heard phrase given
    twice fails, naming both lines."""
    rules: list[Correction] = []
    first_line: dict[tuple[str, ...], int] = {}
    for number, line in lines:
        rule = Correction.parse(line, where=f"{source}:{number}")
        if rule.heard in first_line:
            raise ConfigInvalidError(
                f"{source}:{number}: the same heard words as line {first_line[rule.heard]}; keep one rule"
            )
        first_line[rule.heard] = number
        rules.append(rule)
    return tuple(rules)


def read_corrections_file(path: Path) -> tuple[Correction, ...]:
    """The rules of a corrections file (``ConfigInvalidError`` naming the file, and the line of a bad rule)."""
    return parse_corrections(file_lines(path, what="corrections"), source=str(path))


def corrections_to_env(rules: Sequence[Correction]) -> str:
    return SEPARATOR.join(str(rule) for rule in rules)


def corrections_from_env(raw: str, *, name: str) -> tuple[Correction, ...]:
    parts = [part.strip() for part in raw.split(SEPARATOR)]
    return parse_corrections([(i, part) for i, part in enumerate(parts, start=1) if part], source=f"{name} rule")


# -- applying them ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Token:
    text: str
    start: float = 0.0
    end: float = 0.0
    probability: float | None = None


def _written_tokens(rule: Correction, matched: Sequence[_Token]) -> list[_Token]:
    """The written form in place of ``matched``: the first word's leading space and punctuation, the
    last word's trailing punctuation, times split in proportion to the written words' lengths."""
    first = _WORD.match(matched[0].text)
    last = _WORD.match(matched[-1].text)
    space, before = (first.group(1), first.group(2)) if first else ("", "")
    after = last.group(4) if last else ""
    words = rule.written.split()
    start, end = matched[0].start, max(matched[-1].end, matched[0].start)
    probabilities = [t.probability for t in matched if t.probability is not None]
    probability = min(probabilities) if probabilities else None
    weights = [len(w) for w in words]
    total = sum(weights)
    out: list[_Token] = []
    at = start
    for i, word in enumerate(words):
        until = end if i == len(words) - 1 else start + (end - start) * sum(weights[: i + 1]) / total
        text = (space if i == 0 else " ") + (before if i == 0 else "") + word + (after if i == len(words) - 1 else "")
        out.append(_Token(text, at, until, probability))
        at = until
    return out


def correct_tokens(tokens: Sequence[_Token], rules: Sequence[Correction]) -> list[_Token] | None:
    """``tokens`` with the rules applied (see the module docstring); None when no rule matched."""
    by_length = sorted(rules, key=lambda r: -len(r.heard))  # stable: the file's order among equals
    keys = [match_key(t.text) for t in tokens]
    out: list[_Token] = []
    changed = False
    i = 0
    while i < len(tokens):
        for rule in by_length:
            n = len(rule.heard)
            if tuple(keys[i : i + n]) == rule.heard:
                out.extend(_written_tokens(rule, tokens[i : i + n]))
                i += n
                changed = True
                break
        else:
            out.append(tokens[i])
            i += 1
    return out if changed else None


def _correct_segment(segment: Segment, rules: Sequence[Correction]) -> Segment:
    if segment.words:
        tokens = [_Token(w.text, w.start, w.end, w.probability) for w in segment.words]
        corrected = correct_tokens(tokens, rules)
        if corrected is None:
            return segment
        words = tuple(Word(t.start, t.end, t.text, t.probability) for t in corrected)
        return replace(segment, words=words, text="".join(w.text for w in words).strip())
    spaced = [_Token(" " + w) for w in segment.text.split()]
    corrected = correct_tokens(spaced, rules)
    if corrected is None:
        return segment
    return replace(segment, text="".join(t.text for t in corrected).strip())


def apply_corrections(transcript: Transcript, rules: Sequence[Correction]) -> Transcript:
    """``transcript`` with every rule applied to each segment's words (or, without word times, its
    text), and its text made again from the segments. The same transcript when no rule matched."""
    if not rules:
        return transcript
    segments = tuple(_correct_segment(segment, rules) for segment in transcript.segments)
    if all(new is old for new, old in zip(segments, transcript.segments, strict=True)):
        return transcript
    return replace(transcript, segments=segments, text=join_segment_texts(s.text for s in segments))
