"""The SageMaker Hugging Face inference toolkit handlers: ``model_fn``, ``input_fn``, ``predict_fn``,
``output_fn`` (re-exported by the artifact's ``code/inference.py``).

The artifact is self-contained: ``model_fn`` loads the CTranslate2 weights packaged next to
``code/``, and the packages the code imports (faster-whisper, CTranslate2, tokenizers, PyAV,
onnxruntime, scipy, the ffmpeg build) are bundled under ``code/packages/``, which importing this
module puts first on ``sys.path``. The endpoint needs no network at all. The engine's settings
come from the model's environment, read exactly as ``clearscribe run`` reads them
(:mod:`shared.engine_settings`): the same values, the same words. On a GPU instance the model stack asks for
CUDA (``CLEARSCRIBE_DEVICE=cuda``), and a GPU that cannot be used fails ``model_fn`` (so the
endpoint never reports healthy) with one log line saying why, instead of running on the CPU.

A request may name a window of the recording in its custom attributes (``window=<start>-<end>``,
:mod:`.windows`): the workflow sends a long recording as several such invocations, each
decoding the audio only as far as its window needs and transcribing only its window, cut at the
same quiet moments as its neighbours; times stay the recording's.

With speaker labels on (``CLEARSCRIBE_SPEAKERS``), the same invocation that transcribes also tells
the speakers apart (:mod:`.diarization`, on the CPU): the transcript it returns has a speaker on
every segment and the speaker turns.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.asr.inference.failures import reported
from shared.contract import BUNDLED_PACKAGES_DIR, ENV_MAX_AUDIO_SECONDS, ENV_MODEL_NAME, ENV_SPEAKERS
from shared.errors import (
    ConfigInvalidError,
    EmptyFileError,
    InvalidMediaError,
    MediaTooLongError,
    ModelUnavailableError,
)
from shared.models import Transcript
from shared.speakers import DEFAULT_SPEAKERS, SpeakerSetting

#: ``code/`` of the artifact (this file is ``code/pipeline/asr/inference/serving.py`` there).
CODE_DIR = Path(__file__).resolve().parents[3]


def use_bundled_packages(code_dir: Path = CODE_DIR) -> Path | None:
    """Put the artifact's bundled packages first on ``sys.path``; returns the directory, if there is one.

    Modules the toolkit imported before this one (numpy, huggingface_hub) stay the container's.
    """
    bundled = code_dir / BUNDLED_PACKAGES_DIR
    if not bundled.is_dir():
        return None
    if str(bundled) not in sys.path:
        sys.path.insert(0, str(bundled))
    return bundled


use_bundled_packages()

from pipeline.asr.inference.audio import (  # noqa: E402  (after the path)
    decode_to_wav,
    wav_duration,
    wav_samples,
    wav_windows,
)
from pipeline.asr.inference.decoding import WINDOW_SECONDS  # noqa: E402
from pipeline.asr.inference.engine import WhisperEngine  # noqa: E402
from pipeline.asr.inference.windows import (  # noqa: E402
    SPEAKERS_OFF,
    SPEAKERS_ONLY,
    Window,
    decode_until,
    window_bounds,
)
from shared.engine_settings import EngineSettings  # noqa: E402

__all__ = ["LoadedModel", "RequestAudio", "input_fn", "model_fn", "output_fn", "predict_fn"]

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
#: The header the model server hands an invocation's ``CustomAttributes`` in.
CUSTOM_ATTRIBUTES_HEADER = "x-amzn-sagemaker-custom-attributes"


def _env_number(name: str) -> float | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise ConfigInvalidError(f"{name}={raw!r} is not a number") from None


@dataclass(frozen=True)
class LoadedModel:
    """What ``model_fn`` loads once per worker: the speech engine and the speaker setting."""

    engine: WhisperEngine
    speakers: SpeakerSetting


@dataclass(frozen=True)
class RequestAudio:
    """One request's audio, decoded to the engine's WAV in a directory of its own (removed by
    ``predict_fn`` whatever happens: it is raw audio), and the window to transcribe (None: all)."""

    wav: Path
    window: Window | None = None

    def discard(self) -> None:
        shutil.rmtree(self.wav.parent, ignore_errors=True)


def model_fn(model_dir: str, context: Any = None) -> LoadedModel:
    """Load the engine on the weights packaged in ``model_dir``, on the device the settings ask for,
    and the speaker encoder when speakers are labelled (so a missing package fails at start-up)."""
    try:
        speakers = _speaker_setting()
        packaged = Path(model_dir)
        if not (packaged / "model.bin").is_file():
            raise ModelUnavailableError(f"{packaged}: the model artifact holds no CTranslate2 weights (no model.bin)")
        settings = EngineSettings.from_env().resolved()
        if settings.device == "cuda":
            require_cuda()
        engine = WhisperEngine(
            str(packaged),
            settings=settings,
            model_name=os.environ.get(ENV_MODEL_NAME) or packaged.name,
            max_audio_seconds=_env_number(ENV_MAX_AUDIO_SECONDS),
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


def require_cuda() -> None:
    """Fail unless CTranslate2 can use a CUDA device: a GPU instance must not quietly run on its CPU."""
    from shared.engine_settings import cuda_device_count

    if cuda_device_count() < 1:
        raise ModelUnavailableError(
            "CLEARSCRIBE_DEVICE=cuda but CTranslate2 sees no usable CUDA device (no NVIDIA driver, or its "
            "libcuda.so.1 is not mounted): the endpoint does not fall back to the CPU"
        )


def _speaker_setting() -> SpeakerSetting:
    raw = os.environ.get(ENV_SPEAKERS) or DEFAULT_SPEAKERS
    try:
        return SpeakerSetting.parse(raw)
    except ValueError as exc:
        raise ConfigInvalidError(f"{ENV_SPEAKERS}: {exc}") from None


def input_fn(request_body: bytes | str, request_content_type: str | None, context: Any = None) -> RequestAudio:
    """Decode the request body (audio bytes) to the engine's 16 kHz mono WAV, as a local run decodes
    its input (:func:`.audio.decode_to_wav`)."""
    try:
        content_type = (request_content_type or "application/octet-stream").split(";")[0].strip().lower()
        if content_type not in AUDIO_CONTENT_TYPES:
            raise InvalidMediaError(
                f"unsupported content type {content_type!r}: send audio bytes as audio/x-audio "
                "(or audio/mp4, audio/wav, audio/mpeg, …)"
            )
        body = request_body.encode("latin-1") if isinstance(request_body, str) else request_body
        if not body:
            raise EmptyFileError("the request body is empty: send the audio bytes")
        window = Window.from_attribute(custom_attributes(context))
        limit = _env_number(ENV_MAX_AUDIO_SECONDS)
        if window is not None and window.speakers == SPEAKERS_ONLY:
            limit = None  # the speaker turns of a whole recording: no words, the diarization's time only
        elif window is not None and window.end is not None and limit is not None and window.end - window.start > limit:
            raise MediaTooLongError(
                f"the window of {window.end - window.start:.0f} s exceeds the limit of {limit:.0f} s"
            )
        scratch = Path(tempfile.mkdtemp(prefix="clearscribe-request-"))
        try:
            source = scratch / "request.audio"
            source.write_bytes(body)
            wav = scratch / "audio.wav"
            if window is None or window.speakers == SPEAKERS_ONLY:
                decode_to_wav(source, wav, max_seconds=limit)
            else:
                decode_to_wav(source, wav, until=decode_until(window))
            source.unlink()
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        return RequestAudio(wav, window)
    except Exception as exc:
        raise reported(exc) from exc


def predict_fn(data: RequestAudio, model: LoadedModel, context: Any = None) -> Transcript:
    """The transcript of the request's audio (or of its window), with its speakers when they are
    labelled here; for ``speakers=only``, the recording's speaker turns and no words."""
    try:
        from pipeline.asr.inference.diarization import label_speakers

        window = data.window
        if window is not None and window.speakers == SPEAKERS_ONLY:
            return _speaker_turns(data.wav, model)
        transcript = model.engine.transcribe_window(data.wav, window)
        if window is not None and window.speakers == SPEAKERS_OFF:
            return transcript  # another request tells the recording's speakers apart
        part = None if window is None else window_bounds(wav_samples(data.wav), window)
        windows = wav_windows(data.wav, window_s=WINDOW_SECONDS, part=part)
        return label_speakers(transcript, windows, model.speakers)
    except Exception as exc:
        raise reported(exc) from exc
    finally:
        data.discard()


