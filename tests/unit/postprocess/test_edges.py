"""Widening a found identifier over what recognition left of it just outside the span."""

from __future__ import annotations

import time

import pytest

from postprocess.pii.passes.widen import widened


def widen(text: str, value: str, kind: str) -> str:
    """The text a span on ``value`` (its first occurrence) of type ``kind`` widens to."""
    start = text.index(value)
    [(a, b)] = widened(text, [(start, start + len(value), kind)])
    return text[a:b]


@pytest.mark.parametrize(
    ("line", "found", "kind", "expected"),
    [
        (  # a zero heard as "or": the first digits stayed outside the account number
            "Maybe a number 2, 2, 2, 9, 2, 7, 2 or 4, and the account is 4 or 1 or 9, 3, 5, 5, 8, 3.",
            "1 or 9, 3, 5, 5, 8, 3",
            "BANK_ACCOUNT_NUMBER",
            "4 or 1 or 9, 3, 5, 5, 8, 3",
        ),
        (  # "oh" heard as "all"
            "Account number, all three, all four, nine, eight, four, three",
            "four, nine, eight, four, three",
            "BANK_ACCOUNT_NUMBER",
            "three, all four, nine, eight, four, three",
        ),
        (  # two words recognition put between the first digits
            "3 charge might be the number 4 to number 7, 8 to 5, 6 or 5, 0 to 8, 0, 5, 9,",
            "7, 8 to 5, 6 or 5, 0 to 8, 0, 5, 9",
            "CREDIT_CARD",
            "4 to number 7, 8 to 5, 6 or 5, 0 to 8, 0, 5, 9",
        ),
        (  # "oh" heard as "no": the last digit stayed outside the card
            "It's four, two, one, nine, eight, four, seven, seven, one, six, one, no, nine.",
            "four, two, one, nine, eight, four, seven, seven, one, six, one",
            "CREDIT_CARD",
            "four, two, one, nine, eight, four, seven, seven, one, six, one, no, nine",
        ),
        (  # "three" heard as "free"
            "44, 1950, free, 80, 4, 71, 71, 78, 66.",
            "80, 4, 71, 71, 78, 66",
            "CREDIT_CARD",
            "44, 1950, free, 80, 4, 71, 71, 78, 66",
        ),
        (  # a pause written as "I'm" between the digits
            "Routing 0.1, I'm 15, 91, and the account",
            "15, 91",
            "BANK_ROUTING",
            "0.1, I'm 15, 91",
        ),
        (  # "i" between two letters of a spelling is a letter, not a word
            "The swift call is m i d l u s 2 l, and",
            "d l u s 2 l",
            "SWIFT_CODE",
            "m i d l u s 2 l",
        ),
        (  # the letter a passport number starts with
            "my passport number is G, all 9, 6, number 4, 7, 8, it takes",
            "9, 6, number 4, 7, 8",
            "PASSPORT_NUMBER",
            "G, all 9, 6, number 4, 7, 8",
        ),
        (  # lower-case letters spelled with dashes
            "and my licence is m-l-i-k, 8-i-2-5-double-7.",
            "8-i-2-5-double-7",
            "DRIVER_ID",
            "m-l-i-k, 8-i-2-5-double-7",
        ),
        (  # a digit past the end, across a line break (the next segment)
            "the routing number is double 2, 1\n8, and that's it",
            "double 2, 1",
            "BANK_ROUTING",
            "double 2, 1\n8",
        ),
        (  # letters spelled in lower case, a comma between them
            "It's x, k, 4, 1, 5, 6, 5, 3, c.",
            "x, k, 4, 1, 5, 6, 5, 3",
            "UK_NINO",
            "x, k, 4, 1, 5, 6, 5, 3, c",
        ),
        (  # typed by its digits as a card, but a spelled letter in it says it is a code
            "ej-2, i-w-8, 3, 7-d, and the new address",
            "2, i-w-8, 3, 7",
            "CREDIT_CARD",
            "2, i-w-8, 3, 7-d",
        ),
    ],
)
def test_a_span_grows_over_the_value_recognition_left_next_to_it(
    line: str, found: str, kind: str, expected: str
) -> None:
    assert widen(line, found, kind) == expected


