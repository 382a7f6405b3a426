"""Spoken numbers as digits, with a map back to the original characters.

Speech recognition writes numbers the way people say them: "four one one one", "two hundred
and twelve", "oh" for zero, "double five" ("Donald five" as recognition sometimes writes it), and sometimes
a digit as its homophone ("0 to 0").
``normalize_spoken_numbers`` rewrites every run of number words into digits (keeping the
separators between them) so that digit-based recognizers see "4 1 1 1" or "212" (a comma keeps
tens and a unit apart: "twenty, six" is "20, 6");
``NormalizedText.raw_span`` maps a span of the rewritten text back to the span of the original
text it came from.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

UNITS = {
    "zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
REPEATS = {"double": 2, "triple": 3}
# What recognition writes for "double" between digits ("zero five two six five Donald six", "one,
# total zero"); taken as "double" only right after a digit and right before a single digit.
REPEAT_HOMOPHONES = {"donald": "double", "total": "double"}
# Words recognition writes for a digit read out inside a digit run ("oh two oh" -> "0 to 0",
# "nine eight seven" -> "9 at 7"); taken as digits only inside a run of four or more digits, next
# to a single digit ("3 to 5" stays a range).
HOMOPHONES = {"to": "2", "too": "2", "for": "4", "at": "8", "ate": "8", "or": "0", "owe": "0", "free": "3", "tree": "3"}
# What recognition writes for "oh" after "double"/"triple" ("double-low", "double or", "double all").
ZERO_AFTER_REPEAT = frozenset({"oh", "o", "or", "all", "low", "owe", "old", "ow", "zero"})
HOMOPHONE_RUN_DIGITS = 4
LONG_RUN_DIGITS = 7
# "oh"/"o" are zero only next to other number words; "and" only inside "two hundred and twelve".
_WEAK_ZEROS = {"oh", "o"}
# "or"/"owe" for "oh" only next to a single digit ("4 or 1 or 9"), never between groups.
_OR_ZEROS = frozenset({"or", "owe"})
# A 24-hour time written as four digits ("1645", "2330").
HHMM = r"(?:[01]\d|2[0-3])[0-5]\d"
# A time after "at": "1645", "20 45", "3 30".
_CLOCK = re.compile(rf"{HHMM}|(?:[01]?\d|2[0-3]) [0-5]\d")
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
# What may stand between two number words of one run: spaces, a comma or a dash, or a dot
# with no space after it ("five.five.five"); a sentence end (". ") ends the run.
_GAP = re.compile(r"[ \t]*(?:[,\-–][ \t]*)?|\.")


@dataclass(frozen=True)
class NormalizedText:
    """``text`` with spoken numbers rewritten; ``pieces`` records each rewritten piece as
    (normalized start, normalized end, raw start, raw end); everything else is copied as is."""

    raw: str
    text: str
    pieces: tuple[tuple[int, int, int, int], ...]

    @cached_property
    def _normalized_pieces(self) -> tuple[list[int], list[tuple[int, int, int, int]]]:
        return [p[0] for p in self.pieces], list(self.pieces)

    @cached_property
    def _raw_pieces(self) -> tuple[list[int], list[tuple[int, int, int, int]]]:
        """The pieces as (raw start, raw end, normalized start, normalized end)."""
        return [p[2] for p in self.pieces], [(r0, r1, n0, n1) for n0, n1, r0, r1 in self.pieces]

    def raw_offset(self, index: int, *, is_end: bool) -> int:
        """The raw-text offset of normalized offset ``index`` (a span start, or an end if ``is_end``)."""
        return _mapped(index, is_end, *self._normalized_pieces)

    def normalized_offset(self, index: int, *, is_end: bool) -> int:
        """The normalized offset of raw offset ``index`` (a span start, or an end if ``is_end``)."""
        return _mapped(index, is_end, *self._raw_pieces)

    def normalized_span(self, start: int, end: int) -> tuple[int, int]:
        """The normalized ``[start, end)`` covering raw ``[start, end)`` (rewritten pieces whole)."""
        return self.normalized_offset(start, is_end=False), self.normalized_offset(end, is_end=True)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The raw ``[start, end)`` covering normalized ``[start, end)`` (rewritten pieces whole)."""
        return self.raw_offset(start, is_end=False), self.raw_offset(end, is_end=True)


