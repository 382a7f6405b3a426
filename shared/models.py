"""The transcript data model shared by every host (local engine, SageMaker inference module).

A ``Transcript`` is what speech recognition produces: language, duration, the full text,
timestamped segments (with the speaker who says each, when speakers were labelled) and optionally
timestamped words, who spoke when (``speaker_turns``), and how much of the detected speech its
segments cover (``speech_seconds``, ``covered_seconds``; ``warnings`` name what speech stayed
without words). It is raw (it may hold PII and profanity) and must never be logged;
``postprocess`` turns it into the clean, enriched form. ``to_json`` writes it;
``shared.transcript_json`` reads it back (with pydantic, which the inference package, the writer,
does not import).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Word:
    """A word and its times in seconds from the start of the recording, with the recognizer's probability
    when it gave one."""

    start: float
    end: float
    text: str
    probability: float | None = None


@dataclass(frozen=True)
class Segment:
    id: int
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    #: Who says it: ``S1``, ``S2``, … in order of first appearance; None without speaker labels.
    speaker: str | None = None


#: A speaker turn: ``(start, end, speaker)``, seconds and a label such as ``S1``.
SpeakerTurn = tuple[float, float, str]


#: The code of the warning a transcript carries for detected speech that has no words.
SPEECH_NOT_TRANSCRIBED = "SPEECH_NOT_TRANSCRIBED"


@dataclass(frozen=True)
class TranscriptWarning:
    """Something the reader of the transcript must know: a machine-readable code (e.g.
    SPEECH_NOT_TRANSCRIBED), a message that never holds transcript text, and the stretch of the
    recording it is about (start and end, in seconds from the start of the recording)."""

    code: str
    message: str
    start: float
    end: float

    @classmethod
    def untranscribed_speech(cls, start: float, end: float) -> TranscriptWarning:
        return cls(
            SPEECH_NOT_TRANSCRIBED,
            f"{end - start:.1f} s of detected speech gave no words, even decoded again on its own",
            round(start, 3),
            round(end, 3),
        )


@dataclass(frozen=True)
class Transcript:
    language: str
    duration: float
    segments: tuple[Segment, ...]
    model: str
    engine: str = "faster-whisper"
    text: str = field(default="")
    #: Seconds the voice activity detector called speech, and how many of them segments cover
    #: (None: not measured, e.g. a transcript read from text).
    speech_seconds: float | None = None
    covered_seconds: float | None = None
    warnings: tuple[TranscriptWarning, ...] = ()
    #: Who spoke when, from the audio (``pipeline.asr.inference.diarization``); None when speakers
    #: were not labelled (then no segment has a speaker).
    speaker_turns: tuple[SpeakerTurn, ...] | None = None

    def __post_init__(self) -> None:
        if not self.text:
            object.__setattr__(self, "text", join_segment_texts(s.text for s in self.segments))

    # -- serialisation ---------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for seg in data["segments"]:
            if not seg["words"]:
                del seg["words"]
            else:
                seg["words"] = list(seg["words"])
            if seg["speaker"] is None:
                del seg["speaker"]
        data["segments"] = list(data["segments"])
        data["warnings"] = list(data["warnings"])
        if self.speaker_turns is None:
            del data["speaker_turns"]
        else:
            data["speaker_turns"] = [{"start": a, "end": b, "speaker": label} for a, b, label in self.speaker_turns]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_plain_text(cls, text: str, *, model: str = "none", engine: str = "text") -> Transcript:
        """A transcript with no timestamps: one segment per non-empty line, times 0."""
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        segments = tuple(Segment(id=i, start=0.0, end=0.0, text=ln) for i, ln in enumerate(lines))
        return cls(language="en", duration=0.0, segments=segments, model=model, engine=engine)

    @property
    def has_timestamps(self) -> bool:
        return any(s.end > 0 for s in self.segments)

    @property
    def speakers_labelled(self) -> bool:
        """Whether speakers were labelled (turns found, or any segment carrying a speaker)."""
        return self.speaker_turns is not None or any(s.speaker for s in self.segments)

    @property
    def word_count(self) -> int:
        return len(self.text.split())


def join_segment_texts(texts: Iterable[str]) -> str:
    return " ".join(t.strip() for t in texts if t and t.strip())
