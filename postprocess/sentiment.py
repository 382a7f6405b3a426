"""Sentiment with VADER: per segment (sentence level), overall (duration-weighted), share of time.

VADER is made for sentences: a segment is split into sentences, each scored, and the segment's
compound is their mean. Labels follow VADER's documented thresholds (compound >= 0.05 positive,
<= -0.05 negative, neutral between). Only scores leave this module, never text.

Scores come from the raw segment text (swear words in), with VADER's lexicon corrected for speech
(``SpeechSentimentAnalyzer``): swear words it lacks ("asshole", "bollocks", "tosser"…) are
negative, and "the shit" is not read as praise (VADER's slang idiom scores "the shit keep coming"
at +0.61).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from postprocess.config import EnrichmentConfig
from postprocess.findings import SegmentSentiment, SentimentFindings, SentimentLabel
from shared.models import Segment, Transcript

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

# Swear words VADER's lexicon lacks, scored like the ones it has ("bastard" -2.5, "dickhead" -3.1).
SWEAR_VALENCES = {
    "asshole": -2.8, "arsehole": -2.8, "arseholes": -2.8, "bollocks": -2.0, "tosser": -2.5, "tossers": -2.5,
    "bugger": -1.6, "shite": -2.6, "dammit": -1.7, "goddammit": -1.9, "bellend": -2.5, "knobhead": -2.5,
    "pillock": -1.8, "wazzock": -1.8, "sodding": -1.6, "bloody": -1.9,
}  # fmt: skip
POSITIVE_THRESHOLD = 0.05
NEGATIVE_THRESHOLD = -0.05
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@lru_cache(maxsize=1)
def sentiment_analyzer() -> SentimentIntensityAnalyzer:
    """VADER's analyzer with the lexicon corrected for speech (loaded once per process)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    class SpeechSentimentAnalyzer(SentimentIntensityAnalyzer):
        def __init__(self) -> None:
            super().__init__()
            self.lexicon.update(SWEAR_VALENCES)

        @staticmethod
        def _special_idioms_check(valence, words_and_emoticons, i):
            # VADER reads "the shit" as slang praise (+3); in calls it is the opposite.
            if i > 0 and words_and_emoticons[i].lower() == "shit" and words_and_emoticons[i - 1].lower() == "the":
                return valence
            return SentimentIntensityAnalyzer._special_idioms_check(valence, words_and_emoticons, i)

    return SpeechSentimentAnalyzer()


def label_for(compound: float) -> SentimentLabel:
    """VADER's documented label for a compound score."""
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (split after . ! ?); the whole text when it has no such marks."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def compound_of(text: str) -> float:
    """Mean VADER compound of the sentences of ``text`` (0.0 for empty text)."""
    sentences = split_sentences(text)
    if not sentences:
        return 0.0
    analyzer = sentiment_analyzer()
    return sum(analyzer.polarity_scores(s)["compound"] for s in sentences) / len(sentences)


def segment_weight(segment: Segment, timed: bool) -> float:
    """How much a segment counts in the overall score: its duration, or its word count if untimed."""
    return max(segment.end - segment.start, 0.0) if timed else float(len(segment.text.split()))


def score_sentiment(transcript: Transcript, config: EnrichmentConfig | None = None) -> SentimentFindings:
    """Per-segment compound and label, the weighted overall score and the time share per label."""
    del config  # no sentiment settings yet; kept for a uniform finder signature
    scored = [SegmentSentiment(s.id, c, label_for(c)) for s, c in _compounds(transcript.segments)]
    timed = transcript.has_timestamps
    weights = [segment_weight(s, timed) for s in transcript.segments]
    total = sum(weights)
    overall = sum(w * s.compound for w, s in zip(weights, scored, strict=True)) / total if total else 0.0
    share: dict[SentimentLabel, float] = {"positive": 0.0, "neutral": 0.0, "negative": 0.0}
    for weight, segment in zip(weights, scored, strict=True):
        share[segment.label] += weight / total if total else 0.0
    return SentimentFindings(
        segments=tuple(scored),
        overall_compound=overall,
        overall_label=label_for(overall),
        time_share=share,
    )


def _compounds(segments: Sequence[Segment]) -> list[tuple[Segment, float]]:
    return [(segment, compound_of(segment.text)) for segment in segments]
