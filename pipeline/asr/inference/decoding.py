"""The decoding policy of the speech engine: no detected speech without words, the same transcript
for the same audio, bounded memory.

The engine (:class:`.engine.WhisperEngine`, locally and on the endpoint) supplies three things — a
voice activity detector, a first-pass decoder and a clip decoder — and :func:`decode_windows` does
the rest:

1. **Windows.** The audio arrives in windows of a few minutes (:mod:`.audio`), cut at a quiet
   moment; memory holds one window at a time, whatever the recording's duration.
2. **Speech.** In each window the detector finds the speech (:data:`CHUNK_VAD`): pieces of at most
   30 s, the most Whisper sees at once, which :func:`chunk_spans` groups into chunks for decoders
   that take them (each chunk decoded on its own, in batches).
3. **First pass.** The engine's decoder turns the window into segments.
4. **What is decoded again.** Two kinds of stretch (:func:`stretches_to_redecode`):

   * *troubled* segments — their decode fell back to sampling, or their text is a repetition loop:
     a read-out number ("one one one one …") turns into "1. 1. 1." up to the end of its window,
     and the speech after it is lost. Two checks find loops: Whisper's own (the whole text's
     compression ratio above :data:`MAX_COMPRESSION_RATIO`), and a run of one short piece of text
     repeated :data:`LOOP_REPEATS` times in a row (:func:`repetition_loops`), which a loop inside
     a 30 s chunk of otherwise good text escapes the first check with. The stretch runs to the
     next good segment.
   * *uncovered speech* — detected speech that no word (or, without word times, no segment) is
     near, for at least :data:`MIN_UNCOVERED_SECONDS`: a decode that stopped early, skipped a
     window as "no speech", or yielded nothing at all.

   Each such stretch is cut at short pauses into clips of at most :data:`CLIP_MAX_SECONDS`
   (:data:`CLIP_VAD`), and every clip is decoded whole, on its own: a runaway costs at most its
   clip, never the speech after it. A clip decoded into a loop again (greedy and beam decoding
   are deterministic, and a weak model may loop on the same digits every time) keeps its text
   around the loop and loses the loop's run (:func:`without_loops`): how many of the repeats were
   spoken cannot be told. Speech a clip's own decode left without words (it stopped early, or its
   loop was cut out) is decoded once more, on its own.
5. **Coverage.** Speech still without words afterwards is reported, never dropped silently:
   ``speech_seconds`` and ``covered_seconds`` of the transcript, and a ``SPEECH_NOT_TRANSCRIBED``
   warning per uncovered stretch (:func:`to_transcript`).

Segments that hold several sentences (a chunk decoded without timestamps) are split at sentence
ends between their words, so sentiment and captions see sentences.

**Determinism.** CTranslate2's sampler cannot be re-seeded per recording (its generator is
thread-local to a worker thread that lives as long as the model), so the engine never samples: it
decodes at temperature 0 and relies on the clip re-decoding instead of Whisper's temperature
fallback, and the same audio gives the same words whatever ran before in the process.

Only numpy and the standard library are used here (and numpy lazily): the module ships in the
model artifact with the rest of the inference package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from pipeline.asr.inference.audio import release_freed_memory
from pipeline.asr.inference.loops import MAX_COMPRESSION_RATIO, compression_ratio, outside_loops, repetition_loops
from pipeline.asr.inference.spans import (
    CHUNK_SECONDS,
    Span,
    chunk_spans,
    merge_spans,
    subtract_spans,
    total,
)
from shared.contract import SAMPLE_RATE
from shared.models import Segment, Transcript, TranscriptWarning, Word

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "CHUNK_VAD",
    "CLIP_VAD",
    "Decoded",
    "Decoding",
    "VadSettings",
    "chunk_spans",
    "decode_windows",
    "to_transcript",
]

#: Detected speech with no word this long (seconds) is decoded again, and reported if it stays so.
MIN_UNCOVERED_SECONDS = 1.0
#: A word (or segment) covers the speech this close to it: word times are approximate, and the
#: detector pads speech by a few hundred milliseconds.
COVER_MARGIN_SECONDS = 0.5
#: Pauses this long split a stretch decoded again into clips; clips are at most this long.
CLIP_PAUSE_MS = 300
CLIP_MAX_SECONDS = 15.0
#: A clip shorter than this is decoded together with the next one: too little for Whisper alone.
MIN_CLIP_SECONDS = 1.0
#: Whisper writes at most this many tokens per second of speech, even for fast speech full of
#: digits; a decode allowed more can only be a loop, which then stops early instead of running to
#: the model's limit (448 tokens, the whole memory of a batch at beam 5 for word timestamps).
TOKENS_PER_SECOND = 10
#: Audio held in memory at once.
WINDOW_SECONDS = 300.0
_SENTENCE_END = (".", "?", "!")


@dataclass(frozen=True)
class VadSettings:
    """Silero VAD settings (the same names and meaning in faster-whisper and in silero-vad)."""

    min_silence_ms: int
    speech_pad_ms: int
    max_speech_s: float
    threshold: float = 0.5
    min_speech_ms: int = 0


#: Speech for the first pass: pieces split at 160 ms pauses, padded 400 ms (faster-whisper's
#: batched defaults), at most one chunk long.
CHUNK_VAD = VadSettings(min_silence_ms=160, speech_pad_ms=400, max_speech_s=CHUNK_SECONDS)
#: Speech inside a stretch decoded again: clips split at pauses of :data:`CLIP_PAUSE_MS`.
CLIP_VAD = VadSettings(min_silence_ms=CLIP_PAUSE_MS, speech_pad_ms=100, max_speech_s=CLIP_MAX_SECONDS)


@dataclass(frozen=True)
class Decoded:
    """A segment as decoded: times in seconds, words with their times (if the engine gives them)."""

    start: float
    end: float
    text: str
    temperature: float = 0.0
    words: tuple[Word, ...] = ()

    @property
    def fell_back(self) -> bool:
        """Its window failed the quality checks at temperature 0 and was sampled."""
        return self.temperature > 0

    @property
    def troubled(self) -> bool:
        """It fell back to sampling, or its text repeats itself like a decoding loop."""
        return (
            self.fell_back or compression_ratio(self.text) > MAX_COMPRESSION_RATIO or bool(repetition_loops(self.text))
        )

    def shifted(self, offset: float) -> Decoded:
        if not offset:
            return self
        words = tuple(Word(w.start + offset, w.end + offset, w.text, w.probability) for w in self.words)
        return replace(self, start=self.start + offset, end=self.end + offset, words=words)


#: The engine's parts the policy calls (times in seconds from the start of ``audio``).
SpeechDetector = Callable[["np.ndarray", VadSettings], list[Span]]
#: First pass over a window, given the speech the detector found in it.
WindowDecoder = Callable[["np.ndarray", list[Span]], list[Decoded]]
#: Each clip decoded whole and on its own.
ClipDecoder = Callable[["np.ndarray", list[Span]], list[Decoded]]


@dataclass
class Decoding:
    """What the policy made of a whole recording."""

    duration: float = 0.0
    segments: list[Decoded] = field(default_factory=list)
    speech_seconds: float = 0.0
    covered_seconds: float = 0.0
    gaps: list[Span] = field(default_factory=list)  # speech that still has no words
    redecoded: list[Span] = field(default_factory=list)  # stretches decoded again


def max_new_tokens(spans: Sequence[Span]) -> int:
    """The token budget of a decode of ``spans`` (each decoded on its own): enough for the longest."""
    longest = max((end - start for start, end in spans), default=0.0)
    return min(440, int(longest * TOKENS_PER_SECOND) + 16)


def without_loops(segment: Decoded) -> Decoded | None:
    """``segment`` without the repeats of its repetition loops (the first occurrence stays): words
    inside a loop are dropped, a word a loop runs into is cut where it starts, and the words left
    keep their times, so the speech the loop stood for is left uncovered. None if nothing but the
    loop was decoded."""
    words = [w for w in segment.words if w.text]
    if not words:
        loops = repetition_loops(segment.text)
        if not loops:
            return segment
        kept_text = outside_loops(segment.text, 0, len(segment.text), loops).strip()
        return replace(segment, text=kept_text) if kept_text else None
    joined = "".join(w.text for w in words)  # word texts carry their own leading space
    loops = repetition_loops(joined)
    if not loops:
        return segment
    kept: list[Word] = []
    end = 0
    for w in words:
        start, end = end, end + len(w.text)
        left = outside_loops(joined, start, end, loops)
        if left.strip():  # a word the loop runs into keeps its part before the loop
            kept.append(w if left == w.text else replace(w, text=left))
    if not kept:
        return None
    return replace(segment, end=max(w.end for w in kept), text=_join_words(kept), words=tuple(kept))


def covering_spans(segments: Iterable[Decoded], *, margin: float = COVER_MARGIN_SECONDS) -> list[Span]:
    """The time the segments' words cover (each word widened by ``margin``); a segment without word
    times covers its own span."""
    spans: list[Span] = []
    for seg in segments:
        if not seg.text.strip():
            continue
        timed = [(w.start, w.end) for w in seg.words if w.text.strip()]
        for start, end in timed or [(seg.start, seg.end)]:
            spans.append((start - margin, max(end, start) + margin))
    return merge_spans(spans)


def uncovered(
    speech: Sequence[Span], segments: Iterable[Decoded], *, min_seconds: float = MIN_UNCOVERED_SECONDS
) -> list[Span]:
    """Stretches of ``speech`` at least ``min_seconds`` long that no segment's words cover."""
    return [(s, e) for s, e in subtract_spans(speech, covering_spans(segments)) if e - s >= min_seconds]


