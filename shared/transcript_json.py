"""The Transcript JSON, read with pydantic: what the speech engine writes (``Transcript.to_json``) and
what the enrichers, the results step and ``clearscribe enrich`` read back.

Parsing is strict about shape: ``segments`` must be a list of objects with numeric ``start`` and
``end`` and a string ``text``; a wrong shape raises :class:`~shared.errors.InvalidTranscriptError`
naming the field (``segments[3].start: Input should be a valid number``), never its value, and never
gives an empty transcript in its place. It is lenient where other tools' transcripts differ: keys it
does not know are ignored, a word's text may be under ``word`` (Whisper's name), and a missing
segment id, language, duration, model or engine gets a default.

This module is not imported by the inference package (``pipeline.asr.inference``), which ships in the
model artifact without pydantic: it writes transcripts, it never reads them.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, ValidationError

from shared.errors import InvalidTranscriptError
from shared.models import Segment, SpeakerTurn, Transcript, TranscriptWarning, Word

__all__ = ["InvalidTranscriptError", "invalid_transcript", "parse_transcript", "parse_transcript_json"]


class _Input(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)


class WordJson(_Input):
    start: float
    end: float
    text: str | None = None
    word: str | None = None  # openai-whisper and faster-whisper call the text "word"
    probability: float | None = None

    def to_word(self) -> Word:
        return Word(start=self.start, end=self.end, text=self.text or self.word or "", probability=self.probability)


class SegmentJson(_Input):
    id: int | None = None
    start: float
    end: float
    text: str
    words: list[WordJson] | None = None
    speaker: str | None = None

    def to_segment(self, index: int) -> Segment:
        return Segment(
            id=index if self.id is None else self.id,
            start=self.start,
            end=self.end,
            text=self.text,
            words=tuple(w.to_word() for w in self.words or ()),
            speaker=self.speaker,
        )


class WarningJson(_Input):
    code: str = ""
    message: str = ""
    start: float = 0.0
    end: float = 0.0


class SpeakerTurnJson(_Input):
    start: float
    end: float
    speaker: str

    def to_turn(self) -> SpeakerTurn:
        return (self.start, self.end, self.speaker)


class TranscriptJson(_Input):
    """A Transcript JSON object: ``segments`` is required (a transcript of silence has an empty list)."""

    segments: list[SegmentJson]
    language: str | None = None
    duration: float | None = None
    model: str | None = None
    engine: str | None = None
    text: str | None = None
    speech_seconds: float | None = None
    covered_seconds: float | None = None
    warnings: list[WarningJson] | None = None
    speaker_turns: list[SpeakerTurnJson] | None = None

    def to_transcript(self) -> Transcript:
        segments = tuple(s.to_segment(i) for i, s in enumerate(self.segments))
        turns = self.speaker_turns
        return Transcript(
            language=self.language or "en",
            duration=self.duration or (segments[-1].end if segments else 0.0),
            segments=segments,
            model=self.model or "unknown",
            engine=self.engine or "unknown",
            text=self.text or "",
            speech_seconds=self.speech_seconds,
            covered_seconds=self.covered_seconds,
            warnings=tuple(TranscriptWarning(w.code, w.message, w.start, w.end) for w in self.warnings or ()),
            speaker_turns=None if turns is None else tuple(t.to_turn() for t in turns),
        )


def parse_transcript_json(raw: str | bytes, *, where: str) -> Transcript:
    """The Transcript in the JSON text ``raw`` (read from ``where``, a path or URI the message names)."""
    try:
        return TranscriptJson.model_validate_json(raw).to_transcript()
    except ValidationError as exc:
        raise invalid_transcript(where, "a Transcript JSON", exc) from None


def parse_transcript(data: object, *, where: str) -> Transcript:
    """The Transcript of already decoded JSON ``data``."""
    try:
        return TranscriptJson.model_validate(data).to_transcript()
    except ValidationError as exc:
        raise invalid_transcript(where, "a Transcript JSON", exc) from None


#: Parts of an error location that name a branch of a union (``tuple[Word, ...]``, ``none``, ``float``),
#: not a field: pydantic puts them in the location of the errors inside that branch.
_BRANCH = re.compile(r"[^A-Za-z0-9_]|^(none|float|int|str|bool)$")


def field_path(loc: tuple[int | str, ...]) -> str:
    """``("transcript", "segments", 3, "start")`` → ``transcript.segments[3].start``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not _BRANCH.search(part):
            path += f".{part}" if path else part
    return path or "(the document)"


def invalid_transcript(where: str, what: str, exc: ValidationError) -> InvalidTranscriptError:
    """The error for a document that is not ``what``: the first wrong field and what is wrong with it
    (pydantic's message, which never quotes the value), and how many more there are."""
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    # A field that may be absent reports the wrong value twice: once for its type, once for "null".
    errors = [e for e in errors if e["type"] != "none_required"] or errors
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    detail = first["msg"] if first["type"] == "json_invalid" else f"{field_path(first['loc'])}: {first['msg']}"
    return InvalidTranscriptError(f"{where}: not {what}: {detail}{more}")
