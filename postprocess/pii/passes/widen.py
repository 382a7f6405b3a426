"""Edges of a value read out: what recognition left of it just outside a found span.

Recognizers cut a value read out where they can tell it starts and ends, and recognition blurs
exactly those edges: a zero heard as "or" or "all" ("the account is 4 or 1 or 9, 3, 5, …", "all
three, all four, nine, …"), a filler between two digits ("4 to number 7, 8, …"), the letter a code
starts with ("G, all 9, 6, …"). ``widened`` grows each span of an identifier type over the value
tokens right next to it:

- digits (groups of at most four) and number words, for every type it widens; single letters
  only for the types whose values have letters (passports, plates, codes…), in either case ("x,
  k, 4, 1, …, c"), but "I", "i" and "a" (words too) only spelled with a dash ("m-l-i-k") or
  between two single characters ("m i d l"); a span of another type that holds a spelled letter
  is taken for one of those (recognition typed it by its digits);
- across a space, a comma, a dash, a slash, a line break or a dot with no space after it, and
  up to two of the words recognition writes for a zero, a two, a three or a four or puts between
  digits ("or", "all", "no", "to", "for", "free", "not", "number", "did", "so", "um", and "I'm"
  for a pause) — never ending on one;
- over at most six such tokens each way, never over a word of any other kind, and not forward
  over a number that counts something ("1234, 5 minutes", "… 2 more people");
- not across a sentence end (". ", "? ").

Names, places, e-mail addresses, passwords and usernames are not widened: the words next to them
are words. A name takes in only a number of up to four digits said right after it that ends its
clause: a username or the start of an address said aloud ("No, you Ross 44, and your password").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from postprocess.pii.core.quantities import counts_something
from postprocess.pii.core.rules import on
from postprocess.pii.core.spoken import REPEATS, TEENS, TENS, UNITS
from postprocess.pii.core.words import words

DIGIT_TYPES = frozenset(
    {"CREDIT_CARD", "PHONE_NUMBER", "US_SSN", "BANK_ACCOUNT_NUMBER", "BANK_ROUTING", "PIN", "IP_ADDRESS"}
)
CODE_TYPES = frozenset(
    {
        "ID_NUMBER", "PASSPORT_NUMBER", "DRIVER_ID", "IBAN_CODE", "UK_NINO", "LICENSE_PLATE",
        "SWIFT_CODE", "POSTAL_CODE",
    }
)  # fmt: skip
_NUMBER_WORDS = frozenset({*UNITS, *TEENS, *TENS, *REPEATS} - {"o"})
_LINK_WORDS = words("link_words")
_MAX_LINKS = 2
_MAX_VALUES = 6  # what recognition blurs at an edge is a few characters, not a run of its own
_MAX_DIGITS = 4  # a longer group next to a span is a number of its own ("… 9, 3. 2025 was …" aside)
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
# What may stand between two tokens of one value: spaces or a line break with at most one
# comma, dash or slash, or a dot with no space around it ("0.4832").
_JOIN = re.compile(r"[ \t\n]*[,\-–/]?[ \t\n]*|\.")
_DASHES = ("-", "–")
# Single letters that are words ("I", "a"): part of a code only when spelled with a dash.
_LETTER_WORDS = frozenset({"I", "i", "a"})


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str


def widened(text: str, spans: Sequence[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """For each ``(start, end, type)`` span of ``text``, the ``[start, end)`` it widens to (the
    same span for a type that is not widened, or when nothing value-like is next to it)."""
    tokens = [_Token(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    token_starts = [t.start for t in tokens]
    starts = {t.start: i for i, t in enumerate(tokens)}
    ends = {t.end: i for i, t in enumerate(tokens)}
    out = []
    for start, end, kind in spans:
        if not on("edge.widen"):
            out.append((start, end))
            continue
        if kind == "PERSON":
            if not on("edge.name_number"):
                out.append((start, end))
                continue
            out.append((start, _name_and_number_end(text, end)))
            continue
        if kind not in DIGIT_TYPES and kind not in CODE_TYPES:
            out.append((start, end))
            continue
        first = starts.get(start)
        last = ends.get(end)
        inside = tokens[bisect_left(token_starts, start) : bisect_left(token_starts, end)]
        letters = kind in CODE_TYPES or any(_spelled(t) for t in inside)
        new_start = start if first is None else _walk(text, tokens, first, -1, letters)
        new_end = end if last is None else _walk(text, tokens, last, 1, letters)
        out.append((new_start, new_end))
    return out


# A name and a number right after it, with no pause: a username or an address's local part said
# aloud ("Perez 86.", "No, you Ross 44, and your password"); not a count ("Sarah 2 days ago").
_NUMBER_AFTER_NAME = re.compile(r"[ \t]+\d{1,4}(?![\d.,]\d)(?=[ \t]*[.,?!\n]|[ \t]*$)")


def _name_and_number_end(text: str, end: int) -> int:
    number = _NUMBER_AFTER_NAME.match(text, end)
    return number.end() if number is not None else end


def _walk(text: str, tokens: list[_Token], index: int, step: int, letters: bool) -> int:
    """The offset the span's edge at ``tokens[index]`` moves to, walking ``step`` (-1 back, 1 on)."""
    edge = tokens[index].start if step < 0 else tokens[index].end
    links = values = 0
    i = index
    while 0 <= i + step < len(tokens):
        here, there = tokens[i], tokens[i + step]
        gap = text[there.end : here.start] if step < 0 else text[here.end : there.start]
        if not _JOIN.fullmatch(gap):
            break
        word = there.text.lower()
        if _is_value(text, there, letters) or (
            on("edge.letter_between") and letters and _letter_between_letters(text, tokens, i + step, step)
        ):
            if values == _MAX_VALUES or (step > 0 and counts_something(text[there.end : there.end + 80])):
                break
            values += 1
            edge = there.start if step < 0 else there.end
            links = 0
        elif on("edge.links") and word in _LINK_WORDS and links < _MAX_LINKS:
            links += 1
        else:
            break
        i += step
    return edge


def _spelled(token: _Token) -> bool:
    """A single letter that is no word: a value spelled out ("x, k, 4, 1, …")."""
    return len(token.text) == 1 and token.text.isalpha() and token.text not in _LETTER_WORDS


def _letter_between_letters(text: str, tokens: list[_Token], index: int, step: int) -> bool:
    """True when ``tokens[index]`` is "I", "i" or "a" between two single characters of a spelling
    ("m i d l u s 2 l": the SWIFT code's second letter); a word anywhere else ("I think")."""
    if tokens[index].text not in _LETTER_WORDS or not 0 <= index + step < len(tokens):
        return False
    here, there = tokens[index - step], tokens[index + step]
    gap = text[there.end : tokens[index].start] if step < 0 else text[tokens[index].end : there.start]
    single = _spelled(there) or (there.text.isdigit() and len(there.text) == 1)
    return len(here.text) == 1 and single and _JOIN.fullmatch(gap) is not None


def _is_value(text: str, token: _Token, letters: bool) -> bool:
    word = token.text
    if word.isdigit():
        return len(word) <= _MAX_DIGITS
    if word.lower() in _NUMBER_WORDS:
        return True
    if not letters or len(word) != 1:
        return False
    spelled = text[token.start - 1 : token.start] in _DASHES or text[token.end : token.end + 1] in _DASHES
    return (word not in _LETTER_WORDS) or spelled
