"""Whole-transcript consistency (a value found once is redacted everywhere, parts included) and
the residual-risk scan that runs last."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from postprocess.compose import compose_enriched
from postprocess.config import EnrichmentConfig
from postprocess.document import Source
from postprocess.findings import PiiFindings, PiiSpan, ProfanityFindings
from postprocess.pii import find_pii, find_pii_in_text
from postprocess.pii.core.spoken import normalize_spoken_numbers
from postprocess.pii.passes.consistency import Found, digit_parts, name_parts, repeated_values, soundex
from postprocess.pii.passes.residual import residual_spans
from postprocess.schema import load_enriched_schema
from postprocess.sentiment import score_sentiment
from tests.support.transcripts import make_transcript


def repeats(text: str, found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What ``repeated_values`` adds for values ``(type, text)`` found once (their first occurrence)."""
    spans = [Found(text.index(value), text.index(value) + len(value), kind) for kind, value in found]
    out = repeated_values(text, normalize_spoken_numbers(text), spans)
    elsewhere = [f for f in out if not any(s.start <= f.start and f.end <= s.end for s in spans)]
    return sorted({(f.type, text[f.start : f.end]) for f in elsewhere})


def test_name_words_are_found_everywhere_and_inside_glued_tokens() -> None:
    text = "my name is Margaret Thornton. Margaret said hi. mail Margaret.orgtonatemple.com or thornton_m@x.io"
    assert repeats(text, [("PERSON", "Margaret Thornton")]) == [
        ("EMAIL_ADDRESS", "Margaret.orgtonatemple.com"),
        ("EMAIL_ADDRESS", "thornton_m@x.io"),
        ("PERSON", "Margaret"),
    ]


def test_a_part_is_a_whole_word_not_a_piece_of_another_word() -> None:
    assert repeats("my name is Ann Lee. The announcement by Annabel and Ann.", [("PERSON", "Ann Lee")]) == [
        ("PERSON", "Ann")
    ]


def test_a_name_word_written_lowercase_after_a_determiner_is_the_common_word() -> None:
    # recognised: "My name is Bill Campbell" … "Your bill of 43 dollars is due"; "thanks bill" stays a name
    text = "My name is Bill Campbell.\nYour bill of 43 dollars is due. Thanks bill, that's all."
    assert repeats(text, [("PERSON", "Bill Campbell")]) == [("PERSON", "bill")]
    assert repeats(text, [("PERSON", "Bill")]) == [("PERSON", "bill")]


def test_a_name_that_is_a_common_word_is_found_again_only_capitalised() -> None:
    # "Will" is also "will": found as a name, it is redacted again where it reads as one
    text = "This is Will speaking. It will be ready soon. Thanks, Will."
    assert repeats(text, [("PERSON", "Will")]) == [("PERSON", "Will")]
    # recognised: "surname ready" (Reddy) … "It will be ready after six."
    text = "Hello, this is Sunita, surname ready.\nIt will be ready after six."
    assert repeats(text, [("PERSON", "ready")]) == []


@pytest.mark.parametrize(
    ("text", "name", "spelling"),
    [
        # recognised: what was kept of the spelling that followed the name
        ("My name is Margaret Park, and at the RK I need to update my details.", "Margaret Park", "RK"),
        ("My name is Javier Johnson. I stay OHNS4 and I'm calling about my claim.", "Javier Johnson", "OHNS"),
        ("My name is Dylan Adams, I see a M.S.", "Dylan Adams", "a M.S"),
    ],
)
def test_what_recognition_kept_of_a_spelling_after_a_name_is_found(text: str, name: str, spelling: str) -> None:
    assert repeats(text, [("PERSON", name)]) == [("PERSON", spelling)]


def test_capitals_after_a_name_that_spell_none_of_it_stay() -> None:
    text = "My name is Anita Patel, and the IN number, then QQ and the NHS. Later: ETA."
    assert repeats(text, [("PERSON", "Anita Patel")]) == []


def test_names_heard_differently_are_found_by_sound() -> None:
    text = (
        "IT desk, Callum MacLeod speaking. Hi, Calum. Thanks Calam. The column is wide. "
        "Siobhan? Yes, Shivon here. Shivon here."
    )
    found = repeats(text, [("PERSON", "Callum MacLeod"), ("PERSON", "Siobhan")])
    assert found == [("PERSON", "Calam"), ("PERSON", "Calum"), ("PERSON", "Shivon")]
    # the "Shivon" that opens a sentence stays: a capital there may be any word, and it is spelled
    # too far from "Siobhan" to tell
    start = text.index("Siobhan")
    out = repeated_values(text, normalize_spoken_numbers(text), [Found(start, start + 7, "PERSON")])
    assert [text[f.start - 5 : f.end] for f in out if text[f.start : f.end] == "Shivon"] == ["Yes, Shivon"]
    assert soundex("Callum") == soundex("Calum") == "C450" and soundex("Siobhan") == soundex("Shivon")


def test_the_local_part_of_an_email_names_someone() -> None:
    assert name_parts("margaret dot thornton at temple mail dot com", "EMAIL_ADDRESS") == {"margaret", "thornton"}
    assert name_parts("22 Baker Street", "LOCATION") == set()


def test_digit_groups_of_a_value_are_found_in_any_run() -> None:
    text = "my mobile is 07700 900123. Again: 07700. The card 4539 1480 3436 4712, ending in 4712, in 2024."
    found = repeats(text, [("PHONE_NUMBER", "07700 900123"), ("CREDIT_CARD", "4539 1480 3436 4712")])
    assert found == [("CREDIT_CARD", "4712"), ("PHONE_NUMBER", "07700")]


