from __future__ import annotations

import random
import re

import pytest

from postprocess.pii.core.spoken import UNITS, normalize_spoken_numbers


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("four one one one, one one one one", "4 1 1 1, 1 1 1 1"),
        ("two hundred and twelve five five five oh one nine nine", "212 5 5 5 0 1 9 9"),
        ("double five triple oh", "55 000"),
        ("7, 7, double 0, 9", "7, 7, 00, 9"),
        ("a visa for 169, double 835, 972", "a visa for 169, 8835, 972"),  # "double eight, three five"
        ("0 to 0, 7, 9", "0 2 0, 7, 9"),  # "oh two oh" written with a homophone
        ("from 0 to 100 people", "from 0 to 100 people"),  # "to" between a digit and a number stays
        ("nineteen eighty four", "19 84"),
        ("twenty twenty-four", "20 24"),
        ("four thousand one hundred eleven one thousand one hundred eleven", "4111 1111"),
        ("eight hundred twenty two thousand four hundred sixty three", "822463"),
        ("ten thousand five", "10005"),
        ("The number is 8 hundred, 5, 5, 5", "The number is 800, 5, 5, 5"),
        ("555 one two three 4567", "555 1 2 3 4567"),
        ("five-five-five", "5-5-5"),
        # recognised: "double" heard as "Donald" between digits
        ("zero five two six five Donald six Donald zero", "0 5 2 6 5 66 00"),
        ("0-7-4, Donald 1-2-3-4, 5-6-7", "0-7-4, 11-2-3-4, 5-6-7"),
        ("one, total zero, two, four", "1, 00, 2, 4"),  # "total" too
        ("we had a total 5 of them", "we had a total 5 of them"),
        ("Donald Trump said 5", "Donald Trump said 5"),
        ("I met 3 people, Donald 5 times", "I met 3 people, Donald 5 times"),
        ("the total was 45, Donald said", "the total was 45, Donald said"),
        # "at" before a 24-hour time is the word, not an eight
        ("The appointment is on December 20, 26 at 1645.", "The appointment is on December 20, 26 at 1645."),
        ("The appointment is on June 20, 20, six at 20, 45.", "The appointment is on June 20, 20, 6 at 20, 45."),
        ("nine eight seven at 6 5 4 3", "9 8 7 8 6 5 4 3"),
        ("September 2020,\nseven, at three, 30, and", "September 2020,\n7, at 3, 30, and"),
        # "or" between groups is a choice, not "oh"
        ("Pick 10, 20 or 30, 40 or 50.", "Pick 10, 20 or 30, 40 or 50."),
        ("It costs 19.99 or 24.99 or 29.99.", "It costs 19.99 or 24.99 or 29.99."),
        # a pause between tens and a unit: two groups of a card, not one number
        ("twenty seven twenty, six five oh seven", "27 20, 6 5 0 7"),
        ("twenty six", "26"),
    ],
)
def test_spoken_numbers_become_digits(raw: str, digits: str) -> None:
    assert normalize_spoken_numbers(raw).text == digits


@pytest.mark.parametrize(
    "raw",
    ["oh well, that is fine", "and so on", "I'll be there. One more thing", "hello world"],
)
def test_words_that_are_not_numbers_here_stay(raw: str) -> None:
    text = normalize_spoken_numbers(raw).text
    assert "oh" not in raw or "oh" in text
    assert "and" not in raw or "and" in text
    assert "One more" not in raw or "1 more" in text  # a lone number word is a number


def test_a_sentence_end_splits_runs() -> None:
    text = normalize_spoken_numbers("it ends in one one. One more thing").text
    assert text == "it ends in 1 1. 1 more thing"


def test_raw_span_maps_every_digit_run_back_to_its_words() -> None:
    rng = random.Random(3)
    words = list(UNITS)[3:]
    fillers = ["my", "number", "is", "and", "call", "me"]
    for _ in range(200):
        tokens = [rng.choice(words if rng.random() < 0.7 else fillers) for _ in range(rng.randint(1, 12))]
        raw = rng.choice([" ", ", ", " - "]).join(tokens)
        normalized = normalize_spoken_numbers(raw)
        for match in re.finditer(r"\d+", normalized.text):
            start, end = normalized.raw_span(match.start(), match.end())
            covered = raw[start:end]
            assert covered.split()[0].strip(",").lower() in UNITS
            assert re.sub(r"\W", "", covered).isalpha()
        # text outside number runs is untouched
        assert re.sub(r"\d+", "", normalized.text).replace(" ", "") == re.sub(
            "|".join(rf"\b{w}\b" for w in words), "", raw
        ).replace(" ", "")
