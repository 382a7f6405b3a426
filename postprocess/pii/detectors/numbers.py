"""Numbers read out: identifiers whatever the cue, quantities left alone.

In speech a long run of digits is an identifier, not a quantity: people say "four point two
million", not "four two zero zero zero zero zero". So after spoken numbers are rewritten into
digits (``postprocess.pii.core.spoken``), every digit run (``chains.digit_chains``: any grouping, across
commas, dashes, dots, "double"/"triple" and sentence breaks the recognizer inserted) is PII when

- it holds 7 or more digits, or
- it is read digit by digit (four or more single digits: "7, 3, 1, 9"), or starts with a zero
  (four or more digits: "07700"), or
- a cue right before it announces a short value (a PIN, a sort code, the last four of an SSN, a
  card's security code or expiry, a ZIP code), or "the/my/your <word> number" does (three or more
  digits, an ID_NUMBER: "The island number 365", the PIN's cue misheard), or "plus" does (two or
  more digits, a PHONE_NUMBER's start: "It's plus six one."),

unless it is clearly a quantity (``quantity_reason``: money, a unit, a round number, years, a
date, a decimal) or names a thing (a room, page, gate, version…). It is typed by the nearest cue
before it ("card" heard as "current" still leaves the run redacted, typed by its shape): a
Luhn-valid 13–19 digit run is a CREDIT_CARD, phone shapes a PHONE_NUMBER, anything else an
ID_NUMBER. A wrong type is acceptable; a leak is not.
"""

from __future__ import annotations

import re

from postprocess.pii.core.base import SpeechRecognizer
from postprocess.pii.core.chains import Chain, digit_chains
from postprocess.pii.core.cues import CUES, Cue, CueIndex, cue_index, names_a_thing
from postprocess.pii.core.quantities import (
    A_DATE,
    IDENTIFIER_DIGITS,
    MONTH_BEFORE,
    PLUS_BEFORE,
    ROUND_NUMBERS,
    THOUSANDS,
    YEARS,
    luhn_valid,
    quantity_reason,
    read_digit_by_digit,
    ssn_plausible,
    type_by_shape,
)
from postprocess.pii.core.rules import on
from postprocess.pii.core.spoken import HHMM

_HHMM = re.compile(HHMM)
_CLOCK_WORD_BEFORE = re.compile(r"\b(?:at|by|from|around)[ \t]*$", re.IGNORECASE)
_SUM_BEFORE = re.compile(r"\d[ \t,]*plus[ \t,]*$", re.IGNORECASE)  # "20 plus 15": a sum, not a prefix
_LAST_BEFORE = re.compile(r"\blast[ \t]+$", re.IGNORECASE)

