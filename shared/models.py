"""The transcript data model shared by every host (local engine, SageMaker inference module).

A ``Transcript`` is what speech recognition produces: language, duration, the full text,
timestamped segments and optionally timestamped words, and how much of the detected speech its
segments cover (``speech_seconds``, ``covered_seconds``; ``warnings`` name what speech stayed
without words). It is raw (it may hold PII and profanity) and must never be logged;
``postprocess`` turns it into the clean, enriched form.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Word:
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


#: The code of the warning a transcript carries for detected speech that has no words.
SPEECH_NOT_TRANSCRIBED = "SPEECH_NOT_TRANSCRIBED"


@dataclass(frozen=True)
class TranscriptWarning:
    """Something the transcript's reader must know: ``code``, a message (never transcript text) and
    the stretch of the recording it is about, in seconds."""

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
        data["segments"] = list(data["segments"])
        data["warnings"] = list(data["warnings"])
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Transcript:
        segments = tuple(
            Segment(
                id=int(s.get("id", i)),
                start=float(s["start"]),
                end=float(s["end"]),
                text=str(s["text"]),
                words=tuple(
                    Word(
                        start=float(w["start"]),
                        end=float(w["end"]),
                        text=str(w.get("text", w.get("word", ""))),
                        probability=w.get("probability"),
                    )
                    for w in s.get("words") or ()
                ),
            )
            for i, s in enumerate(data.get("segments") or ())
        )
        return cls(
            language=str(data.get("language") or "en"),
            duration=float(data.get("duration") or (segments[-1].end if segments else 0.0)),
            segments=segments,
            model=str(data.get("model") or "unknown"),
            engine=str(data.get("engine") or "unknown"),
            text=str(data.get("text") or ""),
            speech_seconds=_optional_float(data.get("speech_seconds")),
            covered_seconds=_optional_float(data.get("covered_seconds")),
            warnings=tuple(
                TranscriptWarning(
                    code=str(w.get("code") or ""),
                    message=str(w.get("message") or ""),
                    start=float(w.get("start") or 0.0),
                    end=float(w.get("end") or 0.0),
                )
                for w in data.get("warnings") or ()
            ),
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> Transcript:
        return cls.from_dict(json.loads(raw))

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
    def word_count(self) -> int:
        return len(self.text.split())


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def join_segment_texts(texts: Any) -> str:
    return " ".join(t.strip() for t in texts if t and t.strip())
