"""Quantities: what makes a number said in a call an amount, a count, a time, a date or a year
rather than an identifier; checksums; and the type of an identifier-like digit run by its shape.

In speech a long run of digits is an identifier, not a quantity: people say "four point two
million", not "four two zero zero zero zero zero". ``quantity_reason`` says why a run is a quantity
(money, a unit, a round number, years, a date, a decimal) or None.
"""

from __future__ import annotations

import re
from itertools import pairwise

from postprocess.pii.core.chains import Chain
from postprocess.pii.core.rules import on
from postprocess.pii.core.spoken import HHMM

_HHMM = re.compile(HHMM)

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
_TIME_AFTER = re.compile(r"^(?:[:.]\d|\s*(?:a\.?m\b\.?|p\.?m\b\.?|o'clock|hrs\b|h\b))", re.IGNORECASE)
THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
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
PLUS_BEFORE = re.compile(r"\bplus[ \t,]*$", re.IGNORECASE)
MONTH_BEFORE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?[ \t,]+(?:the[ \t]+)?$", re.IGNORECASE
)
IDENTIFIER_DIGITS = 7
ROUND_NUMBERS = "round numbers, decimals or years"
YEARS = "years"
A_DATE = "a date"


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
    if _said_decimal(item) or (THOUSANDS.fullmatch(item) and digits.endswith("000")) or _PRICE.fullmatch(item):
        return True
    parts = item.split()
    if len(parts) > 1 and all(THOUSANDS.fullmatch(p) and p.endswith("000") for p in parts):
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
    if on("qty.money") and _MONEY_BEFORE.search(before) and amount and _digit_count(items[1:]) < IDENTIFIER_DIGITS:
        return "an amount of money"
    priced = len(items) > 1 and all(_CURRENCY_AMOUNT.fullmatch(i) for i in items[1:])
    if on("qty.prices") and priced and (amount or _CURRENCY_AMOUNT.fullmatch(items[0])):
        return "amounts of money"  # "$4.99, $5.99, $6.99, $7.99"; not "84, $1.5, $1.9, 2"
    if on("qty.unit") and counts_something(after) and _digit_count(items[:-1]) < IDENTIFIER_DIGITS:
        return "a quantity with a unit"
    if on("qty.time") and (_TIME_BEFORE.search(before) or _TIME_AFTER.match(after)):
        return "a time"
    if on("qty.clock") and _CLOCK.fullmatch(value) and _TIME_WORD_BEFORE.search(before):
        return "a time"  # "open from 7 to 5, 30"
    if on("qty.typed_date") and _TYPED_DATE.fullmatch(value) and _valid_typed_date(value):
        return A_DATE
    if (
        on("qty.date_time")
        and len(items) == 2
        and MONTH_BEFORE.search(before)
        and _YEAR.fullmatch(items[0])
        and _HHMM.fullmatch(items[1])
    ):
        return "a date and a time"  # "on July 2025, 2330"
    if on("qty.ipv4_not") and _IPV4.fullmatch(value):
        return None
    if on("qty.listed") and _listed(items, after):
        return "a list of quantities"
    if on("qty.decimal_artifacts") and _decimal_artifacts(items):
        return None
    round_thousands = (
        THOUSANDS.fullmatch(value) and value.endswith("000") and not _beyond_any_quantity(re.sub(r"\D", "", value))
    )
    if on("qty.round") and (
        all(_quantity_like(i) for i in items) or (len(items) == 1 and (round_thousands or _said_decimal(value)))
    ):
        return YEARS if all(_YEAR.fullmatch(i) for i in items) else ROUND_NUMBERS
    groups = re.findall(r"\d+", value)
    if on("qty.year_range") and len(groups) == 2 and all(_YEAR.fullmatch(g) for g in groups):
        return "a range of years"
    return None


def counts_something(after: str) -> bool:
    """Whether ``after`` (the text right after a number) says what the number counts: a unit
    ("5 minutes", "3%") or "more"/"extra" and a noun ("2 more people")."""
    return _UNIT_AFTER.match(after) is not None or (on("qty.more_after") and _MORE_AFTER.match(after) is not None)


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
    return cued or not ((up or down) and on("num.counting_filter"))


def _mostly_groups_of_four(chain: Chain) -> bool:
    groups = [len(g) for g in chain.group_texts]
    return len(groups) >= 4 and sum(g == 4 for g in groups) >= 0.75 * len(groups)


def type_by_shape(chain: Chain, before: str) -> tuple[str, float]:
    """The PII type of an identifier-like digit run with no cue to type it, by its shape."""
    digits = chain.digits
    n = len(digits)
    lengths = [len(g) for g in chain.group_texts]
    if 10 <= n <= 15 and (chain.value.startswith("+") or PLUS_BEFORE.search(before)):
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
