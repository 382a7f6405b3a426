"""SRT, WebVTT and plain-text renderings of an enriched transcript.

They are made from the CLEAN segments of the enriched JSON only (PII replaced, profanity
masked), never from a raw transcript.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping
from typing import Any

CAPTION_LINE_WIDTH = 42  # characters per caption line, a common broadcast guideline


def _timestamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _cues(segments: Iterable[Mapping[str, Any]]) -> list[tuple[float, float, str]]:
    cues = []
    for seg in segments:
        text = " ".join(str(seg.get("text", "")).split())
        if not text:
            continue
        start, end = float(seg["start"]), float(seg["end"])
        cues.append((start, max(end, start + 0.001), "\n".join(textwrap.wrap(text, CAPTION_LINE_WIDTH))))
    return cues


def render_srt(segments: Iterable[Mapping[str, Any]]) -> str:
    blocks = [
        f"{n}\n{_timestamp(start, ',')} --> {_timestamp(end, ',')}\n{text}\n"
        for n, (start, end, text) in enumerate(_cues(segments), start=1)
    ]
    return "\n".join(blocks)


def render_vtt(segments: Iterable[Mapping[str, Any]]) -> str:
    blocks = [f"{_timestamp(start, '.')} --> {_timestamp(end, '.')}\n{text}\n" for start, end, text in _cues(segments)]
    return "WEBVTT\n\n" + "\n".join(blocks)


def render_txt(enriched: Mapping[str, Any]) -> str:
    """The clean transcript, one segment per line."""
    segments = enriched["transcript"].get("segments") or []
    lines = [" ".join(str(s.get("text", "")).split()) for s in segments]
    lines = [ln for ln in lines if ln]
    if not lines and enriched["transcript"].get("text"):
        lines = [enriched["transcript"]["text"]]
    return "\n".join(lines) + ("\n" if lines else "")