_NAMING_CUES = frozenset(CUES) - {"NUMBER"}
_EXPIRY_YEAR = re.compile(r"20[0-4]\d")
_YEAR_RANGE_BEFORE = re.compile(r"\b(?:between|until|till|to|and)[ \t,]*$", re.IGNORECASE)
_YEAR_RANGE_AFTER = re.compile(r"[ \t,]*(?:and|to|-|until|till)[ \t]*\d", re.IGNORECASE)
# "The island number 365", "The IM number 7619": a value announced as "the <word> number" is an
# identifier, whatever the word (here "PIN" misheard); a room's, page's or flight's number is not
# (``names_a_thing``), nor a quantity ("the total number is 350 people").
_SOME_NUMBER_BEFORE = re.compile(
    r"\b(?:the|my|your|his|her|our)[ \t]+[a-z]+[ \t]+number(?:[ \t]+is)?[ \t,:]*$", re.IGNORECASE
)
# An expiry year "twenty twenty-six" heard as "20, 20, 26" or "20-20-5" (its month lost).
_YEAR_SAID_IN_PIECES = re.compile(r"2020[2-4]?\d")
# "between" earlier in the sentence: a range ("Between 20, 16, and 20, 22, we grew").
_BETWEEN_BEFORE = re.compile(r"\bbetween\b[^.?!\n]*$", re.IGNORECASE)
_DATE_WORD_BEFORE = re.compile(r"\b(?:on|of|due|since|from|before|after|by|in)[ \t,]*$", re.IGNORECASE)
# Cue kinds whose value may be shorter than an identifier, and the digit counts each allows.
SHORT_VALUES: dict[str, range] = {
    "CARD_DETAIL": range(2, 5),
    "EXTENSION": range(2, 7),
    "LAST_DIGITS": range(3, 7),
    "PHONE_NUMBER": range(4, 16),  # part of a number ("My mobile is 07700", the rest after a pause)
    "IP_ADDRESS": range(3, 13),  # "the IP address is 192.16, …": part of one, heard as a decimal
    "CREDIT_CARD": range(6, 20),
    "US_SSN": range(4, 13),
    "BANK_ROUTING": range(2, 11),  # a sort code recognition garbled keeps a few digits
    "BANK_ACCOUNT_NUMBER": range(5, 21),
    "PASSPORT_NUMBER": range(5, 13),
    "DRIVER_ID": range(5, 19),
    "ID_NUMBER": range(4, 21),
    "PIN": range(3, 9),
    "POSTAL_CODE": range(4, 10),
    "LICENSE_PLATE": range(3, 9),
    "UK_NINO": range(5, 9),
}
# What a cue may type a long digit run as (other cue kinds leave the typing to its shape).
TYPED_BY_CUE = frozenset(
    {"CREDIT_CARD", "US_SSN", "BANK_ROUTING", "BANK_ACCOUNT_NUMBER", "PASSPORT_NUMBER", "DRIVER_ID", "ID_NUMBER",
     "UK_NINO", "IBAN_CODE", "PHONE_NUMBER", "IP_ADDRESS", "LICENSE_PLATE"}
)  # fmt: skip
CARD_DETAIL_REACH = 100  # characters after a card number where its expiry and security code follow


def _leading_zero(chain: Chain) -> bool:
    """Four or more digits starting with 0 ("07700", "0123"): no quantity is said that way."""
    return (
        on("num.leading_zero")
        and len(chain.digits) >= 4
        and chain.value.startswith("0")
        and not re.match(r"0[.,]\d", chain.value)
    )


def _type_by_cue(cue: Cue, chain: Chain) -> tuple[str, float] | None:
    digits = chain.digits
    n = len(digits)
    entity = cue.entity
    if entity not in TYPED_BY_CUE:
        return None
    if 13 <= n <= 19 and luhn_valid(digits) and entity not in ("BANK_ACCOUNT_NUMBER", "IBAN_CODE"):
        return "CREDIT_CARD", 0.9
    if entity == "US_SSN" and n == 9 and not ssn_plausible(digits):
        return "ID_NUMBER", 0.7
    if entity == "PHONE_NUMBER" and n > 15:
        return None
    if entity == "BANK_ROUTING" and n > 10:
        return "BANK_ACCOUNT_NUMBER", 0.7
    return entity, 0.85


# How far before "the last four" the cue that says whose digits they are may be.
LAST_DIGITS_OWNER_REACH = 150
_LAST_DIGIT_OWNERS = frozenset({"US_SSN", "CREDIT_CARD", "CARD_DETAIL", "BANK_ACCOUNT_NUMBER", "PHONE_NUMBER"})


def _owner_of_last_digits(cues: CueIndex, last: Cue) -> str:
    """The type of "the last four" digits: of the social, card, account or phone named just before."""
    owner = cues.nearest(last.start, LAST_DIGITS_OWNER_REACH, _LAST_DIGIT_OWNERS)
    return owner.entity if owner is not None else "ID_NUMBER"


def _without_count(chain: Chain) -> Chain:
    """The chain without the count of "the last 4, 6612" that normalization glued to it."""
    if (
        len(chain.groups) > 1
        and chain.group_texts[0] in "3456"
        and _LAST_BEFORE.search(chain.text, max(0, chain.start - 12), chain.start)
    ):
        return chain.part(1, len(chain.groups) - 1)
    return chain


