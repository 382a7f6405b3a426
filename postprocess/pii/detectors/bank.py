"""Bank details read out: IBANs with a spoken country prefix and SWIFT/BIC codes.

Card numbers, account numbers, sort codes and routing numbers are digit runs, found and typed
by ``numbers.DigitSequenceRecognizer`` (a routing number or a sort code is announced by its cue;
an account number of 7 or more digits is an identifier whatever precedes it).
"""

from __future__ import annotations

import re

from postprocess.pii.core.base import CONTEXT_WINDOW, SpeechRecognizer, before, overlaps
from postprocess.pii.core.chains import Chain, code_chains, digit_chains
from postprocess.pii.core.cues import CueIndex, cue_index
from postprocess.pii.core.quantities import IDENTIFIER_DIGITS
from postprocess.pii.core.rules import on
from postprocess.pii.core.words import words

# Speech recognition writes a read-out IBAN as capital letters and digit groups, often with the
# letters glued to the digits and the grouping wrong: "G B 8 2 W E S T 1 2 3 4 ...", "GBA2W EST1 2 3",
# "GB82 West 1,234,698 ...". A run starts with capitals or digits; a short capitalised word may
# follow once digits have begun.
_FIRST_TOKEN = r"[A-Z0-9]{1,6}(?!\w)"
# "W" spelled as "double u", as recognition writes it ("N, double your B, K"), is one character.
_DOUBLE_U = r"[Dd]ouble[ \t\-]?(?:[Uu]|[Yy]ou|[Yy]our)"
_NEXT_TOKEN = rf"(?:[A-Z0-9]{{1,6}}|[A-Z][a-z]{{1,4}}|{_DOUBLE_U})(?!\w)"
# Tokens are joined by spaces, commas, dashes or slashes, or by a dot with no space (a dot and a
# space end a sentence: "... 1111. I really ...").
_ACCOUNT_RUN = re.compile(rf"(?<![\w.@]){_FIRST_TOKEN}(?:(?:\s*[,\-/]?\s*|\.){_NEXT_TOKEN})+")
_TRAILING_WORDS = re.compile(r"(?:[\s,.\-/]+(?:[A-Z][a-z]{1,4}|I|A))+$")  # "... 4 3 2 Thank you", "... 2 I"
_IBAN_CONTEXT = re.compile(r"\b(?:iban|i[ -]ban|eye[ -]?ban|bank|account|wire|transfer|swift|bic)\b", re.I)
_IBAN_MIN_DIGITS = 10
_IBAN_CHARS = range(15, 41)  # IBANs are 15 to 34 characters; recognition adds a few
# Countries whose banks use IBANs (the IBAN registry), for the country code that starts one.
IBAN_COUNTRIES = words("iban_countries")
_IBAN_HEAD = re.compile(r"[A-Z]{2}\d{1,2}")  # a check digit may be lost
_HEAD_REACH = 25  # characters between an IBAN's country code and check digits and the rest of it
SWIFT = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
PARTIAL = range(4, 12)  # characters of a SWIFT code recognition garbled, right after its cue
SWIFT_MAX = 11
# Between a SWIFT cue and what recognition kept of the code: fillers, then at most a few short
# words it made of the code's first characters ("B and B, B, E, 2, X, X", "N, double your B, K, …",
# "N-doll U-B-K-…", "in tunnel, U-B-K": "N", "double u" heard as words), in the cue's sentence.
_SWIFT_FILLERS = re.compile(r"(?:[\s,:\-]|\b(?:is|it's|was|the|code|number)\b)*", re.IGNORECASE)
_GARBLED_START = re.compile(r"[^.?!\n]{1,20}")
_GARBLED_WORDS = 3


class SpokenIbanRecognizer(SpeechRecognizer):
    """IBANs as speech recognition writes them: capitals and digit groups, any grouping.

    A run of capital-letter and digit tokens ("double u" one of them: "N, double your B, K") with
    letters and at least ten digits is an account
    number (spoken phone, card and SSN numbers hold no letters); the score is higher near a word
    such as "IBAN", "bank" or "account". Written IBANs are left to presidio's checksum recognizer.
    """

    ENTITIES = ("IBAN_CODE",)

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        results = []
        for match in _ACCOUNT_RUN.finditer(text) if on("iban.run") else ():
            start, run = match.start(), match.group()
            while run[:2] in ("I ", "A "):  # a sentence word, not a country code
                start, run = start + 2, run[2:]
            run = _TRAILING_WORDS.sub("", run)
            chars = re.sub(r"[^A-Z0-9]", "", re.sub(_DOUBLE_U, "W", run))
            if not re.search(r"[A-Z]", chars) or len(re.sub(r"\D", "", chars)) < _IBAN_MIN_DIGITS:
                continue
            if len(chars) not in _IBAN_CHARS:
                continue
            score = 0.85 if _IBAN_CONTEXT.search(before(text, start, CONTEXT_WINDOW)) else 0.6
            results.append(("IBAN_CODE", start, start + len(run), score))
        headed = [h for h in self._headed_runs(text) if not overlaps(results, h[1], h[2])] if on("iban.headed") else []
        return results + headed

    @staticmethod
    def _headed_runs(text: str) -> list[tuple[str, int, int, float]]:
        """A country code and check digits ("GB2, 9") shortly before a long digit run, with a few
        words recognition made of the bank code in between ("GB2, 9, and Wbk, 6, 0, 1, …")."""
        runs = [c for c in digit_chains(text) if len(c.digits) >= IDENTIFIER_DIGITS]
        found = []
        for head in code_chains(text):
            code = head.code
            if not (_IBAN_HEAD.fullmatch(code) and code[:2] in IBAN_COUNTRIES):
                continue
            rest = next((r for r in runs if 0 <= r.start - head.end <= _HEAD_REACH), None)
            if rest is not None and re.fullmatch(
                r"[\s,.\-]*(?:[\w'’]{1,4}[\s,.\-]+){0,3}", text[head.end : rest.start]
            ):
                found.append(("IBAN_CODE", head.start, rest.end, 0.7))
        return found


