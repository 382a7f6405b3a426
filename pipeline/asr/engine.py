"""The speech engine for ``clearscribe run``: model references resolved, the one engine loaded.

The engine is the endpoint's own (:class:`pipeline.asr.inference.engine.WhisperEngine`, faster-whisper
on CTranslate2) with the same settings (``shared.engine_settings``). ``load_engine`` resolves a
model reference first:

* ``offline-tiny.en`` / ``offline-base`` — Whisper weights shipped in packages; no network
  (``pipeline.asr.offline_models``).
* a known faster-whisper name such as ``distil-large-v3`` (the production default) — taken from
  the local Hugging Face cache, else downloaded when a hub is reachable.
* a path to a local CTranslate2 model directory (``model.bin`` + ``config.json`` …).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from pipeline.asr.offline_models import offline_model_dir
from shared.config import OFFLINE_MODELS, Settings
from shared.errors import ModelNotFoundError, ModelUnavailableError
from shared.models import Transcript


class SpeechEngine(Protocol):
    name: str
    model_name: str

    def transcribe(
        self, audio_path: Path, *, stream: int = 0, on_progress: Callable[[float], None] | None = None
    ) -> Transcript:
        """Transcribe the whole recording; ``on_progress`` gets seconds of audio done."""


def known_model_names() -> list[str]:
    from faster_whisper import available_models

    return [*OFFLINE_MODELS, *available_models()]


def resolve_model_dir(model: str) -> tuple[str, str]:
    """``(what the engine loads, display name)`` for a model reference.

    Raises ``ModelNotFoundError`` naming the alternatives for a name that is neither known nor a
    model directory, ``ModelUnavailableError`` for a directory that holds no model.
    """
    if model in OFFLINE_MODELS:
        return str(offline_model_dir(model)), model
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


def check_model(model: str) -> None:
    """Fail at once, before any file is processed, on a model that cannot be used here.

    An unknown name, a directory without a model, a missing offline package, or (with the hub
    switched off by ``HF_HUB_OFFLINE``) a hub model that is not in the local cache.
    """
    source, _ = resolve_model_dir(model)
    if not Path(source).is_dir() and _hub_offline():
        from faster_whisper.utils import download_model

        try:
            download_model(source, local_files_only=True)
        except Exception:
            raise ModelUnavailableError(
                f"model {model!r} is not in the local cache and the hub is switched off (HF_HUB_OFFLINE): "
                f"use --model {OFFLINE_MODELS[0]} (bundled) or a local model directory"
            ) from None


def _hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def load_engine(model: str, *, settings: Settings) -> SpeechEngine:
    """The engine on ``model`` with ``settings.engine`` (``ModelUnavailableError`` when it cannot load)."""
    from pipeline.asr.inference.engine import WhisperEngine

    source, name = resolve_model_dir(model)
    try:
        return WhisperEngine(source, settings=settings.engine, model_name=name, download=not Path(source).is_dir())
    except ModelUnavailableError as exc:
        if Path(source).is_dir():
            raise
        raise ModelUnavailableError(
            f"model {model!r} is not available here and could not be downloaded ({exc.message}): "
            f"use --model {OFFLINE_MODELS[0]} (bundled, works offline) or --model /path/to/ctranslate2-model"
        ) from exc
