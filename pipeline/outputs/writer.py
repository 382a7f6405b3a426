"""Write an enriched transcript and its renderings to an object store (local dir or S3)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.outputs.captions import render_srt, render_txt, render_vtt
from shared.objectstore import ObjectStore

OUTPUT_NAMES = {
    "json": "enriched.json",
    "srt": "transcript.srt",
    "vtt": "transcript.vtt",
    "txt": "transcript.txt",
}
CONTENT_TYPES = {
    "json": "application/json",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}


def render_outputs(enriched: Mapping[str, Any]) -> dict[str, bytes]:
    """Every output format as bytes, keyed by format name (``json``, ``srt``, ``vtt``, ``txt``)."""
    segments = enriched["transcript"].get("segments") or []
    return {
        "json": (json.dumps(enriched, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
        "srt": render_srt(segments).encode("utf-8"),
        "vtt": render_vtt(segments).encode("utf-8"),
        "txt": render_txt(enriched).encode("utf-8"),
    }


def write_outputs(
    enriched: Mapping[str, Any], store: ObjectStore, prefix: str, *, formats: Sequence[str] | None = None
) -> dict[str, str]:
    """Write the renderings (all, or ``formats``) under ``prefix``; return ``{format: uri}``.

    The JSON is written last, so a reader who finds it finds the captions too.
    """
    wanted = [fmt for fmt in OUTPUT_NAMES if formats is None or fmt in formats]
    rendered = render_outputs(enriched)
    base = prefix.rstrip("/")
    uris: dict[str, str] = {}
    for fmt in sorted(wanted, key=lambda f: f == "json"):
        uris[fmt] = store.put_bytes(f"{base}/{OUTPUT_NAMES[fmt]}", rendered[fmt], CONTENT_TYPES[fmt])
    return {fmt: uris[fmt] for fmt in wanted}