def _mapped(index: int, is_end: bool, starts: list[int], pieces: list[tuple[int, int, int, int]]) -> int:
    """``index`` on one side of the rewriting mapped to the other: ``pieces`` are (start, end on
    this side, start, end on the other), sorted; a piece maps whole, text between pieces shifts."""
    i = bisect_right(starts, index - 1 if is_end else index) - 1
    if i >= 0:
        start, end, other_start, other_end = pieces[i]
        if (start < index <= end) if is_end else (start <= index < end):
            return other_end if is_end else other_start
        return other_end + (index - end)
    return index


def normalize_spoken_numbers(raw: str) -> NormalizedText:
    """``raw`` with every run of number words replaced by digits (see the module docstring)."""
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(raw)]
    out: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    cursor = 0
    length = 0
    for run in _number_runs(raw, tokens):
        for r_start, r_end, digits in _run_to_digits(raw, run):
            out.append(raw[cursor:r_start])
            length += r_start - cursor
            pieces.append((length, length + len(digits), r_start, r_end))
            out.append(digits)
            length += len(digits)
            cursor = r_end
    out.append(raw[cursor:])
    return NormalizedText(raw=raw, text="".join(out), pieces=tuple(pieces))


def _is_number_word(word: str) -> bool:
    w = word.lower()
    return w in UNITS or w in TEENS or w in TENS or w in REPEATS or w in ("hundred", "thousand", "and")


def _number_runs(raw: str, tokens: list[tuple[int, int, str]]) -> list[list[tuple[int, int, str]]]:
    """Maximal runs of number-word tokens joined by number gaps, holding at least one number word
    that is not a weak zero ("oh") or "and"; a leading "and"/"hundred"/"thousand" and a trailing
    "and"/"double"/"triple" are dropped. The "o" of "o'clock" is not a number."""
    runs: list[list[tuple[int, int, str]]] = []
    current: list[tuple[int, int, str]] = []
    for i, token in enumerate(tokens):
        start, _, word = token
        numeric = (word.isdigit() or _is_number_word(word)) and not raw.startswith("'", token[1])
        joined = bool(current) and _GAP.fullmatch(raw[current[-1][1] : start]) is not None
        if joined and word.lower() in ZERO_AFTER_REPEAT and current[-1][2].lower() in REPEATS:
            numeric = True  # "double-low": "double oh"
        elif word.lower() in HOMOPHONES and joined and i + 1 < len(tokens):
            numeric = _homophone_is_digit(raw, tokens, i, current)
        elif word.lower() in REPEAT_HOMOPHONES and joined and i + 1 < len(tokens):
            following = tokens[i + 1]
            numeric = (
                _digit_count(current[-1][2]) > 0
                and _single_digit(following[2])
                and _GAP.fullmatch(raw[token[1] : following[0]]) is not None
            )
        if numeric and (joined or not current):
            current.append(token)
            continue
        runs.append(current)
        current = [token] if numeric else []
    runs.append(current)
    return [trimmed for run in runs if (trimmed := _trim_run(run))]


def _digit_count(word: str) -> int:
    lowered = word.lower()
    return len(word) if word.isdigit() else 1 if lowered in UNITS else REPEATS.get(lowered, 0)