# Digits read out in pieces, joined by pauses and dashes only.
_IN_PIECES = re.compile(r"\d+(?:[ \t]*[,\-][ \t]*\d+|[ \t]+\d+)+")
_PIN_SHAPE = re.compile(r"\d{4}")


def classify_chain(chain: Chain, cues: CueIndex) -> tuple[str, float] | None:
    """The PII type and score of one digit run, or None when it is not PII."""
    text = chain.text
    digits = chain.digits
    n = len(digits)
    before, after = text[max(0, chain.start - 20) : chain.start], text[chain.end : chain.end + 25]
    if on("num.names_a_thing") and names_a_thing(cues, chain.start):
        return None
    attached = cues.attached(chain.start)
    reason = quantity_reason(chain.value, before, after)
    # "My work number is all due or 83.99, 1946": digits read out, written as a price and a year;
    # not "the account is at 1,250.50": recognition writes amounts with thousands
    long_read_out = n >= IDENTIFIER_DIGITS and not THOUSANDS.search(chain.value)
    if (
        on("num.identifier_announced")
        and reason in (ROUND_NUMBERS, YEARS)
        and long_read_out
        and _identifier_announced(cues, chain.start)
    ):
        reason = None
    kind = attached.kind if attached is not None else None
    if (
        on("num.heard_pin")
        and kind == "HEARD_PIN"
        and (_IN_PIECES.fullmatch(chain.value) or (reason is None and _PIN_SHAPE.fullmatch(chain.value)))
    ):
        kind = "PIN"  # "My plan is 973-5.", "My plan is 8658.": not a plan's size or price ("4.99", "24/7", "2000")
    strong_cue = on("num.short_cued") and kind in SHORT_VALUES and n in SHORT_VALUES[kind]
    # "my PIN is 1000", "… is 1984"; "it expires 1-2-13" is the card's expiry, but "it expires in
    # 2029" is a year (a passport's)
    expiry = attached is not None and attached.kind == "CARD_DETAIL"
    overridable: tuple[str, ...] = (ROUND_NUMBERS, A_DATE) if expiry else (ROUND_NUMBERS, YEARS)
    if kind == "PIN" and on("num.pin_overrides_dates"):
        overridable = (ROUND_NUMBERS, YEARS, A_DATE)  # "Your PIN, please. 6-3-88." ("6-3-double-8"): no date
    if reason and not (strong_cue and reason in overridable):
        return None
    if strong_cue:
        assert attached is not None
        if attached.kind == "LAST_DIGITS":
            return _owner_of_last_digits(cues, attached), 0.85
        typed = _type_by_cue(attached, chain) if n >= IDENTIFIER_DIGITS else None
        return typed or (attached.entity, 0.85)
    if on("num.some_number") and 3 <= n < IDENTIFIER_DIGITS and not reason and _SOME_NUMBER_BEFORE.search(before):
        return "ID_NUMBER", 0.6
    if (
        on("num.plus_short")
        and 2 <= n < IDENTIFIER_DIGITS
        and not reason
        and PLUS_BEFORE.search(before)
        and not _SUM_BEFORE.search(before)
    ):
        return "PHONE_NUMBER", 0.6  # "It's plus six one.": the start of a number abroad, the rest lost
    named = cues.announced_after(chain.end)  # "It's 88035, the pin."
    if (
        on("num.announced_after")
        and named is not None
        and named.kind != "LAST_DIGITS"
        and n in SHORT_VALUES.get(named.kind, ())
    ):
        return named.entity, 0.8
    nearest = cues.nearest(chain.start)
    if nearest is not None and nearest.kind == "CAR":
        nearest = None  # a car's make and model types codes with letters only, not digits ("a Honda Civic, 1998")
    cued = nearest is not None and nearest.kind not in ("NOT_PII", "NUMBER")
    if (
        n < IDENTIFIER_DIGITS
        and not (on("num.digit_by_digit") and read_digit_by_digit(chain, cued=cued))
        and not _leading_zero(chain)
    ):
        return None
    if n >= IDENTIFIER_DIGITS and not on("num.long_run"):
        return None
    if nearest is not None and nearest.kind != "NOT_PII":
        typed = _type_by_cue(nearest, chain)
        if typed is not None:
            return typed
    return type_by_shape(chain, before)


