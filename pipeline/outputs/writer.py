"""Write an enriched transcript and its renderings to an object store (local dir or S3)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.outputs.captions import render_srt, render_txt, render_vtt
from pipeline.outputs.report import ReportFacts, render_report
from postprocess.document import EnrichedTranscript
from shared.objectstore import ObjectStore

OUTPUT_NAMES = {
    "json": "enriched.json",
    "srt": "transcript.srt",
    "vtt": "transcript.vtt",
    "txt": "transcript.txt",
    "html": "report.html",
}
#: The job output key of the redacted recording, ``redacted.<ext>`` (``pipeline.outputs.redacted_media``),
#: written beside the others by ``clearscribe run --redact-media``.
MEDIA_OUTPUT = "media"
CONTENT_TYPES = {
    "json": "application/json",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def render_outputs(
    enriched: EnrichedTranscript, *, formats: Sequence[str] | None = None, report: ReportFacts | None = None
) -> dict[str, bytes]:
    """The output formats (all, or ``formats``) as bytes, keyed by format name (``json``, ``srt``,
    ``vtt``, ``txt``, ``html``). ``report`` gives the HTML report the job's status, date and cost."""
    segments = enriched.transcript.segments
    renderers = {
        "json": enriched.to_json,
        "srt": lambda: render_srt(segments).encode("utf-8"),
        "vtt": lambda: render_vtt(segments).encode("utf-8"),
        "txt": lambda: render_txt(enriched).encode("utf-8"),
        "html": lambda: render_report(enriched, report).encode("utf-8"),
    }
    return {fmt: render() for fmt, render in renderers.items() if formats is None or fmt in formats}


def write_outputs(
    enriched: EnrichedTranscript,
    store: ObjectStore,
    prefix: str,
    *,
    formats: Sequence[str] | None = None,
    report: ReportFacts | None = None,
) -> dict[str, str]:
    """Write the renderings (all, or ``formats``) under ``prefix``; return ``{format: uri}``.

    The JSON is written last, so a reader who finds it finds the captions and the report too.
    """
    wanted = [fmt for fmt in OUTPUT_NAMES if formats is None or fmt in formats]
    rendered = render_outputs(enriched, formats=wanted, report=report)
    base = prefix.rstrip("/")
    uris: dict[str, str] = {}
    for fmt in sorted(wanted, key=lambda f: f == "json"):
        uris[fmt] = store.put_bytes(f"{base}/{OUTPUT_NAMES[fmt]}", rendered[fmt], CONTENT_TYPES[fmt])
    return {fmt: uris[fmt] for fmt in wanted}
