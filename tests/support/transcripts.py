"""Small transcripts shaped like real ASR output, for the enricher and output tests."""

from __future__ import annotations

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
