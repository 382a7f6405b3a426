"""Deterministic job ids: the same source (and, locally, the same settings) always maps to the same job."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_CHUNK = 1 << 20


def content_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def job_id_for_content(content: str, output_settings: Mapping[str, Any]) -> str:
    """Local job id: from the input's content digest and every setting that changes the outputs,
    so a renamed copy is the same job and the same file with another model is another job."""
    raw = json.dumps({"content": content, "settings": output_settings}, sort_keys=True, default=str)
    return "job-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def job_id_for_object(bucket: str, key: str, version: str) -> str:
    """Cloud job id: from bucket, key and version id (or ETag when unversioned)."""
    raw = "\x1f".join((bucket, key, version)).encode("utf-8")
    return "job-" + hashlib.sha256(raw).hexdigest()[:24]
