"""The source object of a job, from an S3 "Object Created" event.

Two shapes arrive:

* EventBridge ``Object Created`` (what the state machine is started with): ``detail.bucket.name``,
  ``detail.object.key`` (the key as stored — not URL-encoded), ``version-id`` (versioned buckets),
  ``etag``, ``size``.
* An S3 notification record (``Records[0].s3``, via SNS/SQS/Lambda): ``object.key`` is
  URL-encoded with ``+`` for a space, so it is decoded with ``unquote_plus``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote_plus

from shared.contract import MEDIA_SUFFIXES
from shared.errors import EmptyFileError, InvalidMediaError
from shared.ids import job_id_for_object
from shared.s3uri import s3_uri


@dataclass(frozen=True)
class SourceObject:
    """One uploaded media object. ``version`` is the version id, or the ETag when unversioned
    (``version_is_id`` tells which; it is known when parsed from an event)."""

    bucket: str
    key: str
    version: str
    size: int | None = None
    version_is_id: bool = field(default=True, compare=False, repr=False)

    @property
    def uri(self) -> str:
        return s3_uri(self.bucket, self.key)

    @property
    def version_id(self) -> str | None:
        """The S3 version id, or None when ``version`` is an ETag (unversioned bucket)."""
        return self.version if self.version_is_id else None

    @property
    def job_id(self) -> str:
        return job_id_for_object(self.bucket, self.key, self.version)

    def to_dict(self) -> dict[str, Any]:
        return {"bucket": self.bucket, "key": self.key, "version": self.version, "uri": self.uri, "size": self.size}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SourceObject:
        size = data.get("size")
        return cls(
            bucket=str(data["bucket"]),
            key=str(data["key"]),
            version=str(data["version"]),
            size=int(size) if size is not None else None,
        )


def object_version(version_id: str | None, etag: str | None) -> str:
    """The version that names a job: the version id when the bucket is versioned, else the ETag."""
    if version_id and version_id != "null":
        return version_id
    if etag:
        return etag.strip('"')
    raise InvalidMediaError("the object event has neither a version id nor an ETag")


def check_media_key(key: str, size: int | None = None) -> None:
    """Raise ``InvalidMediaError`` for keys that are not media files (by suffix, ``shared.contract``
    — the list the upload rule matches) or empty objects."""
    if not key or key.endswith("/"):
        raise InvalidMediaError("the object is a folder marker, not a media file")
    suffix = PurePosixPath(key).suffix.lower()
    if suffix not in MEDIA_SUFFIXES:
        raise InvalidMediaError(f"not a supported media file type: {suffix or '(no extension)'}")
    if size == 0:
        raise EmptyFileError("the uploaded object is empty")


def parse_source_event(event: Mapping[str, Any]) -> SourceObject:
    """The source object of an EventBridge ``Object Created`` event or an S3 notification."""
    if "detail" in event:
        source = _from_eventbridge(event)
    elif event.get("Records"):
        source = _from_notification(event["Records"][0])
    else:
        raise InvalidMediaError("not an S3 object-created event")
    check_media_key(source.key, source.size)
    return source


def _from_eventbridge(event: Mapping[str, Any]) -> SourceObject:
    detail = event.get("detail") or {}
    try:
        bucket = detail["bucket"]["name"]
        obj = detail["object"]
        key = obj["key"]
    except (KeyError, TypeError):
        raise InvalidMediaError("the EventBridge event has no detail.bucket.name / detail.object.key") from None
    size = obj.get("size")
    return SourceObject(
        bucket=bucket,
        key=key,
        version=object_version(obj.get("version-id"), obj.get("etag")),
        size=int(size) if size is not None else None,
        version_is_id=obj.get("version-id") not in (None, "", "null"),
    )


def _from_notification(record: Mapping[str, Any]) -> SourceObject:
    try:
        s3 = record["s3"]
        bucket = s3["bucket"]["name"]
        obj = s3["object"]
        key = unquote_plus(obj["key"])
    except (KeyError, TypeError):
        raise InvalidMediaError("the S3 notification record has no s3.bucket.name / s3.object.key") from None
    size = obj.get("size")
    return SourceObject(
        bucket=bucket,
        key=key,
        version=object_version(obj.get("versionId"), obj.get("eTag")),
        size=int(size) if size is not None else None,
        version_is_id=obj.get("versionId") not in (None, "", "null"),
    )
