"""Re-decoding of the stretches where sequential Whisper decoding went wrong.

Whisper decodes 30-second windows one after another; the next window starts where the last
segment of the previous one ended. When greedy/beam decoding of a window fails its quality
checks (too repetitive, too unlikely), faster-whisper falls back to sampling at rising
temperatures. A sampled decode can run away: a read-out number ("one one one one ...") turns
into "1. 1. 1." segments whose timestamps reach the end of the window, or the decode simply stops
early. Either way the speech after it in that window is never transcribed: the end of a
recording can vanish.

The first pass marks such windows: their segments carry the fallback temperature (> 0). Every
run of them is decoded again, with the speech in it cut at pauses into short clips decoded one
by one, so a runaway decode can cost at most the clip it happens in, never the speech after it.
Recordings whose first pass needed no fallback are returned untouched, at no extra cost.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 16000
# Pauses this long split a troubled stretch into clips; sentence ends in natural speech are longer.
CLIP_PAUSE_MS = 300
# Longer speech without such a pause is cut at its last short gap: one clip is one caption.
CLIP_MAX_SECONDS = 15.0
# A clip shorter than this is decoded together with the next one: too little for Whisper alone.
MIN_CLIP_SECONDS = 1.0


@dataclass(frozen=True)
class Decoded:
    """A segment as decoded: times in seconds from the start of the recording."""

    start: float
    end: float
    text: str
    temperature: float = 0.0
    words: tuple = ()

    @property
    def fell_back(self) -> bool:
        """Its window failed the quality checks at temperature 0 and was sampled."""
        return self.temperature > 0


def troubled_stretches(segments: Sequence[Decoded], duration: float) -> list[tuple[float, float]]:
    """``(start, end)`` of each run of fallback segments, up to where decoding at temperature 0 resumes.

    The stretch runs to the start of the next segment that did not fall back (or the end of
    the recording): whatever was said between is either in the run or was lost by it.
    """
    stretches: list[tuple[float, float]] = []
    i = 0
    while i < len(segments):
        if not segments[i].fell_back:
            i += 1
            continue
        j = i
        while j < len(segments) and segments[j].fell_back:
            j += 1
        start = segments[i].start
        end = segments[j].start if j < len(segments) else duration
        stretches.append((start, max(start, min(end, duration))))
        i = j
    return stretches


def clips(speech: Sequence[tuple[float, float]], *, min_seconds: float = MIN_CLIP_SECONDS) -> list[tuple[float, float]]:
    """Speech pieces as clips to decode one by one; a piece too short joins the next."""
    out: list[tuple[float, float]] = []
    pending: tuple[float, float] | None = None
    for start, end in speech:
        if pending is not None:
            start = pending[0]
        if end - start < min_seconds:
            pending = (start, end)
            continue
        out.append((start, end))
        pending = None
    if pending is not None:
        if out:
            out[-1] = (out[-1][0], pending[1])
        else:
            out.append(pending)
    return out


def speech_pieces(audio: np.ndarray, start: float, end: float) -> list[tuple[float, float]]:
    """The speech between ``start`` and ``end`` (seconds), cut at short pauses (Silero VAD)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    first = max(0, int(start * SAMPLE_RATE))
    stretch = audio[first : max(first, int(end * SAMPLE_RATE))]
    if stretch.size == 0:
        return []
    options = VadOptions(
        min_silence_duration_ms=CLIP_PAUSE_MS, speech_pad_ms=100, max_speech_duration_s=CLIP_MAX_SECONDS
    )
    offset = first / SAMPLE_RATE
    return [
        (offset + c["start"] / SAMPLE_RATE, offset + c["end"] / SAMPLE_RATE)
        for c in get_speech_timestamps(stretch, options, sampling_rate=SAMPLE_RATE)
    ]


def redecode_troubled(
    segments: Sequence[Decoded],
    audio: np.ndarray,
    duration: float,
    decode_clips: Callable[[list[tuple[float, float]]], list[Decoded]],
) -> list[Decoded]:
    """``segments`` with every troubled stretch replaced by a clip-by-clip decode of it.

    ``decode_clips`` decodes the given ``(start, end)`` clips independently and returns their
    segments in recording time. Segments are also kept within the recording's duration.
    """
    stretches = troubled_stretches(segments, duration)
    kept = [s for s in segments if not s.fell_back]
    for start, end in stretches:
        pieces = clips(speech_pieces(audio, start, end))
        if pieces:
            kept.extend(decode_clips(pieces))
    kept.sort(key=lambda s: (s.start, s.end))
    return [
        Decoded(min(s.start, duration), min(s.end, duration), s.text, s.temperature, s.words)
        for s in kept
        if s.start < duration
    ]
