"""SRT, WebVTT and plain-text renderings of an enriched transcript.

They are made from the CLEAN segments of the enriched JSON only (PII replaced, profanity
masked), never from a raw transcript.

Caption cues are cut from the words' times to broadcast norms: at most :data:`MAX_LINES` lines of
:data:`CAPTION_LINE_WIDTH` characters, on screen for :data:`MIN_CUE_SECONDS` to
:data:`MAX_CUE_SECONDS`, never two at once. A cue ends at a pause in the speech, at the end of a
sentence or clause where it can, and before it grows too long. Segments without word times
(a transcript from text, an engine without them) get word times spread over the segment by
length. The segments of the enriched JSON stay as they are.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CAPTION_LINE_WIDTH = 42  # characters per caption line, a common broadcast guideline
MAX_LINES = 2
MIN_CUE_SECONDS = 1.0
MAX_CUE_SECONDS = 7.0
#: A pause in the speech this long ends a cue.
PAUSE_SECONDS = 1.0
_CLAUSE_END = (",", ";", ":", ".", "?", "!")


@dataclass(frozen=True)
class TimedWord:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _timestamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


# -- words -----------------------------------------------------------------------------------------
def segment_words(segment: Mapping[str, Any]) -> list[TimedWord]:
    """The segment's clean words with their times: its own word times when they spell out its
    text, else its text's words with times spread over the segment by their length."""
    text = " ".join(str(segment.get("text", "")).split())
    if not text:
        return []
    start, end = float(segment["start"]), float(segment["end"])
    own = [
        TimedWord(float(w["start"]), float(w["end"]), " ".join(str(w.get("text", "")).split()))
        for w in segment.get("words") or ()
    ]
    own = [w for w in own if w.text]
    if own and " ".join(w.text for w in own) == text:
        words = own
    else:
        tokens = text.split()
        weights = [len(t) + 1 for t in tokens]
        span = max(end - start, 0.0)
        words, at = [], start
        for token, weight in zip(tokens, weights, strict=True):
            step = span * weight / sum(weights)
            words.append(TimedWord(at, at + step, token))
            at += step
    return [piece for word in words for piece in _fitting(word)]


def _fitting(word: TimedWord) -> list[TimedWord]:
    """A word longer than a caption line, cut into line-long pieces sharing its time."""
    if len(word.text) <= CAPTION_LINE_WIDTH:
        return [word]
    pieces = textwrap.wrap(word.text, CAPTION_LINE_WIDTH, break_long_words=True)
    step = (word.end - word.start) / len(pieces)
    return [TimedWord(word.start + i * step, word.start + (i + 1) * step, p) for i, p in enumerate(pieces)]


def _lines(words: Sequence[str]) -> tuple[str, ...] | None:
    """``words`` on at most :data:`MAX_LINES` lines of :data:`CAPTION_LINE_WIDTH` characters,
    balanced (the break that makes the longer line shortest); None when they do not fit."""
    text = " ".join(words)
    if len(text) <= CAPTION_LINE_WIDTH:
        return (text,)
    best: tuple[str, str] | None = None
    for i in range(1, len(words)):
        top, bottom = " ".join(words[:i]), " ".join(words[i:])
        fits = len(top) <= CAPTION_LINE_WIDTH and len(bottom) <= CAPTION_LINE_WIDTH
        if fits and (best is None or max(len(top), len(bottom)) < max(len(best[0]), len(best[1]))):
            best = (top, bottom)
    return best


# -- cues --------------------------------------------------------------------------------------------
def caption_cues(segments: Iterable[Mapping[str, Any]]) -> list[Cue]:
    """The cues of the clean segments (see the module docstring)."""
    words = sorted(
        (w for seg in segments for w in segment_words(seg)), key=lambda w: w.start
    )  # segments are in time order already; words of one segment may not be
    groups: list[list[TimedWord]] = []
    current: list[TimedWord] = []
    for word in words:
        if current:
            pause = word.start - current[-1].end >= PAUSE_SECONDS
            too_long = max(word.end, current[-1].end) - current[0].start > MAX_CUE_SECONDS
            if pause or too_long or _lines([w.text for w in [*current, word]]) is None:
                rest = [] if pause else _carry(current)
                groups.append(current[: len(current) - len(rest)])
                current = rest
        current.append(word)
    if current:
        groups.append(current)
    return _timed([g for g in groups if g])


def _carry(words: list[TimedWord]) -> list[TimedWord]:
    """The words after the last clause end in the second half of ``words``: they start the next cue
    rather than leave the clause's end alone there."""
    for i in range(len(words) - 1, len(words) // 2 - 1, -1):
        if words[i].text.endswith(_CLAUSE_END):
            return words[i + 1 :]
    return []


def _timed(groups: list[list[TimedWord]]) -> list[Cue]:
    """Cues from word groups: one followed within :data:`MIN_CUE_SECONDS` by the next is joined to
    it when the text fits; then each is shown for at least :data:`MIN_CUE_SECONDS` where the next
    one leaves room, at most :data:`MAX_CUE_SECONDS`, and never overlapping."""
    spans: list[list[Any]] = [[g[0].start, max(w.end for w in g), [w.text for w in g]] for g in groups]
    merged: list[list[Any]] = []
    for span in spans:
        if merged:
            last = merged[-1]
            cramped = span[0] - last[0] < MIN_CUE_SECONDS  # the last cue cannot stay up for a second
            joined = [*last[2], *span[2]]
            if cramped and span[1] - last[0] <= MAX_CUE_SECONDS and _lines(joined) is not None:
                merged[-1] = [last[0], max(last[1], span[1]), joined]
                continue
        merged.append(span)
    cues: list[Cue] = []
    for i, (start, end, texts) in enumerate(merged):
        if cues:
            start = max(start, cues[-1].end)
        following = merged[i + 1][0] if i + 1 < len(merged) else float("inf")
        end = min(max(end, start + MIN_CUE_SECONDS), start + MAX_CUE_SECONDS)
        end = max(min(end, following), start + 0.001)
        cues.append(Cue(round(start, 3), round(end, 3), _lines(texts) or tuple(texts)))
    return cues


def render_srt(segments: Iterable[Mapping[str, Any]]) -> str:
    blocks = [
        f"{n}\n{_timestamp(cue.start, ',')} --> {_timestamp(cue.end, ',')}\n{cue.text}\n"
        for n, cue in enumerate(caption_cues(segments), start=1)
    ]
    return "\n".join(blocks)


def render_vtt(segments: Iterable[Mapping[str, Any]]) -> str:
    blocks = [
        f"{_timestamp(cue.start, '.')} --> {_timestamp(cue.end, '.')}\n{cue.text}\n" for cue in caption_cues(segments)
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)


def render_txt(enriched: Mapping[str, Any]) -> str:
    """The clean transcript, one segment per line."""
    segments = enriched["transcript"].get("segments") or []
    lines = [" ".join(str(s.get("text", "")).split()) for s in segments]
    lines = [ln for ln in lines if ln]
    if not lines and enriched["transcript"].get("text"):
        lines = [enriched["transcript"]["text"]]
    return "\n".join(lines) + ("\n" if lines else "")
