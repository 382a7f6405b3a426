"""What makes two local jobs the same job.

A local job id comes from the input's content and from everything that changes its outputs:
what is done to it (``run`` transcribes media, ``enrich`` reads a transcript file), the speech
engine, the model and its decoding settings, the speaker setting, the enrichment settings, the
redacted-media setting when it is on, and the clearscribe version. The same file run again with the
same settings reports the existing job; with another ``--model``, decoding setting, ``--speakers``,
PII or ``--redact-media`` setting it is a new job. Limits (size, duration) and where the outputs go do
not change the outputs, so they are not part of it.
"""

from __future__ import annotations

import dataclasses
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from postprocess.config import EnrichmentConfig
from shared.config import Settings
from shared.ids import content_sha256, job_id_for_content

JobKind = Literal["run", "enrich"]


def clearscribe_version() -> str:
    try:
        return metadata.version("clearscribe")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


def output_settings(
    kind: JobKind, enrichment: EnrichmentConfig, *, settings: Settings | None = None, engine: str | None = None
) -> dict[str, Any]:
    """The settings that shape a job's outputs (``settings`` and ``engine`` for ``run`` jobs)."""
    data: dict[str, Any] = {
        "kind": kind,
        "version": clearscribe_version(),
        "enrichment": dataclasses.asdict(enrichment),
    }
    if kind == "run":
        assert settings is not None and engine is not None
        model = Path(settings.model).expanduser()
        data["asr"] = {
            "engine": engine,
            "model": str(model.resolve()) if model.is_dir() else settings.model,
            **settings.engine.to_dict(),
            "speakers": str(settings.speakers),
        }
        if settings.redact_media.enabled:  # absent when off, so the ids of jobs without it stay as they were
            data["redacted_media"] = settings.redact_media.to_dict()
    return data


def local_job_id(path: Path, settings: dict[str, Any]) -> str:
    """The job id for ``path`` under ``settings``; an unreadable file gets one from its path, so its
    failure can still be recorded."""
    try:
        content = content_sha256(path)
    except OSError:
        content = f"unreadable:{Path(path).absolute()}"
    return job_id_for_content(content, settings)