@pytest.mark.parametrize(
    ("line", "found", "kind"),
    [
        ("The PIN is 1234. 5 minutes later it worked.", "1234", "PIN"),  # a sentence end
        ("The PIN is 1234, 5 minutes later it worked.", "1234", "PIN"),  # a number that counts something
        ("card 4111 1111 1111 1111, 2 more people called", "4111 1111 1111 1111", "CREDIT_CARD"),
        ("card ending 4111 1111 1111 1111 and 2 others", "4111 1111 1111 1111", "CREDIT_CARD"),  # "and"
        ("my account is 12345678, 20250 is the branch", "12345678", "BANK_ACCOUNT_NUMBER"),  # a long group
        ("the card is 4111 1111 1111 1111 A", "4111 1111 1111 1111", "CREDIT_CARD"),  # no letters in a card
        ("passport 583964 I think", "583964", "PASSPORT_NUMBER"),  # "I" as a word, not a letter
        ("the code is X4 a b 7 k, a big one", "b 7 k", "ID_NUMBER"),  # "a" next to a longer token
        ("the account is 12345678, no, sorry", "12345678", "BANK_ACCOUNT_NUMBER"),  # never ends on a link word
        ("passport 583964, a new one", "583964", "PASSPORT_NUMBER"),  # "a" as a word
        ("card 4111 1111 1111 1111, x marks it", "4111 1111 1111 1111", "CREDIT_CARD"),  # no letters in a card
        ("the account is 5, 5, 6, 6, 7, 7, 8th, contact", "5, 5, 6, 6, 7, 7", "BANK_ACCOUNT_NUMBER"),  # "8th"
        ("Thanks, Tobias Reed, 4 of them", "Tobias Reed", "PERSON"),  # names are not widened
        ("or to for the code 9 1 2 3 4 5 6", "9 1 2 3 4 5 6", "ID_NUMBER"),  # never ends on a link word
        # after a sentence break: only a long value, and only two or more value tokens that count nothing
        ("My number is 07700 900123. 5 of them were missed.", "07700 900123", "PHONE_NUMBER"),
        ("My number is 07700 900123. So 20 25 people called.", "07700 900123", "PHONE_NUMBER"),
        ("The PIN is 1234. So 5 6 is next.", "1234", "PIN"),
        ("My number is 07700 900123. 5 6 7 8 is next.", "5 6 7 8", "PHONE_NUMBER"),  # never backward
    ],
)
def test_a_span_stays_where_nothing_of_a_value_is_next_to_it(line: str, found: str, kind: str) -> None:
    assert widen(line, found, kind) == found


def test_many_spans_in_one_long_run_take_linear_time() -> None:
    """Eight times the spans in a run of values take about eight times as long (each walk is short),
    measured side by side."""

    def seconds(repeats: int) -> float:
        text = "1 or " * repeats
        spans = [(i, i + 1, "PIN") for i in range(0, len(text), 10)]
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            widened(text, spans)
            best = min(best, time.perf_counter() - started)
        return best

    small, large = seconds(750), seconds(6000)
    assert large < 24 * small + 0.15


@pytest.mark.parametrize(
    ("line", "name", "expected"),
    [
        ("No, you Ross 44, and your password number.", "Ross", "Ross 44"),  # a username said aloud
        ("I spoke to Sarah 2 days ago.", "Sarah", "Sarah"),  # a count
        ("Thanks Sarah, 44 is the room.", "Sarah", "Sarah"),  # after a pause
    ],
)
def test_a_name_takes_in_a_number_said_right_after_it_that_ends_its_clause(line: str, name: str, expected: str) -> None:
    assert widen(line, name, "PERSON") == expected
