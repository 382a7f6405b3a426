"""The speech engine: Whisper / Distil-Whisper on faster-whisper (CTranslate2), on every host.

``clearscribe run`` and the SageMaker endpoint (:mod:`.serving`) transcribe with this one class,
under the shared decoding policy (:mod:`.decoding`) and one set of settings (:mod:`shared.engine_settings`):
the audio in windows of a few minutes cut at quiet moments, Silero VAD (:mod:`.vad`) finding the
speech in each, a first pass, every troubled or uncovered stretch decoded again clip by clip, and
the speech still without words reported. The first pass has two strategies:

* ``chunked`` (the default): the speech cut into chunks of at most 30 s, each decoded on its own
  with word times, ``batch_size`` chunks at a time (faster-whisper's ``BatchedInferencePipeline``).
* ``sequential``: Whisper's sliding 30 s decoding of the speech faster-whisper's own VAD keeps.

Both run the same code on any device; on a GPU only the device, the compute type and the batch
size differ. Decoding never samples (temperature 0): CTranslate2's sampler cannot be re-seeded per
recording, and without sampling the same audio gives the same words in any process, on any host.

**Language.** Everything after transcription assumes English. A model whose vocabulary has
language tokens (multilingual Whisper) first detects the spoken language of the first window's
speech, and clearly non-English audio fails with ``UnsupportedLanguageError`` instead of being
transcribed into English words. English-only checkpoints (``*.en``) cannot tell languages apart;
Distil-Whisper's decoder was distilled on English only and always answers English (docs/model.md).

Transcript text never goes to logs.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.asr.inference.audio import (
    array_windows,
    decode_to_wav,
    is_engine_wav,
    wav_duration,
    wav_samples,
    wav_windows,
)
from pipeline.asr.inference.decoding import (
    CHUNK_VAD,
    WINDOW_SECONDS,
    Decoded,
    decode_windows,
    max_new_tokens,
    to_transcript,
)
from pipeline.asr.inference.spans import chunk_spans
from pipeline.asr.inference.vad import detect_speech
from pipeline.asr.inference.windows import Window, merge_windows, plan_windows, window_bounds
from shared.contract import SAMPLE_RATE
from shared.corrections import apply_corrections
from shared.engine_settings import EngineSettings, ResolvedSettings
from shared.errors import (
    ClearscribeError,
    EmptyFileError,
    ModelUnavailableError,
    TranscriptionError,
    UnsupportedLanguageError,
)
from shared.log import get_logger
from shared.models import Transcript, Word
from shared.vocabulary import vocabulary_prompt

if TYPE_CHECKING:
    import numpy as np

__all__ = ["ENGINE_NAME", "WhisperEngine"]

ENGINE_NAME = "faster-whisper"
#: The language everything after transcription reads.
LANGUAGE = "en"
#: Speech is clearly not English when another language is at least this many times as probable as
#: English (a likelihood ratio, so a model unsure between many languages still decides). Whisper
#: base on espeak-ng speech: English 0.93 for English; French 0.37 against English 0.10, German 0.97
#: against 0.01, Spanish 0.98 against 0.004. Accented English that a model hears as another language
#: only a little more probably than English passes.
OTHER_LANGUAGE_RATIO = 2.0
#: 30 s segments of speech the language is detected on (the first whose top language is at least
#: this probable decides; otherwise the majority of the segments).
LANGUAGE_DETECTION_SEGMENTS = 3
LANGUAGE_DETECTION_THRESHOLD = 0.5
#: How the vocabulary reaches the decoder: as faster-whisper's ``hotwords``, a prompt before every
#: 30 s window in either strategy, or as its ``initial_prompt`` (every chunk in the chunked strategy,
#: only the first window in the sequential one). docs/benchmarks.md, "Custom vocabulary".
VOCABULARY_OPTIONS = ("hotwords", "initial_prompt")
VOCABULARY_OPTION = "hotwords"
#: Whisper's token budget per window (prompt and output together).
MAX_LENGTH = 448
#: The longest vocabulary prompt in tokens: faster-whisper keeps at most half the budget. Terms
#: beyond it are left out (and the count logged).
MAX_PROMPT_TOKENS = MAX_LENGTH // 2 - 1
#: Tokens around the prompt: start of previous text, start of transcript, language, task, no timestamps.
PROMPT_FRAME_TOKENS = 5

log = get_logger("clearscribe.engine")


class WhisperEngine:
    """A Whisper checkpoint in CTranslate2 format that transcribes a whole recording.

    ``model`` is a CTranslate2 model directory (``model.bin``, ``config.json``, ``tokenizer.json``,
    ``vocabulary.*``), or a faster-whisper model name that is looked up in the local Hugging Face
    cache (and downloaded when ``download`` is true). ``settings`` are resolved for this machine
    (:meth:`shared.engine_settings.EngineSettings.resolved`). ``max_audio_seconds`` fails longer audio with
    ``MediaTooLongError`` while it is decoded.
    """

    name = ENGINE_NAME

    def __init__(
        self,
        model: str,
        *,
        settings: EngineSettings | ResolvedSettings | None = None,
        model_name: str | None = None,
        download: bool = False,
        max_audio_seconds: float | None = None,
        vocabulary_option: str = VOCABULARY_OPTION,
    ) -> None:
        if not isinstance(settings, ResolvedSettings):
            settings = (settings or EngineSettings()).resolved()
        if vocabulary_option not in VOCABULARY_OPTIONS:
            raise ValueError(f"vocabulary_option must be one of {', '.join(VOCABULARY_OPTIONS)}")
        self.settings = settings
        self.model_name = model_name or (Path(model).name if Path(model).is_dir() else model)
        self.max_audio_seconds = max_audio_seconds
        self.vocabulary_option = vocabulary_option
        self._model = _load_model(model, settings, download=download)
        from faster_whisper import BatchedInferencePipeline

        self._batched = BatchedInferencePipeline(self._model)
        self.prompt, self.prompt_tokens = self._vocabulary_prompt(settings.vocabulary)

    @property
    def detects_language(self) -> bool:
        """Whether the checkpoint has language tokens (a multilingual vocabulary)."""
        return bool(self._model.model.is_multilingual)

    # -- transcription --------------------------------------------------------------------------
    def transcribe(
        self, audio_path: Path, *, stream: int = 0, on_progress: Callable[[float], None] | None = None
    ) -> Transcript:
        """Transcribe audio stream ``stream`` of any audio or video file: the engine's own WAV
        (:func:`.audio.decode_to_wav`) is read as it is, anything else decoded to it first. A
        recording longer than the settings' window is transcribed window by window and merged
        (:mod:`.windows`), exactly as the cloud workflow does it."""
        path = Path(audio_path)
        if stream == 0 and is_engine_wav(path):
            return self.transcribe_recording(path, on_progress=on_progress)
        with tempfile.TemporaryDirectory(prefix="clearscribe-audio-") as scratch:
            wav = Path(scratch) / "audio.wav"
            decode_to_wav(path, wav, stream=stream, max_seconds=self.max_audio_seconds)
            return self.transcribe_recording(wav, on_progress=on_progress)

    def transcribe_recording(self, wav: Path, *, on_progress: Callable[[float], None] | None = None) -> Transcript:
        """The engine's WAV of a whole recording, in the windows the settings plan for its length."""
        plan = plan_windows(wav_duration(wav), self.settings.window_seconds)
        return merge_windows([self.transcribe_window(wav, window, on_progress=on_progress) for window in plan])

    def transcribe_window(
        self, wav: Path, window: Window | None = None, *, on_progress: Callable[[float], None] | None = None
    ) -> Transcript:
        """One window of the engine's WAV (decoded from the recording's start at least up to
        :func:`.windows.decode_until`), times the recording's; the whole WAV without a window."""
        part = None if window is None else window_bounds(wav_samples(wav), window)
        return self.transcribe_windows(wav_windows(wav, window_s=WINDOW_SECONDS, part=part), on_progress=on_progress)

    def transcribe_array(self, audio: np.ndarray, *, on_progress: Callable[[float], None] | None = None) -> Transcript:
        """Transcribe 16 kHz mono float32 samples from start to end."""
        if audio.size == 0:
            raise EmptyFileError("the audio holds no samples")
        return self.transcribe_windows(array_windows(audio, window_s=WINDOW_SECONDS), on_progress=on_progress)

    def transcribe_windows(
        self, windows: Iterable[tuple[float, np.ndarray]], *, on_progress: Callable[[float], None] | None = None
    ) -> Transcript:
        """Transcribe ``(offset seconds, samples)`` windows in order (see the module docstring)."""
        started = time.monotonic()
        windows = iter(windows)
        try:
            first = next(windows)
        except StopIteration:
            raise EmptyFileError("the audio holds no samples") from None
        self.check_english(first[1])
        try:
            decoding = decode_windows(
                chain([first], windows),
                detect=detect_speech,
                decode_window=self._decode_window,
                decode_clips=self._decode_clips,
                on_progress=on_progress,
            )
        except ClearscribeError:
            raise
        except (RuntimeError, ValueError, IndexError, KeyError, TypeError, OSError) as exc:
            raise TranscriptionError(f"speech recognition failed ({type(exc).__name__})") from exc
        transcript = to_transcript(decoding, language=LANGUAGE, model=self.model_name, engine=self.name)
        transcript = apply_corrections(transcript, self.settings.corrections)
        log.info(
            "transcribed",
            extra={
                "audio_seconds": transcript.duration,
                "segments": len(transcript.segments),
                "speech_seconds": transcript.speech_seconds,
                "covered_seconds": transcript.covered_seconds,
                "seconds": round(time.monotonic() - started, 3),
                "model": self.model_name,
                "device": self.settings.device,
            },
        )
        return transcript

    # -- the language guard --------------------------------------------------------------------
    def detect_language(self, audio: np.ndarray) -> tuple[str, float, float] | None:
        """``(language code, its probability, the probability of English)`` of the speech in
        ``audio``; None when the model cannot tell languages apart or ``audio`` holds no speech."""
        if not self.detects_language:
            return None
        import numpy as np

        speech = [audio[int(a * SAMPLE_RATE) : int(b * SAMPLE_RATE)] for a, b in detect_speech(audio, CHUNK_VAD)]
        if not speech:  # nothing to tell the language of
            return None
        samples = np.concatenate(speech)[: LANGUAGE_DETECTION_SEGMENTS * 30 * SAMPLE_RATE]
        language, probability, probabilities = self._model.detect_language(
            samples,
            language_detection_segments=LANGUAGE_DETECTION_SEGMENTS,
            language_detection_threshold=LANGUAGE_DETECTION_THRESHOLD,
        )
        english = dict(probabilities).get(LANGUAGE, 0.0)
        return str(language), float(probability), float(english)

    def check_english(self, audio: np.ndarray) -> None:
        """Raise ``UnsupportedLanguageError`` when ``audio`` is clearly not English."""
        detected = self.detect_language(audio)
        if detected is None:
            return
        language, probability, english = detected
        log.info(
            "language detected",
            extra={"language": language, "probability": round(probability, 3), "english": round(english, 3)},
        )
        if language != LANGUAGE and probability >= OTHER_LANGUAGE_RATIO * english:
            raise UnsupportedLanguageError(
                f"the recording appears to be in '{language}' (probability {probability:.2f}, English "
                f"{english:.2f}); clearscribe transcribes English only"
            )

    # -- the decoding policy's seams --------------------------------------------------------------
    def _decode_window(self, audio: np.ndarray, speech: list[tuple[float, float]]) -> list[Decoded]:
        """The first pass over one window (see the module docstring)."""
        if self.settings.strategy == "chunked":
            return self._decode_pieces(audio, chunk_spans(speech))
        segments, _ = self._model.transcribe(audio, vad_filter=True, **self._options())
        return [_decoded(seg) for seg in segments]

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
            batch_size=self.settings.batch_size,
            without_timestamps=True,
            max_new_tokens=min(max_new_tokens(spans), MAX_LENGTH - PROMPT_FRAME_TOKENS - self.prompt_tokens),
            **self._options(),
        )
        return [_decoded(seg) for seg in segments]

    def _options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "language": LANGUAGE,
            "beam_size": self.settings.beam_size,
            "temperature": 0.0,
            "condition_on_previous_text": False,
            "word_timestamps": True,
        }
        if self.prompt:
            # With its leading space, as faster-whisper writes hotwords: the same tokens either way.
            options[self.vocabulary_option] = " " + self.prompt
        return options

    # -- the vocabulary --------------------------------------------------------------------------
    def _vocabulary_prompt(self, terms: tuple[str, ...]) -> tuple[str | None, int]:
        """The decoder's hint for ``terms`` and its length in tokens: as many terms, in order, as fit in
        :data:`MAX_PROMPT_TOKENS` (a warning says how many were left out; never which)."""
        if not terms:
            return None, 0
        kept = list(terms)
        while kept:
            prompt = vocabulary_prompt(tuple(kept))
            tokens = len(self._model.hf_tokenizer.encode(" " + prompt, add_special_tokens=False).ids)
            if tokens <= MAX_PROMPT_TOKENS:
                break
            kept.pop()
        if len(kept) < len(terms):
            log.warning(
                "vocabulary too long for the decoder's prompt",
                extra={"terms": len(terms), "terms_used": len(kept), "max_prompt_tokens": MAX_PROMPT_TOKENS},
            )
        if not kept:
            return None, 0
        log.info("vocabulary", extra={"terms": len(kept), "prompt_tokens": tokens, "option": self.vocabulary_option})
        return prompt, tokens


