"""The report's sentiment timeline: an inline SVG chart's geometry, one point per segment."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Protocol

from pipeline.outputs.formatting import clock, signed

#: Sentiment bands (VADER's documented thresholds, as the sentiment enricher labels segments).
POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05

# Geometry of the sentiment chart (SVG user units; the SVG scales to the page width).
CHART_WIDTH, CHART_HEIGHT = 960, 260
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 56, 16, 12, 36
_TICK_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400)
#: From this many segments the chart's line is a moving average, not a line through every point.
SMOOTH_FROM = 80


class Plotted(Protocol):
    """What the chart needs of a segment (the template reads the rest of it from each point)."""

    start: float
    end: float
    compound: float


def sentiment_chart(segments: Sequence[Plotted], *, span: float, timed: bool) -> dict[str, Any]:
    """The chart's geometry: a point per segment (at its middle in time, or by its index without
    timestamps) at its compound, the label bands, the axis ticks and the line through the points."""
    plot_w = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_h = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM

    def y(value: float) -> float:
        return round(CHART_TOP + (1 - value) / 2 * plot_h, 2)

    count = len(segments)

    def x(n: int, seg: Plotted) -> float:
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
