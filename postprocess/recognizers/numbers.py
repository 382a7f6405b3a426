"""Numbers read out: identifiers whatever the cue, quantities left alone.

In speech a long run of digits is an identifier, not a quantity: people say "four point two
million", not "four two zero zero zero zero zero". So after spoken numbers are rewritten into
digits (``postprocess.spoken``), every digit run (``chains.digit_chains``: any grouping, across
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
from itertools import pairwise

from postprocess.recognizers.base import SpeechRecognizer
from postprocess.recognizers.chains import Chain, digit_chains
from postprocess.recognizers.cues import CUES, Cue, CueIndex, cue_index, names_a_thing
from postprocess.spoken import HHMM

# Money: a currency sign or code; the pence or cents after "pounds"/"dollars" ("91 pounds 99"); an
# amount named ("a bill of 90", "the total is 42").
_MONEY_BEFORE = re.compile(
    r"(?:[$£€¥]|\b(?:usd|gbp|eur|us\$)|\b(?:dollars?|pounds?|euros?|bucks|quid)[ \t,]*\n?"
    r"|\b(?:bill|total|balance|cost|costs|price|fee|charge|amount|quote|budget|refund)[ \t]+"
    r"(?:of|is|was|comes to)[ \t]*)"
    r"\s*$",
    re.IGNORECASE,
)
_UNIT_AFTER = re.compile(
    r"^\s*(?:,[ \t]*(?=(?:business|working|calendar) days\b))?"  # "in 5, 9, business days"
    r"(?:%|per ?cent\b|(?:degrees?|celsius|fahrenheit|"
    r"dollars?|bucks|euros?|pounds?|quid|pence|cents?|p|k|m|bn|million|billion|"
    r"thousand|hundred|years?|months?|weeks?|days?|hours?|hrs|minutes?|mins?|seconds?|secs?|milliseconds?|"
    r"ms|kilo\w*|miles?|meters?|metres?|feet|foot|inches|kg|km|mb|gb|tb|kb|megabits?|gigabits?|bytes?|"
    r"people|persons|users|visitors|customers|clients|employees|staff|members|attendees|subscribers|"
    r"followers|views|downloads|votes|rows|records|items|units|copies|tickets|requests|calls|emails|times|"
    r"(?:business|working|calendar|school) days|"
    r"steps|points|lines|words|pages|students|patients|cases|deaths|households|homes)\b)",
    re.IGNORECASE,
)
# "22 more chairs": a count, said in the same sentence as what it counts.
_MORE_AFTER = re.compile(r"^[ \t]+(?:more|extra)[ \t]+[a-z]", re.IGNORECASE)
_TIME_BEFORE = re.compile(r"\d[:.]\Z")
# An hour and its minutes said as two numbers ("five thirty" -> "5, 30") after a word that puts a time.
_CLOCK = re.compile(r"(?:1[0-2]|0?[1-9])[ \t,.]+(?:[0-5]0|[0-5]5|15|45)")
_TIME_WORD_BEFORE = re.compile(r"\b(?:at|from|to|until|till|by|after|before|around)[ \t]*$", re.IGNORECASE)
_HHMM = re.compile(HHMM)
_CLOCK_WORD_BEFORE = re.compile(r"\b(?:at|by|from|around)[ \t]*$", re.IGNORECASE)
_TIME_AFTER = re.compile(r"^(?:[:.]\d|\s*(?:a\.?m\b\.?|p\.?m\b\.?|o'clock|hrs\b|h\b))", re.IGNORECASE)
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PRICE = re.compile(r"\d{1,3}(?:,\d{3})+\.\d{2}")
_DECIMAL = re.compile(r"\d+\.\d+")
# What follows a currency sign when it is money: "1,250", "19.99", "1500" (recognition writes
# larger amounts with thousands separators; "$20359960" is digits read out), or a round amount
# whose thousands recognition grouped wrongly ("$14,8,000" for $148,000).
_AMOUNT = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,4}(?:\.\d{1,2})?|\d{1,3}(?:,\d{1,3})+,000")
_CURRENCY_AMOUNT = re.compile(rf"[$£€](?:{_AMOUNT.pattern})")
_YEAR = re.compile(r"(?:19|20)[ \t]?\d\d")  # "1979", or "19 79" as a spoken year is rewritten
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_TYPED_DATE = re.compile(r"(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?:\d{2}|\d{4})|\d{4}-(?P<m>\d{2})-(?P<d>\d{2})")
_LIST_END_AFTER = re.compile(r"[ \t]*,?[ \t]+and[ \t]+[$£€]?\d")
_ITEM_SPLIT = re.compile(r",[ \t]+|[.?!]+[ \t]+")
_PLUS_BEFORE = re.compile(r"\bplus[ \t,]*$", re.IGNORECASE)
_SUM_BEFORE = re.compile(r"\d[ \t,]*plus[ \t,]*$", re.IGNORECASE)  # "20 plus 15": a sum, not a prefix
_LAST_BEFORE = re.compile(r"\blast[ \t]+$", re.IGNORECASE)
_MONTH_BEFORE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[ \t,]+(?:the[ \t]+)?$", re.IGNORECASE
)
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
IDENTIFIER_DIGITS = 7
ROUND_NUMBERS = "round numbers, decimals or years"
YEARS = "years"
A_DATE = "a date"
CARD_DETAIL_REACH = 100  # characters after a card number where its expiry and security code follow


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` passes the Luhn checksum used by payment card numbers."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def ssn_plausible(digits: str) -> bool:
    """US SSN structure: area not 000/666, group not 00, serial not 0000."""
    return digits[:3] not in ("000", "666") and digits[3:5] != "00" and digits[5:] != "0000"


# Digits of the largest quantity said in calls and meetings (hundreds of trillions).
_LARGEST_QUANTITY_DIGITS = 15


def _beyond_any_quantity(digits: str) -> bool:
    """More digits than any amount anyone says ("60,000,000,000,000,000,000,…": a runaway of one digit)."""
    return len(digits) > _LARGEST_QUANTITY_DIGITS


def _quantity_like(item: str) -> bool:
    """A number as people say quantities: round ("3,000", "1500"), a year, a decimal, thousands
    and pence ("13,656.89": nobody writes an identifier that way), round thousands one after
    another ("2,000 28,000"); never more than 15 digits (a runaway of one digit)."""
    digits = re.sub(r"\D", "", item)
    if _beyond_any_quantity(digits):
        return False
    if _YEAR.fullmatch(item):
        return True
    if _said_decimal(item) or (_THOUSANDS.fullmatch(item) and digits.endswith("000")) or _PRICE.fullmatch(item):
        return True
    parts = item.split()
    if len(parts) > 1 and all(_THOUSANDS.fullmatch(p) and p.endswith("000") for p in parts):
        return True
    return item.isdigit() and len(item) >= 3 and item.endswith("00") and not item.startswith("0")


def _said_decimal(item: str) -> bool:
    """A decimal as people say one: "4.5", "19.99", "3.141"; not "9.09750157" (digits read out,
    a dot put in by recognition)."""
    return _DECIMAL.fullmatch(item) is not None and len(item.partition(".")[2]) <= 3


def _listed(items: list[str], after: str) -> bool:
    """Three or more numbers, each a decimal as people say one or a number of two or more digits
    ending in 0 or 5, and "and" another number after them: a list of quantities ("1200, 1350, 1425
    and 1510", "98.6, 99.1, 97.4 and 98.9"). A card read out in groups has random last digits."""
    return (
        len(items) >= 3
        and _LIST_END_AFTER.match(after) is not None
        and all(_said_decimal(i) or (i.isdigit() and len(i) >= 2 and i[-1] in "05") for i in items)
    )


def _decimal_artifacts(items: list[str]) -> bool:
    """Three or more numbers, some written as decimals, with eight or more digits in all: digit
    groups read out that recognition wrote as decimals ("6.58, 6.04, 9.78, 7.4595")."""
    return len(items) >= 3 and any("." in i for i in items) and _digit_count(items) >= IDENTIFIER_DIGITS + 1


def quantity_reason(value: str, before: str, after: str) -> str | None:
    """Why a digit run is a quantity and not an identifier, or None. ``before``/``after``: the text
    around it (a currency sign before, a unit after)."""
    items = [i for i in _ITEM_SPLIT.split(value) if i]
    # A currency sign is about the first number of a list, a unit about the last: the rest of a
    # long run is still an identifier ("$4. 3, 9, 1, 4, 8, 0, …": a card after a misheard "4"), and
    # so is an "amount" with more than one dot ("$4.0489.0869.059317").
    amount = _AMOUNT.fullmatch(items[0]) is not None
    if _MONEY_BEFORE.search(before) and amount and _digit_count(items[1:]) < IDENTIFIER_DIGITS:
        return "an amount of money"
    priced = len(items) > 1 and all(_CURRENCY_AMOUNT.fullmatch(i) for i in items[1:])
    if priced and (amount or _CURRENCY_AMOUNT.fullmatch(items[0])):
        return "amounts of money"  # "$4.99, $5.99, $6.99, $7.99"; not "84, $1.5, $1.9, 2"
    if counts_something(after) and _digit_count(items[:-1]) < IDENTIFIER_DIGITS:
        return "a quantity with a unit"
    if _TIME_BEFORE.search(before) or _TIME_AFTER.match(after):
        return "a time"
    if _CLOCK.fullmatch(value) and _TIME_WORD_BEFORE.search(before):
        return "a time"  # "open from 7 to 5, 30"
    if _TYPED_DATE.fullmatch(value) and _valid_typed_date(value):
        return A_DATE
    if len(items) == 2 and _MONTH_BEFORE.search(before) and _YEAR.fullmatch(items[0]) and _HHMM.fullmatch(items[1]):
        return "a date and a time"  # "on July 2025, 2330"
    if _IPV4.fullmatch(value):
        return None
    if _listed(items, after):
        return "a list of quantities"
    if _decimal_artifacts(items):
        return None
    round_thousands = (
        _THOUSANDS.fullmatch(value) and value.endswith("000") and not _beyond_any_quantity(re.sub(r"\D", "", value))
    )
    if all(_quantity_like(i) for i in items) or (len(items) == 1 and (round_thousands or _said_decimal(value))):
        return YEARS if all(_YEAR.fullmatch(i) for i in items) else ROUND_NUMBERS
    groups = re.findall(r"\d+", value)
    if len(groups) == 2 and all(_YEAR.fullmatch(g) for g in groups):
        return "a range of years"
    return None


def counts_something(after: str) -> bool:
    """Whether ``after`` (the text right after a number) says what the number counts: a unit
    ("5 minutes", "3%") or "more"/"extra" and a noun ("2 more people")."""
    return _UNIT_AFTER.match(after) is not None or _MORE_AFTER.match(after) is not None


def _digit_count(items: list[str]) -> int:
    return sum(len(re.sub(r"\D", "", i)) for i in items)


def _valid_typed_date(value: str) -> bool:
    match = _TYPED_DATE.fullmatch(value)
    if match is None:
        return False
    if match.group("m"):
        return 1 <= int(match.group("m")) <= 12 and 1 <= int(match.group("d")) <= 31
    a, b = int(match.group("a")), int(match.group("b"))
    return min(a, b) >= 1 and max(a, b) <= 31 and min(a, b) <= 12


def read_digit_by_digit(chain: Chain, *, cued: bool = False) -> bool:
    """Four or more digits read one by one ("7, 3, 1, 9", "9 7 4 7 7"); with no cue near
    (``cued``), not counting up from 0 or 1 ("1, 2, 3, 4") nor down ("10, 9, 8, 7"): after "my NI
    number is" even "1 2 3 4 5 6" is a value."""
    groups = chain.group_texts
    digits = chain.digits
    single = sum(len(g) == 1 for g in groups)
    if len(digits) < 4 or len(groups) < 4 or single < 0.75 * len(groups):
        return False
    numbers = [int(g) for g in groups] if all(g.isdigit() for g in groups) else [int(d) for d in digits]
    up = all(b == a + 1 for a, b in pairwise(numbers)) and numbers[0] <= 1
    down = all(b == a - 1 for a, b in pairwise(numbers))
    return cued or not (up or down)


def _leading_zero(chain: Chain) -> bool:
    """Four or more digits starting with 0 ("07700", "0123"): no quantity is said that way."""
    return len(chain.digits) >= 4 and chain.value.startswith("0") and not re.match(r"0[.,]\d", chain.value)


def _mostly_groups_of_four(chain: Chain) -> bool:
    groups = [len(g) for g in chain.group_texts]
    return len(groups) >= 4 and sum(g == 4 for g in groups) >= 0.75 * len(groups)


def type_by_shape(chain: Chain, before: str) -> tuple[str, float]:
    """The PII type of an identifier-like digit run with no cue to type it, by its shape."""
    digits = chain.digits
    n = len(digits)
    lengths = [len(g) for g in chain.group_texts]
    if 10 <= n <= 15 and (chain.value.startswith("+") or _PLUS_BEFORE.search(before)):
        return "PHONE_NUMBER", 0.75
    if 13 <= n <= 19 and luhn_valid(digits):
        return "CREDIT_CARD", 0.9
    if (n > 19 and _mostly_groups_of_four(chain)) or n in (15, 16):
        return "CREDIT_CARD", 0.6
    if n == 10 or (n == 11 and digits[0] in "01"):
        return "PHONE_NUMBER", 0.7
    if n == 9 and lengths == [3, 2, 4] and ssn_plausible(digits):
        return "US_SSN", 0.6
    if n == 7 and lengths == [3, 4]:
        return "PHONE_NUMBER", 0.55
    if _IPV4.fullmatch(chain.value):
        return "IP_ADDRESS", 0.6
    return "ID_NUMBER", 0.6


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
    if names_a_thing(cues, chain.start):
        return None
    attached = cues.attached(chain.start)
    reason = quantity_reason(chain.value, before, after)
    # "My work number is all due or 83.99, 1946": digits read out, written as a price and a year;
    # not "the account is at 1,250.50": recognition writes amounts with thousands
    long_read_out = n >= IDENTIFIER_DIGITS and not _THOUSANDS.search(chain.value)
    if reason in (ROUND_NUMBERS, YEARS) and long_read_out and _identifier_announced(cues, chain.start):
        reason = None
    kind = attached.kind if attached is not None else None
    if kind == "HEARD_PIN" and (
        _IN_PIECES.fullmatch(chain.value) or (reason is None and _PIN_SHAPE.fullmatch(chain.value))
    ):
        kind = "PIN"  # "My plan is 973-5.", "My plan is 8658.": not a plan's size or price ("4.99", "24/7", "2000")
    strong_cue = kind in SHORT_VALUES and n in SHORT_VALUES[kind]
    # "my PIN is 1000", "… is 1984"; "it expires 1-2-13" is the card's expiry, but "it expires in
    # 2029" is a year (a passport's)
    expiry = attached is not None and attached.kind == "CARD_DETAIL"
    overridable: tuple[str, ...] = (ROUND_NUMBERS, A_DATE) if expiry else (ROUND_NUMBERS, YEARS)
    if kind == "PIN":
        overridable = (ROUND_NUMBERS, YEARS, A_DATE)  # "Your PIN, please. 6-3-88." ("6-3-double-8"): no date
    if reason and not (strong_cue and reason in overridable):
        return None
    if strong_cue:
        assert attached is not None
        if attached.kind == "LAST_DIGITS":
            return _owner_of_last_digits(cues, attached), 0.85
        typed = _type_by_cue(attached, chain) if n >= IDENTIFIER_DIGITS else None
        return typed or (attached.entity, 0.85)
    if 3 <= n < IDENTIFIER_DIGITS and not reason and _SOME_NUMBER_BEFORE.search(before):
        return "ID_NUMBER", 0.6
    if 2 <= n < IDENTIFIER_DIGITS and not reason and _PLUS_BEFORE.search(before) and not _SUM_BEFORE.search(before):
        return "PHONE_NUMBER", 0.6  # "It's plus six one.": the start of a number abroad, the rest lost
    named = cues.announced_after(chain.end)  # "It's 88035, the pin."
    if named is not None and named.kind != "LAST_DIGITS" and n in SHORT_VALUES.get(named.kind, ()):
        return named.entity, 0.8
    nearest = cues.nearest(chain.start)
    if nearest is not None and nearest.kind == "CAR":
        nearest = None  # a car's make and model types codes with letters only, not digits ("a Honda Civic, 1998")
    cued = nearest is not None and nearest.kind not in ("NOT_PII", "NUMBER")
    if n < IDENTIFIER_DIGITS and not read_digit_by_digit(chain, cued=cued) and not _leading_zero(chain):
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
    if reason or _MONTH_BEFORE.search(before) or _clock_time(chain.value, before):
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
    month = _MONTH_BEFORE.search(chain.text, max(0, chain.start - 20), chain.start)
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
        for chain in map(_without_count, digit_chains(text)):
            start = chain.start
            expiry = _month_year_expiry(chain, cues, card_end if details_left else -(10**9))
            if expiry is not None:
                typed: tuple[str, float] | None = ("CREDIT_CARD", 0.8)
                start = expiry
            else:
                typed = classify_chain(chain, cues)
                head = _before_segment_break(chain) if typed is None else None
                if head is not None and (typed := classify_chain(head, cues)) is not None:
                    chain = head  # "… seven, five, eight,\n126 miles from here": the quantity opens the next segment
            if typed is None and details_left and _card_detail(chain, cues, card_end):
                typed = ("CREDIT_CARD", 0.6)
            details_left = max(0, details_left - 1)
            if typed is None:
                if quantity_reason(chain.value, text[max(0, start - 20) : start], text[chain.end : chain.end + 25]):
                    details_left = 0  # a quantity: the talk has moved on from the card
                continue
            entity, score = typed
            long_run = entity == "PHONE_NUMBER" or len(chain.digits) >= IDENTIFIER_DIGITS
            if long_run and (plus := _PLUS_BEFORE.search(text, max(0, start - 10), start)):
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
