"""Spans of time (``(start, end)`` in seconds) as the decoding policy handles them: merged,
subtracted, measured, and speech grouped into chunks Whisper decodes at once. Standard library only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Span = tuple[float, float]

#: The longest audio Whisper decodes at once.
CHUNK_SECONDS = 30.0


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """``spans`` sorted, overlapping or touching ones joined."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def subtract_spans(spans: Sequence[Span], holes: Sequence[Span]) -> list[Span]:
    """The parts of ``spans`` (merged) outside every span of ``holes`` (merged)."""
    out: list[Span] = []
    holes = merge_spans(holes)
    for start, end in merge_spans(spans):
        cursor = start
        for h_start, h_end in holes:
            if h_end <= cursor or h_start >= end:
                continue
            if h_start > cursor:
                out.append((cursor, h_start))
            cursor = max(cursor, h_end)
        if cursor < end:
            out.append((cursor, end))
    return out


def total(spans: Iterable[Span]) -> float:
    return sum(end - start for start, end in merge_spans(spans))


def chunk_spans(speech: Sequence[Span], *, max_seconds: float = CHUNK_SECONDS) -> list[Span]:
    """The detector's speech pieces grouped in order into chunks no longer than ``max_seconds``
    (start of the first piece to end of the last); a longer piece is cut into pieces that fit.
    Pieces may overlap (the detector pads them); chunks never do."""
    chunks: list[Span] = []
    for start, end in sorted(speech):
        if chunks:
            start = max(start, chunks[-1][1])
            if end <= start:
                continue
            if end - chunks[-1][0] <= max_seconds:
                chunks[-1] = (chunks[-1][0], end)
                continue
        while end - start > max_seconds:
            chunks.append((start, start + max_seconds))
            start += max_seconds
        chunks.append((start, end))
    return chunks
