"""Job stores: where job status, stage timings, outputs and errors are recorded.

``JobStore`` is the interface; :class:`shared.jobstore.sqlite.SQLiteJobStore` is the local one
(a SQLite file in the data dir). Every status change is conditional (see ``shared.status``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from shared.errors import InvalidTransitionError
from shared.status import JobStatus, allowed_previous


def utc_now() -> str:
    """ISO-8601 UTC timestamp with milliseconds, e.g. ``2026-11-26T12:00:00.123Z``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class JobRecord:
    job_id: str
    status: JobStatus
    source: str
    created_at: str
    updated_at: str
    attempt: int = 1
    stages: dict[str, dict[str, str]] = field(default_factory=dict)
    error: dict[str, str] | None = None
    outputs: dict[str, str] | None = None
    summary: dict[str, Any] | None = None
    # A failed re-run of a completed job: ``{attempt, error, at}``; the job keeps its earlier result.
    last_rerun: dict[str, Any] | None = None
    #: What runs this attempt: the workflow execution's ARN in the cloud (its retries continue the
    #: job, and only its end may fail the job from outside, ``pipeline.cloud.failures``), or
    #: ``process PID on HOST`` locally (``pipeline.local.jobs``). None once the job has ended locally.
    owner: str | None = None
    #: When the local process running the attempt last reported in (local only).
    heartbeat_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data = {
            "job_id": self.job_id,
            "status": self.status.value,
            "source": self.source,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "attempt": self.attempt,
            "stages": self.stages,
            "error": self.error,
            "outputs": self.outputs,
            "summary": self.summary,
        }
        if self.last_rerun:
            data["last_rerun"] = self.last_rerun
        if self.owner is not None:
            data["owner"] = self.owner
        if self.heartbeat_at is not None:
            data["heartbeat_at"] = self.heartbeat_at
        return data

    def listing(self) -> dict[str, Any]:
        """The short form used by ``clearscribe jobs --json``."""
        return {
            "job_id": self.job_id,
            "status": self.status.value,
            "source": self.source,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobRecord:
        return cls(
            job_id=data["job_id"],
            status=JobStatus(data["status"]),
            source=data["source"],
            created_at=data["created_at"],
            updated_at=data["updated_at"],
            attempt=int(data.get("attempt", 1)),
            stages=dict(data.get("stages") or {}),
            error=data.get("error"),
            outputs=data.get("outputs"),
            summary=data.get("summary"),
            last_rerun=data.get("last_rerun"),
            owner=data.get("owner"),
            heartbeat_at=data.get("heartbeat_at"),
        )


def new_record(job_id: str, source: str, *, at: str, owner: str | None = None) -> JobRecord:
    """A freshly registered job: QUEUED, attempt 1."""
    return JobRecord(
        job_id=job_id,
        status=JobStatus.QUEUED,
        source=source,
        created_at=at,
        updated_at=at,
        stages={JobStatus.QUEUED.stage: {"started_at": at}},
        owner=owner,
    )


def restarted_record(existing: JobRecord, source: str, *, at: str, owner: str | None = None) -> JobRecord:
    """``existing`` started again as its next attempt: QUEUED, stages, error and outputs cleared."""
    rec = new_record(existing.job_id, source, at=at, owner=owner)
    rec.created_at = existing.created_at
    rec.attempt = existing.attempt + 1
    return rec


# Stage names in the job record and the keys the enriched transcript's ``timings`` uses for them.
TIMING_KEYS = {"extracting": "extract_seconds", "transcribing": "transcribe_seconds", "enriching": "enrich_seconds"}


def stage_timings(record: JobRecord, *, now: str) -> dict[str, float]:
    """Seconds per stage from the record's start and end times; a stage still open runs to ``now``."""

    def parse(stamp: str) -> datetime:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00"))

    timings = {}
    for stage, key in TIMING_KEYS.items():
        times = record.stages.get(stage)
        if times and "started_at" in times:
            seconds = (parse(times.get("ended_at", now)) - parse(times["started_at"])).total_seconds()
            timings[key] = round(max(0.0, seconds), 3)
    return timings


def check_transition(current: JobRecord, target: JobStatus) -> None:
    """Raise ``InvalidTransitionError`` unless ``current`` may move to ``target``."""
    if current.status not in allowed_previous(target):
        raise InvalidTransitionError(f"job {current.job_id}: cannot move from {current.status.value} to {target.value}")


def apply_transition(
    record: JobRecord,
    target: JobStatus,
    *,
    at: str,
    error: dict[str, str] | None = None,
    outputs: dict[str, str] | None = None,
    summary: dict[str, Any] | None = None,
) -> JobRecord:
    """The record after moving to ``target`` (caller checks the transition is allowed).

    Closes the current stage, opens the next one; terminal states only close.
    """
    stages = {k: dict(v) for k, v in record.stages.items()}
    current = stages.get(record.status.stage)
    if current is not None and "ended_at" not in current:
        current["ended_at"] = at
    if not target.is_terminal:
        stages[target.stage] = {"started_at": at}
    return JobRecord(
        job_id=record.job_id,
        status=target,
        source=record.source,
        created_at=record.created_at,
        updated_at=at,
        attempt=record.attempt,
        stages=stages,
        error=error if target is JobStatus.FAILED else None,
        outputs=outputs if outputs is not None else record.outputs,
        summary=summary if summary is not None else record.summary,
        last_rerun=record.last_rerun,
        owner=record.owner,
        heartbeat_at=record.heartbeat_at,
    )


def advance(
    store: JobStore,
    job_id: str,
    target: JobStatus,
    *,
    outputs: dict[str, str] | None = None,
    summary: dict[str, Any] | None = None,
) -> JobRecord:
    """Move ``job_id`` to ``target``: the one way every host (local run, enrich, cloud step) moves a job.

    A repeat of the same move (a retried Lambda, a second call after a crash) is a no-op. Any
    other rejected move (backwards, or out of a terminal state) raises ``InvalidTransitionError``,
    which fails the caller rather than letting it continue silently.
    """
    try:
        return store.transition(job_id, target, outputs=outputs, summary=summary)
    except InvalidTransitionError:
        current = store.get_job(job_id)
        if current.status is target:
            return current
        raise


class JobStore(Protocol):
    def create_job(self, job_id: str, source: str, *, owner: str | None = None) -> tuple[JobRecord, bool]:
        """Register a QUEUED job; if it exists already, return it unchanged and ``False``."""

    def restart_job(self, job_id: str, source: str, *, owner: str | None = None) -> JobRecord:
        """Start a deliberate re-run (``--force``): back to QUEUED, attempt + 1."""

    def transition(
        self,
        job_id: str,
        target: JobStatus,
        *,
        error: dict[str, str] | None = None,
        outputs: dict[str, str] | None = None,
        summary: dict[str, Any] | None = None,
    ) -> JobRecord:
        """Move a job forward; raises ``InvalidTransitionError`` if not allowed."""

    def get_job(self, job_id: str) -> JobRecord:
        """Raises ``JobNotFoundError`` when there is no such job."""

    def list_jobs(self, status: JobStatus | None = None, limit: int | None = None) -> list[JobRecord]:
        """Newest first."""
