"""Enrich: one branch of the Parallel state per enricher (PII, profanity, sentiment).

Each reads the transcript from ``transcript_uri``, runs one finder, writes the findings to
``<findings_prefix><enricher>.json`` and returns a pointer and a small summary (Step Functions
state stays far below 256 KB). Logs carry ids, counts and durations only.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from postprocess.config import EnrichmentConfig
from postprocess.findings import EnricherName, Findings, findings_to_json
from shared.log import get_logger
from shared.models import Transcript
from shared.s3uri import read_s3_bytes, write_s3_bytes
from shared.transcript_json import parse_transcript_json

Finder = Callable[[Transcript, EnrichmentConfig], Findings]
log = get_logger("clearscribe.cloud.enrichment")


def findings_uri(prefix: str, enricher: EnricherName) -> str:
    """Where an enricher's findings go under ``prefix`` (``s3://bucket/findings/<job_id>/``)."""
    return f"{prefix.rstrip('/')}/{enricher}.json"


def run_enricher(
    job_id: str,
    transcript_uri: str,
    findings_prefix: str,
    enricher: EnricherName,
    find: Finder,
    config: EnrichmentConfig,
    *,
    s3: Any,
) -> dict[str, Any]:
    """Read the transcript, find, write the findings; return ``{enricher, findings_uri, summary}``."""
    started = time.perf_counter()
    transcript = parse_transcript_json(read_s3_bytes(transcript_uri, s3), where=transcript_uri)
    findings = find(transcript, config)
    uri = write_s3_bytes(findings_uri(findings_prefix, enricher), findings_to_json(findings), "application/json", s3)
    summary = findings.summary()
    log.info(
        "enrichment finished",
        extra={
            "job_id": job_id,
            "enricher": enricher,
            "segments": len(transcript.segments),
            "seconds": round(time.perf_counter() - started, 3),
            "summary": summary,
        },
    )
    return {"enricher": enricher, "findings_uri": uri, "summary": summary}