# How close before a long run a cue for an identifier makes its decimals and years recognition's
# way of writing digits read out.
ANNOUNCED_REACH = 40
_ANNOUNCING = TYPED_BY_CUE - {"IP_ADDRESS", "LICENSE_PLATE", "PHONE_NUMBER"}
_PHONE_ANNOUNCED = re.compile(r".*\bnumber|phone|mobile|cell|landline|telephone", re.IGNORECASE)


def _identifier_announced(cues: CueIndex, start: int) -> bool:
    """True when a cue for an identifier (a card, an account, a phone number — not "call me" or
    "work" alone) ends shortly before ``start``."""
    cue = cues.nearest(start, ANNOUNCED_REACH)
    if cue is None:
        return False
    if cue.kind == "PHONE_NUMBER":
        return _PHONE_ANNOUNCED.match(cues.text, cue.start, cue.end) is not None
    return cue.kind in _ANNOUNCING


def _card_detail(chain: Chain, cues: CueIndex, card_end: int) -> bool:
    """A 2–4 digit run shortly after a card number, with no other cue in between and not the day
    or year of a date ("due on August 20, 27"): its expiry or security code, whose cue recognition
    garbled ("the x-iry date is 0, 9-27")."""
    if not 0 <= chain.start - card_end <= CARD_DETAIL_REACH:
        return False
    if not (2 <= len(chain.digits) <= 4 or _YEAR_SAID_IN_PIECES.fullmatch(chain.digits)):
        return False
    text = chain.text
    before = text[max(0, chain.start - 20) : chain.start]
    after = text[chain.end : chain.end + 25]
    reason = quantity_reason(chain.value, before, after)
    dated = _DATE_WORD_BEFORE.search(before) or _YEAR_RANGE_BEFORE.search(before) or _YEAR_RANGE_AFTER.match(after)
    if reason == YEARS and _EXPIRY_YEAR.fullmatch(chain.value) and not dated:
        reason = None  # "…, exiring the number 2027": the expiry's year (not "in 2027", "between 2010 and 2020")
    if reason or MONTH_BEFORE.search(before) or _clock_time(chain.value, before):
        return False
    if _BETWEEN_BEFORE.search(text, max(0, chain.start - 40), chain.start):
        return False  # "Between 20, 16, and 20, 22, we grew": the ends of a range, years said in two
    cue = cues.nearest(chain.start, chain.start - card_end, _NAMING_CUES)  # "… the number 2027": a filler
    return cue is None or cue.entity == "CREDIT_CARD"


def _clock_time(value: str, before: str) -> bool:
    """A 24-hour time said after "at", "by", "from" or "around" ("the appointment is … at 1840");
    not after "until" ("valid until 1027" is an expiry)."""
    return _CLOCK_WORD_BEFORE.search(before) is not None and _HHMM.fullmatch(value) is not None


def _month_year_expiry(chain: Chain, cues: CueIndex, card_end: int) -> int | None:
    """The start of a card's expiry said as a month and a year ("expires January 2026", "valid until
    October 20, 28", "November twenty twenty six" right after a card number): the month's start, or
    None. A month and year after a card with a date word before it ("due on August 20, 27") is a date."""
    digits = chain.digits
    if not (len(digits) == 2 or (4 <= len(digits) <= 6 and digits.startswith("20"))):
        return None  # "26", "2026", "20 26", "2020, 8" ("twenty twenty eight")
    month = MONTH_BEFORE.search(chain.text, max(0, chain.start - 20), chain.start)
    if month is None:
        return None
    expiry_cue = cues.attached(month.start(), frozenset({"CARD_DETAIL"}))
    if expiry_cue is not None:
        return month.start()
    after_card = 0 <= month.start() - card_end <= CARD_DETAIL_REACH
    dated = _DATE_WORD_BEFORE.search(chain.text, max(0, month.start() - 12), month.start())
    cue = cues.nearest(month.start(), month.start() - card_end)
    return month.start() if after_card and not dated and (cue is None or cue.entity == "CREDIT_CARD") else None


