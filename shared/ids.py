"""Deterministic job ids: the same source always maps to the same job."""

from __future__ import annotations

import hashlib
from pathlib import Path

_CHUNK = 1 << 20


def content_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def job_id_for_file(path: Path) -> str:
    """Local job id: from the file's content, so a renamed copy is the same job."""
    return "job-" + content_sha256(path)[:24]


def job_id_for_object(bucket: str, key: str, version: str) -> str:
    """Cloud job id: from bucket, key and version id (or ETag when unversioned)."""
    raw = "\x1f".join((bucket, key, version)).encode("utf-8")
    return "job-" + hashlib.sha256(raw).hexdigest()[:24]
