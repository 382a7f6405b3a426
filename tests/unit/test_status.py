from __future__ import annotations

import pytest

from shared.status import PROGRESS_ORDER, JobStatus, allowed_previous, can_transition


@pytest.mark.parametrize(
    "earlier, later", [(a, b) for i, a in enumerate(PROGRESS_ORDER) for b in PROGRESS_ORDER[i + 1 :]]
)
def test_moving_forward_is_allowed(earlier: JobStatus, later: JobStatus) -> None:
    assert can_transition(earlier, later)


@pytest.mark.parametrize(
    "earlier, later", [(a, b) for i, a in enumerate(PROGRESS_ORDER) for b in PROGRESS_ORDER[: i + 1]]
)
def test_moving_backwards_or_in_place_is_refused(earlier: JobStatus, later: JobStatus) -> None:
    assert not can_transition(earlier, later)


@pytest.mark.parametrize("status", [s for s in JobStatus if not s.is_terminal])
def test_any_running_status_can_fail(status: JobStatus) -> None:
    assert can_transition(status, JobStatus.FAILED)


@pytest.mark.parametrize("terminal", [JobStatus.COMPLETE, JobStatus.FAILED])
def test_nothing_leaves_a_terminal_state(terminal: JobStatus) -> None:
    assert all(terminal not in allowed_previous(target) for target in JobStatus)