def _homophone_is_digit(
    raw: str, tokens: list[tuple[int, int, str]], i: int, current: list[tuple[int, int, str]]
) -> bool:
    """Whether ``tokens[i]`` ("to", "for", "at") stands for a digit: between digits, next to a
    single digit, inside a run of at least ``HOMOPHONE_RUN_DIGITS`` digits."""
    left = sum(_digit_count(w) for _, _, w in current)
    following: list[str] = []
    end = tokens[i][1]
    for token in tokens[i + 1 :]:
        after_repeat = bool(following) and following[-1].lower() in REPEATS and token[2].lower() in ZERO_AFTER_REPEAT
        if not (_digit_count(token[2]) or after_repeat) or _GAP.fullmatch(raw[end : token[0]]) is None:
            break
        following.append(token[2])
        end = token[1]
    if not following or not _digit_count(current[-1][2]):
        return False
    time_follows = re.match(r"[.:]\d", raw[tokens[i + 1][1] :]) is not None
    word = tokens[i][2].lower()
    if time_follows and (word in ("at", "ate") or left <= 2):
        return False  # a time follows: "917 at 6.45", "5 to 6.30"
    if word in ("at", "ate") and _CLOCK.fullmatch(" ".join(str(UNITS.get(w.lower(), w)) for w in following)):
        return False  # "on December 20, 26 at 1645", "June 20 at 20 45", "seven, at three, 30": a time
    if any(w.isdigit() and len(w) >= 3 and w.endswith("00") for w in (current[-1][2], following[0])):
        return False  # "from 0 to 100": a range of round numbers
    if re.match(r"[ \t]*\d{1,3}(?:,\d{3})+(?!\d)", raw[tokens[i][1] :]):
        return False  # "5 to 3,000": a range up to a number written with thousands
    run_start = current[0][0]
    if re.search(r"\b(?:from|between)\W*$", raw[max(0, run_start - 12) : run_start], re.IGNORECASE):
        return False  # "from 1 to 5000"
    # "double" announces a digit too ("787 for double 082"); after a zero a digit is read out ("0 to 26":
    # "oh two twenty six"), so the homophone counts as one of the run's digits.
    beside_single = _single_digit(current[-1][2]) or _single_digit(following[0]) or following[0].lower() in REPEATS
    after_zero = current[-1][2].lower() in ("0", *_WEAK_ZEROS, "zero")
    digits = left + sum(_digit_count(w) for w in following) + after_zero
    if beside_single:
        return digits >= HOMOPHONE_RUN_DIGITS
    if word in _OR_ZEROS:
        return False  # "20 or 30, 40 or 50", "19.99 or 24.99": a choice between numbers, not "oh"
    # Between two groups of digits: no range goes up to a number starting with zero, nor spans
    # seven digits or more between numbers that are not years ("652 781 to 06548 7117").
    sides = (current[-1][2], following[0])
    groups = all(w.isdigit() and len(w) >= 2 for w in sides)
    years = any(re.fullmatch(r"(?:19|20)\d\d", w) for w in sides)
    return groups and not years and (following[0].startswith("0") or digits >= LONG_RUN_DIGITS)


def _single_digit(word: str) -> bool:
    return (word.isdigit() and len(word) == 1) or word.lower() in UNITS


