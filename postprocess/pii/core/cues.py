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

from postprocess.pii.core.rules import off, on

# Entity -> cue phrases (regex alternatives, matched as whole words, case-insensitive). Longer
# phrases first: the alternation takes the first alternative that matches at a position, so
# "account number" is one cue, not "account" and then a phone-ish "number".
CUES: dict[str, tuple[str, ...]] = {
    "CARD_DETAIL": (
        r"security code",
        r"cvv2?",
        r"cvc",
        r"cv2",
        r"card verification(?: code| value)?",
        # also as recognition writes them: "exiring", "x-iry", "Melid until"
        r"(?:ex|e?x-?)p?iry(?: date)?",
        r"expiration(?: date)?",
        r"exp date",
        r"(?:ex|e?x-?)p?ires",
        r"(?:ex|e?x-?)p?iring",
        r"[mv][ae]l[ie]d (?:until|thru|through)",
        r"(?:digits|code|number) on the back",
        r"three digits",
    ),
    "US_SSN": (r"social security(?: number)?", r"social", r"ssn", r"s\.? ?s\.? ?n\.?"),
    # "sort code" as recognition also hears it ("sought code", "thought code", "short, gold").
    "BANK_ROUTING": (
        r"(?:sort|sought|sorts|short|thought),? (?:code|called|cold|coat|gold)",
        r"routing(?: number)?",
        r"aba(?: number)?",
        r"transit number",
    ),
    # also as recognition writes it: "a count 0.094, 85.81" (not "a count of")
    "BANK_ACCOUNT_NUMBER": (r"(?:bank |checking |savings |current )?account(?: number)?", r"acct", r"a count(?! of)"),
    "CREDIT_CARD": (
        r"(?:credit |debit )?card(?: number)?",
        # a brand and "(card) number": one cue, so "number" alone does not stand nearer the value
        r"(?:visa|master ?card|amex|american express)(?: card)?(?: number)?",
        r"long number",
    ),
    "PASSPORT_NUMBER": (r"passport(?: number)?",),
    "DRIVER_ID": (
        r"driver'?s'? licen[cs]e(?: number)?",
        r"driving licen[cs]e(?: number)?",
        r"licen[cs]e number",
        r"driver id",
        r"licen[cs]e",
    ),
    "LICENSE_PLATE": (
        r"(?:licen[cs]e |number |car )?plate(?: number)?",
        r"(?:car |vehicle )?registration(?: number)?",
        r"reg(?: number)?",
        r"tag number",
        r"(?:the|your|that) vehicle(?=\?)",  # "What's the vehicle?" ("that vehicle?"): a plate asked for
    ),
    # A car named by make and model: a code of letters and digits right after it is its plate ("a
    # blue Ford Focus HFE 3840"); digits alone after it are a year, a price or a distance.
    "CAR": (
        r"(?:ford|vauxhall|toyota|honda|nissan|volkswagen|vw|bmw|audi|kia|hyundai|tesla|peugeot|renault|skoda|"
        r"volvo|mazda|subaru|chevrolet|chevy|citroen|fiat)[ \t]+[a-z][a-z\-]+",
    ),
    "UK_NINO": (r"national insurance(?: number)?", r"n\.? ?i\.? number", r"nino"),
    # "PIN" as recognition also writes it ("BIN", "BIM", "DIN", "pion", "VPN", "P-I-N", "B.I.N.",
    # "V-I-M", "the end is", "the IN is", "the INB is", "the ion is", "the iron is").
    "PIN": (
        r"(?:pin|bin|bim|pim|din|pion|vpn|[bpvd][-.]i[-.][nm]\.?)(?: code| number)?",
        r"passcode",
        r"(?:the|my|your) (?:end|in|inb|ion|iron)(?=,? is\b)",
        # what is set or read out "for phone banking" is its PIN ("Set a PIN for phone banking. It's
        # 8179", the PIN itself misheard); not a phone number, which a PIN's length rules out anyway
        r"(?:tele)?phone banking(?: (?:line|pin|passcode|code|number))?",
    ),
    # "my PIN is" heard as "my plan is" (also "my plan is at", "the plan is", "Set the plan to"): a
    # plan has sizes and prices too ("my plan is 2000 minutes"), so this announces a PIN only read
    # out in pieces ("My plan is 973-5.", "My plan is at 5-4-0.") or four digits that are no
    # quantity ("My plan is 8658.").
    "HEARD_PIN": (r"(?:my|your|the) plan(?:,? is at\b|(?=,? is\b))", r"set (?:my|your|the) plan(?= to\b)"),
    # also as recognition writes "postcode" ("post-coed", "post coat", "post called")
    "POSTAL_CODE": (r"zip(?: code)?", r"post[ \-]?(?:code|coed|coat|called|cove)", r"postal code"),
    "IBAN_CODE": (r"iban", r"i[ -]ban"),
    # also as recognition writes "SWIFT code" ("swift coat", "swift, cold", "Swift called", "with
    # code", "With cold"); "with" alone is not one
    "SWIFT_CODE": (
        r"swift,?(?: (?:code|coat|cold|called))?",
        r"with,? (?:code|coat|cold)",
        r"bic(?: code)?",
    ),
    "IP_ADDRESS": (r"ip(?: address)?", r"i\.p\.(?: address)?"),
    "ID_NUMBER": (
        r"(?:policy|claim|member(?:ship)?|customer|employee|staff|reference|case|tax|badge|student|patient|"
        r"record|vin|payroll|insurance|benefit|pension)"
        r"(?: id| number| no\.?| code)?",
        r"id number",
        r"identification number",
        r"ref",
    ),
    "PHONE_NUMBER": (
        r"(?:phone|mobile|cell|landline|telephone|fax|home|work|direct|callback|whatsapp)(?: number| line)?",
        r"call(?:ing)?(?: me)?(?: on| at)?",
        r"reach(?: me)?(?: on| at)?",
        r"text(?: me)?(?: on| at)?",
        r"dial",
        r"contact(?: number)?",
    ),
    "EXTENSION": (r"extension", r"ext"),
    # The last digits of a card, a social or an account ("the last four are 3391"): typed by the
    # cue before it that says whose digits they are.
    # ("last for": "four" as recognition also writes it)
    "LAST_DIGITS": (
        r"last (?:[3-6]|three|four|for|five|six)(?: digits| numbers)?",
        r"(?:ending|ends) (?:in|with)",
    ),
    # "number" alone: types a long digit run as a phone number, but announces no short value.
    "NUMBER": (r"number",),
    # Not PII: numbers that name things (rooms, pages, gates) or are versions.
    "NOT_PII": (
        r"rooms?",
        r"suite",
        r"floor",
        r"gates?",
        r"platforms?",
        r"pages?",
        r"chapters?",
        r"sections?",
        r"slides?",
        r"steps?",
        r"items?",
        r"exhibit",
        r"flights?",
        r"bus(?:es)?",
        r"routes?",
        r"seats?",
        r"versions?",
        r"release",
        r"build",
        r"v",
    ),
}
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
