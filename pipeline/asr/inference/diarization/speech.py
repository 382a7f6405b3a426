"""Where the speech is: checked input, and a speech detector for recordings without VAD regions.

The detector keeps 30 ms frames within 35 dB of the recording's loud level (95th percentile of frame
loudness), closes gaps under 0.3 s and drops blips under 0.2 s. In steady noise it finds little silence
and hands whole stretches on as speech: the encoder then sees noise-only windows among the speech, but no
speech is lost. (A detector that looked for the speech band above an estimated noise floor lost the
quieter half of the speech in 5 dB noise and scored worse on the development range: 75% of the noisy
recordings' speech time to the right speaker against 97%.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.asr.inference.spans import merge_spans
from shared.contract import SAMPLE_RATE

#: A stretch of speech: ``(start, end)`` in seconds.
Region = tuple[float, float]

FRAME_SECONDS = 0.03
#: Frames within this many dB of the loud level are speech.
LOUD_RANGE_DB = 35.0
_ABSOLUTE_FLOOR_DB = -60.0
MIN_SILENCE_SECONDS = 0.3
MIN_SPEECH_SECONDS = 0.2


def check_audio(audio: np.ndarray) -> np.ndarray:
    """``audio`` as float32 mono samples, or ``ValueError``."""
    audio = np.asarray(audio)
    if audio.ndim != 1:
        raise ValueError(f"audio must be mono (one dimension), got shape {audio.shape}")
    if not np.issubdtype(audio.dtype, np.floating):
        raise ValueError(f"audio must be float samples in [-1, 1], got {audio.dtype}")
    audio = audio.astype(np.float32, copy=False)
    if not np.isfinite(audio).all():
        raise ValueError("audio contains NaN or infinite samples")
    return audio


def check_regions(speech: Sequence[Region], duration: float) -> list[Region]:
    """Regions sorted, clipped to the recording, overlapping ones joined; ``ValueError`` on a
    region that ends before it starts."""
    regions = [(float(a), float(b)) for a, b in speech]
    for start, end in regions:
        if end < start:
            raise ValueError(f"speech region ends before it starts: ({start}, {end})")
    return merge_spans((max(start, 0.0), min(end, duration)) for start, end in regions)


def detect_speech(audio: np.ndarray) -> list[Region]:
    """Where ``audio`` (16 kHz mono) has speech, ``(start, end)`` seconds."""
    audio = check_audio(audio)
    size = round(FRAME_SECONDS * SAMPLE_RATE)
    count = len(audio) // size
    if count == 0:
        return []
    frames = audio[: count * size].reshape(count, size).astype(np.float64)
    loudness = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    voiced = loudness > max(float(np.percentile(loudness, 95)) - LOUD_RANGE_DB, _ABSOLUTE_FLOOR_DB)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], voiced.astype(np.int8), [0]))))
    runs: list[list[int]] = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        if runs and (start - runs[-1][1]) * FRAME_SECONDS < MIN_SILENCE_SECONDS:
            runs[-1][1] = int(end)
        else:
            runs.append([int(start), int(end)])
    return [
        (round(a * FRAME_SECONDS, 3), round(b * FRAME_SECONDS, 3))
        for a, b in runs
        if (b - a) * FRAME_SECONDS >= MIN_SPEECH_SECONDS
    ]
