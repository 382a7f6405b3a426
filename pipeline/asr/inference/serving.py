"""The SageMaker Hugging Face inference toolkit handlers: ``model_fn``, ``input_fn``, ``predict_fn``,
``output_fn`` (re-exported by the artifact's ``code/inference.py``).

The artifact is self-contained: ``model_fn`` loads the weights packaged next to ``code/`` and the
packages the container lacks (PyAV, silero-vad, onnxruntime, scipy) are bundled under
``code/packages/``, which importing this module appends to ``sys.path`` (after the container's own
packages, which win). The endpoint needs no network at all. Settings come from the model's
environment (``shared.contract``). With speaker labels on (``CLEARSCRIBE_SPEAKERS``), the same
invocation that transcribes also tells the speakers apart (:mod:`.diarization`, on the CPU): the
transcript it returns has a speaker on every segment and the speaker turns.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.asr.inference.audio import array_windows, decode_audio
from pipeline.asr.inference.decoding import WINDOW_SECONDS
from pipeline.asr.inference.engine import TransformersEngine
from pipeline.asr.inference.failures import reported
from shared.contract import (
    BUNDLED_PACKAGES_DIR,
    ENV_BATCH_SIZE,
    ENV_CHUNK_LENGTH,
    ENV_MAX_AUDIO_SECONDS,
    ENV_MODEL_NAME,
    ENV_NUM_BEAMS,
    ENV_SPEAKERS,
    ENV_STRATEGY,
)
from shared.errors import ConfigInvalidError, InvalidMediaError, ModelUnavailableError
from shared.models import Transcript
from shared.speakers import DEFAULT_SPEAKERS, SpeakerSetting

if TYPE_CHECKING:
    import numpy as np

__all__ = ["LoadedModel", "input_fn", "model_fn", "output_fn", "predict_fn"]

AUDIO_CONTENT_TYPES = frozenset(
    {
        "audio/x-audio",
        "audio/mp4",
        "audio/m4a",
        "audio/x-m4a",
        "audio/aac",
        "audio/x-aac",
        "audio/mpeg",
        "audio/mp3",
        "audio/wav",
        "audio/x-wav",
        "audio/wave",
        "audio/vnd.wave",
        "audio/flac",
        "audio/x-flac",
        "audio/ogg",
        "audio/webm",
        "video/mp4",
        "video/quicktime",
        "application/octet-stream",
    }
)
JSON_CONTENT_TYPE = "application/json"
#: ``code/`` of the artifact (this file is ``code/pipeline/asr/inference/serving.py`` there).
CODE_DIR = Path(__file__).resolve().parents[3]


def use_bundled_packages(code_dir: Path = CODE_DIR) -> Path | None:
    """Append the artifact's bundled packages to ``sys.path``; returns the directory, if there is one."""
    bundled = code_dir / BUNDLED_PACKAGES_DIR
    if not bundled.is_dir():
        return None
    if str(bundled) not in sys.path:
        sys.path.append(str(bundled))
    return bundled


use_bundled_packages()


def _env_number(name: str, default: float | None) -> float | None:
    raw = os.environ.get(name)
    return float(raw) if raw else default


@dataclass(frozen=True)
class LoadedModel:
    """What ``model_fn`` loads once per worker: the speech engine and the speaker setting."""

    engine: TransformersEngine
    speakers: SpeakerSetting


def model_fn(model_dir: str, context: Any = None) -> LoadedModel:
    """Load the engine on the weights packaged in ``model_dir`` (GPU in float16 when there is one),
    and the speaker encoder when speakers are labelled (so a missing package fails at start-up)."""
    try:
        import torch

        speakers = _speaker_setting()
        packaged = Path(model_dir)
        if not (packaged / "config.json").is_file():
            raise ModelUnavailableError(f"{packaged}: the model artifact holds no weights (no config.json)")
        engine = TransformersEngine(
            str(packaged),
            device="cuda" if torch.cuda.is_available() else "cpu",
            chunk_length_s=int(_env_number(ENV_CHUNK_LENGTH, 30) or 30),
            batch_size=int(_env_number(ENV_BATCH_SIZE, 1) or 1),
            strategy=os.environ.get(ENV_STRATEGY) or "sequential",
            num_beams=int(beams) if (beams := _env_number(ENV_NUM_BEAMS, None)) else None,
            model_name=os.environ.get(ENV_MODEL_NAME) or packaged.name,
            max_audio_seconds=_env_number(ENV_MAX_AUDIO_SECONDS, None),
        )
        if speakers.enabled:
            from pipeline.asr.inference.diarization import load_speaker_encoder

            try:
                import scipy.cluster.hierarchy  # noqa: F401  (the clustering; imported on first use)

                load_speaker_encoder()
            except ImportError as exc:
                raise ModelUnavailableError(f"speaker labels need {exc.name}, which the artifact lacks") from exc
        return LoadedModel(engine, speakers)
    except Exception as exc:
        raise reported(exc) from exc


def _speaker_setting() -> SpeakerSetting:
    raw = os.environ.get(ENV_SPEAKERS) or DEFAULT_SPEAKERS
    try:
        return SpeakerSetting.parse(raw)
    except ValueError as exc:
        raise ConfigInvalidError(f"{ENV_SPEAKERS}: {exc}") from None


def input_fn(request_body: bytes | str, request_content_type: str | None, context: Any = None) -> np.ndarray:
    """Decode the request body (audio bytes) to 16 kHz mono samples."""
    try:
        content_type = (request_content_type or "application/octet-stream").split(";")[0].strip().lower()
        if content_type not in AUDIO_CONTENT_TYPES:
            raise InvalidMediaError(
                f"unsupported content type {content_type!r}: send audio bytes as audio/x-audio "
                "(or audio/mp4, audio/wav, audio/mpeg, …)"
            )
        body = request_body.encode("latin-1") if isinstance(request_body, str) else request_body
        return decode_audio(body, max_seconds=_env_number(ENV_MAX_AUDIO_SECONDS, None))
    except Exception as exc:
        raise reported(exc) from exc


def predict_fn(data: np.ndarray, model: LoadedModel, context: Any = None) -> Transcript:
    """The transcript of ``data``, with its speakers when they are labelled."""
    try:
        from pipeline.asr.inference.diarization import label_speakers

        transcript = model.engine.transcribe_array(data)
        return label_speakers(transcript, array_windows(data, window_s=WINDOW_SECONDS), model.speakers)
    except Exception as exc:
        raise reported(exc) from exc


def output_fn(prediction: Transcript, accept: str | None, context: Any = None) -> str:
    """Serialise the transcript as JSON (the only response type)."""
    kind = (accept or JSON_CONTENT_TYPE).split(";")[0].strip().lower()
    if kind not in (JSON_CONTENT_TYPE, "*/*"):
        raise reported(InvalidMediaError(f"unsupported accept type {kind!r}: use application/json"))
    return prediction.to_json()