def troubled_stretches(segments: Sequence[Decoded], duration: float) -> list[Span]:
    """``(start, end)`` of each run of troubled segments, up to the start of the next good segment
    (or the end of the window): whatever was said between is in the run or was lost by it."""
    stretches: list[Span] = []
    i = 0
    while i < len(segments):
        if not segments[i].troubled:
            i += 1
            continue
        j = i
        while j < len(segments) and segments[j].troubled:
            j += 1
        start = min(segments[i].start, duration)
        end = segments[j].start if j < len(segments) else duration
        stretches.append((start, max(start, min(end, duration))))
        i = j
    return stretches


def stretches_to_redecode(segments: Sequence[Decoded], speech: Sequence[Span], duration: float) -> list[Span]:
    """Troubled runs and uncovered speech, merged (see the module docstring)."""
    good = [s for s in segments if not s.troubled]
    return merge_spans([*troubled_stretches(segments, duration), *uncovered(speech, good)])


def clips(speech: Sequence[Span], *, min_seconds: float = MIN_CLIP_SECONDS) -> list[Span]:
    """Speech pieces as clips to decode one by one; a piece too short joins the next."""
    out: list[Span] = []
    pending: Span | None = None
    for start, end in speech:
        if pending is not None:
            start = pending[0]
        if end - start < min_seconds:
            pending = (start, end)
            continue
        out.append((start, end))
        pending = None
    if pending is not None:
        if out:
            out[-1] = (out[-1][0], pending[1])
        else:
            out.append(pending)
    return out


