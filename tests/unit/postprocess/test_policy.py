"""The strict PII policy: numbers of three or more digits and capitalised words outside the
dictionary are hidden; what measures, costs or dates something, and sentence openings, are not."""

from __future__ import annotations

import pytest

from postprocess.pii.core.spoken import normalize_spoken_numbers
from postprocess.pii.policy import dictionary, strict_spans


def hidden(text: str) -> list[tuple[str, str]]:
    return [(text[start:end], kind) for start, end, kind in strict_spans(normalize_spoken_numbers(text))]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The code I was given is 4821, thanks.", "4821"),
        ("It is three one four, if that helps.", "three one four"),
        ("We spoke to Gwendolyn about it.", "Gwendolyn"),
        ("the reference came back as 20 44 19.", "20 44 19"),
    ],
)
def test_strict_hides_numbers_and_names_the_standard_rules_need_a_cue_for(text: str, value: str) -> None:
    assert value in [found for found, _ in hidden(text)]


@pytest.mark.parametrize(
    "text",
    [
        "It cost $1,250 and took 45 minutes.",
        "The meeting is at 3:30 on Monday, 14/03/2024.",
        "In 2023 we hired 40 people.",
        "Gwendolyn called. The house was quiet.",
        "I think the office is open in March.",
    ],
)
def test_strict_shows_amounts_quantities_times_dates_and_sentence_openings(text: str) -> None:
    assert hidden(text) == []


def test_the_dictionary_holds_common_words_and_no_rare_names() -> None:
    words = dictionary()
    assert {"house", "quiet", "office", "computer"} <= words
    assert not {"gwendolyn", "okonkwo"} & words
