"""When, in the recording, the redacted words are said: the time spans ``redacted.<ext>`` replaces.

Spans come from the enriched transcript only, never from raw text. Each PII entity (and, when asked
for, each masked profanity span) names its segment and the ``[start, end)`` of its placeholder in the
clean ``transcript.text``. The clean words of that segment carry the placeholder too (words inside one
redacted span are merged into one word with the first word's start and the last word's end), so the
span's time is that of the clean words its characters overlap.

Word times are estimates: the recogniser may give a name's first word no duration at all and put it
where the second one starts, half a second after it was said. So a span is widened on each side by
:data:`MARGIN_SECONDS`, and further towards the word before it and the word after it (the words that
were heard and not redacted: between them there is only the redacted value, or silence), by at most
:data:`REACH_SECONDS` beyond its own times. A span with no word before or after it reaches towards the
start or the end of the recording the same way.

A segment without word times, or whose words cannot be found in its text, gives its whole ``[start,
end]`` (with the margin): more is replaced, nothing is missed. Spans are then clamped to the
recording's duration, and spans that overlap or touch are merged. Pure functions, no I/O.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from postprocess.document import CleanSegment, EnrichedTranscript

__all__ = [
    "MARGIN_SECONDS",
    "REACH_SECONDS",
    "TimeSpan",
    "merge_spans",
    "redacted_times",
    "segment_ranges",
    "widen_spans",
]

#: Seconds always added before and after every redacted span's word times.
MARGIN_SECONDS = 0.15
#: How far, at most, a span reaches beyond its word times towards the neighbouring words' times.
REACH_SECONDS = 1.0


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


@dataclass(frozen=True)
class _Found:
    """A redacted stretch: its words' times, and where the words heard before and after it end and start
    (None: there are none, or the segment has no word times)."""

    span: TimeSpan
    before: float | None
    after: float | None
    timed: bool


class _Words:
    """Every clean word with times, in order over the whole transcript, and each segment's first one."""

    def __init__(self, segments: Sequence[CleanSegment]) -> None:
        self.times: list[tuple[float, float]] = []
        self.first: dict[int, int] = {}
        self.ranges: dict[int, list[tuple[int, int]]] = {}
        for index, segment in enumerate(segments):
            ranges = _word_ranges(segment)
            if ranges is None or not segment.words:
                continue
            self.first[index] = len(self.times)
            self.ranges[index] = ranges
            self.times += [(w.start, w.end) for w in segment.words]

    def find(self, segments: Sequence[CleanSegment], index: int, start: int, end: int) -> _Found:
        """The characters ``[start, end)`` of segment ``index``'s clean text: the clean words they overlap,
        else (no words, words not aligned, none overlapping) the segment's own time."""
        segment = segments[index]
        if index in self.ranges:
            hit = [n for n, (lo, hi) in enumerate(self.ranges[index]) if lo < end and hi > start and hi > lo]
            if hit:
                first, last = self.first[index] + hit[0], self.first[index] + hit[-1]
                times = self.times[first : last + 1]
                return _Found(
                    TimeSpan(min(t[0] for t in times), max(t[1] for t in times)),
                    before=self.times[first - 1][1] if first > 0 else None,
                    after=self.times[last + 1][0] if last + 1 < len(self.times) else None,
                    timed=True,
                )
        return _Found(TimeSpan(segment.start, max(segment.start, segment.end)), None, None, timed=False)


def reach_neighbours(found: _Found, *, margin: float, reach: float, duration: float | None) -> TimeSpan:
    """``found``'s span widened by ``margin``, and towards the neighbouring words (or the recording's
    start and end when it has none) by at most ``reach`` beyond its times. Untimed spans get the margin."""
    span = found.span
    start, end = span.start - margin, span.end + margin
    if found.timed:
        before = 0.0 if found.before is None else found.before
        after = found.after if found.after is not None else duration or span.end + reach
        start = min(start, max(before, span.start - reach))
        end = max(end, min(after, span.end + reach))
    return TimeSpan(start, end)


def widen_spans(spans: Iterable[TimeSpan], *, margin: float, duration: float | None) -> list[TimeSpan]:
    """Each span with ``margin`` seconds more on both sides, clamped to ``[0, duration]`` (no upper clamp
    when the duration is unknown: None or 0), empty ones dropped, overlapping ones merged."""
    return clamp_spans((TimeSpan(s.start - margin, s.end + margin) for s in spans), duration=duration)


def clamp_spans(spans: Iterable[TimeSpan], *, duration: float | None) -> list[TimeSpan]:
    """``spans`` clamped to ``[0, duration]`` (no upper clamp when the duration is unknown: None or 0), empty
    ones dropped, overlapping ones merged; times rounded to the millisecond."""
    upper = duration if duration and duration > 0 else None
    kept = []
    for span in spans:
        start = max(0.0, span.start)
        end = span.end if upper is None else min(upper, span.end)
        if end > start:
            kept.append(TimeSpan(round(start, 3), round(end, 3)))
    return merge_spans(kept)


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
    enriched: EnrichedTranscript,
    *,
    profanity: bool = False,
    margin: float = MARGIN_SECONDS,
    reach: float = REACH_SECONDS,
) -> list[TimeSpan]:
    """The time spans to replace in the recording: every PII entity's (and masked profanity's, with
    ``profanity``), widened by ``margin`` and towards its neighbouring words by up to ``reach``, clamped to
    the recording and merged, in order."""
    segments = enriched.transcript.segments
    duration = enriched.source.duration_seconds or None
    ranges = segment_ranges(segments)
    starts = [r[0] for r in ranges]
    words = _Words(segments)
    marked = [(e.start, e.end) for e in enriched.pii.entities]
    if profanity:
        marked += [(s.start, s.end) for s in enriched.profanity.spans]
    spans = []
    for start, end in marked:
        at = bisect.bisect_right(starts, start) - 1
        if at < 0 or start >= end:
            continue
        seg_start, seg_end, index = ranges[at]
        if start >= seg_end:  # between two segments: never where a placeholder is
            continue
        found = words.find(segments, index, start - seg_start, min(end, seg_end) - seg_start)
        spans.append(reach_neighbours(found, margin=margin, reach=reach, duration=duration))
    return clamp_spans(spans, duration=duration)
