"""Speech detection: Silero VAD as faster-whisper ships it (an ONNX model run by onnxruntime).

The decoding policy (:mod:`.decoding`) calls :func:`detect_speech` with its settings
(:class:`.decoding.VadSettings`, the same names and meaning as faster-whisper's ``VadOptions``).
The model file is part of the faster-whisper package, which the model artifact bundles, so the
endpoint needs no network for it and no torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.contract import SAMPLE_RATE

if TYPE_CHECKING:
    import numpy as np

    from pipeline.asr.inference.decoding import VadSettings


def detect_speech(audio: np.ndarray, settings: VadSettings) -> list[tuple[float, float]]:
    """``(start, end)`` seconds of each stretch of speech in 16 kHz mono ``audio``."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(
        threshold=settings.threshold,
        min_speech_duration_ms=settings.min_speech_ms,
        max_speech_duration_s=settings.max_speech_s,
        min_silence_duration_ms=settings.min_silence_ms,
        speech_pad_ms=settings.speech_pad_ms,
    )
    return [
        (int(c["start"]) / SAMPLE_RATE, int(c["end"]) / SAMPLE_RATE)
        for c in get_speech_timestamps(audio, options, sampling_rate=SAMPLE_RATE)
    ]
