"""The enriched transcript (``schema_version`` "1") as pydantic models.

``postprocess.compose`` builds an :class:`EnrichedTranscript`; the captions, the HTML report, the job
summary and the CLI read its attributes; :meth:`EnrichedTranscript.to_json` is the one way it is
stored (``enriched.json``) and :meth:`EnrichedTranscript.from_json` the one way a stored one is read
back, failing with ``INVALID_TRANSCRIPT`` naming the field when it has another shape. The published
JSON Schema, ``enriched-transcript.v1.json`` beside this module, is generated from these models
(``postprocess.schema``): the docstrings and field descriptions below are its documentation.

A word and a recognition warning are the transcript's own ``shared.models.Word`` and
``TranscriptWarning``, the types the speech engine writes: one declaration from the engine to the
captions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import SkipJsonSchema

from postprocess.findings import SentimentLabel
from shared.models import TranscriptWarning, Word
from shared.transcript_json import invalid_transcript

__all__ = [
    "SCHEMA_VERSION",
    "CleanSegment",
    "CleanTranscript",
    "EnrichedTranscript",
    "ModelInfo",
    "PiiEntity",
    "PiiReport",
    "ProfanityReport",
    "Redaction",
    "Sentiment",
    "SentimentReport",
    "Source",
    "SpeakerStats",
    "Summary",
    "TextSpan",
    "TimeShare",
    "TranscriptWarning",
    "Word",
]

SCHEMA_VERSION: Final = "1"

Seconds = Annotated[float, Field(ge=0)]
Offset = Annotated[int, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]
Share = Annotated[float, Field(ge=0, le=1)]
SpeakerId = Annotated[
    str, Field(pattern=r"^S[1-9][0-9]*$", description="S1, S2, ... numbered in the order speakers first say a word.")
]


class _Part(BaseModel):
    # Every part is immutable and has exactly the fields it declares; optional parts are left out of
    # the stored JSON when absent (never written as null), and the schema says so (SkipJsonSchema).
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sentiment(_Part):
    """A sentiment score: VADER's compound and its label."""

    compound: float = Field(ge=-1, le=1)
    label: SentimentLabel = Field(description="VADER thresholds: >= 0.05 positive, <= -0.05 negative.")


class Source(_Part):
    """The recording the transcript is of."""

    uri: str = Field(description="Where the source media came from (s3:// URI or local path).")
    duration_seconds: Seconds


class ModelInfo(_Part):
    """What transcribed it."""

    name: str = Field(description="Speech recognition model, e.g. distil-large-v3.")
    engine: str = Field(description="Inference engine, e.g. faster-whisper (text: a transcript read from plain text).")


class CleanSegment(_Part):
    """A clean segment: its text with PII replaced and profanity masked, its times and sentiment."""

    id: int
    start: Seconds
    end: Seconds
    text: str = Field(description="Clean segment text.")
    sentiment: Sentiment
    words: tuple[Word, ...] | SkipJsonSchema[None] = Field(
        None, description="Clean words; words inside one redacted span are merged into one."
    )
    speaker: SpeakerId | SkipJsonSchema[None] = Field(
        None,
        description="Who says it, when speakers were labelled (absent otherwise). A segment never holds two "
        "speakers: segments are split where the speaker changes.",
    )


class CleanTranscript(_Part):
    """The clean text and segments, and how much of the detected speech they cover."""

    text: str = Field(description="The clean text: clean segment texts joined by one space.")
    segments: tuple[CleanSegment, ...]
    speech_seconds: Seconds | SkipJsonSchema[None] = Field(
        None,
        description="Seconds of the recording the voice activity detector called speech (absent when not "
        "measured, e.g. a transcript read from a file).",
    )
    covered_seconds: Seconds | SkipJsonSchema[None] = Field(
        None,
        description="Seconds of that speech that have words in the transcript (within half a second of a word, or "
        "inside a segment without word times). Speech without words was decoded again before this was measured.",
    )
    warnings: tuple[TranscriptWarning, ...] | SkipJsonSchema[None] = Field(
        None,
        description="What the reader must know about the transcript, e.g. speech that stayed without words (code "
        "SPEECH_NOT_TRANSCRIBED, with start and end in seconds from the start of the recording). Messages never "
        "hold transcript text.",
    )


class TextSpan(_Part):
    """A [start, end) character range of the clean transcript.text, inside segment `segment`."""

    segment: int
    start: Offset
    end: Offset


class PiiEntity(_Part):
    """One redacted span: its type, the recognizer's score and where its placeholder is."""

    type: str = Field(
        examples=["PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "BANK_ACCOUNT_NUMBER",
                  "BANK_ROUTING", "IBAN_CODE", "SWIFT_CODE", "PIN", "PASSWORD", "USERNAME", "LOCATION", "POSTAL_CODE",
                  "DATE_OF_BIRTH", "PASSPORT_NUMBER", "DRIVER_ID", "LICENSE_PLATE", "UK_NINO", "IP_ADDRESS",
                  "MAC_ADDRESS", "ID_NUMBER"]
    )  # fmt: skip
    score: Share
    segment: int
    start: Offset = Field(description="Start of the placeholder in the clean transcript.text.")
    end: Offset


