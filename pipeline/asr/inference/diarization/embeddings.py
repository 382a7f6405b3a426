"""Speaker embeddings of windows inside speech regions, from features computed once per region.

Each speech region's mel frames and loudness are computed once, when its audio passes
(:func:`region_features`, 8 KB per second of speech: the audio itself is not kept), and every embedding
is taken from them: the windows that find the speakers, and later the short windows that place a
change of speaker inside a region (:mod:`.turns`). Windows of one length are embedded together in
batches. Each window is first brought to −30 dBFS, the loudness the encoder was trained on, so
loudness is not mistaken for identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.asr.inference.diarization.encoder import (
    ENCODER_EMBEDDING_SIZE,
    FRAMES_PER_SECOND,
    HOP,
    SpeakerEncoder,
    mel_frames,
)
from pipeline.asr.inference.diarization.speech import Region
from shared.contract import SAMPLE_RATE

#: Loudness the encoder was trained at (resemblyzer normalises to −30 dBFS).
_TARGET_POWER = 10 ** (-30 / 10)
_POWER_FLOOR = 10 ** (-80 / 10)
_BATCH = 128
#: Window lengths are rounded down to this many frames, so that windows share batches.
_FRAME_QUANTUM = 10


@dataclass(frozen=True)
class Windowing:
    """How regions are cut into windows for the embeddings that find the speakers."""

    #: Window length, seconds (a region up to ``single`` long is one window of its own length).
    seconds: float = 1.5
    #: Start-to-start distance of consecutive windows in a region, seconds (less than ``seconds``:
    #: the windows overlap).
    hop: float = 1.0
    #: Regions up to this long are one window.
    single: float = 2.0
    #: Regions shorter than this get no window: their speech takes the nearest window's speaker.
    shortest: float = 0.4


@dataclass(frozen=True)
class RegionFeatures:
    """What the embeddings of one speech region are computed from."""

    start: float
    end: float
    #: ``[frames, 40]`` mel power, one frame per 10 ms from ``start`` (float16: half the memory).
    mels: np.ndarray
    #: Mean square of the samples of each 10 ms frame.
    power: np.ndarray


@dataclass(frozen=True)
class Windows:
    spans: np.ndarray  # [n, 2] seconds
    region: np.ndarray  # [n] index of the speech region each window lies in
    embeddings: np.ndarray  # [n, 256] unit vectors

    @property
    def centres(self) -> np.ndarray:
        return self.spans.mean(axis=1)

    @property
    def lengths(self) -> np.ndarray:
        return self.spans[:, 1] - self.spans[:, 0]


def region_features(audio: np.ndarray, regions: Sequence[Region], offset: float = 0.0) -> list[RegionFeatures]:
    """Features of each region of ``audio`` (times in ``regions`` are of ``audio``; the features'
    are shifted by ``offset`` seconds)."""
    out = []
    for start, end in regions:
        samples = audio[round(start * SAMPLE_RATE) : round(end * SAMPLE_RATE)]
        mels = mel_frames(samples)
        blocks = np.pad(samples.astype(np.float64), (0, (-len(samples)) % HOP)).reshape(-1, HOP)
        power = np.mean(blocks**2, axis=1)
        power = np.pad(power, (0, max(0, len(mels) - len(power))))[: len(mels)]
        out.append(RegionFeatures(offset + start, offset + end, mels.astype(np.float16), power.astype(np.float32)))
    return out


def window_spans(regions: Sequence[Region], windowing: Windowing) -> tuple[np.ndarray, np.ndarray]:
    """``(spans [n, 2], region index [n])`` of the windows ``windowing`` cuts ``regions`` into."""
    spans: list[tuple[float, float]] = []
    owner: list[int] = []
    for index, (start, end) in enumerate(regions):
        length = end - start
        if length < windowing.shortest:
            continue
        if length <= windowing.single:
            starts, size = [start], length
        else:
            count = int(np.ceil((length - windowing.seconds) / windowing.hop)) + 1
            starts, size = list(np.linspace(start, end - windowing.seconds, count)), windowing.seconds
        spans += [(float(s), float(s) + size) for s in starts]
        owner += [index] * len(starts)
    return np.array(spans, dtype=np.float64).reshape(-1, 2), np.array(owner, dtype=np.int64)


def embed_spans(
    features: Sequence[RegionFeatures], spans: np.ndarray, owner: np.ndarray, encoder: SpeakerEncoder
) -> np.ndarray:
    """Embeddings ``[n, 256]`` of windows ``spans`` (seconds), each inside region ``owner[i]``."""
    embeddings = np.zeros((len(spans), ENCODER_EMBEDDING_SIZE), np.float32)
    pending: dict[int, list[tuple[int, np.ndarray]]] = {}  # frame count -> (window index, mels)

    def flush(frames: int) -> None:
        batch = pending.pop(frames)
        embeddings[[i for i, _ in batch]] = encoder.embed(np.stack([m for _, m in batch]))

    for i, ((a, b), r) in enumerate(zip(spans, owner, strict=True)):
        region = features[int(r)]
        frames = max(_FRAME_QUANTUM, round((b - a) * FRAMES_PER_SECOND) // _FRAME_QUANTUM * _FRAME_QUANTUM)
        first = max(0, min(round((a - region.start) * FRAMES_PER_SECOND), len(region.mels) - frames))
        mels = region.mels[first : first + frames].astype(np.float32)
        if len(mels) < frames:
            mels = np.pad(mels, ((0, frames - len(mels)), (0, 0)))
        power = float(region.power[first : first + frames].mean()) if len(mels) else 0.0
        # Mel power scales with the square of the amplitude gain.
        pending.setdefault(frames, []).append((i, mels * (_TARGET_POWER / max(power, _POWER_FLOOR))))
        if len(pending[frames]) >= _BATCH:
            flush(frames)
    for frames in list(pending):
        flush(frames)
    return embeddings


def embed_windows(features: Sequence[RegionFeatures], windowing: Windowing, encoder: SpeakerEncoder) -> Windows:
    """The windows ``windowing`` cuts the regions into, embedded."""
    spans, owner = window_spans([(f.start, f.end) for f in features], windowing)
    return Windows(spans, owner, embed_spans(features, spans, owner, encoder))