def _before_segment_break(chain: Chain) -> Chain | None:
    """The groups of ``chain`` before the last segment break inside it, if any: a value read out
    at the end of one segment and a number said at the start of the next join into one run."""
    breaks = [i for i in range(1, len(chain.groups)) if "\n" in chain.text[chain.groups[i - 1][1] : chain.groups[i][0]]]
    return chain.part(0, breaks[-1] - 1) if breaks else None


# A card's expiry and security code are the first runs after it, before any quantity; a card
# number is one when at least this many of its digits were heard.
CARD_DETAILS_AFTER = 3
CARD_DIGITS_HEARD = 8
CARD_DIGITS = (13, 19)


def _card_like(entity: str, chain: Chain) -> bool:
    """A run typed as a card with enough of its digits heard, or a run of a card's length (13–19
    digits) typed only by shape or as a phone number: recognition garbled the cue ("the mission",
    "the number") and what follows may still be the card's expiry and code."""
    n = len(chain.digits)
    return (entity == "CREDIT_CARD" and n >= CARD_DIGITS_HEARD) or (
        entity in ("ID_NUMBER", "PHONE_NUMBER") and CARD_DIGITS[0] <= n <= CARD_DIGITS[1]
    )


class DigitSequenceRecognizer(SpeechRecognizer):
    """Every digit run that is an identifier (see the module docstring), typed by cue or shape."""

    ENTITIES = (
        "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "BANK_ACCOUNT_NUMBER", "BANK_ROUTING", "PASSPORT_NUMBER",
        "DRIVER_ID", "ID_NUMBER", "PIN", "POSTAL_CODE", "LICENSE_PLATE", "UK_NINO", "IBAN_CODE", "IP_ADDRESS",
    )  # fmt: skip

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        cues = cue_index(text)
        found: list[tuple[str, int, int, float]] = []
        card_end = -(10**9)
        details_left = 0  # how many runs after a card number may still be its expiry or code
        for chain in map(_without_count if on("num.without_count") else (lambda c: c), digit_chains(text)):
            start = chain.start
            expiry = (
                _month_year_expiry(chain, cues, card_end if details_left else -(10**9))
                if on("num.month_year_expiry")
                else None
            )
            if expiry is not None:
                typed: tuple[str, float] | None = ("CREDIT_CARD", 0.8)
                start = expiry
            else:
                typed = classify_chain(chain, cues)
                head = _before_segment_break(chain) if typed is None and on("num.segment_break_head") else None
                if head is not None and (typed := classify_chain(head, cues)) is not None:
                    chain = head  # "… seven, five, eight,\n126 miles from here": the quantity opens the next segment
            if on("num.card_detail") and typed is None and details_left and _card_detail(chain, cues, card_end):
                typed = ("CREDIT_CARD", 0.6)
            details_left = max(0, details_left - 1)
            if typed is None:
                if quantity_reason(chain.value, text[max(0, start - 20) : start], text[chain.end : chain.end + 25]):
                    details_left = 0  # a quantity: the talk has moved on from the card
                continue
            entity, score = typed
            long_run = entity == "PHONE_NUMBER" or len(chain.digits) >= IDENTIFIER_DIGITS
            if long_run and (plus := PLUS_BEFORE.search(text, max(0, start - 10), start)):
                start = plus.start()  # "plus 44 ...": the prefix is part of the number
            if _card_like(entity, chain):
                card_end, details_left = chain.end, CARD_DETAILS_AFTER
            found.append((entity, start, chain.end, score))
        return found


def classify_digit_run(run: str, before: str, after: str) -> tuple[str, float] | None:
    """The PII type and score of ``run`` said between ``before`` and ``after`` (one run of digits)."""
    text = before + run + after
    chains = [c for c in digit_chains(text) if c.start <= len(before) < c.end or c.start == len(before)]
    if not chains:
        return None
    return classify_chain(chains[0], cue_index(text))
