"""The per-job HTML report and the index of a results folder, rendered with Jinja2.

``render_report`` turns one enriched transcript (plus a few facts about its job: status, date,
estimated cost) into one self-contained HTML file: inline CSS and JavaScript, inline SVG, no
fonts, images or scripts from anywhere else, and a Content-Security-Policy that forbids every
network request. It reads only the enriched transcript, so it holds nothing the clean
transcript does not: no raw text, no PII values. Every value goes through Jinja2's autoescaping.

Without JavaScript it reads fully (the chart is SVG, each point a link to its segment); with
it, a search box filters the segments and clicking a time copies it. When the job wrote a redacted
recording, the page plays it (a ``<video>`` or ``<audio>`` element whose source is the relative link
``ReportFacts.media``, the one thing the page loads, allowed by ``media-src 'self'``) and each segment's
play link seeks it to the segment's start (without JavaScript, it opens the file at that time).
"""

from __future__ import annotations

import base64
import bisect
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from pipeline.outputs.chart import sentiment_chart
from pipeline.outputs.cost_table import cost_table
from pipeline.outputs.formatting import clock, date_text, duration_text, now_stamp, signed, source_name
from pipeline.outputs.media_spans import segment_ranges
from postprocess.document import CleanTranscript, EnrichedTranscript, Summary, TimeShare

__all__ = ["IndexEntry", "ReportFacts", "render_index", "render_report"]

#: How many colours redaction types cycle through (the legend names each type, so colour is a help, not the key).
PII_COLOURS = 8


@dataclass(frozen=True)
class ReportFacts:
    """What the report says about the job besides its transcript."""

    status: str = "COMPLETE"
    #: When the job finished (ISO-8601 UTC); None: now.
    finished_at: str | None = None
    #: ``CostEstimate.to_dict()`` of a cloud job; None for a local one.
    cost: Mapping[str, Any] | None = None
    #: The redacted recording (``redacted.<ext>``) as a URL relative to the report; None without one.
    media: str | None = None


@dataclass(frozen=True)
class IndexEntry:
    """One job in a results folder's index."""

    name: str
    status: str
    job_id: str | None = None
    report_href: str | None = None
    transcript_href: str | None = None
    summary: Summary | None = None
    error: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Piece:
    """A run of a segment's clean text; ``kind`` "pii" or "profanity" for a marked replacement."""

    text: str
    kind: str = ""
    type: str = ""
    colour: int = 0


@dataclass
class SegmentView:
    anchor: str
    start: float
    end: float
    clock: str
    where: str  # "0:12–0:18", or "segment 3" without timestamps
    label: str
    compound: float
    pieces: list[Piece] = field(default_factory=list)
    speaker: str | None = None


#: A marked range of one segment's text: ``(start, end, kind, type)`` in segment-local offsets.
Mark = tuple[int, int, str, str]


# -- the transcript ------------------------------------------------------------------------
def _marks(enriched: EnrichedTranscript) -> dict[int, list[Mark]]:
    """The redactions and masked words of each segment (by index), in segment-local offsets."""
    ranges = segment_ranges(enriched.transcript.segments)
    starts = [r[0] for r in ranges]
    found: dict[int, list[Mark]] = {}
    spans = [(e.start, e.end, "pii", e.type) for e in enriched.pii.entities]
    spans += [(s.start, s.end, "profanity", "PROFANITY") for s in enriched.profanity.spans]
    for start, end, kind, kind_type in spans:
        at = bisect.bisect_right(starts, start) - 1
        if at < 0 or start >= end:
            continue
        seg_start, seg_end, index = ranges[at]
        if end > seg_end:
            continue
        found.setdefault(index, []).append((start - seg_start, end - seg_start, kind, kind_type))
    return found


def _pieces(text: str, marks: Sequence[Mark], colours: Mapping[str, int]) -> list[Piece]:
    pieces: list[Piece] = []
    cursor = 0
    for start, end, kind, kind_type in sorted(marks):
        if start < cursor:
            continue  # overlapping spans: the first one wins
        if start > cursor:
            pieces.append(Piece(text[cursor:start]))
        pieces.append(Piece(text[start:end], kind, kind_type, colours.get(kind_type, 0)))
        cursor = end
    if cursor < len(text):
        pieces.append(Piece(text[cursor:]))
    return pieces