def _trim_run(run: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    words = [w.lower() for _, _, w in run]
    strong = [w for w in words if w not in _WEAK_ZEROS and w != "and" and not w.isdigit()]
    zero_and_digits = any(w.isdigit() for w in words) and any(w in _WEAK_ZEROS for w in words)
    if not strong and not zero_and_digits:  # "oh" alone is a word; "O9-27" is "09-27"
        return []
    start, end = 0, len(run)
    while start < end and words[start] in ("and", "hundred", "thousand"):
        start += 1
    while end > start and words[end - 1] in ("and", *REPEATS):
        end -= 1
    return run[start:end]


def _run_to_digits(raw: str, run: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """(raw start, raw end, digits) for each number phrase of a run, in order."""
    out: list[tuple[int, int, str]] = []
    words = [w.lower() for _, _, w in run]
    # words said after a pause (a comma before them): "twenty, six" is 20 and 6, not 26
    paused = frozenset(k for k in range(1, len(run)) if "," in raw[run[k - 1][1] : run[k][0]])
    i = 0
    while i < len(run):
        consumed, digits = _parse_phrase(words, i, paused)
        if consumed == 0:  # a lone "and" or "hundred" between phrases: keep the raw word
            i += 1
            continue
        out.append((run[i][0], run[i + consumed - 1][1], digits))
        i += consumed
    return out


def _parse_phrase(words: list[str], i: int, paused: frozenset[int] = frozenset()) -> tuple[int, str]:
    """How many words from ``i`` form one number phrase, and its digits (0, "" if none).

    A phrase is a digit group, "double/triple <digit>", or a spoken number up to the thousands:
    "five" -> 5, "twenty one" -> 21, "two hundred and twelve" -> 212,
    "eight hundred twenty two thousand four hundred sixty three" -> 822463.
    """
    word = REPEAT_HOMOPHONES.get(words[i], words[i])  # only ever in a run, before a digit
    nxt = words[i + 1] if i + 1 < len(words) else ""
    if word.isdigit() and not (len(word) == 1 and nxt in ("hundred", "thousand")):
        return 1, word
    if word in HOMOPHONES:  # only ever in a run between two digits
        return 1, HOMOPHONES[word]
    if word in REPEATS and nxt in ZERO_AFTER_REPEAT:  # "double oh", "double-low"
        return 2, "0" * REPEATS[word]
    if word in REPEATS and (nxt in UNITS or (nxt.isdigit() and len(nxt) == 1)):  # "double five", "double 0"
        return 2, str(UNITS.get(nxt, nxt)) * REPEATS[word]
    if word in REPEATS and nxt.isdigit():  # "double 835": "double eight, three five" written as one group
        return 2, nxt[0] * REPEATS[word] + nxt[1:]
    consumed, value = _parse_hundreds(words, i, paused)
    if not consumed:
        return 0, ""
    j = i + consumed
    if j < len(words) and words[j] == "thousand" and words[j - 1] not in _WEAK_ZEROS:
        value *= 1000
        j += 1
        if j < len(words) and words[j] == "and":
            j += 1
        more, rest = _parse_hundreds(words, j, paused)
        if more and (rest >= 10 or "hundred" in words[j : j + more] or words[j - 1] == "and" or j + more == len(words)):
            value += rest
            j += more
        elif words[j - 1] == "and":
            j -= 1
    return j - i, str(value)


def _unit_value(word: str) -> int | None:
    """0–9 for a unit word or a single digit, else None."""
    if word.isdigit() and len(word) == 1:
        return int(word)
    return UNITS.get(word)


def _parse_hundreds(words: list[str], i: int, paused: frozenset[int] = frozenset()) -> tuple[int, int]:
    """A number below 1000 from ``i``: "[unit|teen hundred [and]] [tens [unit] | teen | unit]"; a
    unit after a pause (its index in ``paused``) is not the tens' ("twenty, six": 20, then 6).
    Returns (words consumed, value); (0, 0) if ``words[i]`` starts no number."""
    j = i
    value = 0
    first = words[j] if j < len(words) else ""
    nxt = words[j + 1] if j + 1 < len(words) else ""
    lead = _unit_value(first) if first not in _WEAK_ZEROS else None
    if lead is None and first in TEENS:
        lead = TEENS[first]
    if lead is not None and nxt == "hundred":
        value = lead * 100
        j += 2
        if j < len(words) and words[j] == "and":
            j += 1
        word = words[j] if j < len(words) else ""
        if not (word in TENS or word in TEENS or (word in UNITS and word not in _WEAK_ZEROS)):
            return (j - i - 1 if words[j - 1] == "and" else j - i), value
    word = words[j] if j < len(words) else ""
    after = words[j + 1] if j + 1 < len(words) else ""
    if word in TENS:
        if after in UNITS and after not in _WEAK_ZEROS and UNITS[after] > 0 and j + 1 not in paused:
            return j + 2 - i, value + TENS[word] + UNITS[after]
        return j + 1 - i, value + TENS[word]
    if word in TEENS:
        return j + 1 - i, value + TEENS[word]
    if word in UNITS:
        return j + 1 - i, value + UNITS[word]
    if word.isdigit() and len(word) == 1 and j == i:
        return 1, int(word)
    return (j - i, value) if j > i else (0, 0)
