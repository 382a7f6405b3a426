from __future__ import annotations

import json

import pytest

from postprocess.findings import SentimentFindings
from postprocess.sentiment import compound_of, label_for, score_sentiment, split_sentences
from shared.models import Segment, Transcript
from tests.support.transcripts import make_transcript


@pytest.mark.parametrize(
    ("compound", "label"),
    [(0.05, "positive"), (0.0499, "neutral"), (0.0, "neutral"), (-0.0499, "neutral"), (-0.05, "negative")],
)
def test_labels_follow_vader_thresholds(compound: float, label: str) -> None:
    assert label_for(compound) == label


def test_segment_score_is_the_mean_of_its_sentences() -> None:
    text = "I love this product. This is terrible and I hate it."
    sentences = split_sentences(text)
    assert len(sentences) == 2
    assert compound_of(text) == pytest.approx((compound_of(sentences[0]) + compound_of(sentences[1])) / 2)


def test_overall_is_duration_weighted_and_time_share_sums_to_one() -> None:
    segments = (
        Segment(0, 0.0, 1.0, " I love this, it is wonderful."),
        Segment(1, 1.0, 10.0, " This is awful, I hate it."),
        Segment(2, 10.0, 12.0, " The meeting is on Tuesday."),
    )
    transcript = Transcript(language="en", duration=12.0, segments=segments, model="m")
    found = score_sentiment(transcript)
    pos, neg = found.segments[0].compound, found.segments[1].compound
    assert [s.label for s in found.segments] == ["positive", "negative", "neutral"]
    assert found.overall_compound == pytest.approx((1 * pos + 9 * neg + 2 * 0.0) / 12)
    assert found.overall_label == "negative"
    assert found.time_share == pytest.approx({"positive": 1 / 12, "negative": 9 / 12, "neutral": 2 / 12})


def test_untimed_transcripts_weigh_segments_by_words() -> None:
    transcript = Transcript.from_plain_text("I love it\nthis is a horrible and terrible and awful day indeed")
    found = score_sentiment(transcript)
    assert found.time_share["negative"] == pytest.approx(10 / 13)


def test_findings_hold_scores_only_and_round_trip() -> None:
    transcript = make_transcript(["I am so happy with the service.", "My name is John and this sucks."])
    found = score_sentiment(transcript)
    stored = json.dumps(found.to_dict())
    assert "John" not in stored and "happy" not in stored
    again = SentimentFindings.from_dict(json.loads(stored))
    assert again.to_dict() == found.to_dict()


def test_empty_transcript_is_neutral() -> None:
    found = score_sentiment(make_transcript([]))
    assert (found.overall_compound, found.overall_label) == (0.0, "neutral")


def test_a_hostile_line_with_swear_words_is_negative() -> None:
    # VADER alone scores it +0.61: "the shit" is its slang for praise, "asshole" is not in its lexicon
    assert label_for(compound_of("That was a total asshole move, and the shit keep coming.")) == "negative"
    assert label_for(compound_of("What a load of bollocks, you tosser.")) == "negative"
    assert label_for(compound_of("I love this team, the launch was great.")) == "positive"
