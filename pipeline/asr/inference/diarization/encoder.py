"""The speaker encoder and its input: mel power frames in, a 256-dimensional unit vector out.

The encoder is the GE2E LSTM that the ``resemblyzer`` wheel ships, exported once to ONNX
(``pipeline/asr/inference/speaker_encoder.onnx``, 5.7 MB; ``pipeline.asr.export_speaker_encoder``
regenerates it from the wheel) and run with onnxruntime — no torch, nothing fetched at run time. Its input
is 40 mel power bands of 25 ms frames every 10 ms, computed here with numpy exactly as librosa does for
resemblyzer.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from shared.contract import SAMPLE_RATE

if TYPE_CHECKING:
    import onnxruntime

SPEAKER_ENCODER_PATH = Path(__file__).resolve().parents[1] / "speaker_encoder.onnx"
MEL_CHANNELS = 40
ENCODER_HIDDEN_SIZE = 256
ENCODER_LAYERS = 3
ENCODER_EMBEDDING_SIZE = 256
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
FRAMES_PER_SECOND = SAMPLE_RATE // HOP


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

    fft_hz = np.fft.rfftfreq(N_FFT, 1 / SAMPLE_RATE)
    edges = mel_to_hz(np.linspace(hz_to_mel(np.array(0.0)), hz_to_mel(np.array(SAMPLE_RATE / 2)), MEL_CHANNELS + 2))
    ramps = edges[:, None] - fft_hz[None, :]
    widths = np.diff(edges)
    rising = -ramps[:-2] / widths[:-1, None]
    falling = ramps[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    return weights.astype(np.float32)


def mel_frames(audio: np.ndarray) -> np.ndarray:
    """The encoder's input for float32 ``audio``: ``[frames, 40]`` mel power (not log), one frame per
    10 ms, 25 ms Hann windows, centred with zero padding — librosa's ``melspectrogram``."""
    padded = np.pad(audio, N_FFT // 2)
    count = 1 + max(len(padded) - N_FFT, 0) // HOP
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)
    bank = _mel_filterbank().T
    out = np.empty((count, MEL_CHANNELS), np.float32)
    block = 8192  # frames per FFT block: bounds the complex spectrum's memory on long audio
    for first in range(0, count, block):
        n = min(block, count - first)
        frames = np.lib.stride_tricks.as_strided(
            padded[first * HOP :], shape=(n, N_FFT), strides=(padded.strides[0] * HOP, padded.strides[0])
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