def speech_pieces(audio: np.ndarray, start: float, end: float, detect: SpeechDetector) -> list[Span]:
    """The speech between ``start`` and ``end`` (seconds) as clips: cut at short pauses, at most
    :data:`CLIP_MAX_SECONDS` each, too-short pieces joined to their neighbour."""
    first = max(0, int(start * SAMPLE_RATE))
    stretch = audio[first : max(first, int(end * SAMPLE_RATE))]
    if stretch.size == 0:
        return []
    offset = first / SAMPLE_RATE
    return clips([(offset + s, offset + e) for s, e in detect(stretch, CLIP_VAD)])


def redecode(
    segments: Sequence[Decoded],
    audio: np.ndarray,
    stretches: Sequence[Span],
    speech: Sequence[Span],
    detect: SpeechDetector,
    decode_clips: ClipDecoder,
) -> list[Decoded]:
    """``segments`` with each stretch decoded again clip by clip: troubled segments are replaced,
    good ones kept. Speech a clip's words still leave uncovered (a decode that stopped inside its
    clip) is decoded once more on its own; clips that gave nothing are not repeated (decoding is
    deterministic: they would give nothing again). A clip's repetition loops are cut out
    (:func:`without_loops`). Segments are kept within the window."""
    duration = audio.shape[0] / SAMPLE_RATE
    kept = [s for s in segments if not s.troubled]
    tried: list[Span] = []
    for spans in (stretches, None):
        if spans is None:  # the second round: what the first left without words
            spans = uncovered(speech, kept)
        pieces = [
            piece
            for start, end in spans
            for piece in speech_pieces(audio, start, end, detect)
            if not any(abs(piece[0] - s) < 0.01 and abs(piece[1] - e) < 0.01 for s, e in tried)
        ]
        if pieces:
            trimmed = (without_loops(s) for s in decode_clips(audio, pieces) if s.text.strip())
            kept.extend(s for s in trimmed if s is not None)  # what without_loops leaves has text
            tried.extend(pieces)
    kept.sort(key=lambda s: (s.start, s.end))
    return [replace(s, start=min(s.start, duration), end=min(s.end, duration)) for s in kept if s.start < duration]


