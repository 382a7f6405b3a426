"""Small transcripts shaped like real ASR output, for the enricher and output tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from postprocess.document import (
    CleanSegment,
    CleanTranscript,
    EnrichedTranscript,
    ModelInfo,
    PiiReport,
    ProfanityReport,
    Sentiment,
    SentimentReport,
    Source,
    TimeShare,
)
from shared.models import Segment, Transcript, Word


def words_of(text: str, start: float, end: float) -> tuple[Word, ...]:
    """Word timings spread evenly over a segment, texts as faster-whisper writes them (" word")."""
    tokens = text.split()
    step = (end - start) / max(len(tokens), 1)
    return tuple(
        Word(start=round(start + i * step, 3), end=round(start + (i + 1) * step, 3), text=" " + tok, probability=0.9)
        for i, tok in enumerate(tokens)
    )


def make_transcript(texts: list[str], *, with_words: bool = False, seconds: float = 4.0) -> Transcript:
    """A transcript with one segment per text, ``seconds`` long each, as ASR writes segments."""
    segments = []
    for i, text in enumerate(texts):
        start, end = i * seconds, (i + 1) * seconds
        raw = " " + text
        segments.append(
            Segment(id=i, start=start, end=end, text=raw, words=words_of(text, start, end) if with_words else ())
        )
    return Transcript(
        language="en", duration=len(texts) * seconds, segments=tuple(segments), model="distil-large-v3",
        engine="faster-whisper",
    )  # fmt: skip


def clean_segments(items: Sequence[Mapping[str, Any]]) -> list[CleanSegment]:
    """Clean segments of an enriched transcript from their JSON form, given without ``id`` (their
    index) or ``sentiment`` (neutral) where a test does not care."""
    neutral = {"compound": 0.0, "label": "neutral"}
    return [CleanSegment.model_validate({"id": i, "sentiment": neutral, **item}) for i, item in enumerate(items)]


def enriched_document(segments: Sequence[CleanSegment], *, text: str | None = None) -> EnrichedTranscript:
    """A valid enriched transcript of ``segments``, with no findings (the text, unless given: theirs joined)."""
    return EnrichedTranscript(
        schema_version="1",
        job_id="job-1",
        source=Source(uri="/videos/a.mp4", duration_seconds=max((s.end for s in segments), default=0.0)),
        model=ModelInfo(name="distil-large-v3", engine="faster-whisper"),
        language="en",
        transcript=CleanTranscript(
            text=" ".join(s.text for s in segments if s.text) if text is None else text, segments=tuple(segments)
        ),
        pii=PiiReport(counts={}, entities=()),
        profanity=ProfanityReport(count=0, spans=()),
        sentiment=SentimentReport(
            overall=Sentiment(compound=0.0, label="neutral"), time_share=TimeShare(positive=0, neutral=1, negative=0)
        ),
        timings={},
    )
