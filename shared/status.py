"""Job status model: ``QUEUED → EXTRACTING → TRANSCRIBING → ENRICHING → COMPLETE`` or ``FAILED``.

Transitions only move forward and never leave a terminal state. Both job stores (SQLite and
DynamoDB) enforce :func:`allowed_previous` as their condition.
"""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    QUEUED = "QUEUED"
    EXTRACTING = "EXTRACTING"
    TRANSCRIBING = "TRANSCRIBING"
    ENRICHING = "ENRICHING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"

    @property
    def is_terminal(self) -> bool:
        return self in TERMINAL

    @property
    def stage(self) -> str:
        """The stage name used for per-stage timings (``extracting`` …)."""
        return self.value.lower()


PROGRESS_ORDER: tuple[JobStatus, ...] = (
    JobStatus.QUEUED,
    JobStatus.EXTRACTING,
    JobStatus.TRANSCRIBING,
    JobStatus.ENRICHING,
    JobStatus.COMPLETE,
)
TERMINAL = frozenset({JobStatus.COMPLETE, JobStatus.FAILED})
RUNNING = frozenset(s for s in JobStatus if s not in TERMINAL)


def allowed_previous(target: JobStatus) -> frozenset[JobStatus]:
    """The statuses a job may be in for a move to ``target`` to be accepted."""
    if target is JobStatus.FAILED:
        return frozenset(s for s in JobStatus if not s.is_terminal)
    index = PROGRESS_ORDER.index(target)
    return frozenset(PROGRESS_ORDER[:index])


def can_transition(current: JobStatus, target: JobStatus) -> bool:
    return current in allowed_previous(target)
