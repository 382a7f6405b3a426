"""Speech detection for the transformers engine: Silero VAD from the ``silero-vad`` package, on torch.

The detector faster-whisper uses (there on onnxruntime), with the same settings
(:class:`.decoding.VadSettings`), on the torch the transformers engine has wherever it runs. The
model is stepped through the audio 32 ms at a time on one CPU thread (more threads only slow
such small steps down): about 80 s per hour of audio. The model artifact bundles silero-vad
(``shared.contract.SILERO_VAD_REQUIREMENT``), so the endpoint needs no network for it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from shared.contract import SAMPLE_RATE
from shared.errors import ModelUnavailableError

if TYPE_CHECKING:
    import numpy as np

    from pipeline.asr.inference.decoding import VadSettings


@cache
def _silero() -> tuple[Any, Any]:
    """``(model, get_speech_timestamps)``, loaded once."""
    import torch

    threads = torch.get_num_threads()
    try:
        from silero_vad import get_speech_timestamps, load_silero_vad

        return load_silero_vad(), get_speech_timestamps
    except ImportError as exc:  # pragma: no cover - depends on the host image
        raise ModelUnavailableError("speech detection needs silero-vad (pip install 'clearscribe[inference]')") from exc
    finally:
        torch.set_num_threads(threads)  # importing silero_vad leaves the whole process one torch thread


def detect_speech(audio: np.ndarray, settings: VadSettings) -> list[tuple[float, float]]:
    """``(start, end)`` seconds of each stretch of speech in 16 kHz mono ``audio``."""
    import torch

    model, speech_timestamps = _silero()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.inference_mode():
            found = speech_timestamps(
                torch.from_numpy(audio),
                model,
                threshold=settings.threshold,
                sampling_rate=SAMPLE_RATE,
                min_speech_duration_ms=settings.min_speech_ms,
                max_speech_duration_s=settings.max_speech_s,
                min_silence_duration_ms=settings.min_silence_ms,
                speech_pad_ms=settings.speech_pad_ms,
            )
    finally:
        torch.set_num_threads(threads)
    return [(int(c["start"]) / SAMPLE_RATE, int(c["end"]) / SAMPLE_RATE) for c in found]
