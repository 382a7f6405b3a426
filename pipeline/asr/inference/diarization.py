"""Speaker diarization: who spoke when, from the audio alone, offline.

``diarize(audio)`` takes 16 kHz mono float32 samples and returns speaker turns
``[(start, end, "S1"), (start, end, "S2"), …]`` in seconds, labels numbered in order of first
appearance. Labels are anonymous: they say that two stretches have the same voice, never whose.
``assign_speakers(segments, turns)`` puts those labels on timestamped transcript segments and
splits a segment where the speaker changes inside it. ``diarize_windows`` does what ``diarize``
does over audio given window by window (memory holds one window), and ``label_speakers`` —
``diarize_windows`` then ``with_speakers`` on a ``shared.models.Transcript`` — is what the local
runner and the inference endpoint call when speaker labels are on.

How it works
------------
1. **Speech.** The stretches to diarize are the caller's speech regions (the VAD's, or the
   transcript's words) or, when none are given, what a simple energy detector finds: 30 ms frames
   within 35 dB of the recording's loud level, gaps under 0.3 s closed.
2. **Embeddings.** Windows of 1.2 s every 0.8 s inside each region (a shorter region is one
   window) go through a speaker encoder: the GE2E LSTM that the ``resemblyzer`` wheel ships,
   exported once to ONNX (``speaker_encoder.onnx``, 5.7 MB; ``pipeline.asr.export_speaker_encoder``
   regenerates it from the wheel) and run with onnxruntime — no torch. Its input is 40 mel power
   bands of 25 ms frames every 10 ms, computed here with numpy exactly as librosa does for
   resemblyzer; each window is first brought to −30 dBFS, the loudness the encoder was trained on,
   so loudness is not mistaken for identity. The output is a 256-dimensional unit vector.
3. **Clustering**, on each window's embedding averaged with its neighbours in the same region
   (2.8 s of context: single 1.2 s windows are too noisy to tell similar voices apart):
   a. *over-cluster*: average-linkage agglomerative clustering on cosine distance, cut at 0.2 —
      tight groups of windows of one voice (recordings are clustered 2000 windows — about 27
      minutes of speech — at a time, so memory stays bounded on long files);
   b. *prune*: a group with less than 5 s of speech (or 2% of it) is not a speaker — such groups
      are stray windows (a cough, a laugh, a clipped word) and join the nearest group;
   c. *merge*: the two groups whose mean embeddings are most alike are merged while their cosine
      similarity exceeds 0.9 (with a fixed speaker count: until that many remain, no pruning);
   d. *refine*: every window, including those shorter than 1 s that were left out of a–c as
      unreliable, goes to the speaker whose mean embedding is nearest (two rounds).
4. **Turns.** A window whose two neighbours in its region agree with each other takes their
   speaker; then each 10 ms of speech takes the speaker of the nearest window centre, and each run
   of one speaker inside a speech region is a turn.

The thresholds were chosen on conversations spoken by espeak-ng voices and checked on others it
had not seen (docs/benchmarks.md, "Speaker diarization"); ``bench/bench_diarization.py`` compares
this with spectral clustering (eigengap speaker count) and other window sizes.

Limits
------
* One speaker at a time: overlapping speech goes to one of the speakers (or splits at random).
* A speaker with less than 5 s of speech in the recording is merged into the nearest voice; at
  most 20 speakers are told apart.
* Two voices the encoder finds more than 0.9 alike (similar voices on a poor channel, or the same
  synthetic voice with another accent) come out as one speaker; one voice heard through very
  different channels (a phone call and a room microphone) may come out as two.
* A change of speaker without a pause is placed to within a window hop (0.8 s); a turn shorter
  than that ("yes", "right") may go to a neighbouring speaker.
* The energy detector is for clean recordings; pass VAD regions for noisy ones.
"""

from __future__ import annotations

import bisect
import functools
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from shared.contract import SAMPLE_RATE
from shared.errors import ClearscribeError, ModelUnavailableError, TranscriptionError
from shared.models import Segment, SpeakerTurn, Transcript, Word
from shared.speakers import MAX_SPEAKERS, SpeakerSetting, anonymous_speakers

if TYPE_CHECKING:
    import onnxruntime

#: A stretch of speech: ``(start, end)`` in seconds.
Region = tuple[float, float]

