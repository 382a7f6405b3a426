"""The per-job HTML report and the index of a results folder, rendered with Jinja2.

``render_report`` turns one enriched transcript (plus a few facts about its job: status, date,
estimated cost) into one self-contained HTML file: inline CSS and JavaScript, inline SVG, no
fonts, images or scripts from anywhere else, and a Content-Security-Policy that forbids every
network request. It reads only the enriched transcript, so it holds nothing the clean
transcript does not: no raw text, no PII values. Every value goes through Jinja2's autoescaping.

Without JavaScript it reads fully (the chart is SVG, each point a link to its segment); with
it, a search box filters the segments and clicking a time copies it.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup

#: Sentiment bands (VADER's documented thresholds, as the sentiment enricher labels segments).
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05
#: How many colours redaction types cycle through (the legend names each type, so colour is a help, not the key).
PII_COLOURS = 8

# Geometry of the sentiment chart (SVG user units; the SVG scales to the page width).
CHART_WIDTH, CHART_HEIGHT = 960, 260
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 56, 16, 12, 36
_TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)
#: From this many segments the chart's line is a moving average, not a line through every point.
SMOOTH_FROM = 80


@dataclass(frozen=True)
class ReportFacts:
    """What the report says about the job besides its transcript."""

    status: str = "COMPLETE"
    #: When the job finished (ISO-8601 UTC); None: now.
    finished_at: str | None = None
    #: ``CostEstimate.to_dict()`` of a cloud job; None for a local one.
    cost: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class IndexEntry:
    """One job in a results folder's index."""

    name: str
    status: str
    job_id: str | None = None
    report_href: str | None = None
    transcript_href: str | None = None
    summary: Mapping[str, Any] | None = None
    error: Mapping[str, Any] | None = None


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


