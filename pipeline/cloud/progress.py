"""Moving a job forward from a step, safely under Step Functions retries."""

from __future__ import annotations

from typing import Any

from shared.errors import InvalidTransitionError
from shared.jobstore import JobRecord, JobStore
from shared.status import JobStatus


def advance(
    store: JobStore,
    job_id: str,
    target: JobStatus,
    *,
    outputs: dict[str, str] | None = None,
    summary: dict[str, Any] | None = None,
) -> JobRecord:
    """Move ``job_id`` to ``target``; a repeat of the same move (a retried Lambda) is a no-op.

    Any other rejected move (backwards, or out of a terminal state) raises
    ``InvalidTransitionError``, which fails the execution rather than silently continuing.
    """
    try:
        return store.transition(job_id, target, outputs=outputs, summary=summary)
    except InvalidTransitionError:
        current = store.get_job(job_id)
        if current.status is target:
            return current
        raise