def _decoded(seg: Any) -> Decoded:
    words = tuple(Word(float(w.start), float(w.end), w.word, float(w.probability)) for w in (seg.words or ()))
    return Decoded(float(seg.start), float(seg.end), seg.text.strip(), float(seg.temperature or 0.0), words)


def _load_model(model: str, settings: ResolvedSettings, *, download: bool) -> Any:
    """The CTranslate2 Whisper model on the settings' device; ``ModelUnavailableError`` naming why not."""
    try:
        from faster_whisper import WhisperModel
    except ImportError as exc:  # pragma: no cover - the package is a dependency of every install
        raise ModelUnavailableError(f"speech recognition needs faster-whisper ({exc.name} is missing)") from exc
    options: dict[str, Any] = {
        "device": settings.device,
        "compute_type": settings.compute_type,
        "cpu_threads": settings.cpu_threads,
    }
    local = Path(model).expanduser()
    if local.is_dir() and not (local / "model.bin").is_file():
        raise ModelUnavailableError(f"{local}: not a CTranslate2 Whisper model (no model.bin)")
    try:
        try:
            return WhisperModel(str(local) if local.is_dir() else model, local_files_only=True, **options)
        except Exception:
            if local.is_dir() or not download:
                raise
            return WhisperModel(model, **options)
    except Exception as exc:
        if settings.device == "cuda":
            raise ModelUnavailableError(
                f"the speech model cannot run on CUDA here ({type(exc).__name__}: {_first_line(exc)}); "
                "CTranslate2 needs an NVIDIA driver and libcublas.so.12 (docs/model.md)"
            ) from exc
        raise ModelUnavailableError(
            f"speech model {model!r} cannot be loaded ({type(exc).__name__}: {_first_line(exc)})"
        ) from exc


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:200]
