"""When, in the recording, the redacted words are said: the time spans ``redacted.<ext>`` replaces.

Spans come from the enriched transcript only, never from raw text. Each PII entity (and, when asked
for, each masked profanity span) names its segment and the ``[start, end)`` of its placeholder in the
clean ``transcript.text``. The clean words of that segment carry the placeholder too (words inside one
redacted span are merged into one word with the first word's start and the last word's end), so the
span's time is that of the clean words its characters overlap. A segment without word times, or whose
words cannot be found in its text, gives its whole ``[start, end]`` instead: more is replaced, nothing
is missed.

Every span is then widened by a margin on each side (:data:`MARGIN_SECONDS`: word times are estimates,
and a word's first and last sounds lie just outside them), clamped to the recording's duration, and
spans that overlap or touch are merged. Pure functions, no I/O.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from postprocess.document import CleanSegment, EnrichedTranscript

__all__ = ["MARGIN_SECONDS", "TimeSpan", "merge_spans", "redacted_times", "segment_ranges", "widen_spans"]

#: Seconds added before and after every redacted span's word times.
MARGIN_SECONDS = 0.15


@dataclass(frozen=True, order=True)
class TimeSpan:
    """``[start, end]`` in seconds from the start of the recording (the first decoded audio sample)."""

    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


def segment_ranges(segments: Sequence[CleanSegment]) -> list[tuple[int, int, int]]:
    """``(start, end, index)`` of each non-empty segment's text in ``transcript.text`` (the clean
    segment texts joined by one space, as the enriched transcript defines it)."""
    ranges: list[tuple[int, int, int]] = []
    offset = 0
    for index, segment in enumerate(segments):
        if not segment.text:
            continue
        if ranges:
            offset += 1
        ranges.append((offset, offset + len(segment.text), index))
        offset += len(segment.text)
    return ranges


def _word_ranges(segment: CleanSegment) -> list[tuple[int, int]] | None:
    """Each clean word's ``[start, end)`` in the clean segment text, in order; None without words or
    when a word is not where the text says."""
    if not segment.words:
        return None
    ranges = []
    cursor = 0
    for word in segment.words:
        token = word.text.strip()
        found = segment.text.find(token, cursor) if token else cursor
        if found < 0:
            return None
        ranges.append((found, found + len(token)))
        cursor = found + len(token)
    return ranges


def span_time(segment: CleanSegment, start: int, end: int) -> TimeSpan:
    """The time of the characters ``[start, end)`` of a clean segment's text: from the first to the last
    of the clean words they overlap, else (no words, words not aligned, none overlapping) the segment's."""
    ranges = _word_ranges(segment)
    if ranges is not None and segment.words:
        hit = [
            word for word, (lo, hi) in zip(segment.words, ranges, strict=True) if lo < end and hi > start and hi > lo
        ]
        if hit:
            return TimeSpan(min(w.start for w in hit), max(w.end for w in hit))
    return TimeSpan(segment.start, max(segment.start, segment.end))


def widen_spans(spans: Iterable[TimeSpan], *, margin: float, duration: float | None) -> list[TimeSpan]:
    """Each span with ``margin`` seconds more on both sides, clamped to ``[0, duration]`` (no upper clamp
    when the duration is unknown: None or 0), empty ones dropped, overlapping ones merged."""
    upper = duration if duration and duration > 0 else None
    widened = []
    for span in spans:
        start = max(0.0, span.start - margin)
        end = span.end + margin if upper is None else min(upper, span.end + margin)
        if end > start:
            widened.append(TimeSpan(round(start, 3), round(end, 3)))
    return merge_spans(widened)


def merge_spans(spans: Iterable[TimeSpan]) -> list[TimeSpan]:
    """``spans`` sorted, with those that overlap or touch joined into one."""
    merged: list[TimeSpan] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end:
            merged[-1] = TimeSpan(merged[-1].start, max(merged[-1].end, span.end))
        else:
            merged.append(span)
    return merged


def redacted_times(
    enriched: EnrichedTranscript, *, profanity: bool = False, margin: float = MARGIN_SECONDS
) -> list[TimeSpan]:
    """The time spans to replace in the recording: every PII entity's (and masked profanity's, with
    ``profanity``), widened by ``margin``, clamped to the recording and merged, in order."""
    segments = enriched.transcript.segments
    ranges = segment_ranges(segments)
    starts = [r[0] for r in ranges]
    marked = [(e.start, e.end) for e in enriched.pii.entities]
    if profanity:
        marked += [(s.start, s.end) for s in enriched.profanity.spans]
    found = []
    for start, end in marked:
        at = bisect.bisect_right(starts, start) - 1
        if at < 0 or start >= end:
            continue
        seg_start, seg_end, index = ranges[at]
        if start >= seg_end:  # between two segments: never where a placeholder is
            continue
        found.append(span_time(segments[index], start - seg_start, min(end, seg_end) - seg_start))
    return widen_spans(found, margin=margin, duration=enriched.source.duration_seconds)