def _segments(
    enriched: EnrichedTranscript, colours: Mapping[str, int], *, hours: bool, timed: bool
) -> list[SegmentView]:
    marks = _marks(enriched)
    views = []
    for index, segment in enumerate(enriched.transcript.segments):
        start, end = segment.start, max(segment.start, segment.end)
        views.append(
            SegmentView(
                anchor=f"seg-{index}",
                start=start,
                end=end,
                clock=clock(start, hours=hours),
                where=f"{clock(start, hours=hours)}–{clock(end, hours=hours)}" if timed else f"segment {index + 1}",
                label=segment.sentiment.label,
                compound=segment.sentiment.compound,
                pieces=_pieces(segment.text, marks.get(index, []), colours),
                speaker=segment.speaker or None,
            )
        )
    return views


# -- the parts around the transcript ------------------------------------------------------------
def _legend(enriched: EnrichedTranscript) -> tuple[list[dict[str, Any]], dict[str, int]]:
    ordered = sorted(enriched.pii.counts.items(), key=lambda kv: (-kv[1], kv[0]))
    colours = {kind: n % PII_COLOURS for n, (kind, _) in enumerate(ordered)}
    return [{"type": kind, "count": count, "colour": colours[kind]} for kind, count in ordered], colours


def _timings(timings: Mapping[str, float], duration: float) -> dict[str, Any] | None:
    if not timings:
        return None
    order = ["extract_seconds", "transcribe_seconds", "enrich_seconds"]
    keys = [k for k in order if k in timings] + sorted(k for k in timings if k not in order)
    total = sum(timings[k] for k in keys)
    longest = max((timings[k] for k in keys), default=0.0) or 1.0
    names = {"extract_seconds": "extract audio", "transcribe_seconds": "transcribe", "enrich_seconds": "enrich"}
    rows = [
        {
            "name": names.get(k, k.removesuffix("_seconds").replace("_", " ")),
            "seconds": timings[k],
            "text": duration_text(timings[k]),
            "bar": round(timings[k] / longest * 100, 2),
        }
        for k in keys
    ]
    return {"rows": rows, "total": duration_text(total), "audio": duration_text(duration) if duration > 0 else None}


def _notices(transcript: CleanTranscript) -> tuple[list[str], str | None]:
    """Recognition warnings and speech coverage, when the transcript carries them."""
    notes = []
    for warning in transcript.warnings or ():
        span = f"{clock(warning.start)}–{clock(warning.end)}"
        text = warning.message or warning.code
        notes.append(f"{span}: {text}" if text else span)
    speech, covered = transcript.speech_seconds, transcript.covered_seconds
    if speech is None or covered is None:
        return notes, None
    if speech <= 0:
        return notes, "no speech detected"
    return notes, f"{covered / speech:.0%} ({duration_text(covered)} of {duration_text(speech)} of speech)"


def _share(time_share: TimeShare) -> list[dict[str, Any]]:
    parts, x = [], 0.0
    for name in ("positive", "neutral", "negative"):
        share: float = getattr(time_share, name)
        parts.append({"name": name, "share": f"{share:.0%}", "x": round(x * 100, 3), "width": round(share * 100, 3)})
        x += share
    return parts


def _speakers(enriched: EnrichedTranscript, segments: Sequence[SegmentView]) -> list[tuple[str, str]]:
    """``(speaker, what to say about them)``: talk time, words and sentiment from ``speakers[]``,
    else (a transcript labelled elsewhere) how many segments each has."""
    if enriched.speakers is not None:
        return [
            (
                speaker.id,
                f"talks {duration_text(speaker.talk_seconds)}, {speaker.words} words, {speaker.sentiment.label} "
                f"{signed(speaker.sentiment.compound)}",
            )
            for speaker in enriched.speakers
        ]
    counts: dict[str, int] = {}
    for seg in segments:
        if seg.speaker:
            counts[seg.speaker] = counts.get(seg.speaker, 0) + 1
    return [(speaker, f"{count} segment{'s' if count != 1 else ''}") for speaker, count in sorted(counts.items())]


# -- rendering ------------------------------------------------------------------------------
@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.outputs", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _asset(name: str) -> tuple[Markup, str]:
    """A packaged CSS/JS file for inlining, and its CSP hash source."""
    text = resources.files("pipeline.outputs").joinpath("templates", name).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Markup(text), f"'sha256-{digest}'"