# -- the speaker encoder and its input (resemblyzer's hyper-parameters) ------------------------
SPEAKER_ENCODER_PATH = Path(__file__).with_name("speaker_encoder.onnx")
MEL_CHANNELS = 40
ENCODER_HIDDEN_SIZE = 256
ENCODER_LAYERS = 3
ENCODER_EMBEDDING_SIZE = 256
_N_FFT = 400  # 25 ms
_HOP = 160  # 10 ms
FRAMES_PER_SECOND = SAMPLE_RATE // _HOP
#: Loudness the encoder was trained at (resemblyzer normalises to −30 dBFS).
_TARGET_RMS = 10 ** (-30 / 20)
_RMS_FLOOR = 10 ** (-80 / 20)

# -- the algorithm ------------------------------------------------------------------------------
WINDOW_SECONDS = 1.2
HOP_SECONDS = 0.8
#: Regions shorter than this get no window; their speech takes the nearest window's speaker.
MIN_WINDOW_SECONDS = 0.3
#: Windows shorter than this are too noisy to shape the clusters; they are only assigned.
MIN_CLUSTERING_WINDOW_SECONDS = 1.0
CONTEXT_WINDOWS = 1
OVERCLUSTER_DISTANCE = 0.2
SAME_SPEAKER_SIMILARITY = 0.9
MIN_SPEAKER_SECONDS = 5.0
MIN_SPEAKER_SHARE = 0.02
REFINE_ROUNDS = 2
CLUSTER_CHUNK_WINDOWS = 2000
_STEP = 0.01
_BATCH = 64

# -- the fallback speech detector ---------------------------------------------------------------
_ENERGY_FRAME = 0.03
_ENERGY_RANGE_DB = 35.0
_ENERGY_FLOOR_DB = -60.0
_MIN_SILENCE = 0.3
_MIN_SPEECH = 0.2


# ================================================================================================
# Input
# ================================================================================================


def _check_audio(audio: np.ndarray) -> np.ndarray:
    audio = np.asarray(audio)
    if audio.ndim != 1:
        raise ValueError(f"audio must be mono (one dimension), got shape {audio.shape}")
    if not np.issubdtype(audio.dtype, np.floating):
        raise ValueError(f"audio must be float samples in [-1, 1], got {audio.dtype}")
    audio = audio.astype(np.float32, copy=False)
    if not np.isfinite(audio).all():
        raise ValueError("audio contains NaN or infinite samples")
    return audio


def _check_regions(speech: Sequence[Region], duration: float) -> list[Region]:
    regions: list[Region] = []
    for start, end in sorted((float(a), float(b)) for a, b in speech):
        if end < start:
            raise ValueError(f"speech region ends before it starts: ({start}, {end})")
        start, end = max(start, 0.0), min(end, duration)
        if end <= start:
            continue
        if regions and start <= regions[-1][1]:  # overlapping regions are one region
            regions[-1] = (regions[-1][0], max(regions[-1][1], end))
        else:
            regions.append((start, end))
    return regions


def detect_speech(audio: np.ndarray) -> list[Region]:
    """Where a clean recording has speech: 30 ms frames within 35 dB of its loud level (95th
    percentile of frame loudness), gaps under 0.3 s closed, regions under 0.2 s dropped."""
    audio = _check_audio(audio)
    size = round(_ENERGY_FRAME * SAMPLE_RATE)
    count = len(audio) // size
    if count == 0:
        return []
    frames = audio[: count * size].reshape(count, size).astype(np.float64)
    loudness = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-12)
    voiced = loudness > max(float(np.percentile(loudness, 95)) - _ENERGY_RANGE_DB, _ENERGY_FLOOR_DB)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], voiced.astype(np.int8), [0]))))
    regions: list[list[int]] = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        if regions and (start - regions[-1][1]) * _ENERGY_FRAME < _MIN_SILENCE:
            regions[-1][1] = int(end)
        else:
            regions.append([int(start), int(end)])
    return [
        (round(a * _ENERGY_FRAME, 3), round(b * _ENERGY_FRAME, 3))
        for a, b in regions
        if (b - a) * _ENERGY_FRAME >= _MIN_SPEECH
    ]


# ================================================================================================
# Embeddings
# ================================================================================================