# -- the whole recording ---------------------------------------------------------------------------
def decode_windows(
    windows: Iterable[tuple[float, np.ndarray]],
    *,
    detect: SpeechDetector,
    decode_window: WindowDecoder,
    decode_clips: ClipDecoder,
    on_progress: Callable[[float], None] | None = None,
) -> Decoding:
    """Run the policy over ``(offset seconds, samples)`` windows, in order."""
    result = Decoding()
    for offset, audio in windows:
        duration = audio.shape[0] / SAMPLE_RATE
        pieces = detect(audio, CHUNK_VAD) if audio.size else []
        speech = merge_spans(pieces)
        segments: list[Decoded] = []
        if speech:
            segments = [s for s in decode_window(audio, pieces) if s.text.strip()]
            again = stretches_to_redecode(segments, speech, duration)
            if again:
                segments = redecode(segments, audio, again, speech, detect, decode_clips)
                result.redecoded.extend((offset + s, offset + e) for s, e in again)
            gaps = uncovered(speech, segments)
            result.gaps.extend((offset + s, offset + e) for s, e in gaps)
            result.speech_seconds += total(speech)
            result.covered_seconds += total(speech) - total(subtract_spans(speech, covering_spans(segments)))
        result.segments.extend(s.shifted(offset) for s in segments)
        result.duration = offset + duration
        del audio
        release_freed_memory()
        if on_progress:
            on_progress(round(result.duration, 3))
    return result


def split_sentences(segment: Decoded) -> list[Decoded]:
    """A segment with word times cut after each word that ends a sentence; each part is timed by
    its words. Segments without word times are returned as they are."""
    words = [w for w in segment.words if w.text.strip()]
    if not words:
        return [segment]
    parts: list[list[Word]] = [[]]
    for i, word in enumerate(words):
        parts[-1].append(word)
        if i + 1 < len(words) and word.text.strip().rstrip("\"')]").endswith(_SENTENCE_END):
            parts.append([])
    return [
        Decoded(part[0].start, max(part[-1].end, part[0].start), _join_words(part), segment.temperature, tuple(part))
        for part in parts
    ]


def _join_words(words: Sequence[Word]) -> str:
    """Word texts carry their own leading space ("Hello", " world", ".com")."""
    return "".join(w.text for w in words).strip()


def to_transcript(decoding: Decoding, *, language: str, model: str, engine: str) -> Transcript:
    """The transcript of a :class:`Decoding`: sentence segments, coverage and warnings."""
    duration = round(decoding.duration, 3)
    segments: list[Segment] = []
    for decoded in decoding.segments:
        for part in split_sentences(decoded):
            start = round(min(max(part.start, 0.0), duration), 3)
            end = round(min(max(part.end, start), duration), 3)
            words = tuple(
                Word(round(w.start, 3), round(max(w.end, w.start), 3), w.text, _rounded(w.probability))
                for w in part.words
            )
            segments.append(Segment(id=len(segments), start=start, end=end, text=part.text.strip(), words=words))
    return Transcript(
        language=language,
        duration=duration,
        segments=tuple(segments),
        model=model,
        engine=engine,
        speech_seconds=round(decoding.speech_seconds, 3),
        covered_seconds=round(decoding.covered_seconds, 3),
        warnings=tuple(TranscriptWarning.untranscribed_speech(s, e) for s, e in merge_spans(decoding.gaps)),
    )


def _rounded(probability: float | None) -> float | None:
    return None if probability is None else round(float(probability), 4)