# -- formatting ------------------------------------------------------------------------------
def clock(seconds: float, *, hours: bool = False) -> str:
    """``m:ss`` (``h:mm:ss`` with ``hours`` or past an hour)."""
    total = max(0, int(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if hours or h else f"{m}:{s:02d}"


def duration_text(seconds: float) -> str:
    """A duration for people: ``42.5 s``, ``3 min 05 s``, ``1 h 02 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    total = round(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min {s:02d} s"


def usd(amount: float | None) -> str:
    if amount is None:
        return "no price"
    if amount == 0:
        return "$0"
    if amount < 0.0001:
        return "< $0.0001"
    return f"${amount:.4f}" if amount < 1 else f"${amount:,.2f}"


def signed(value: float) -> str:
    return f"{value:+.2f}"


def source_name(uri: str) -> str:
    """The file name of a source (local path or ``s3://`` URI); the whole string if it has none."""
    text = str(uri)
    if text.startswith("s3://"):
        text = text[len("s3://") :]
    name = PurePosixPath(text.replace("\\", "/")).name
    return name or text


def date_text(stamp: str | None) -> str:
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def now_stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# -- the transcript ------------------------------------------------------------------------
def _number(value: Any, default: float = 0.0) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if math.isfinite(number) else default


def _segment_ranges(segments: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, int]]:
    """``(start, end, index)`` of each non-empty segment's text in ``transcript.text`` (the clean
    segment texts joined by one space, as the enriched transcript defines it)."""
    ranges: list[tuple[int, int, int]] = []
    offset = 0
    for index, segment in enumerate(segments):
        text = str(segment.get("text") or "")
        if not text:
            continue
        if ranges:
            offset += 1
        ranges.append((offset, offset + len(text), index))
        offset += len(text)
    return ranges


def _marks(enriched: Mapping[str, Any]) -> dict[int, list[tuple[int, int, str, str]]]:
    """The redactions and masked words of each segment (by index), in segment-local offsets."""
    segments = enriched["transcript"].get("segments") or []
    ranges = _segment_ranges(segments)
    starts = [r[0] for r in ranges]
    found: dict[int, list[tuple[int, int, str, str]]] = {}
    spans = [("pii", e) for e in (enriched.get("pii") or {}).get("entities") or []]
    spans += [("profanity", s) for s in (enriched.get("profanity") or {}).get("spans") or []]
    for kind, span in spans:
        start, end = int(_number(span.get("start"), -1)), int(_number(span.get("end"), -1))
        at = bisect.bisect_right(starts, start) - 1
        if at < 0 or start >= end:
            continue
        seg_start, seg_end, index = ranges[at]
        if end > seg_end:
            continue
        kind_type = str(span.get("type", "")) if kind == "pii" else "PROFANITY"
        found.setdefault(index, []).append((start - seg_start, end - seg_start, kind, kind_type))
    return found


def _pieces(text: str, marks: Sequence[tuple[int, int, str, str]], colours: Mapping[str, int]) -> list[Piece]:
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


def _label(compound: float, given: Any) -> str:
    if given in ("positive", "neutral", "negative"):
        return str(given)
    return "positive" if compound >= POSITIVE_AT else "negative" if compound <= NEGATIVE_AT else "neutral"


def _segments(
    enriched: Mapping[str, Any], colours: Mapping[str, int], *, hours: bool, timed: bool
) -> list[SegmentView]:
    marks = _marks(enriched)
    views = []
    for index, segment in enumerate(enriched["transcript"].get("segments") or []):
        sentiment = segment.get("sentiment") or {}
        compound = max(-1.0, min(1.0, _number(sentiment.get("compound"))))
        start = _number(segment.get("start"))
        end = max(start, _number(segment.get("end")))
        speaker = segment.get("speaker")
        views.append(
            SegmentView(
                anchor=f"seg-{index}",
                start=start,
                end=end,
                clock=clock(start, hours=hours),
                where=f"{clock(start, hours=hours)}–{clock(end, hours=hours)}" if timed else f"segment {index + 1}",
                label=_label(compound, sentiment.get("label")),
                compound=compound,
                pieces=_pieces(str(segment.get("text") or ""), marks.get(index, []), colours),
                speaker=str(speaker) if speaker not in (None, "") else None,
            )
        )
    return views


# -- the chart -------------------------------------------------------------------------------
def _chart(segments: Sequence[SegmentView], *, span: float, timed: bool) -> dict[str, Any]:
    plot_w = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_h = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM

    def y(value: float) -> float:
        return round(CHART_TOP + (1 - value) / 2 * plot_h, 2)

    count = len(segments)

    def x(n: int, seg: SegmentView) -> float:
        share = ((seg.start + seg.end) / 2 / span) if timed else (n + 0.5) / max(count, 1)
        return round(CHART_LEFT + min(max(share, 0.0), 1.0) * plot_w, 2)

    points: list[dict[str, Any]] = [
        {"x": x(n, seg), "y": y(seg.compound), "seg": seg} for n, seg in enumerate(segments)
    ]
    # With many segments a line through every point is noise: it follows a moving average instead.
    window = 1 if count <= SMOOTH_FROM else max(3, count // 40)
    compounds = [seg.compound for seg in segments]
    trend: list[tuple[float, float]] = []
    for n, point in enumerate(points):
        around = compounds[max(0, n - window // 2) : n + window // 2 + 1]
        trend.append((point["x"], y(sum(around) / len(around))))
    if timed:
        step = next((s for s in _TICK_STEPS if span / s <= 8), _TICK_STEPS[-1])
        ticks: list[dict[str, Any]] = [
            {"x": round(CHART_LEFT + t / span * plot_w, 2), "label": clock(t, hours=span >= 3600)}
            for t in range(0, int(span) + 1, step)
        ]
    else:
        every = max(1, math.ceil(count / 8))
        ticks = [{"x": p["x"], "label": str(n + 1)} for n, p in enumerate(points) if n % every == 0]
    right = CHART_WIDTH - CHART_RIGHT
    for tick in ticks:  # a label at the right edge ends there instead of running off the chart
        tick["anchor"] = "end" if tick["x"] > right - 24 else "middle"
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "right": CHART_WIDTH - CHART_RIGHT,
        "plot_width": plot_w,
        "bands": [
            {"name": "positive", "y": y(1), "height": round(y(POSITIVE_AT) - y(1), 2)},
            {"name": "neutral", "y": y(POSITIVE_AT), "height": round(y(NEGATIVE_AT) - y(POSITIVE_AT), 2)},
            {"name": "negative", "y": y(NEGATIVE_AT), "height": round(y(-1) - y(NEGATIVE_AT), 2)},
        ],
        "levels": [{"y": y(v), "label": signed(v) if v else "0"} for v in (1, 0.5, 0, -0.5, -1)],
        "axis_y": CHART_HEIGHT - CHART_BOTTOM,
        "ticks": ticks,
        "points": points,
        # Whole units, each pair led by a letter: no run of digits in the markup a leak scanner
        # could take for a card or phone number (the dots themselves carry the exact positions).
        "line": "M" + "L".join(f"{round(px)} {round(py)}" for px, py in trend),
        "smoothed": window > 1,
        "radius": 4 if count <= 300 else 2.5,
        "x_label": "time (m:ss)" if timed and span < 3600 else "time (h:mm:ss)" if timed else "segment",
    }


# -- the parts around the transcript ------------------------------------------------------------
def _legend(enriched: Mapping[str, Any]) -> tuple[list[dict[str, Any]], dict[str, int]]:
    counts = (enriched.get("pii") or {}).get("counts") or {}
    ordered = sorted(counts.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
    colours = {str(kind): n % PII_COLOURS for n, (kind, _) in enumerate(ordered)}
    return [{"type": str(kind), "count": int(count), "colour": colours[str(kind)]} for kind, count in ordered], colours


def _timings(enriched: Mapping[str, Any], duration: float) -> dict[str, Any] | None:
    timings = {str(k): _number(v) for k, v in (enriched.get("timings") or {}).items()}
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


COST_ITEMS = {
    "mediaconvert": "MediaConvert audio extraction",
    "endpoint": "SageMaker endpoint",
    "lambda_compute": "Lambda compute",
    "lambda_requests": "Lambda requests",
    "state_transitions": "Step Functions state transitions",
}


def _unit_price(price: float) -> str:
    return f"${price:.10f}".rstrip("0").rstrip(".")


def _quantity(quantity: float, unit: str) -> str:
    number = f"{quantity:,.3f}".rstrip("0").rstrip(".")
    return f"{number} {unit}{'' if quantity == 1 or not unit else 's'}"


def _cost(cost: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not cost:
        return None
    lines = []
    for line in cost.get("lines") or []:
        unit_price = line.get("unit_price")
        quantity = _number(line.get("quantity"))
        lines.append(
            {
                "item": COST_ITEMS.get(str(line.get("item")), str(line.get("item"))),
                "detail": str(line.get("detail") or ""),
                "quantity": _quantity(quantity, str(line.get("unit", ""))),
                "unit_price": "no confirmed price" if unit_price is None else _unit_price(_number(unit_price)),
                "cost": usd(None if line.get("usd") is None else _number(line.get("usd"))),
                "priced": unit_price is not None,
            }
        )
    return {
        "lines": lines,
        "total": usd(_number(cost.get("total_usd"))),
        "complete": bool(cost.get("complete")),
        "region": str(cost.get("region") or "unknown region"),
        "as_of": str(cost.get("prices_as_of") or ""),
    }


def _notices(transcript: Mapping[str, Any]) -> tuple[list[str], str | None]:
    """Recognition warnings and speech coverage, when the transcript carries them."""
    notes = []
    for warning in transcript.get("warnings") or []:
        if isinstance(warning, Mapping):
            text = str(warning.get("message") or warning.get("code") or "")
            if "start" in warning and "end" in warning:
                span = f"{clock(_number(warning['start']))}–{clock(_number(warning['end']))}"
                text = f"{span}: {text}" if text else span
            notes.append(text or ", ".join(f"{k}: {v}" for k, v in warning.items()))
        else:
            notes.append(str(warning))
    speech, covered = transcript.get("speech_seconds"), transcript.get("covered_seconds")
    if speech is None or covered is None:
        return notes, None
    speech, covered = _number(speech), _number(covered)
    share = f"{covered / speech:.0%}" if speech > 0 else "no speech detected"
    return notes, f"{share} ({duration_text(covered)} of {duration_text(speech)} of speech)" if speech > 0 else share


def _share(time_share: Mapping[str, Any]) -> list[dict[str, Any]]:
    parts, x = [], 0.0
    for name in ("positive", "neutral", "negative"):
        share = max(0.0, min(1.0, _number(time_share.get(name))))
        parts.append({"name": name, "share": f"{share:.0%}", "x": round(x * 100, 3), "width": round(share * 100, 3)})
        x += share
    return parts


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


def _page_assets(*, script: bool) -> dict[str, Any]:
    css, css_hash = _asset("clearscribe.css")
    js, js_hash = _asset("report.js") if script else (Markup(""), "'none'")
    policy = (
        f"default-src 'none'; style-src {css_hash}; script-src {js_hash}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    return {"css": css, "js": js, "csp": policy}


def render_report(enriched: Mapping[str, Any], facts: ReportFacts | None = None) -> str:
    """The report of one enriched transcript (schema version 1) as a self-contained HTML page."""
    facts = facts or ReportFacts()
    transcript = enriched["transcript"]
    source = enriched.get("source") or {}
    duration = max(0.0, _number(source.get("duration_seconds")))
    raw_segments = transcript.get("segments") or []
    ends = [_number(s.get("end")) for s in raw_segments]
    timed = any(e > 0 for e in ends)
    span = max([duration, *ends, 1e-9])
    legend, colours = _legend(enriched)
    segments = _segments(enriched, colours, hours=span >= 3600, timed=timed)
    sentiment = enriched.get("sentiment") or {}
    overall = sentiment.get("overall") or {}
    overall_compound = _number(overall.get("compound"))
    pii = enriched.get("pii") or {}
    speakers: dict[str, int] = {}
    for seg in segments:
        if seg.speaker:
            speakers[seg.speaker] = speakers.get(seg.speaker, 0) + 1
    warnings, coverage = _notices(transcript)
    model = enriched.get("model") or {}
    context = {
        "name": source_name(str(source.get("uri", ""))),
        "job_id": str(enriched.get("job_id", "")),
        "status": facts.status,
        "date": date_text(facts.finished_at or now_stamp()),
        "duration": duration_text(duration) if timed or duration else "no timestamps",
        "words": len(str(transcript.get("text") or "").split()),
        "model": str(model.get("name", "")),
        "engine": str(model.get("engine", "")),
        "language": str(enriched.get("language", "")),
        "timed": timed,
        "segments": segments,
        "chart": _chart(segments, span=span, timed=timed),
        "overall": {"label": _label(overall_compound, overall.get("label")), "compound": signed(overall_compound)},
        "share": _share(sentiment.get("time_share") or {}),
        "legend": legend,
        "pii_total": sum(item["count"] for item in legend),
        "residual": int(_number(pii.get("residual_redactions"))),
        "profanity": int(_number((enriched.get("profanity") or {}).get("count"))),
        "placeholder_style": str((enriched.get("redaction") or {}).get("placeholder_style", "typed")),
        "speakers": sorted(speakers.items()),
        "warnings": warnings,
        "coverage": coverage,
        "timings": _timings(enriched, duration),
        "cost": _cost(facts.cost),
        "signed": signed,
        **_page_assets(script=True),
    }
    return _environment().get_template("report.html.j2").render(context)


def render_index(entries: Sequence[IndexEntry], *, title: str, updated_at: str | None = None) -> str:
    """A results folder's index: one row per job, each linking to its report."""
    rows = []
    for entry in entries:
        summary = entry.summary or {}
        counts = summary.get("pii_counts") or {}
        sentiment = summary.get("sentiment") or {}
        rows.append(
            {
                "entry": entry,
                "duration": duration_text(_number(summary["duration_seconds"]))
                if "duration_seconds" in summary
                else "",
                "words": summary.get("words", ""),
                "pii": sorted(((str(k), int(_number(v))) for k, v in counts.items()), key=lambda kv: (-kv[1], kv[0])),
                "pii_total": sum(int(_number(v)) for v in counts.values()),
                "profanity": summary.get("profanity_count", ""),
                "sentiment": str(sentiment.get("label", "")),
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
