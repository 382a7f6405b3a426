"""The findings each enricher produces: small, JSON-able, and free of raw text.

Spans are ``(segment, start, end)``: character offsets into the RAW text of segment ``segment``
(``Segment.id``). ``compose`` maps them onto the clean text. ``load_findings`` turns a stored
findings document (or a handler result pointing at one) back into the typed object.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

SentimentLabel = Literal["positive", "neutral", "negative"]
EnricherName = Literal["pii", "profanity", "sentiment"]


@dataclass(frozen=True, order=True)
class SegmentSpan:
    """A character range ``[start, end)`` inside the raw text of one segment."""

    segment: int
    start: int
    end: int

    def to_dict(self) -> dict[str, int]:
        return {"segment": self.segment, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SegmentSpan:
        return cls(segment=int(data["segment"]), start=int(data["start"]), end=int(data["end"]))


@dataclass(frozen=True, order=True)
class PiiSpan:
    """One PII finding: where it is (segment + raw offsets), its type and its score; ``residual``
    when the residual-risk scan found it (the recognizers had missed it)."""

    segment: int
    start: int
    end: int
    type: str
    score: float
    residual: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "segment": self.segment,
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "score": round(self.score, 4),
        }
        if self.residual:
            data["residual"] = True
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PiiSpan:
        return cls(
            segment=int(data["segment"]),
            start=int(data["start"]),
            end=int(data["end"]),
            type=str(data["type"]),
            score=float(data["score"]),
            residual=bool(data.get("residual", False)),
        )


@dataclass(frozen=True)
class PiiFindings:
    """Every PII span found, sorted by position; ``counts`` by entity type."""

    spans: tuple[PiiSpan, ...]

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for span in self.spans:
            counts[span.type] = counts.get(span.type, 0) + 1
        return dict(sorted(counts.items()))

    @property
    def residual_count(self) -> int:
        """How many spans the residual-risk scan added."""
        return sum(span.residual for span in self.spans)

    def to_dict(self) -> dict[str, Any]:
        return {
            "enricher": "pii",
            "counts": self.counts,
            "residual_redactions": self.residual_count,
            "spans": [s.to_dict() for s in self.spans],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PiiFindings:
        return cls(spans=tuple(sorted(PiiSpan.from_dict(s) for s in data.get("spans", ()))))

    def summary(self) -> dict[str, Any]:
        return {"count": len(self.spans), "counts": self.counts, "residual_redactions": self.residual_count}


@dataclass(frozen=True)
class ProfanityFindings:
    """Every profane span (better-profanity semantics), sorted by position."""

    spans: tuple[SegmentSpan, ...]

    @property
    def count(self) -> int:
        return len(self.spans)

    def to_dict(self) -> dict[str, Any]:
        return {"enricher": "profanity", "count": self.count, "spans": [s.to_dict() for s in self.spans]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProfanityFindings:
        return cls(spans=tuple(sorted(SegmentSpan.from_dict(s) for s in data.get("spans", ()))))

    def summary(self) -> dict[str, Any]:
        return {"count": self.count}


@dataclass(frozen=True)
class SegmentSentiment:
    """VADER scores of one segment."""

    segment: int
    compound: float
    label: SentimentLabel

    def to_dict(self) -> dict[str, Any]:
        return {"segment": self.segment, "compound": round(self.compound, 4), "label": self.label}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SegmentSentiment:
        return cls(segment=int(data["segment"]), compound=float(data["compound"]), label=data["label"])


@dataclass(frozen=True)
class SentimentFindings:
    """Per-segment sentiment, the duration-weighted overall score and the share of time per label."""

    segments: tuple[SegmentSentiment, ...]
    overall_compound: float
    overall_label: SentimentLabel
    time_share: Mapping[SentimentLabel, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "enricher": "sentiment",
            "overall": {"compound": round(self.overall_compound, 4), "label": self.overall_label},
            "time_share": {k: round(float(self.time_share[k]), 4) for k in ("positive", "neutral", "negative")},
            "segments": [s.to_dict() for s in self.segments],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SentimentFindings:
        overall = data["overall"]
        share = data["time_share"]
        return cls(
            segments=tuple(SegmentSentiment.from_dict(s) for s in data.get("segments", ())),
            overall_compound=float(overall["compound"]),
            overall_label=overall["label"],
            time_share={k: float(share[k]) for k in ("positive", "neutral", "negative")},
        )

    def summary(self) -> dict[str, Any]:
        return {"compound": round(self.overall_compound, 4), "label": self.overall_label}


Findings = PiiFindings | ProfanityFindings | SentimentFindings

_BY_ENRICHER: dict[str, Callable[[Mapping[str, Any]], Findings]] = {
    "pii": PiiFindings.from_dict,
    "profanity": ProfanityFindings.from_dict,
    "sentiment": SentimentFindings.from_dict,
}


def findings_to_json(findings: Findings) -> bytes:
    """The canonical stored form of a findings object (sorted keys, UTF-8)."""
    return json.dumps(findings.to_dict(), sort_keys=True, separators=(",", ":")).encode("utf-8")


def load_findings(source: str | Mapping[str, Any], *, s3_client: Any = None) -> Findings:
    """A findings object from a findings document, a handler result
    (``{"enricher", "findings_uri", ...}``) or an ``s3://`` URI of a findings document."""
    if isinstance(source, str):
        from shared.s3uri import read_s3_bytes

        return load_findings(json.loads(read_s3_bytes(source, s3_client)))
    if "findings_uri" in source and "spans" not in source and "overall" not in source:
        return load_findings(str(source["findings_uri"]), s3_client=s3_client)
    enricher = source.get("enricher")
    if enricher not in _BY_ENRICHER:
        raise ValueError(f"not a findings document (enricher={enricher!r})")
    return _BY_ENRICHER[str(enricher)](source)