def _speaker_turns(wav: Path, model: LoadedModel) -> Transcript:
    """The speaker turns of the whole recording in ``wav``, as a transcript without segments (what
    :func:`~pipeline.asr.inference.diarization.label_speakers` gives for no words)."""
    from pipeline.asr.inference.diarization import label_speakers

    if not model.speakers.enabled:
        raise ConfigInvalidError(
            f"the request asks for speaker turns, but this endpoint labels no speakers ({ENV_SPEAKERS}=off)"
        )
    empty = Transcript(language="en", duration=wav_duration(wav), segments=(), model=model.engine.model_name)
    return label_speakers(empty, wav_windows(wav, window_s=WINDOW_SECONDS), model.speakers)


def custom_attributes(context: Any) -> str | None:
    """The invocation's ``CustomAttributes`` from the model server's request context, if any."""
    try:
        headers = context.request_processor[0].get_request_properties()
    except (AttributeError, IndexError, TypeError):
        return None
    for name, value in dict(headers or {}).items():
        if str(name).lower() == CUSTOM_ATTRIBUTES_HEADER:
            return value.decode("utf-8", "replace") if isinstance(value, bytes | bytearray) else str(value)
    return None


def output_fn(prediction: Transcript, accept: str | None, context: Any = None) -> str:
    """Serialise the transcript as JSON (the only response type)."""
    kind = (accept or JSON_CONTENT_TYPE).split(";")[0].strip().lower()
    if kind not in (JSON_CONTENT_TYPE, "*/*"):
        raise reported(InvalidMediaError(f"unsupported accept type {kind!r}: use application/json"))
    return prediction.to_json()