@functools.cache
def _mel_filterbank() -> np.ndarray:
    """librosa's ``filters.mel(sr=16000, n_fft=400, n_mels=40)``: Slaney mel scale, Slaney norm."""

    def hz_to_mel(hz: np.ndarray) -> np.ndarray:
        linear = hz / (200.0 / 3)
        log = 15.0 + np.log(np.maximum(hz, 1000.0) / 1000.0) / (np.log(6.4) / 27.0)
        return np.where(hz >= 1000.0, log, linear)

    def mel_to_hz(mel: np.ndarray) -> np.ndarray:
        linear = mel * (200.0 / 3)
        log = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0))
        return np.where(mel >= 15.0, log, linear)

    fft_hz = np.fft.rfftfreq(_N_FFT, 1 / SAMPLE_RATE)
    edges = mel_to_hz(np.linspace(hz_to_mel(np.array(0.0)), hz_to_mel(np.array(SAMPLE_RATE / 2)), MEL_CHANNELS + 2))
    ramps = edges[:, None] - fft_hz[None, :]
    widths = np.diff(edges)
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)


def mel_frames(audio: np.ndarray) -> np.ndarray:
    """The encoder's input for ``audio``: ``[frames, 40]`` mel power (not log), one frame per
    10 ms, 25 ms Hann windows, centred with zero padding — librosa's ``melspectrogram``."""
    audio = _check_audio(audio)
    padded = np.pad(audio, _N_FFT // 2)
    count = 1 + max(len(padded) - _N_FFT, 0) // _HOP
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(_N_FFT) / _N_FFT)).astype(np.float32)
    bank = _mel_filterbank().T
    out = np.empty((count, MEL_CHANNELS), np.float32)
    block = 8192  # frames per FFT block: bounds the complex spectrum's memory on long audio
    for first in range(0, count, block):
        n = min(block, count - first)
        frames = np.lib.stride_tricks.as_strided(
            padded[first * _HOP :], shape=(n, _N_FFT), strides=(padded.strides[0] * _HOP, padded.strides[0])
        )
        spectrum = np.fft.rfft(frames * window, axis=1)
        out[first : first + n] = (spectrum.real**2 + spectrum.imag**2).astype(np.float32) @ bank
    return out


class SpeakerEncoder:
    """The ONNX speaker encoder: mel frames ``[batch, frames, 40]`` -> unit vectors ``[batch, 256]``."""

    def __init__(self, model_path: Path = SPEAKER_ENCODER_PATH, *, threads: int | None = None) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session: onnxruntime.InferenceSession = onnxruntime.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )

    def embed(self, mels: np.ndarray) -> np.ndarray:
        if mels.ndim != 3 or mels.shape[2] != MEL_CHANNELS:
            raise ValueError(f"mels must be [batch, frames, {MEL_CHANNELS}], got {mels.shape}")
        if len(mels) == 0:
            return np.zeros((0, ENCODER_EMBEDDING_SIZE), np.float32)
        out: Any = self._session.run(["embeddings"], {"mels": mels.astype(np.float32, copy=False)})[0]
        return np.asarray(out, dtype=np.float32)


@functools.cache
def load_speaker_encoder() -> SpeakerEncoder:
    """The shipped encoder, loaded once per process."""
    return SpeakerEncoder()


@dataclass(frozen=True)
class _Windows:
    spans: np.ndarray  # [n, 2] seconds
    region: np.ndarray  # [n] index of the speech region each window lies in
    embeddings: np.ndarray  # [n, 256]

    @property
    def centres(self) -> np.ndarray:
        return self.spans.mean(axis=1)

    @property
    def lengths(self) -> np.ndarray:
        return self.spans[:, 1] - self.spans[:, 0]


def _window_spans(regions: Sequence[Region]) -> tuple[list[tuple[float, float]], list[int]]:
    spans: list[tuple[float, float]] = []
    owner: list[int] = []
    for index, (start, end) in enumerate(regions):
        length = end - start
        if length < MIN_WINDOW_SECONDS:
            continue
        if length <= WINDOW_SECONDS:
            starts = [start]
            size = length
        else:
            count = int(np.ceil((length - WINDOW_SECONDS) / HOP_SECONDS)) + 1
            starts = list(np.linspace(start, end - WINDOW_SECONDS, count))
            size = WINDOW_SECONDS
        spans += [(s, s + size) for s in starts]
        owner += [index] * len(starts)
    return spans, owner


