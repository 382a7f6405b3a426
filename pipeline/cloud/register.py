"""RegisterJob: the first state. One source object (bucket, key, version) is one job."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import unquote_plus

from pipeline.cloud.events import SourceObject, parse_source_event
from shared.jobstore import JobStore
from shared.log import get_logger

log = get_logger("clearscribe.cloud.register")


def _object_exists(s3: Any, source: SourceObject, key: str) -> bool | None:
    """True/False when S3 says so; None when it cannot tell (no permission, other errors).

    Asked with a prefix listing, which needs only ``s3:ListBucket`` under the input prefix.
    """
    try:
        listed = s3.list_objects_v2(Bucket=source.bucket, Prefix=key, MaxKeys=1).get("Contents") or []
    except Exception:
        return None
    # Keys are listed in order: if ``key`` exists it comes before every longer key it prefixes.
    return bool(listed) and listed[0]["Key"] == key


def resolve_source_key(source: SourceObject, s3: Any) -> SourceObject:
    """The source with the key as stored in S3.

    EventBridge keys are taken as they are; should one arrive URL-encoded (``+`` for a space),
    the object is not found under it but is under the decoded key, and the decoded key is used.
    When S3 cannot confirm either, the source is returned unchanged (extraction reports a
    missing input as a failed job).
    """
    decoded = unquote_plus(source.key)
    if decoded == source.key or _object_exists(s3, source, source.key) is not False:
        return source
    if _object_exists(s3, source, decoded):
        log.warning("object key arrived URL-encoded; using the decoded key", extra={"bucket": source.bucket})
        return replace(source, key=decoded)
    return source


def register_job(
    event: Mapping[str, Any], store: JobStore, *, s3: Any = None, execution: str | None = None
) -> dict[str, Any]:
    """Create the QUEUED job for the object in ``event``, owned by ``execution`` (its ARN).

    Returns ``{"job_id", "duplicate", "source"}``; ``duplicate`` is true when the same object
    version was registered before by another execution (a redelivered event), in which case
    nothing is changed and the state machine stops. Registration is idempotent per execution: when
    the job exists and ``execution`` owns it (a retried RegisterJob whose first attempt did create
    it), the execution continues its job. An event carrying ``"rerun": true`` (started by
    ``rerun_job``, never by S3) restarts a job that has ended (FAILED or COMPLETE) as its next
    attempt; a job still running is left alone. With an ``s3`` client the key is checked against
    the bucket (:func:`resolve_source_key`).
    """
    source = parse_source_event(event)
    if s3 is not None:
        source = resolve_source_key(source, s3)
    job_id = source.job_id
    record, created = store.create_job(job_id, source.uri, owner=execution)
    if not created and execution is not None and record.owner == execution:
        created = True
        log.info("registration retried: the execution continues its job", extra={"job_id": job_id})
    elif not created and event.get("rerun") is True and record.status.is_terminal:
        record = store.restart_job(job_id, source.uri, owner=execution)
        created = True
        log.info("job restarted", extra={"job_id": job_id, "attempt": record.attempt})
    log.info(
        "job registered" if created else "duplicate event for an existing job",
        extra={"job_id": job_id, "status": record.status.value, "size": source.size},
    )
    return {"job_id": job_id, "duplicate": not created, "source": source.to_dict()}