class PiiReport(_Part):
    """The redacted PII: counts by type and every span's position (never the original value)."""

    counts: dict[str, Count] = Field(description="Number of redacted spans by entity type.")
    entities: tuple[PiiEntity, ...]
    residual_redactions: Count = Field(
        0,
        description="How many of the redacted spans the residual-risk scan added after the recognizers: digit "
        "runs, addresses and host names they had missed. Counted in `counts` and listed in `entities` like the "
        "others.",
    )


class ProfanityReport(_Part):
    """The masked words: how many and where."""

    count: Count
    spans: tuple[TextSpan, ...]


class TimeShare(_Part):
    """Share of the timed speech (or of the words, without timestamps) per label."""

    positive: Share
    neutral: Share
    negative: Share


class SentimentReport(_Part):
    """The sentiment of the whole recording."""

    overall: Sentiment = Field(description="Duration-weighted mean of the segment compounds.")
    time_share: TimeShare


class Redaction(_Part):
    """How redactions are written."""

    placeholder_style: Literal["typed", "mask"] = "typed"


class SpeakerStats(_Part):
    """One speaker: talk time, words and sentiment."""

    id: SpeakerId
    talk_seconds: Seconds = Field(
        description="Seconds of the recording in this speaker's turns (without turns: the duration of their segments)."
    )
    words: Count = Field(description="Words in this speaker's clean segment texts.")
    sentiment: Sentiment = Field(
        description="Mean of the compounds of this speaker's segments, weighted as the overall score is (by "
        "duration, or by words without timestamps)."
    )


class EnrichedTranscript(_Part):
    """A clean transcript (PII replaced by placeholders, profanity masked) with PII and profanity positions in the
    clean text, sentiment, model and timing metadata. It never holds raw transcript text or PII values."""

    model_config = ConfigDict(title="clearscribe enriched transcript, version 1")

    schema_version: Literal["1"]
    job_id: str = Field(min_length=1)
    source: Source
    model: ModelInfo
    language: str
    transcript: CleanTranscript
    pii: PiiReport
    profanity: ProfanityReport
    sentiment: SentimentReport
    redaction: Redaction = Redaction()
    timings: dict[str, Seconds] = Field(description="Seconds spent per pipeline stage.")
    speakers: tuple[SpeakerStats, ...] | SkipJsonSchema[None] = Field(
        None,
        description="Present only when speakers were labelled (clearscribe run --speakers, the clearscribe:speakers "
        "context key); an empty list when no one spoke. One entry per speaker, S1 first. Labels are anonymous: "
        "they say which segments share a voice, never whose it is.",
    )

    def to_json(self) -> bytes:
        """The stored form, ``enriched.json``: UTF-8 JSON in field order, indented, absent parts left out."""
        data = self.model_dump(mode="json", exclude_none=True)
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, raw: str | bytes, *, where: str) -> EnrichedTranscript:
        """A stored enriched transcript read back (``where`` names it in the error, a path or URI);
        ``InvalidTranscriptError`` naming the first wrong field when it has another shape."""
        try:
            return cls.model_validate_json(raw, strict=True)
        except ValidationError as exc:
            raise invalid_transcript(where, "an enriched transcript", exc) from None

    def with_timing(self, stage: str, seconds: float) -> EnrichedTranscript:
        """The same transcript with one more (or a new) stage timing, in seconds."""
        return self.model_copy(update={"timings": {**self.timings, stage: round(seconds, 3)}})

    @property
    def word_count(self) -> int:
        return len(self.transcript.text.split())

    def summary(self) -> Summary:
        """What a job record and the workflow state keep of it."""
        transcript = self.transcript
        return Summary(
            duration_seconds=self.source.duration_seconds,
            words=self.word_count,
            pii_counts=dict(self.pii.counts),
            profanity_count=self.profanity.count,
            sentiment=self.sentiment.overall,
            speech_seconds=transcript.speech_seconds,
            covered_seconds=None if transcript.speech_seconds is None else transcript.covered_seconds,
            warnings=transcript.warnings or None,
            speakers=self.speakers,
        )


class Summary(BaseModel):
    """A small summary of an enriched transcript, kept in the job record and the workflow state: duration,
    words, PII counts by type, profanity count, overall sentiment, and the speech coverage, recognition
    warnings and speakers when the transcript carries them; a cloud job adds its ``estimated_cost``
    (``pipeline.outputs.cost.CostEstimate.to_dict``)."""

    # Read back from job stores (DynamoDB gives numbers as Decimal): lax about number types, and a
    # summary written by a later version with more keys still reads.
    model_config = ConfigDict(extra="ignore", frozen=True)

    duration_seconds: float
    words: int
    pii_counts: dict[str, int]
    profanity_count: int
    sentiment: Sentiment
    speech_seconds: float | None = None
    covered_seconds: float | None = None
    warnings: tuple[TranscriptWarning, ...] | None = None
    speakers: tuple[SpeakerStats, ...] | None = None
    estimated_cost: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stored form (absent parts left out)."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def from_record(cls, data: Mapping[str, Any] | None, *, where: str) -> Summary | None:
        """The summary a job record keeps (None when it has none); ``InvalidTranscriptError`` naming
        the field when it has another shape (``where`` names the job)."""
        if data is None:
            return None
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise invalid_transcript(where, "a transcript summary", exc) from None
