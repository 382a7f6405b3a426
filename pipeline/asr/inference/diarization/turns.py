"""Speaker turns from the windows' speakers: who speaks when, to within a tenth of a second or so.

1. **Smoothing.** A window whose two neighbours in its region agree with each other takes their speaker
   (a lone window is more often noise than a turn shorter than a window).
2. **Regions.** A speech region whose windows all have one speaker is one turn. A region without a
   window of its own (shorter than the shortest window) takes the speaker of the nearest window.
3. **Changes inside a region.** Where two neighbouring windows of a region have different speakers,
   short windows (:data:`FINE_SECONDS` every :data:`FINE_STEP`) are embedded between them, from the
   features already computed, and each is scored against the two speakers' mean embeddings; the change
   is put where it best splits those scores (the split that maximises the agreement on both sides). A
   change without a pause — people who answer straight away, the fast channel — is placed to within
   about :data:`FINE_STEP`, not to within a window.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from pipeline.asr.inference.diarization.clustering import centroids
from pipeline.asr.inference.diarization.embeddings import RegionFeatures, Windows, embed_spans
from pipeline.asr.inference.diarization.encoder import SpeakerEncoder
from shared.models import SpeakerTurn

FINE_SECONDS = 0.8
FINE_STEP = 0.1
_ROUND = 3


def smooth(labels: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Majority of each window and its neighbours in the same region (a lone window is noise)."""
    out = labels.copy()
    for i in range(1, len(labels) - 1):
        if region[i - 1] == region[i] == region[i + 1] and labels[i - 1] == labels[i + 1] != labels[i]:
            out[i] = labels[i - 1]
    return out


def _change_spans(
    region: RegionFeatures, left: tuple[float, float], right: tuple[float, float]
) -> tuple[np.ndarray, float, float]:
    """Fine windows between the centres of two windows (``[m, 2]`` seconds) and the span they cover."""
    low = max(region.start, (left[0] + left[1]) / 2 - FINE_SECONDS / 2)
    high = min(region.end, (right[0] + right[1]) / 2 + FINE_SECONDS / 2)
    if high - low < FINE_SECONDS + FINE_STEP:
        return np.zeros((0, 2)), low, high
    starts = np.arange(low, high - FINE_SECONDS + 1e-9, FINE_STEP)
    return np.stack([starts, starts + FINE_SECONDS], axis=1), low, high


def _best_split(centres: np.ndarray, scores: np.ndarray, low: float, high: float) -> float:
    """The time that best splits ``scores`` (positive: the left speaker) into left and right."""
    if not len(scores):
        return (low + high) / 2
    # Agreement when the change is before fine window i: left ones positive, right ones negative.
    before = np.concatenate(([0.0], np.cumsum(scores)))
    after = before[-1] - before
    best = int(np.argmax(before - after))
    if best == 0:
        return float(max(low, centres[0] - FINE_STEP / 2))
    if best == len(scores):
        return float(min(high, centres[-1] + FINE_STEP / 2))
    return float((centres[best - 1] + centres[best]) / 2)


def speaker_turns(
    features: Sequence[RegionFeatures], windows: Windows, labels: np.ndarray, encoder: SpeakerEncoder
) -> list[SpeakerTurn]:
    """Speaker turns of the speech regions, from each window's speaker."""
    labels = smooth(labels, windows.region)
    keys, means = centroids(windows.embeddings, labels)
    centres = windows.centres
    pieces: list[tuple[float, float, int]] = []
    changes: list[tuple[int, int, int, float, float, int]] = []  # speakers, first fine window, span, count
    fine_spans: list[np.ndarray] = []
    fine_owner: list[np.ndarray] = []
    fine_count = 0
    for index, region in enumerate(features):
        own = np.flatnonzero(windows.region == index)
        if not len(own):
            nearest = int(np.argmin(np.abs(centres - (region.start + region.end) / 2)))
            pieces.append((region.start, region.end, int(labels[nearest])))
            continue
        start = region.start
        for a, b in itertools.pairwise(own):
            if labels[a] == labels[b]:
                continue
            spans, low, high = _change_spans(region, tuple(windows.spans[a]), tuple(windows.spans[b]))
            changes.append((int(labels[a]), int(labels[b]), fine_count, low, high, len(spans)))
            fine_spans.append(spans)
            fine_owner.append(np.full(len(spans), index, dtype=np.int64))
            fine_count += len(spans)
            pieces.append((start, np.nan, int(labels[a])))  # its end is the change, placed below
            start = np.nan
        pieces.append((start, region.end, int(labels[own[-1]])))
    if changes:
        spans = np.concatenate(fine_spans)
        fine = embed_spans(features, spans, np.concatenate(fine_owner), encoder)
        index_of = {int(k): i for i, k in enumerate(keys)}
        bounds = []
        for left, right, first, low, high, count in changes:
            chunk = fine[first : first + count]
            scores = chunk @ means[index_of[left]] - chunk @ means[index_of[right]]
            bounds.append(_best_split(spans[first : first + count].mean(axis=1), scores, low, high))
        filled: list[tuple[float, float, int]] = []
        next_bound = iter(bounds)
        for start, end, label in pieces:
            if np.isnan(start):
                start = filled[-1][1]
            if np.isnan(end):
                end = next(next_bound)
            filled.append((start, max(start, end), label))
        pieces = filled
    return join(pieces)


def join(pieces: Sequence[tuple[float, float, int]]) -> list[SpeakerTurn]:
    """Join touching pieces of one speaker (a pause ends a turn); name speakers by first appearance."""
    joined: list[tuple[float, float, int]] = []
    for start, end, label in pieces:
        if end <= start:
            continue
        if joined and joined[-1][2] == label and start - joined[-1][1] < 0.005:
            joined[-1] = (joined[-1][0], end, label)
        else:
            joined.append((start, end, label))
    names: dict[int, str] = {}
    for _, _, label in joined:
        names.setdefault(label, f"S{len(names) + 1}")
    return [(round(start, _ROUND), round(end, _ROUND), names[label]) for start, end, label in joined]
