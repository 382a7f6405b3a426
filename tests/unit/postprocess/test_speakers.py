"""Speakers in the enriched transcript: labels on segments, ``speakers[]`` (talk time, words,
sentiment), anonymous labels, the schema, the summary, and redaction that holds across speakers."""

from __future__ import annotations

import json
from dataclasses import replace

import jsonschema
import pytest

from postprocess.compose import compose_enriched, enrich_transcript
from postprocess.config import EnrichmentConfig
from postprocess.document import EnrichedTranscript, Sentiment, Source, SpeakerStats
from postprocess.findings import PiiFindings, ProfanityFindings
from postprocess.schema import load_enriched_schema
from postprocess.sentiment import score_sentiment
from shared.models import Transcript
from tests.support.transcripts import make_transcript

SOURCE = Source(uri="/tmp/call.mp4", duration_seconds=20.0)


def spoken_by(transcript: Transcript, speakers: list[str], turns: list[tuple[float, float, str]] | None) -> Transcript:
    segments = tuple(replace(s, speaker=label) for s, label in zip(transcript.segments, speakers, strict=True))
    return replace(transcript, segments=segments, speaker_turns=None if turns is None else tuple(turns))


def compose(transcript: Transcript) -> EnrichedTranscript:
    return compose_enriched(
        transcript,
        PiiFindings(spans=()),
        ProfanityFindings(spans=()),
        score_sentiment(transcript),
        job_id="job-1",
        source=SOURCE,
    )


LINES = [
    "This is terrible, I am furious and I hate waiting.",  # 0-4 s
    "I am sorry to hear that, I will gladly help you today.",  # 4-8 s
    "It is awful and nothing works.",  # 8-12 s
    "Great, thank you, that is wonderful news.",  # 12-16 s
]


def test_each_speaker_gets_talk_time_words_and_their_own_sentiment() -> None:
    transcript = spoken_by(
        make_transcript(LINES),
        ["S1", "S2", "S1", "S2"],
        [(0.0, 3.9, "S1"), (4.1, 7.8, "S2"), (8.0, 12.0, "S1"), (12.2, 16.0, "S2"), (16.5, 18.0, "S3")],
    )

    enriched = compose(transcript)

    assert [s.speaker for s in enriched.transcript.segments] == ["S1", "S2", "S1", "S2"]
    assert enriched.speakers is not None
    speakers = {s.id: s for s in enriched.speakers}
    assert [s.id for s in enriched.speakers] == ["S1", "S2", "S3"]
    assert speakers["S1"].talk_seconds == pytest.approx(7.9)
    assert speakers["S2"].talk_seconds == pytest.approx(7.5)
    assert speakers["S1"].words == len((LINES[0] + " " + LINES[2]).split())
    assert speakers["S1"].sentiment.label == "negative"
    assert speakers["S2"].sentiment.label == "positive"
    # Speech that gave no words is a speaker with talk time and nothing said.
    assert speakers["S3"] == SpeakerStats(
        id="S3", talk_seconds=1.5, words=0, sentiment=Sentiment(compound=0.0, label="neutral")
    )
    # The overall score mixes them; each speaker's is the same kind of duration-weighted mean.
    overall = enriched.sentiment.overall.compound
    assert speakers["S1"].sentiment.compound < overall < speakers["S2"].sentiment.compound
    jsonschema.Draft202012Validator(load_enriched_schema()).validate(json.loads(enriched.to_json()))


def test_without_turns_talk_time_comes_from_the_segments() -> None:
    enriched = compose(spoken_by(make_transcript(LINES[:2]), ["S1", "S2"], None))
    assert [(s.id, s.talk_seconds) for s in enriched.speakers or ()] == [("S1", 4.0), ("S2", 4.0)]


def test_without_speaker_labels_there_are_no_speaker_fields() -> None:
    enriched = compose(make_transcript(LINES))
    stored = json.loads(enriched.to_json())
    assert "speakers" not in stored
    assert all("speaker" not in s for s in stored["transcript"]["segments"])
    assert "speakers" not in enriched.summary().to_dict()


def test_labelled_but_silent_gives_an_empty_speaker_list() -> None:
    silent = replace(make_transcript([]), speaker_turns=())
    enriched = compose(silent)
    stored = json.loads(enriched.to_json())
    assert stored["speakers"] == []
    jsonschema.Draft202012Validator(load_enriched_schema()).validate(stored)


def test_labels_never_carry_names() -> None:
    """A transcript file labelled with names comes out with S1, S2 by first appearance."""
    transcript = spoken_by(
        make_transcript(LINES[:3]), ["Dr Alice Smith", "bob@example.com", "Dr Alice Smith"], [(9.0, 9.5, "Carol")]
    )
    enriched = compose(transcript)
    stored = enriched.to_json().decode()
    assert [s.speaker for s in enriched.transcript.segments] == ["S1", "S2", "S1"]
    assert [s.id for s in enriched.speakers or ()] == ["S1", "S2", "S3"]
    for name in ("Alice", "bob", "Carol"):
        assert name not in stored


def test_the_summary_carries_the_speakers() -> None:
    enriched = compose(spoken_by(make_transcript(LINES[:2]), ["S2", "S1"], None))
    summary = enriched.summary().to_dict()
    assert [s["id"] for s in summary["speakers"]] == ["S1", "S2"]  # renumbered by first appearance
    assert summary["speakers"][0]["sentiment"]["label"] == "negative"


@pytest.mark.integration
def test_a_value_said_by_one_speaker_is_redacted_when_the_other_repeats_it(warm_pii: EnrichmentConfig) -> None:
    transcript = spoken_by(
        make_transcript(
            [
                "Hi, my name is Priya Raman and my account number is 4417 1234 5678 9113.",
                "Thanks. Let me check: 4417 1234 5678 9113, under Raman.",
                "Yes, that is right.",
                "Okay Priya, the card ending 9113 is blocked now.",
            ],
            with_words=True,
        ),
        ["S1", "S2", "S1", "S2"],
        None,
    )

    enriched = enrich_transcript(transcript, job_id="job-1", source=SOURCE, config=warm_pii)

    stored = enriched.to_json().decode()
    for secret in ("Priya", "Raman", "4417", "1234", "5678", "9113"):
        assert secret not in stored, secret
    by_speaker = [(s.speaker, s.text) for s in enriched.transcript.segments]
    assert "<PERSON>" in by_speaker[0][1] and "<PERSON>" in by_speaker[1][1] and "<PERSON>" in by_speaker[3][1]
    assert by_speaker[1][0] == by_speaker[3][0] == "S2"
