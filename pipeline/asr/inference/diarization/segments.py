"""Speakers on transcript segments and on a transcript: a segment is split between the words where the
speaker changes, so a piece never carries the previous speaker's label.

Each word takes the speaker who talks most during it (:func:`speaker_at`); consecutive words of one
speaker stay one piece. Without word timestamps, word times are estimated from the length of each word.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from shared.models import Segment, SpeakerTurn, Transcript, Word
from shared.speakers import anonymous_speakers


class TimedText(Protocol):
    """A word or a transcript segment: times in seconds and text. A segment may also have
    ``words`` (``TimedText``\\s), as faster-whisper gives them."""

    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def text(self) -> str: ...


@dataclass(frozen=True)
class SpeakerSegment:
    start: float
    end: float
    text: str
    #: ``S1``, ``S2``, …; ``None`` when there are no turns at all (no speech found).
    speaker: str | None
    words: tuple[Word, ...] = ()


def speaker_at(start: float, end: float, turns: Sequence[SpeakerTurn]) -> str | None:
    """The speaker who talks most during ``[start, end]``; in a pause, the nearest one."""
    return _Turns(turns).speaker_at(start, end)


class _Turns:
    """Turns in time order, for finding who speaks when in O(log n) (a long recording has
    thousands of turns and tens of thousands of words)."""

    def __init__(self, turns: Sequence[SpeakerTurn]) -> None:
        self.turns = sorted(turns, key=lambda turn: (turn[0], turn[1]))
        self.starts = [a for a, _, _ in self.turns]
        # The latest end up to each turn: never decreasing, even if turns overlapped.
        self.reach = list(np.maximum.accumulate([b for _, b, _ in self.turns])) if self.turns else []

    def speaker_at(self, start: float, end: float) -> str | None:
        if not self.turns:
            return None
        first = bisect.bisect_right(self.reach, start)  # turns before it all end by ``start``
        last = bisect.bisect_left(self.starts, end)  # turns from it all start at ``end`` or later
        overlap: dict[str, float] = {}
        for a, b, label in self.turns[first:last]:
            shared = min(b, end) - max(a, start)
            if shared > 0:
                overlap[label] = overlap.get(label, 0.0) + shared
        if overlap:
            return max(overlap, key=lambda label: overlap[label])
        middle = (start + end) / 2
        near = self.turns[max(first - 1, 0) : last + 1]
        return min(near, key=lambda turn: max(turn[0] - middle, middle - turn[1], 0.0))[2]


def _estimated_words(segment: TimedText) -> list[Word]:
    """Words without timestamps: the segment's time shared out by the length of each word."""
    tokens = segment.text.split()
    if not tokens:
        return []
    weights = np.array([len(t) + 1 for t in tokens], dtype=np.float64)
    edges = segment.start + (segment.end - segment.start) * np.concatenate(([0.0], np.cumsum(weights))) / weights.sum()
    return [Word(float(edges[i]), float(edges[i + 1]), f" {t}") for i, t in enumerate(tokens)]


def _join_words(words: Sequence[Word]) -> str:
    spaced = all(w.text[:1].isspace() for w in words[1:])
    return ("".join(w.text for w in words) if spaced else " ".join(w.text.strip() for w in words)).strip()


def assign_speakers(segments: Sequence[TimedText], turns: Sequence[SpeakerTurn]) -> list[SpeakerSegment]:
    """Each segment with the speaker who says it, split where the speaker changes.

    With word timestamps a segment is cut between the words where the speaker changes; without
    them, word times are estimated from the length of each word (so a cut may be a word off).
    The pieces keep the segment's start and end at its outer edges and the words' times inside.
    """
    out: list[SpeakerSegment] = []
    index = _Turns(turns)
    for segment in segments:
        timed = [
            Word(float(w.start), float(w.end), str(w.text), getattr(w, "probability", None))
            for w in getattr(segment, "words", ()) or ()
        ]
        words = timed or _estimated_words(segment)
        if not words:
            speaker = index.speaker_at(segment.start, segment.end)
            out.append(SpeakerSegment(segment.start, segment.end, segment.text, speaker))
            continue
        labels = [index.speaker_at(w.start, w.end) for w in words]
        runs: list[tuple[str | None, list[Word]]] = []
        for word, label in zip(words, labels, strict=True):
            if runs and runs[-1][0] == label:
                runs[-1][1].append(word)
            else:
                runs.append((label, [word]))
        if len(runs) == 1:
            out.append(SpeakerSegment(segment.start, segment.end, segment.text, runs[0][0], tuple(timed)))
            continue
        for n, (label, run) in enumerate(runs):
            out.append(
                SpeakerSegment(
                    start=segment.start if n == 0 else run[0].start,
                    end=segment.end if n == len(runs) - 1 else run[-1].end,
                    text=_join_words(run),
                    speaker=label,
                    words=tuple(run) if timed else (),
                )
            )
    return out


def with_speakers(transcript: Transcript, turns: Sequence[SpeakerTurn]) -> Transcript:
    """``transcript`` with a speaker on every segment, segments split where the speaker changes
    (:func:`assign_speakers`), and the turns kept as ``speaker_turns``. Labels are renumbered by
    ``shared.speakers.anonymous_speakers`` (``S1`` is the first to say a word); segment ids are
    renumbered from 0."""
    pieces = assign_speakers(transcript.segments, turns)
    segments = tuple(
        Segment(
            id=i,
            start=p.start,
            end=p.end,
            text=p.text,
            words=p.words,
            speaker=p.speaker,
        )
        for i, p in enumerate(pieces)
    )
    return anonymous_speakers(replace(transcript, segments=segments, speaker_turns=tuple(turns)))