def _embed_windows(audio: np.ndarray, regions: Sequence[Region], encoder: SpeakerEncoder) -> _Windows:
    spans, owner = _window_spans(regions)
    embeddings = np.zeros((len(spans), ENCODER_EMBEDDING_SIZE), np.float32)
    pending: dict[int, list[tuple[int, np.ndarray]]] = {}  # frame count -> (window index, mels)

    def flush(frames: int) -> None:
        batch = pending.pop(frames)
        embeddings[[i for i, _ in batch]] = encoder.embed(np.stack([m for _, m in batch]))

    owners = np.array(owner, dtype=np.int64)
    for index, (start, end) in enumerate(regions):
        # Windows are made region by region, so each region's windows are one run.
        mine = range(int(np.searchsorted(owners, index, "left")), int(np.searchsorted(owners, index, "right")))
        if not mine:
            continue
        first = round(start * SAMPLE_RATE)
        region_audio = audio[first : round(end * SAMPLE_RATE)]
        mels = mel_frames(region_audio)
        for i in mine:
            a, b = spans[i]
            offset = round((a - start) * FRAMES_PER_SECOND)
            frames = max(1, round((b - a) * FRAMES_PER_SECOND))
            window_mels = mels[offset : offset + frames]
            if len(window_mels) < frames:
                window_mels = np.pad(window_mels, ((0, frames - len(window_mels)), (0, 0)))
            samples = region_audio[round((a - start) * SAMPLE_RATE) : round((b - start) * SAMPLE_RATE)]
            rms = max(float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0, _RMS_FLOOR)
            # Mel power scales with the square of the amplitude gain.
            pending.setdefault(frames, []).append((i, window_mels * (_TARGET_RMS / rms) ** 2))
            if len(pending[frames]) >= _BATCH:
                flush(frames)
    for frames in list(pending):
        flush(frames)
    return _Windows(np.array(spans, dtype=np.float64).reshape(-1, 2), owners, embeddings)


# ================================================================================================
# Clustering
# ================================================================================================


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _with_context(windows: _Windows) -> np.ndarray:
    """Each embedding averaged with its ``CONTEXT_WINDOWS`` neighbours on each side in its region."""
    total = windows.embeddings.astype(np.float64).copy()
    for shift in range(1, CONTEXT_WINDOWS + 1):
        same = windows.region[shift:] == windows.region[:-shift]
        total[shift:][same] += windows.embeddings[:-shift][same]
        total[:-shift][same] += windows.embeddings[shift:][same]
    return _unit(total)


