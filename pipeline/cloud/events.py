"""The source object of a job, from an S3 "Object Created" event.

Two shapes arrive, each read with Powertools' model of it:

* EventBridge ``Object Created`` (what the state machine is started with): ``detail.bucket.name``,
  ``detail.object.key`` (the key as stored — not URL-encoded), ``version-id`` (versioned buckets),
  ``etag``, ``size``.
* An S3 notification record (``Records[0].s3``, via SNS/SQS/Lambda): ``object.key`` is
  URL-encoded with ``+`` for a space, so it is decoded with ``unquote_plus``.
"""

from __future__ import annotations

import time
import uuid
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
    """The source object of an EventBridge ``Object Created`` event or an S3 notification, read
    with Powertools' models of both; another shape fails ``InvalidMediaError`` naming the field."""
    from aws_lambda_powertools.utilities.parser.models import S3EventNotificationEventBridgeModel, S3Model
    from pydantic import ValidationError

    etag: str | None
    try:
        if "detail" in event:
            detail = S3EventNotificationEventBridgeModel.model_validate(event).detail
            obj = detail.object
            bucket, key, version_id, etag, size = detail.bucket.name, obj.key, obj.version_id, obj.etag, obj.size
        elif event.get("Records"):
            record = S3Model.model_validate(event).Records[0].s3
            notified = record.object
            if notified is None:
                raise InvalidMediaError("not an S3 object-created event: the record names no object")
            bucket, key = record.bucket.name, unquote_plus(notified.key)
            version_id, etag, size = notified.versionId, notified.eTag, notified.size
        else:
            raise InvalidMediaError("not an S3 object-created event")
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise InvalidMediaError(f"not an S3 object-created event: {where}: {error['msg']}") from None
    except TypeError:  # a check of Powertools' model ran on a record without the fields it reads
        raise InvalidMediaError("not an S3 object-created event") from None
    source = SourceObject(
        bucket=bucket,
        key=key,
        version=object_version(version_id, etag),
        size=int(size) if size is not None else None,
        version_is_id=version_id not in (None, "", "null"),
    )
    check_media_key(source.key, source.size)
    return source


def object_created_event(
    bucket: str,
    key: str,
    *,
    size: int,
    etag: str,
    version_id: str | None,
    region: str,
    account: str,
    source: str = "aws.s3",
    reason: str = "PutObject",
) -> dict[str, Any]:
    """The "Object Created" event S3 sends to EventBridge for a new object (S3 user guide, "Amazon
    S3 events delivered to EventBridge": the key as stored, not URL-encoded)."""
    obj: dict[str, Any] = {"key": key, "size": size, "etag": etag.strip('"'), "sequencer": f"{time.time_ns():016X}"}
    if version_id and version_id != "null":
        obj["version-id"] = version_id
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Object Created",
        "source": source,
        "account": account,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": region,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": obj,
            "request-id": uuid.uuid4().hex[:16].upper(),
            "requester": account,
            "source-ip-address": "127.0.0.1",
            "reason": reason,
        },
    }
