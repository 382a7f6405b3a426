"""Where someone lives, as codes: UK postcodes and US ZIP codes.

- ``PostalCodeRecognizer``: UK postcodes by their shape, written or spelled out ("NW1 6XE", "N W
  1, 6 X E", "I v 1 5 5 b j"), incomplete after a cue or an address, their second half spelled as
  words ("CF-16 to the H"); US ZIP codes after a state ("DC 20500", "Texas, 78704", "Wisconsin, Nip
  67565": "zip" misheard, "Virginia. 1-5-8.") or a "zip code" cue, as much of one as recognition
  kept after its cue ("post-coed, right, 0 6, 5"). Right after an address, any word and "code"
  that is no cue of its own is the cue misheard ("Live code 2671").
"""

from __future__ import annotations

import re

from postprocess.pii.core.addresses import STREET_TYPE, US_STATE_CODES, US_STATES
from postprocess.pii.core.base import SpeechRecognizer
from postprocess.pii.core.chains import UK_POSTCODE, Chain, code_chains, digit_chains, trimmed
from postprocess.pii.core.cues import CueIndex, cue_index, follows_directly
from postprocess.pii.core.rules import on
from postprocess.pii.core.words import STOP_WORDS

# A postcode recognition left incomplete ("LS6, 2B"): taken after a postcode cue or an address.
_PARTIAL_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?(?:\d[A-Z]{0,2})?")
_CUED_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]{0,5}")
_ADDRESS_BEFORE = re.compile(
    rf"(?:\b{STREET_TYPE}|\b(?i:address|post ?code)\b)[^.?!]{{0,60}}(?:[.?!]+\s+[^.?!]{{0,60}})?\Z"
)
_STATE = rf"(?:\b(?i:{US_STATES})|\b(?:{US_STATE_CODES}))"
_STATE_BEFORE = re.compile(rf"{_STATE}[ \t]*,?[ \t]*$")
# A state and one word before a ZIP code ("Madison, Wisconsin, Nip 67565": the "zip" cue misheard).
_STATE_WORD_BEFORE = re.compile(rf"{_STATE}[ \t]*,?[ \t]*(?P<word>[A-Za-z]{{2,10}})[ \t]*,?[ \t]*$")
_STATE_ACROSS = re.compile(rf"\b(?:{US_STATES})[ \t]*[.?!][ \t\n]+$")


# The two letters that end a UK postcode, spelled after a pause ("l-2-8, 1, b-r", "v 1 5 5 b j").
_INWARD_LETTERS = re.compile(
    r"[ \t]*[,.\-]?[ \t]*\b(?:[A-Za-z](?:[ \t]+|[ \t]*[.\-][ \t]*)[A-Za-z]|[A-Z]{2})\b\.?"
    r"(?![ \t]*[.\-]?[ \t]*[A-Za-z]\b(?!['’]))"  # not the start of a longer spelling ("I'll" is none)
)
# The rest of a postcode after its first half, as recognition writes a spelled character: a digit,
# a letter, or the word it heard for one ("CF-16 to the H", "LS6 to a"). Up to three of them and
# ending in a letter, as a postcode ends; "LS6, is that right" and "CF16 to the office" stay as
# they are.
_SPELLED_CHARACTER = (
    r"(?:\d|[A-Za-z]|(?i:to|too|two|for|four|one|won|oh|the|be|bee|see|sea|you|are|why|ex|tea|pea|dee))"
)
_INWARD_WORDS = re.compile(
    rf"(?:[ \t]*[,\-]?[ \t]*\b{_SPELLED_CHARACTER}\b){{0,2}}[ \t]*[,\-]?[ \t]*\b[A-Za-z]\b"
    r"(?![ \t]*[.\-]?[ \t]*[A-Za-z]\b(?!['’]))"
)
# The second half of a postcode heard alone after an address ("station drive? 3pw."): a digit and
# two of the letters that end a postcode (never C, I, K, M, O or V, so "3pm" is a time).
_INWARD_CODE = re.compile(r"\d[ABD-HJLNP-UW-Z]{2}")
# "postcode" and "zip code" as recognition hears the first word ("Live code 2671", "need code"):
# a word and "code" right after an address, the word being no cue of its own ("sort code",
# "security code", "PIN code" announce other values).
_HEARD_POSTAL_CUE = re.compile(r"\b[A-Za-z]{2,6}[ \t\-](?:code|coat|coed)\b", re.IGNORECASE)
# Spelled letters that read as words at the edges of a code ("I v 1 5 5 b j", "L.S. 1-1-5 D.A"):
# part of it when a single spelled letter stands next to them and the whole is a postcode.
_SPELLED_WORDS = frozenset({"I", "A"})


def _spelled_edges(chain: Chain, code: Chain) -> Chain:
    """``code`` (the chain without sentence words at its edges) widened back to a lone "I" or "A"
    spelled next to another single letter when the widened code has a postcode's shape."""
    groups = chain.group_texts
    first = chain.groups.index(code.groups[0])
    last = chain.groups.index(code.groups[-1])
    if first > 0 and groups[first - 1] in _SPELLED_WORDS and len(groups[first]) == 1:
        first -= 1
    if last < len(groups) - 1 and groups[last + 1] in _SPELLED_WORDS and len(groups[last]) == 1:
        last += 1
    widened = chain.part(first, last)
    shaped = UK_POSTCODE.fullmatch(widened.code) or _PARTIAL_POSTCODE.fullmatch(widened.code)
    return widened if shaped else code


def _heard_as_zero(code: str) -> str:
    """The code with a 0 after its first letter read as the letter O ("Y 0 1 7" for YO17)."""
    return f"{code[0]}O{code[2:]}" if re.match(r"[A-Z]0\d", code) else code