def test_years_and_round_numbers_are_not_parts() -> None:
    assert digit_parts("2024 03 1178") == {"1178", "2024031178"}
    assert digit_parts("1 000 000 1979") == {"10000001979"}


@pytest.mark.integration
def test_a_value_found_in_one_segment_is_redacted_in_every_other(warm_pii: EnrichmentConfig) -> None:
    transcript = make_transcript(["My name is Priya Raman.", "Thanks Priya, and Raman is spelled how?", "priya"])
    raw = [s.text for s in transcript.segments]
    spans = find_pii(transcript, warm_pii).spans
    assert [(s.segment, raw[s.segment][s.start : s.end]) for s in spans] == [
        (0, "Priya Raman"),
        (1, "Priya"),
        (1, "Raman"),
        (2, "priya"),
    ]


def visible(found: list[tuple[int, int]], text: str) -> list[tuple[str, str]]:
    config = EnrichmentConfig()
    return [(r.type, text[r.start : r.end]) for r in residual_spans(text, found, frozenset(config.pii_entities))]


def test_the_residual_scan_redacts_what_still_looks_like_an_identifier() -> None:
    text = "ref 4, 4, 7, 8, 2, 1, 9, 3, 6 then write to jo@x.com or hq.acme.co.uk, and b@stard"
    assert visible([], text) == [
        ("ID_NUMBER", "4, 4, 7, 8, 2, 1, 9, 3, 6"),
        ("EMAIL_ADDRESS", "jo@x.com"),
        ("EMAIL_ADDRESS", "hq.acme.co.uk"),
        ("EMAIL_ADDRESS", "b@stard"),
    ]
    profane = [(r.type, text[r.start : r.end]) for r in residual_spans(text, [], frozenset({"EMAIL_ADDRESS"}),
               is_profane=lambda w: w == "b@stard")]  # fmt: skip
    assert ("EMAIL_ADDRESS", "b@stard") not in profane


@pytest.mark.parametrize(
    "text",
    [
        "revenue was 4,200,000 dollars and 1,234,567 users signed up",
        "from 2019-2023 and on 14/03/2024; version 10.0.19045",
        "rooms 1 0 4, 1 0 6; see setup.py and README.md",
        "our website is example.com, or go to www.acme.org",
    ],
)
def test_the_residual_scan_leaves_what_a_rule_allows(text: str) -> None:
    assert visible([], text) == []


def test_what_was_found_is_not_scanned_again() -> None:
    text = "call 4, 4, 7, 8, 2, 1, 9, 3, 6 now"
    assert visible([(5, 30)], text) == []


@pytest.mark.integration
def test_residual_redactions_are_counted_in_the_enriched_transcript(warm_pii: EnrichmentConfig) -> None:
    # a phone number scored below a strict threshold: the recognizers drop it, the scan catches it
    config = replace(warm_pii, pii_score_threshold=0.95)
    transcript = make_transcript(["I'll give you the number, 4 1 5 5 5 5 0 1 9 9, ok?"])
    pii = find_pii(transcript, config)
    source = Source(uri="a.mp4", duration_seconds=4.0)
    sentiment = score_sentiment(transcript)
    enriched = compose_enriched(transcript, pii, ProfanityFindings(spans=()), sentiment, job_id="j", source=source,
                                config=config)  # fmt: skip
    assert enriched.pii.residual_redactions == 1
    assert enriched.pii.counts == {"PHONE_NUMBER": 1}
    assert "4 1 5" not in enriched.transcript.text
    jsonschema.validate(json.loads(enriched.to_json()), load_enriched_schema())
    assert json.loads(json.dumps(pii.to_dict()))["residual_redactions"] == 1
    assert PiiFindings.from_dict(pii.to_dict()) == PiiFindings(
        spans=tuple(replace(s, score=round(s.score, 4)) for s in pii.spans)
    )


@pytest.mark.integration
def test_the_scan_can_be_switched_off(warm_pii: EnrichmentConfig) -> None:
    text = "I'll give you the number, 4 1 5 5 5 5 0 1 9 9, ok?"
    strict = replace(warm_pii, pii_score_threshold=0.95)
    assert [p.residual for p in find_pii_in_text(text, strict)] == [True]
    assert find_pii_in_text(text, replace(strict, pii_residual_scan=False)) == []
    assert EnrichmentConfig.from_env({"CLEARSCRIBE_PII_RESIDUAL_SCAN": "off"}).pii_residual_scan is False
    with pytest.raises(ValueError):
        EnrichmentConfig.from_env({"CLEARSCRIBE_PII_RESIDUAL_SCAN": "maybe"})


def test_the_schema_describes_residual_redactions() -> None:
    root = Path(__file__).resolve().parents[3]
    schema = json.loads((root / "postprocess" / "enriched-transcript.v1.json").read_text())
    pii = schema["properties"]["pii"]["$ref"].removeprefix("#/$defs/")
    assert "residual_redactions" in schema["$defs"][pii]["properties"]


def test_a_residual_flag_round_trips_through_findings() -> None:
    span = PiiSpan(0, 1, 5, "ID_NUMBER", 0.5, residual=True)
    assert PiiSpan.from_dict(span.to_dict()) == span
    assert "residual" not in PiiSpan(0, 1, 5, "ID_NUMBER", 0.5).to_dict()