def _page_assets(*, script: bool, media: bool = False) -> dict[str, Any]:
    css, css_hash = _asset("clearscribe.css")
    js, js_hash = _asset("report.js") if script else (Markup(""), "'none'")
    # The redacted recording is the one thing a report may load: its relative link, from where the page is.
    media_src = "media-src 'self'; " if media else ""
    policy = (
        f"default-src 'none'; style-src {css_hash}; script-src {js_hash}; img-src data:; "
        f"{media_src}base-uri 'none'; form-action 'none'"
    )
    return {"css": css, "js": js, "csp": policy}


def render_report(enriched: EnrichedTranscript, facts: ReportFacts | None = None) -> str:
    """The report of one enriched transcript (schema version 1) as a self-contained HTML page."""
    facts = facts or ReportFacts()
    transcript = enriched.transcript
    duration = enriched.source.duration_seconds
    timed = any(s.end > 0 for s in transcript.segments)
    span = max([duration, *(s.end for s in transcript.segments), 1e-9])
    legend, colours = _legend(enriched)
    segments = _segments(enriched, colours, hours=span >= 3600, timed=timed)
    overall = enriched.sentiment.overall
    warnings, coverage = _notices(transcript)
    context = {
        "name": source_name(enriched.source.uri),
        "job_id": enriched.job_id,
        "status": facts.status,
        "date": date_text(facts.finished_at or now_stamp()),
        "duration": duration_text(duration) if timed or duration else "no timestamps",
        "words": enriched.word_count,
        "model": enriched.model.name,
        "engine": enriched.model.engine,
        "language": enriched.language,
        "timed": timed,
        "segments": segments,
        "chart": sentiment_chart(segments, span=span, timed=timed),
        "overall": {"label": overall.label, "compound": signed(overall.compound)},
        "share": _share(enriched.sentiment.time_share),
        "legend": legend,
        "pii_total": sum(item["count"] for item in legend),
        "residual": enriched.pii.residual_redactions,
        "profanity": enriched.profanity.count,
        "placeholder_style": enriched.redaction.placeholder_style,
        "speakers": _speakers(enriched, segments),
        "warnings": warnings,
        "coverage": coverage,
        "timings": _timings(enriched.timings, duration),
        "cost": cost_table(facts.cost),
        "signed": signed,
        "media": _media(facts.media, timed=timed),
        **_page_assets(script=True, media=facts.media is not None),
    }
    return _environment().get_template("report.html.j2").render(context)


#: Suffixes of recordings without pictures, played in an ``<audio>`` element (the rest in a ``<video>``).
AUDIO_ONLY_SUFFIXES = frozenset({"m4a", "mp3", "wav", "flac", "ogg", "oga", "opus", "aac", "mka", "wma", "aif", "aiff"})


def _media(href: str | None, *, timed: bool) -> dict[str, Any] | None:
    """The redacted recording's player: its link, name and element (``audio`` or ``video``)."""
    if href is None:
        return None
    name = href.rsplit("/", 1)[-1]
    element = "audio" if name.rsplit(".", 1)[-1].lower() in AUDIO_ONLY_SUFFIXES else "video"
    return {"href": href, "name": name, "element": element, "seek": timed}


def render_index(entries: Sequence[IndexEntry], *, title: str, updated_at: str | None = None) -> str:
    """A results folder's index: one row per job, each linking to its report."""
    rows = []
    for entry in entries:
        summary = entry.summary
        counts = summary.pii_counts if summary else {}
        rows.append(
            {
                "entry": entry,
                "duration": duration_text(summary.duration_seconds) if summary else "",
                "words": summary.words if summary else "",
                "pii": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
                "pii_total": sum(counts.values()),
                "profanity": summary.profanity_count if summary else "",
                "sentiment": summary.sentiment.label if summary else "",
                "error": (entry.error or {}).get("code", ""),
            }
        )
    context = {
        "title": title,
        "rows": rows,
        "updated": date_text(updated_at or now_stamp()),
        "counts": {
            status: sum(1 for e in entries if e.status == status) for status in sorted({e.status for e in entries})
        },
        **_page_assets(script=False),
    }
    return _environment().get_template("index.html.j2").render(context)