def _centroids(embeddings: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keys = np.unique(labels)
    sums = np.zeros((len(keys), embeddings.shape[1]))
    np.add.at(sums, np.searchsorted(keys, labels), embeddings)
    return keys, _unit(sums)


def _overcluster(embeddings: np.ndarray, *, at_least: int = 1) -> np.ndarray:
    """Tight groups of one voice: average linkage on cosine distance, cut at OVERCLUSTER_DISTANCE
    (or into ``at_least`` groups where that cut finds fewer), a chunk of consecutive windows at a
    time so that memory stays bounded."""
    from scipy.cluster.hierarchy import fcluster, linkage

    labels = np.zeros(len(embeddings), dtype=np.int64)
    next_label = 0
    for first in range(0, len(embeddings), CLUSTER_CHUNK_WINDOWS):
        chunk = embeddings[first : first + CLUSTER_CHUNK_WINDOWS]
        if len(chunk) == 1:
            found = np.zeros(1, dtype=np.int64)
        else:
            tree = linkage(chunk.astype(np.float64), method="average", metric="cosine")
            found = fcluster(tree, OVERCLUSTER_DISTANCE, criterion="distance").astype(np.int64) - 1
            if found.max() + 1 < at_least:
                found = fcluster(tree, at_least, criterion="maxclust").astype(np.int64) - 1
        labels[first : first + len(chunk)] = found + next_label
        next_label += int(found.max()) + 1
    return labels


def _merge(embeddings: np.ndarray, labels: np.ndarray, *, at_most: int, same_voice: float | None) -> np.ndarray:
    """Merge the closest pair of groups (by mean embedding) while there are more than ``at_most``
    groups, or while that pair is more alike than ``same_voice``."""
    labels = labels.copy()
    while True:
        keys, centroids = _centroids(embeddings, labels)
        if len(keys) == 1:
            return labels
        similarity = centroids @ centroids.T
        np.fill_diagonal(similarity, -np.inf)
        i, j = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        if len(keys) <= at_most and (same_voice is None or similarity[i, j] <= same_voice):
            return labels
        labels[labels == keys[j]] = keys[i]


def _prune(embeddings: np.ndarray, labels: np.ndarray, seconds: np.ndarray, *, keep_at_least: int) -> np.ndarray:
    """Groups with too little speech to be a speaker join the nearest group that has enough."""
    keys = np.unique(labels)
    speech = np.array([seconds[labels == k].sum() for k in keys])
    small = speech < max(MIN_SPEAKER_SECONDS, MIN_SPEAKER_SHARE * seconds.sum())
    # Never prune below the requested count: keep the largest of the small ones.
    for index in np.argsort(-speech):
        if (~small).sum() >= keep_at_least:
            break
        small[index] = False
    if not small.any():
        return labels
    kept = keys[~small]
    _, centroids = _centroids(embeddings[np.isin(labels, kept)], labels[np.isin(labels, kept)])
    labels = labels.copy()
    moving = np.isin(labels, keys[small])
    labels[moving] = kept[np.argmax(embeddings[moving] @ centroids.T, axis=1)]
    return labels


def _cluster(windows: _Windows, speakers: int | None) -> np.ndarray:
    """A speaker label per window."""
    context = _with_context(windows)
    reliable = windows.lengths >= MIN_CLUSTERING_WINDOW_SECONDS
    if not reliable.any():
        reliable[:] = True
    embeddings = context[reliable]
    seconds = np.minimum(windows.lengths, HOP_SECONDS)[reliable]
    labels = _overcluster(embeddings, at_least=speakers or 1)
    if speakers is None:
        labels = _prune(embeddings, labels, seconds, keep_at_least=1)
        labels = _merge(embeddings, labels, at_most=len(labels), same_voice=SAME_SPEAKER_SIMILARITY)
        labels = _merge(embeddings, labels, at_most=MAX_SPEAKERS, same_voice=None)
    else:
        labels = _merge(embeddings, labels, at_most=speakers, same_voice=None)
    keys, centroids = _centroids(embeddings, labels)
    # Refine: every window (the short ones too) to the nearest speaker, centroids from the windows.
    assigned = keys[np.argmax(windows.embeddings @ centroids.T, axis=1)]
    for _ in range(REFINE_ROUNDS):
        keys, centroids = _centroids(windows.embeddings, assigned)
        moved = keys[np.argmax(windows.embeddings @ centroids.T, axis=1)]
        if (moved == assigned).all():
            break
        assigned = moved
    return assigned


# ================================================================================================
# Turns
# ================================================================================================


def _smooth(labels: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Majority of each window and its neighbours in the same region (a lone window is noise)."""
    out = labels.copy()
    for i in range(1, len(labels) - 1):
        if region[i - 1] == region[i] == region[i + 1] and labels[i - 1] == labels[i + 1] != labels[i]:
            out[i] = labels[i - 1]
    return out


def _turns(regions: Sequence[Region], windows: _Windows, labels: np.ndarray) -> list[SpeakerTurn]:
    centres = windows.centres
    pieces: list[tuple[float, float, int]] = []
    for index, (start, end) in enumerate(regions):
        steps = np.arange(start, end, _STEP) + _STEP / 2
        if not len(steps):
            continue
        own = np.flatnonzero(windows.region == index)
        candidates = own if len(own) else np.arange(len(centres))
        nearest = candidates[np.argmin(np.abs(centres[candidates][None, :] - steps[:, None]), axis=1)]
        step_labels = labels[nearest]
        changes = np.flatnonzero(np.diff(step_labels)) + 1
        bounds = [start, *(float(steps[c] - _STEP / 2) for c in changes), end]
        for n, label in enumerate(step_labels[np.concatenate(([0], changes))]):
            pieces.append((bounds[n], bounds[n + 1], int(label)))
    return _join(pieces)


def _join(pieces: Sequence[tuple[float, float, int]]) -> list[SpeakerTurn]:
    """Join touching pieces of one speaker (a pause ends a turn); name speakers by first appearance."""
    joined: list[tuple[float, float, int]] = []
    for start, end, label in pieces:
        if joined and joined[-1][2] == label and start - joined[-1][1] < _STEP / 2:
            joined[-1] = (joined[-1][0], end, label)
        else:
            joined.append((start, end, label))
    names: dict[int, str] = {}
    for _, _, label in joined:
        names.setdefault(label, f"S{len(names) + 1}")
    return [(round(start, 3), round(end, 3), names[label]) for start, end, label in joined]


def diarize(
    audio: np.ndarray,
    *,
    speech: Sequence[Region] | None = None,
    speakers: int | None = None,
    encoder: SpeakerEncoder | None = None,
) -> list[SpeakerTurn]:
    """Speaker turns of a 16 kHz mono float32 recording, labelled ``S1``, ``S2``, … in order of
    first appearance.

    ``speech``: where the speech is, ``(start, end)`` seconds (default: ``detect_speech``).
    ``speakers``: how many speakers there are, when known (default: found from the audio).
    Silence and recordings without speech give no turns.
    """
    audio = _check_audio(audio)
    _check_speakers(speakers)
    duration = len(audio) / SAMPLE_RATE
    regions = _check_regions(detect_speech(audio) if speech is None else speech, duration)
    if not regions:
        return []
    return _label_windows(regions, _embed_windows(audio, regions, encoder or load_speaker_encoder()), speakers)


def diarize_windows(
    windows: Iterable[tuple[float, np.ndarray]],
    *,
    speakers: int | None = None,
    encoder: SpeakerEncoder | None = None,
) -> list[SpeakerTurn]:
    """Speaker turns of a recording given as consecutive ``(offset seconds, samples)`` windows (as
    ``pipeline.asr.inference.audio.wav_windows`` and ``array_windows`` cut them): the speech of
    each window is found and embedded as it arrives, so memory holds one window of audio and the
    embeddings (1 KB per 0.8 s of speech); the speakers are found over all windows together.
    Otherwise as :func:`diarize`, with the speech detector applied window by window.
    """
    _check_speakers(speakers)
    encoder = encoder or load_speaker_encoder()
    regions: list[Region] = []
    parts: list[_Windows] = []
    for offset, samples in windows:
        samples = _check_audio(samples)
        local = _check_regions(detect_speech(samples), len(samples) / SAMPLE_RATE)
        embedded = _embed_windows(samples, local, encoder)
        parts.append(_Windows(embedded.spans + offset, embedded.region + len(regions), embedded.embeddings))
        regions += [(offset + start, offset + end) for start, end in local]
    if not regions:
        return []
    joined = _Windows(
        np.concatenate([p.spans for p in parts]),
        np.concatenate([p.region for p in parts]),
        np.concatenate([p.embeddings for p in parts]),
    )
    return _label_windows(regions, joined, speakers)


def _check_speakers(speakers: int | None) -> None:
    if speakers is not None and not 1 <= speakers <= MAX_SPEAKERS:
        raise ValueError(f"speakers must be from 1 to {MAX_SPEAKERS}, got {speakers}")


def _label_windows(regions: Sequence[Region], windows: _Windows, speakers: int | None) -> list[SpeakerTurn]:
    if len(windows.spans) == 0:  # only blips too short to embed: one voice as far as anyone can tell
        return _join([(start, end, 0) for start, end in regions])
    labels = _smooth(_cluster(windows, speakers), windows.region)
    return _turns(regions, windows, labels)


# ================================================================================================
# Speakers on transcript segments
# ================================================================================================


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


# ================================================================================================
# Speakers on a transcript
# ================================================================================================


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


def label_speakers(
    transcript: Transcript,
    windows: Iterable[tuple[float, np.ndarray]],
    setting: SpeakerSetting,
    *,
    encoder: SpeakerEncoder | None = None,
) -> Transcript:
    """The transcript of the audio in ``windows`` with its speakers (:func:`diarize_windows`,
    :func:`with_speakers`), or unchanged when ``setting`` is off. The one way the local runner and
    the inference endpoint label speakers."""
    if not setting.enabled:
        return transcript
    try:
        turns = diarize_windows(windows, speakers=setting.count, encoder=encoder)
    except ClearscribeError:
        raise
    except ImportError as exc:
        raise ModelUnavailableError(
            f"speaker labels need onnxruntime and scipy ({exc.name} is missing): pip install 'clearscribe[local]'"
        ) from exc
    except Exception as exc:  # onnxruntime's own failures derive from Exception only
        raise TranscriptionError(f"telling the speakers apart failed ({type(exc).__name__})") from exc
    return with_speakers(transcript, turns)