class PostalCodeRecognizer(SpeechRecognizer):
    """UK postcodes by shape; US ZIP codes after a state or a "zip code" cue."""

    ENTITIES = ("POSTAL_CODE",)

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        cues = cue_index(text)
        found = []
        for chain in code_chains(text):
            code = trimmed(chain)
            if code is None:
                continue
            code = _spelled_edges(chain, code) if on("post.spelled_edges") else code
            value = code.code
            cued = self._cue_end(text, cues, code.start) is not None
            near_address = _ADDRESS_BEFORE.search(text, max(0, code.start - 80), code.start) is not None
            partial = (
                on("post.partial_near_address")
                and near_address
                and (
                    _PARTIAL_POSTCODE.fullmatch(_heard_as_zero(value) if on("post.heard_as_zero") else value)
                    or (on("post.inward_code") and _INWARD_CODE.fullmatch(value))
                )
            ) or (on("post.cued_partial") and cued and _CUED_POSTCODE.fullmatch(value))
            if (
                (on("post.uk_shape") and UK_POSTCODE.fullmatch(value))
                or partial
                or (on("post.loosely_cued") and self._loosely_cued(text, cues, code.start, value))
            ):
                end = (
                    self._inward_end(text, code.end)
                    if not UK_POSTCODE.fullmatch(value) and on("post.inward_end")
                    else code.end
                )
                found.append(("POSTAL_CODE", code.start, end, 0.9 if cued else 0.8))
        for chain in digit_chains(text):
            n = len(chain.digits)
            cue_end = self._cue_end(text, cues, chain.start)
            # After its cue, what recognition kept of the code ("post-coed, right, 0 6, 5"); a short
            # one only in the cue's sentence ("Zip 1-6-7-6-3, the login is …. It was 92 dollars").
            short = n < 4 and cue_end is not None and re.search(r"[.?!\d]", text[cue_end : chain.start])
            if on("post.digits_cued") and cue_end is not None and 2 <= n <= 9 and not short:
                found.append(
                    (
                        "POSTAL_CODE",
                        chain.start,
                        self._inward_end(text, chain.end) if on("post.inward_end") else chain.end,
                        0.85,
                    )
                )
            elif (
                on("post.state_before")
                and (4 <= n <= 6 or n == 9)
                and _STATE_BEFORE.search(text, max(0, chain.start - 30), chain.start)
            ):
                found.append(("POSTAL_CODE", chain.start, chain.end, 0.85))  # 5 or 9, a digit lost or added
            elif (on("post.read_after_state") and n >= 3 and self._read_after_state(text, chain)) or (
                on("post.zip_after_state_word") and n in (5, 9) and self._zip_after_state_and_word(text, chain)
            ):
                found.append(("POSTAL_CODE", chain.start, chain.end, 0.8))
        return found

    @staticmethod
    def _zip_after_state_and_word(text: str, chain: Chain) -> bool:
        """Five or nine digits after a state and one word that is no word of speech ("Madison,
        Wisconsin, Nip 67565": "zip" misheard); not "in Texas and 12000 staff", nor a round number."""
        state = _STATE_WORD_BEFORE.search(text, max(0, chain.start - 40), chain.start)
        if state is None or chain.digits.endswith("00"):
            return False
        return state.group("word").lower() not in STOP_WORDS

    @staticmethod
    def _cue_end(text: str, cues: CueIndex, start: int) -> int | None:
        """Where the postcode or zip code cue that the value at ``start`` follows ends; also a word
        and "code" right after an address (the cue misheard). None without one."""
        cue = cues.attached(start, frozenset({"POSTAL_CODE"}))
        if cue is not None:
            return cue.end
        heard = None
        if not on("post.heard_cue"):
            return None
        for match in _HEARD_POSTAL_CUE.finditer(text, max(0, start - 40), start):
            heard = match  # the last one before the value
        if heard is None or not follows_directly(text[heard.end() : start]):
            return None
        if cues.starts_at(heard.start()):
            return None  # "sort code", "security code": a cue of its own
        before = max(0, heard.start() - 100)
        address = _ADDRESS_BEFORE.search(text, before, heard.start()) or _STATE_BEFORE.search(
            text, before, heard.start()
        )
        return heard.end() if address else None

    @staticmethod
    def _loosely_cued(text: str, cues: CueIndex, start: int, value: str) -> bool:
        """A code that ends like a postcode (a digit and two letters) a few words after a postcode
        cue in its sentence ("postcode right or 1.732DS?")."""
        cue = cues.nearest(start, 30, frozenset({"POSTAL_CODE"}))
        return (
            cue is not None
            and not re.search(r"[.?!\n]", text[cue.end : start])
            and len(value) >= 5
            and _INWARD_CODE.fullmatch(value[-3:]) is not None
        )

    @staticmethod
    def _inward_end(text: str, end: int) -> int:
        """The end of a postcode whose first half ends at ``end``: on over the last letters or the
        rest of it spelled after a pause, if they follow."""
        if not text[end - 1].isdigit():
            return end
        rest = _INWARD_LETTERS.match(text, end) or _INWARD_WORDS.match(text, end)
        return rest.end() if rest else end

    @staticmethod
    def _read_after_state(text: str, chain: Chain) -> bool:
        """Digits read one by one right after a state, across the sentence break recognition put
        there ("Richmond, Virginia. 1-5-8."): what it kept of the ZIP code."""
        if any(e - s != 1 for s, e in chain.groups):
            return False
        return _STATE_ACROSS.search(text, max(0, chain.start - 30), chain.start) is not None
