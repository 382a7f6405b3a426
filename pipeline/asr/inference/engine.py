"""The transformers engine: a Whisper / Distil-Whisper checkpoint that transcribes a whole recording.

It follows the shared decoding policy (:mod:`.decoding`), as the local faster-whisper engine does:
the audio in windows of a few minutes cut at quiet moments (progress is reported per window),
Silero VAD (:mod:`.vad`) finding the speech in each, a first pass, then every troubled or uncovered
stretch decoded again clip by clip, and the speech still without words reported. The first pass
uses one of two strategies:

* ``chunked``: the speech cut into chunks of at most 30 s, each decoded on its own (short-form,
  with word timestamps), ``batch_size`` chunks at a time. A runaway costs at most its chunk, and
  a decode stops as soon as its tokens loop (:func:`stop_at_loops`) instead of running to its
  token budget. The default on a GPU (float16, batches of 16).
* ``sequential``: Whisper's own sliding 30 s decoding over the window, each step continuing at the
  last predicted timestamp, with the reference implementation's temperature fallback.
  Sentence-level segment times, no word times; one step at a time. The default on a CPU.

Both run the same code on any device: on a GPU only the device, the float16 weights and the batch
size differ. Every ``generate`` call starts from the same torch seed, so the fallback's sampling
gives the same words for the same audio whatever ran before. English only: with a multilingual
checkpoint the spoken language is detected first and clearly non-English audio fails with
``UnsupportedLanguageError``; English-only checkpoints (``*.en``) cannot tell languages apart, so no
check is made for them. Transcript text never goes to logs.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.asr.inference.audio import array_windows, stream_audio
from pipeline.asr.inference.decoding import (
    DECODE_SEED,
    LOOP_REPEATS,
    WINDOW_SECONDS,
    Decoded,
    chunk_spans,
    decode_windows,
    max_new_tokens,
    to_transcript,
)
from pipeline.asr.inference.vad import detect_speech
from shared.contract import DEFAULT_MODEL_ID, SAMPLE_RATE, STRATEGIES, TASK
from shared.errors import (
    ClearscribeError,
    EmptyFileError,
    ModelUnavailableError,
    TranscriptionError,
    UnsupportedLanguageError,
)
from shared.log import get_logger
from shared.models import Transcript, Word

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DEFAULT_MODEL_ID", "MODEL_ALIASES", "STRATEGIES", "TransformersEngine"]

log = get_logger("clearscribe.inference")

ENGINE_NAME = "transformers"
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
# Short names the local CLI accepts, as for faster-whisper (``--model distil-large-v3``).
MODEL_ALIASES = {
    name: f"distil-whisper/{name}"
    for name in ("distil-large-v3", "distil-large-v2", "distil-medium.en", "distil-small.en")
}
_TIMESTAMP_TOKEN = re.compile(r"<\|\d+\.\d+\|>")
#: The beam width of each strategy unless one is given. ``sequential``: 5, as in the reference Whisper
#: decoding and the local faster-whisper engine. ``chunked``: greedy, as Distil-Whisper's chunked
#: long-form decoding: its word timestamps make transformers keep every beam's cross-attentions
#: for every step, and at beam 5 the same chunks took four times the time and 1.5 times the memory
#: for 1.1 points less WER (docs/benchmarks.md, "Speech engines").
DEFAULT_BEAMS = {"sequential": 5, "chunked": 1}
#: The longest run of tokens a decode is watched for repeating (" 1" "," is two).
LOOP_UNIT_TOKENS = 4


class TransformersEngine:
    """A transformers ASR pipeline over a Whisper / Distil-Whisper checkpoint.

    ``model`` is a local Hugging Face model directory or a hub id (a short Distil-Whisper name
    such as ``distil-large-v3`` is expanded). ``strategy`` is the first pass's strategy
    (``sequential`` or ``chunked``, see the module docstring); ``chunk_length_s`` is the longest
    chunk ``chunked`` groups speech into (Distil-Whisper recommends 25–30 s), ``batch_size`` how
    many chunks (and clips decoded again) go through the model at once. ``num_beams`` is the beam
    width, by default :data:`DEFAULT_BEAMS` for the strategy. ``window_s`` is how much audio is
    decoded at a time (progress is reported per window; with ``chunked`` a window holds at least
    ``batch_size`` chunks). ``device`` ``cuda`` loads the weights in float16.
    """

    name = ENGINE_NAME

    def __init__(
        self,
        model: str,
        *,
        device: str = "cpu",
        chunk_length_s: int = 30,
        batch_size: int = 1,
        window_s: float = WINDOW_SECONDS,
        strategy: str = "sequential",
        num_beams: int | None = None,
        model_name: str | None = None,
        min_language_probability: float = 0.5,
        max_audio_seconds: float | None = None,
    ) -> None:
        if chunk_length_s <= 0 or chunk_length_s > 30:
            raise ValueError("chunk_length_s must be in (0, 30]: Whisper sees at most 30 s at a time")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        if num_beams is None:
            num_beams = DEFAULT_BEAMS.get(strategy, 1)
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
        # A window holds at least one full batch of chunks, or batching would never fill up.
        self.window_s = max(float(window_s), float(chunk_length_s) * (batch_size if strategy == "chunked" else 1))
        self.min_language_probability = min_language_probability
        self.max_audio_seconds = max_audio_seconds
        self._pipe = _load_pipeline(source, device=device)

    # SpeechEngine protocol
    def transcribe(self, audio_path: Path, *, on_progress: Callable[[float], None] | None = None) -> Transcript:
        """Transcribe an audio or video file, decoded window by window (memory holds one window)."""
        windows = stream_audio(Path(audio_path), window_s=self.window_s, max_seconds=self.max_audio_seconds)
        first = next(windows)  # the first window, for the language check (an empty file has raised)
        self._check_english(first[1])
        return self._transcribe_windows(chain([first], windows), on_progress=on_progress)

    def transcribe_array(self, audio: np.ndarray, *, on_progress: Callable[[float], None] | None = None) -> Transcript:
        """Transcribe 16 kHz mono float32 samples from start to end."""
        if audio.size == 0:
            raise EmptyFileError("the audio holds no samples")
        self._check_english(audio)
        return self._transcribe_windows(array_windows(audio, window_s=self.window_s), on_progress=on_progress)

    def _transcribe_windows(
        self, windows: Iterable[tuple[float, np.ndarray]], *, on_progress: Callable[[float], None] | None
    ) -> Transcript:
        started = time.monotonic()
        try:
            decoding = decode_windows(
                windows,
                detect=detect_speech,
                decode_window=self._decode_window,
                decode_clips=self._decode_clips,
                on_progress=on_progress,
            )
        except ClearscribeError:
            raise
        except (RuntimeError, ValueError, IndexError, KeyError, TypeError) as exc:
            raise TranscriptionError(f"speech recognition failed ({type(exc).__name__})") from exc
        transcript = to_transcript(decoding, language="en", model=self.model_name, engine=self.name)
        log.info(
            "transcribed",
            extra={
                "audio_seconds": transcript.duration,
                "segments": len(transcript.segments),
                "speech_seconds": transcript.speech_seconds,
                "covered_seconds": transcript.covered_seconds,
                "seconds": round(time.monotonic() - started, 3),
                "model": self.model_name,
            },
        )
        return transcript

    # -- the decoding policy's seams --------------------------------------------------------------
    def _decode_window(self, samples: np.ndarray, speech: list[tuple[float, float]]) -> list[Decoded]:
        """The first pass over one window (see the module docstring)."""
        if self.strategy == "sequential":
            return list(self._run_sequential(samples, self._generate_kwargs()))
        return self._decode_pieces(samples, chunk_spans(speech, max_seconds=self.chunk_length_s))

    def _decode_clips(self, samples: np.ndarray, clips: list[tuple[float, float]]) -> list[Decoded]:
        """Each clip decoded whole and on its own."""
        return self._decode_pieces(samples, clips)

    def _decode_pieces(self, samples: np.ndarray, spans: list[tuple[float, float]]) -> list[Decoded]:
        """Each ``(start, end)`` piece of ``samples`` (at most 30 s) decoded on its own with word
        timestamps, ``batch_size`` at a time; one segment per piece that has words."""
        import torch

        if not spans:
            return []
        inputs = [
            {"raw": samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)], "sampling_rate": SAMPLE_RATE}
            for start, end in spans
        ]
        torch.manual_seed(DECODE_SEED)
        results = self._pipe(
            inputs,
            batch_size=self.batch_size,
            return_timestamps="word",
            generate_kwargs={
                **self._generate_kwargs(),
                "max_new_tokens": max_new_tokens(spans),
                "stopping_criteria": stop_at_loops(),
            },
        )
        decoded: list[Decoded] = []
        for (start, end), result in zip(spans, results, strict=True):
            text = str(result.get("text") or "").strip()
            chunks = [chunk for chunk in result.get("chunks") or () if str(chunk.get("text") or "").strip()]
            spaced = spaced_as_in(text, [str(chunk["text"]) for chunk in chunks])
            words = tuple(
                Word(start + float(lo or 0.0), start + float(hi if hi is not None else (lo or 0.0)), word)
                for chunk, word in zip(chunks, spaced, strict=True)
                for lo, hi in [chunk.get("timestamp") or (None, None)]
            )
            if text:
                decoded.append(Decoded(start, end, text, 0.0, words))
        return decoded

    def _run_sequential(self, samples: np.ndarray, generate_kwargs: dict[str, Any]) -> Iterator[Decoded]:
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
        duration = samples.shape[0] / SAMPLE_RATE
        torch.manual_seed(DECODE_SEED)
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
                start = min(float(segment["start"]), duration)
                yield Decoded(start, max(start, min(float(segment["end"]), duration)), text)

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


def stop_at_loops() -> Any:
    """A stopping criterion that ends a decode once its last tokens are one run of up to
    :data:`LOOP_UNIT_TOKENS` tokens repeated :data:`~.decoding.LOOP_REPEATS` times: a decoding
    loop, which would otherwise run to the token budget (most of a batch's time at beam 5). The
    text it leaves ends in the loop, which the decoding policy then cuts out."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    class StopAtLoops(StoppingCriteria):
        def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor, **kwargs: Any) -> torch.Tensor:
            rows, length = input_ids.shape
            looping = torch.zeros(rows, dtype=torch.bool, device=input_ids.device)
            for unit in range(1, LOOP_UNIT_TOKENS + 1):
                if length < unit * LOOP_REPEATS:
                    break
                tail = input_ids[:, -unit * LOOP_REPEATS :].reshape(rows, LOOP_REPEATS, unit)
                looping |= (tail == tail[:, -1:, :]).all(dim=2).all(dim=1)
            return looping

    return StoppingCriteriaList([StopAtLoops()])


def spaced_as_in(text: str, words: Sequence[str]) -> list[str]:
    """``words`` (the pipeline's word chunks) each with a leading space exactly where ``text`` (the
    decoded text they come from) has one, so that joining them gives ``text`` back: chunk texts do
    not reliably keep the space, and a space added before every chunk would write an address as
    "margaret .wilson .com". A chunk not found in order in ``text`` gets a space."""
    out: list[str] = []
    cursor = 0
    for word in words:
        bare = word.strip()
        at = text.find(bare, cursor)
        if at < 0:
            out.append(f" {bare}")
            continue
        out.append(f" {bare}" if at == 0 or text[at - 1].isspace() else bare)
        cursor = at + len(bare)
    return out


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
