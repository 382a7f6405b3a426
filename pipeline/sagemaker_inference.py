"""Distil-Whisper speech recognition with a transformers pipeline: the SageMaker inference module.

The same file serves two hosts:

* the SageMaker Hugging Face inference container, where ``infra/model_artifact.py`` ships it as
  ``code/inference.py`` next to a copy of ``shared/`` and the toolkit calls ``model_fn``,
  ``input_fn``, ``predict_fn`` and ``output_fn``;
* the local runner (``clearscribe run --engine transformers``) through ``TransformersEngine``.

Audio is decoded with PyAV (no ffmpeg binary needed) to 16 kHz mono float32, then transcribed in
full: long recordings are cut into windows of a few minutes at their quietest moments (progress is
reported per window), and each window goes through a long-form strategy with timestamps, so nothing
past the first 30 s is lost (a Whisper pipeline called without one stops there):

* ``sequential`` (default): Whisper's own sliding 30 s decoding, each window continuing at the last
  predicted timestamp. Best accuracy and segment timestamps; one window at a time.
* ``chunked``: the pipeline cuts the audio into overlapping ``chunk_length_s`` chunks that can be
  batched (``batch_size``) and merges the texts. Faster on a GPU with large batches; its segment
  timestamps are coarse (the merge keeps few boundaries).

The result is the project's ``Transcript``.

English only. Distil-Whisper checkpoints are distilled on English speech; with a multilingual
vocabulary the module detects the spoken language first and rejects clearly non-English audio
with ``UnsupportedLanguageError`` instead of returning a confident-looking wrong transcript.
English-only checkpoints (``*.en``) cannot tell languages apart, so no check is made for them.

Errors raised to the serving toolkit have a JSON ``str()`` (``{"error", "code", "message"}``):
the toolkit writes it into the async failure object, where ``read_failure`` turns it back into
a typed error. Transcript text never goes to logs.

torch, transformers, numpy and av are imported lazily, so the module (and ``read_failure``)
imports in a Lambda that has none of them.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.errors import (
    ClearscribeError,
    EmptyFileError,
    InvalidMediaError,
    MediaTooLongError,
    ModelUnavailableError,
    NoAudioStreamError,
    TranscriptionError,
    UnsupportedLanguageError,
)
from shared.log import get_logger
from shared.models import Segment, Transcript

if TYPE_CHECKING:
    import numpy as np

log = get_logger("clearscribe.inference")

ENGINE_NAME = "transformers"
SAMPLE_RATE = 16_000
DEFAULT_MODEL_ID = "distil-whisper/distil-large-v3"
TASK = "automatic-speech-recognition"
STRATEGIES = ("sequential", "chunked")
#: Whisper's safeguards for sequential decoding (as in the reference implementation): a 30 s step
#: whose text is too repetitive (gzip compression ratio) or too unlikely (mean log-probability) is
#: decoded again at a higher temperature, and a step that is probably silence is skipped. Without
#: them one repetition loop ("one one one one …" read out from a card number) runs to the token
#: limit and swallows the rest of the window.
LONG_FORM_FALLBACK: dict[str, Any] = {
    "temperature": (0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
    "compression_ratio_threshold": 1.35,  # transformers measures it on token ids, not on text
    "logprob_threshold": -1.0,
    "no_speech_threshold": 0.6,
}
DECODE_SEED = 0
# Short names the local CLI accepts, as for faster-whisper (``--model distil-large-v3``).
MODEL_ALIASES = {
    name: f"distil-whisper/{name}"
    for name in ("distil-large-v3", "distil-large-v2", "distil-medium.en", "distil-small.en")
}

# Environment read by model_fn inside the container (set on the SageMaker model by the model stack).
ENV_MODEL_ID = "CLEARSCRIBE_MODEL_ID"  # hub id to load when the artifact carries no weights
ENV_MODEL_NAME = "CLEARSCRIBE_MODEL_NAME"  # name recorded in the transcript for packaged weights
ENV_CHUNK_LENGTH = "CLEARSCRIBE_CHUNK_LENGTH_S"
ENV_BATCH_SIZE = "CLEARSCRIBE_BATCH_SIZE"
ENV_STRATEGY = "CLEARSCRIBE_STRATEGY"
ENV_NUM_BEAMS = "CLEARSCRIBE_NUM_BEAMS"
ENV_MAX_AUDIO_SECONDS = "CLEARSCRIBE_MAX_AUDIO_SECONDS"

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
_TIMESTAMP_TOKEN = re.compile(r"<\|\d+\.\d+\|>")


# -- audio ------------------------------------------------------------------------------------


def decode_audio(source: bytes | bytearray | Path | str, *, max_seconds: float | None = None) -> np.ndarray:
    """Decode the first audio stream of any container PyAV reads to 16 kHz mono float32 samples.

    Raises ``EmptyFileError`` for empty input or a silent-less (zero-sample) track,
    ``NoAudioStreamError`` for media without audio, ``MediaTooLongError`` past ``max_seconds`` and
    ``InvalidMediaError`` for anything that does not decode.
    """
    import numpy as np

    try:
        import av
    except ImportError as exc:  # pragma: no cover - depends on the host image
        raise ModelUnavailableError("audio decoding needs PyAV (pip install av)") from exc

    if isinstance(source, bytes | bytearray):
        if not source:
            raise EmptyFileError("the request body is empty: send the audio bytes")
        handle: Any = io.BytesIO(bytes(source))
        label = f"{len(source)} bytes"
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidMediaError(f"{path.name}: no such audio file")
        if path.stat().st_size == 0:
            raise EmptyFileError(f"{path.name}: the file is empty")
        handle = str(path)
        label = path.name

    pieces: list[np.ndarray] = []
    try:
        with av.open(handle, mode="r") as container:
            if not container.streams.audio:
                raise NoAudioStreamError(f"{label}: the media has no audio stream")
            stream = container.streams.audio[0]
            if max_seconds is not None and stream.duration and stream.time_base:
                declared = float(stream.duration * stream.time_base)
                if declared > max_seconds:
                    raise MediaTooLongError(
                        f"{label}: {declared:.0f} s of audio exceeds the limit of {max_seconds:.0f} s"
                    )
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            decoded = 0
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    pieces.append(out.to_ndarray().reshape(-1))
                    decoded += out.samples
                if max_seconds is not None and decoded > max_seconds * SAMPLE_RATE:
                    raise MediaTooLongError(f"{label}: the audio exceeds the limit of {max_seconds:.0f} s")
            for out in resampler.resample(None):
                pieces.append(out.to_ndarray().reshape(-1))
    except ClearscribeError:
        raise
    except (av.FFmpegError, ValueError, EOFError) as exc:
        raise InvalidMediaError(f"{label}: not decodable audio ({type(exc).__name__})") from exc
    audio = np.concatenate(pieces).astype(np.float32, copy=False) if pieces else np.zeros(0, np.float32)
    if audio.size == 0:
        raise EmptyFileError(f"{label}: the audio track holds no samples")
    return audio


def window_bounds(
    audio: np.ndarray, *, window_s: float, search_s: float = 10.0, frame_s: float = 0.1
) -> list[tuple[int, int]]:
    """Cut ``audio`` into windows of at most ``window_s`` seconds, each cut at the quietest
    ``frame_s`` frame within the last ``search_s`` seconds before the limit (between words, not
    inside one). Returns ``[(start, end), …]`` sample indices covering the whole array.
    """
    import numpy as np

    n = int(audio.shape[0])
    window = max(int(window_s * SAMPLE_RATE), 1)
    frame = max(int(frame_s * SAMPLE_RATE), 1)
    search = min(max(int(search_s * SAMPLE_RATE), frame), window)
    bounds: list[tuple[int, int]] = []
    start = 0
    while n - start > window:
        limit = start + window
        lo = limit - search
        frames = (limit - lo) // frame
        region = audio[lo : lo + frames * frame].reshape(frames, frame)
        quietest = int(np.argmin(np.sqrt(np.mean(np.square(region, dtype=np.float64), axis=1))))
        cut = lo + quietest * frame + frame // 2
        bounds.append((start, cut))
        start = cut
    bounds.append((start, n))
    return bounds


# -- engine -----------------------------------------------------------------------------------


class TransformersEngine:
    """A transformers ASR pipeline over a Whisper / Distil-Whisper checkpoint.

    ``model`` is a local Hugging Face model directory or a hub id (a short Distil-Whisper name
    such as ``distil-large-v3`` is expanded). ``strategy`` is the long-form strategy
    (``sequential`` or ``chunked``, see the module docstring); ``chunk_length_s`` and
    ``batch_size`` apply to ``chunked`` (Distil-Whisper recommends 25–30 s chunks). ``num_beams``
    is the beam width (5 as in the reference Whisper decoding and the local faster-whisper engine;
    1 is greedy, faster). ``window_s`` is how much audio one call gets (progress is reported per
    window).
    """

    name = ENGINE_NAME

    def __init__(
        self,
        model: str,
        *,
        device: str = "cpu",
        chunk_length_s: int = 30,
        batch_size: int = 1,
        window_s: float = 300.0,
        strategy: str = "sequential",
        num_beams: int = 5,
        model_name: str | None = None,
        min_language_probability: float = 0.5,
        max_audio_seconds: float | None = None,
    ) -> None:
        if chunk_length_s <= 0 or chunk_length_s > 30:
            raise ValueError("chunk_length_s must be in (0, 30]: Whisper sees at most 30 s at a time")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if num_beams < 1:
            raise ValueError("num_beams must be at least 1")
        if strategy not in STRATEGIES:
            raise ValueError(f"unknown long-form strategy {strategy!r}: use one of {', '.join(STRATEGIES)}")
        source = str(model)
        local = Path(source).expanduser()
        if local.is_dir():
            if not (local / "config.json").is_file():
                raise ModelUnavailableError(f"{local}: not a Hugging Face model directory (no config.json)")
            source = str(local.resolve())
            self.model_name = model_name or local.name
        else:
            source = MODEL_ALIASES.get(source, source)
            self.model_name = model_name or source
        self.device = device
        self.strategy = strategy
        self.num_beams = num_beams
        self.chunk_length_s = chunk_length_s
        self.batch_size = batch_size
        self.window_s = max(float(window_s), float(chunk_length_s))
        self.min_language_probability = min_language_probability
        self.max_audio_seconds = max_audio_seconds
        self._pipe = _load_pipeline(source, device=device)

    # SpeechEngine protocol
    def transcribe(self, audio_path: Path, *, on_progress: Callable[[float], None] | None = None) -> Transcript:
        audio = decode_audio(Path(audio_path), max_seconds=self.max_audio_seconds)
        return self.transcribe_array(audio, on_progress=on_progress)

    def transcribe_array(self, audio: np.ndarray, *, on_progress: Callable[[float], None] | None = None) -> Transcript:
        """Transcribe 16 kHz mono float32 samples from start to end."""
        if audio.size == 0:
            raise EmptyFileError("the audio holds no samples")
        duration = audio.shape[0] / SAMPLE_RATE
        started = time.monotonic()
        self._check_english(audio)
        import torch

        torch.manual_seed(DECODE_SEED)  # the fallback samples: the same audio gives the same transcript
        generate_kwargs = self._generate_kwargs()
        segments: list[Segment] = []
        try:
            for lo, hi in window_bounds(audio, window_s=self.window_s):
                offset, window_end = lo / SAMPLE_RATE, hi / SAMPLE_RATE
                for start, end, text in self._run_window(audio[lo:hi], generate_kwargs):
                    seg_start = round(min(offset + start, window_end), 3)
                    seg_end = round(
                        min(offset + (end if end is not None else hi / SAMPLE_RATE - offset), window_end), 3
                    )
                    segments.append(Segment(id=len(segments), start=seg_start, end=max(seg_end, seg_start), text=text))
                if on_progress:
                    on_progress(round(window_end, 3))
        except ClearscribeError:
            raise
        except (RuntimeError, ValueError, IndexError, KeyError, TypeError) as exc:
            raise TranscriptionError(f"speech recognition failed ({type(exc).__name__})") from exc
        log.info(
            "transcribed",
            extra={
                "audio_seconds": round(duration, 3),
                "segments": len(segments),
                "seconds": round(time.monotonic() - started, 3),
                "model": self.model_name,
            },
        )
        return Transcript(
            language="en",
            duration=round(duration, 3),
            segments=tuple(segments),
            model=self.model_name,
            engine=self.name,
        )

    # -- internals ----------------------------------------------------------------------------
    def _run_window(
        self, samples: np.ndarray, generate_kwargs: dict[str, Any]
    ) -> Iterator[tuple[float, float | None, str]]:
        if self.strategy == "sequential":
            yield from self._run_sequential(samples, generate_kwargs)
            return
        result = self._pipe(
            {"raw": samples, "sampling_rate": SAMPLE_RATE},
            return_timestamps=True,
            generate_kwargs=generate_kwargs,
            chunk_length_s=self.chunk_length_s,
            batch_size=self.batch_size,
            ignore_warning=True,
        )
        for chunk in result.get("chunks") or ():
            text = str(chunk.get("text") or "").strip()
            if not text:
                continue
            start, end = chunk.get("timestamp") or (None, None)
            yield float(start or 0.0), (float(end) if end is not None else None), text

    def _run_sequential(
        self, samples: np.ndarray, generate_kwargs: dict[str, Any]
    ) -> Iterator[tuple[float, float | None, str]]:
        """Whisper's sequential long-form decoding through the pipeline's model and processors.

        ``generate(..., return_segments=True)`` gives absolute segment times in transformers 4.4x
        (the inference DLC) and 5.x alike; the 4.x pipeline's own long-form output does not.
        """
        import torch

        model, extractor, tokenizer = self._pipe.model, self._pipe.feature_extractor, self._pipe.tokenizer
        options: dict[str, Any] = {}
        if samples.shape[0] > extractor.n_samples:  # long-form: all frames, the mask marks the real ones
            inputs = extractor(
                samples,
                sampling_rate=SAMPLE_RATE,
                return_tensors="pt",
                truncation=False,
                padding="longest",
                return_attention_mask=True,
            )
            options["attention_mask"] = inputs.attention_mask.to(model.device)
        else:  # up to 30 s: one padded window, decoded as the pipeline does it
            inputs = extractor(samples, sampling_rate=SAMPLE_RATE, return_tensors="pt")
        with torch.inference_mode():
            output = model.generate(
                inputs.input_features.to(model.device, dtype=model.dtype),
                **options,
                return_timestamps=True,
                return_segments=True,
                condition_on_prev_tokens=False,
                **LONG_FORM_FALLBACK,
                **generate_kwargs,
            )
        for segment in output["segments"][0]:
            text = _TIMESTAMP_TOKEN.sub("", tokenizer.decode(segment["tokens"], skip_special_tokens=True)).strip()
            if text:
                yield float(segment["start"]), float(segment["end"]), text

    def _generate_kwargs(self) -> dict[str, Any]:
        options: dict[str, Any] = {"num_beams": self.num_beams}
        if self._is_multilingual():
            options.update(language="en", task="transcribe")
        return options

    def _is_multilingual(self) -> bool:
        gen = self._pipe.model.generation_config
        return bool(getattr(gen, "is_multilingual", False) and getattr(gen, "lang_to_id", None))

    def _check_english(self, audio: np.ndarray) -> None:
        if not self._is_multilingual():
            return
        detected = self.detect_language(audio)
        if detected is None:
            return
        language, probability = detected
        if language != "en" and probability >= self.min_language_probability:
            raise UnsupportedLanguageError(
                f"the recording appears to be in '{language}' (probability {probability:.2f}); "
                f"model {self.model_name} transcribes English only"
            )

    def detect_language(self, audio: np.ndarray) -> tuple[str, float] | None:
        """``(language code, probability)`` from the loudest 30 s of ``audio``; None if silent."""
        import numpy as np
        import torch

        window = 30 * SAMPLE_RATE
        starts = range(0, max(audio.shape[0] - window, 0) + 1, window)
        loudest = max(starts, key=lambda s: float(np.mean(np.square(audio[s : s + window]))))
        sample = audio[loudest : loudest + window]
        if float(np.sqrt(np.mean(np.square(sample)))) < 1e-4:
            return None
        model, extractor = self._pipe.model, self._pipe.feature_extractor
        gen = model.generation_config
        features = extractor(sample, sampling_rate=SAMPLE_RATE, return_tensors="pt").input_features
        features = features.to(model.device, dtype=model.dtype)
        start = torch.tensor([[gen.decoder_start_token_id]], device=model.device)
        with torch.inference_mode():
            logits = model(input_features=features, decoder_input_ids=start).logits[0, -1]
        codes = [token.strip("<|>") for token in gen.lang_to_id]
        probs = logits[list(gen.lang_to_id.values())].float().softmax(-1)
        best = int(probs.argmax())
        return codes[best], float(probs[best])


def _load_pipeline(source: str, *, device: str) -> Any:
    try:
        import torch
        from transformers import pipeline
    except ImportError as exc:
        raise ModelUnavailableError(
            "the transformers engine needs torch and transformers (pip install 'clearscribe[inference]')"
        ) from exc
    options: dict[str, Any] = {}
    if device.startswith("cuda"):
        # transformers 5 calls it ``dtype``; the 4.x of the inference DLC ``torch_dtype``.
        options["dtype" if _transformers_major() >= 5 else "torch_dtype"] = torch.float16
    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
    try:
        return pipeline(TASK, model=source, device=device, **options)
    except (OSError, ValueError, RuntimeError) as exc:
        hint = " (HF_HUB_OFFLINE=1: only local directories or cached models load)" if offline else ""
        raise ModelUnavailableError(
            f"cannot load speech model {source!r} ({type(exc).__name__}){hint}: pass a local Hugging Face "
            "Whisper model directory or a reachable hub id"
        ) from exc


def _transformers_major() -> int:
    import transformers

    return int(transformers.__version__.split(".")[0])


# -- SageMaker Hugging Face inference toolkit handlers ----------------------------------------


class InferenceFailure(Exception):
    """Raised to the serving toolkit; ``str()`` is the JSON the async failure object carries."""

    def __init__(self, error: ClearscribeError) -> None:
        self.error = error
        super().__init__(failure_body(error))


def failure_body(error: ClearscribeError) -> str:
    return json.dumps({"error": type(error).__name__, **error.to_dict()})


_ERROR_TYPES: dict[str, type[ClearscribeError]] = {}


def _error_types() -> dict[str, type[ClearscribeError]]:
    if not _ERROR_TYPES:
        pending: list[type[ClearscribeError]] = [ClearscribeError]
        while pending:
            cls = pending.pop()
            _ERROR_TYPES[cls.__name__] = cls
            pending.extend(cls.__subclasses__())
    return _ERROR_TYPES


def read_failure(body: bytes | str) -> ClearscribeError:
    """The typed error from an async-inference failure object (``inference/failure/…``).

    Accepts the module's own JSON and the model server's wrapper around it
    (``{"code": 400, "type": …, "message": "<our JSON>"}``); anything else becomes a
    ``TranscriptionError`` whose message names the failure without echoing large bodies.
    """
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes | bytearray) else str(body)
    found = _find_failure(text)
    if found is None:
        return TranscriptionError(f"the inference endpoint failed: {text.strip()[:300]}")
    cls = _error_types().get(str(found.get("error")), ClearscribeError)
    error = cls(str(found.get("message") or ""))
    if cls is ClearscribeError and found.get("code"):
        error.code = str(found["code"])
    return error


def _find_failure(text: str, depth: int = 0) -> dict[str, Any] | None:
    if depth > 3:
        return None
    decoder = json.JSONDecoder()
    for index, char in enumerate(text):
        if char != "{":
            continue
        try:
            value, _ = decoder.raw_decode(text, index)
        except ValueError:
            continue
        if isinstance(value, dict):
            if "error" in value and "message" in value:
                return value
            inner = value.get("message")
            if isinstance(inner, str):
                return _find_failure(inner, depth + 1)
    return None


def _reported(error: Exception) -> InferenceFailure:
    if isinstance(error, InferenceFailure):
        return error
    if not isinstance(error, ClearscribeError):
        error = TranscriptionError(f"inference failed ({type(error).__name__})")
    log.warning("inference request failed", extra={"code": error.code, "error": type(error).__name__})
    return InferenceFailure(error)


def _env_number(name: str, default: float | None) -> float | None:
    raw = os.environ.get(name)
    return float(raw) if raw else default


def model_fn(model_dir: str, context: Any = None) -> TransformersEngine:
    """Load the engine: packaged weights in ``model_dir`` if present, else ``CLEARSCRIBE_MODEL_ID``."""
    try:
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
        packaged = Path(model_dir)
        model_id = os.environ.get(ENV_MODEL_ID)
        if (packaged / "config.json").is_file() and not model_id:
            source, name = str(packaged), os.environ.get(ENV_MODEL_NAME) or packaged.name
        else:
            source = model_id or DEFAULT_MODEL_ID
            name = os.environ.get(ENV_MODEL_NAME) or MODEL_ALIASES.get(source, source)
        max_seconds = _env_number(ENV_MAX_AUDIO_SECONDS, None)
        return TransformersEngine(
            source,
            device=device,
            chunk_length_s=int(_env_number(ENV_CHUNK_LENGTH, 30) or 30),
            batch_size=int(_env_number(ENV_BATCH_SIZE, 1) or 1),
            strategy=os.environ.get(ENV_STRATEGY) or "sequential",
            num_beams=int(_env_number(ENV_NUM_BEAMS, 5) or 5),
            model_name=name,
            max_audio_seconds=max_seconds,
        )
    except Exception as exc:
        raise _reported(exc) from exc


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
        raise _reported(exc) from exc


def predict_fn(data: np.ndarray, model: TransformersEngine, context: Any = None) -> Transcript:
    try:
        return model.transcribe_array(data)
    except Exception as exc:
        raise _reported(exc) from exc


def output_fn(prediction: Transcript, accept: str | None, context: Any = None) -> str:
    """Serialise the transcript as JSON (the only response type)."""
    kind = (accept or JSON_CONTENT_TYPE).split(";")[0].strip().lower()
    if kind not in (JSON_CONTENT_TYPE, "*/*"):
        raise _reported(InvalidMediaError(f"unsupported accept type {kind!r}: use application/json"))
    return prediction.to_json()