# "BIC" as recognition writes it ("big", "mid-"), right before a code spelled out: ordinary words,
# so they announce a code only when at least four short groups follow ("big M ID L ID M M").
_HEARD_BIC = re.compile(r"\b(?:big|mid)[ \t]*[\-,]?[ \t]*$", re.IGNORECASE)
_HEARD_BIC_GROUPS = 4
# A code spelled in lowercase letters after its cue ("big n double u b k d s n" "3 x x x"): single
# characters ("double u" is one), four to eleven of them, the last ones maybe in the next segment.
_SPELLED_CHAR = r"(?:double[ \t\-]?u|[a-z0-9])"
_LOWER_SPELLED = re.compile(
    rf"\b(?:big|bic|swift(?:[ \t]+code)?)(?:[ \t]*,?[ \t]+(?:is|it's))?[ \t]*[,\-]?[ \t]*"
    rf"(?P<code>{_SPELLED_CHAR}(?:(?:[ \t]*[,\-]?[ \t]+|[ \t]*[,\-][ \t]*|[ \t]*,?\n){_SPELLED_CHAR}){{3,10}})\b",
    re.IGNORECASE,
)


class SwiftCodeRecognizer(SpeechRecognizer):
    """SWIFT/BIC codes (8 or 11 capitals and digits: bank, country, location, branch) after a
    "SWIFT" or "BIC" cue, spelled out or written ("N W B K G B 2 L", "COBADEFFXXX"), or what
    recognition kept of one after the cue, with the few words it made of the first characters
    ("With cold N, double your B, K, G, B, 2, L") and the characters spelled after it; with no cue
    (recognition garbles "SWIFT" too: "with code"), a code spelled character by character that has
    the exact shape, a known country and a digit in its location part ("N-W-B-K-G-B-2-L"); "BIC"
    as recognition writes it ("big", "mid-") before a code spelled out; single characters written
    lowercase after the cue ("big n double u b k d s n")."""

    ENTITIES = ("SWIFT_CODE",)

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        cues = cue_index(text)
        found = []
        for chain in code_chains(text, need_digit=False):
            if on("swift.cued") and (swift := self._swift_part(chain, cues)) is not None:
                found.append(("SWIFT_CODE", swift[0], swift[1], 0.85))
            elif on("swift.heard_bic") and self._after_heard_bic(chain):
                found.append(("SWIFT_CODE", chain.start, chain.end, 0.7))
        for match in _LOWER_SPELLED.finditer(text) if on("swift.lower_spelled") else ():
            start, end = match.span("code")
            letters = re.sub(r"(?i)double[ \t\-]?u", "w", match.group("code"))
            if len(re.findall(r"[A-Za-z]", letters)) >= 2 and not overlaps(found, start, end):
                found.append(("SWIFT_CODE", start, end, 0.7))
        return found

    @staticmethod
    def _after_heard_bic(chain: Chain) -> bool:
        """A code spelled in short groups right after "BIC" as recognition writes it ("big",
        "mid-"), with as many characters as a SWIFT code or a garbled part of one."""
        return (
            _HEARD_BIC.search(chain.text, max(0, chain.start - 8), chain.start) is not None
            and len(chain.groups) >= _HEARD_BIC_GROUPS
            and all(len(g) <= 2 for g in chain.group_texts)
            and len(chain.code) in PARTIAL
        )

    @staticmethod
    def _swift_part(chain: Chain, cues: CueIndex) -> tuple[int, int] | None:
        """The groups of ``chain`` that form a SWIFT code right after a SWIFT cue (the cue may be a
        group of the chain itself: "SWIFT NWBKGB2L")."""
        swift = frozenset({"SWIFT_CODE"})
        for first in range(len(chain.groups)):
            start = chain.groups[first][0]
            if cues.nearest(start, 40, swift) is None:
                continue
            rest = chain.part(first, len(chain.groups) - 1)
            for last in range(len(chain.groups) - 1, first - 1, -1):
                if SWIFT.fullmatch(chain.part(first, last).code):
                    # characters spelled after the code's shape, up to eleven, are recognition's
                    # too ("SOD, I-E-F-F-I-0-0": a character lost, not an 8-character code and "00")
                    return start, chain.end if len(rest.code) <= SWIFT_MAX else chain.groups[last][1]
            cue = cues.nearest(start, 25, swift)
            if on("swift.partial") and cue is not None and len(rest.code) in PARTIAL:
                # part of a code recognition garbled ("B K G B 2 L"), with its garbled start and end
                return _garbled_start(chain.text, cue.end, start), chain.end
        return None


def _garbled_start(text: str, cue_end: int, start: int) -> int:
    """The start of a code moved back over the few words recognition made of its first characters,
    between the cue's fillers and ``start`` ("swift code is B and B, B, E, 2, X, X" starts at the
    first "B"); ``start`` when more than that stands between."""
    fillers = _SWIFT_FILLERS.match(text, cue_end, start)
    opening = fillers.end() if fillers else cue_end
    between = text[opening:start]
    if (
        on("swift.garbled_start")
        and opening < start
        and _GARBLED_START.fullmatch(between)
        and len(between.split()) <= _GARBLED_WORDS
    ):
        return opening
    return start
