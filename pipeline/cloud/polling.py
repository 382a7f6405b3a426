"""Polling with capped exponential backoff and a budget.

The state machine waits ``poll.wait_seconds`` between checks; every check returns the next
``poll`` dict ``{"attempt", "wait_seconds", "elapsed_seconds"}``. ``elapsed_seconds`` is the sum
of the waits so far (each check counts at least one second, so a zero wait still uses up the
budget). With the defaults a one-hour job costs about sixteen checks.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shared import contract

EXTRACTION = "extraction"
TRANSCRIPTION = "transcription"
_BUDGET_ENV = {
    EXTRACTION: (contract.ENV_EXTRACTION_POLL_BUDGET_SECONDS, contract.EXTRACTION_POLL_BUDGET_SECONDS),
    TRANSCRIPTION: (contract.ENV_TRANSCRIPTION_POLL_BUDGET_SECONDS, contract.TRANSCRIPTION_POLL_BUDGET_SECONDS),
}


class PollBudgetExhausted(Exception):
    """Raised by :meth:`PollPolicy.next_poll` when the budget is used up (callers re-raise typed)."""


def _env_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class PollPolicy:
    initial_seconds: int = contract.POLL_INITIAL_SECONDS
    max_seconds: int = contract.POLL_MAX_SECONDS
    budget_seconds: int = contract.EXTRACTION_POLL_BUDGET_SECONDS

    def __post_init__(self) -> None:
        if self.initial_seconds < 0 or self.max_seconds < 0 or self.budget_seconds <= 0:
            raise ValueError(f"invalid poll policy: {self}")

    @classmethod
    def from_env(cls, kind: str, env: Mapping[str, str] | None = None) -> PollPolicy:
        """``POLL_INITIAL_SECONDS``, ``POLL_MAX_SECONDS`` and the budget of ``kind``
        (``EXTRACTION_POLL_BUDGET_SECONDS`` or ``TRANSCRIPTION_POLL_BUDGET_SECONDS``)."""
        env = os.environ if env is None else env
        budget_name, budget_default = _BUDGET_ENV[kind]
        return cls(
            initial_seconds=_env_int(env, contract.ENV_POLL_INITIAL_SECONDS, contract.POLL_INITIAL_SECONDS),
            max_seconds=_env_int(env, contract.ENV_POLL_MAX_SECONDS, contract.POLL_MAX_SECONDS),
            budget_seconds=_env_int(env, budget_name, budget_default),
        )

    def wait_for(self, attempt: int) -> int:
        """The wait before check number ``attempt + 1``: ``min(max, initial * 2**attempt)``."""
        if self.initial_seconds == 0:
            return 0
        # Cap the exponent: 2**attempt grows without bound, the wait does not.
        return min(self.max_seconds, self.initial_seconds * 2 ** min(attempt, 32))

    def first_poll(self) -> dict[str, int]:
        return {"attempt": 0, "wait_seconds": self.wait_for(0), "elapsed_seconds": 0}

    def next_poll(self, poll: Mapping[str, Any] | None) -> dict[str, int]:
        """The poll dict after one more unfinished check; raises ``PollBudgetExhausted``."""
        poll = poll or {}
        attempt = int(poll.get("attempt", 0)) + 1
        elapsed = int(poll.get("elapsed_seconds", 0)) + max(1, int(poll.get("wait_seconds", 0)))
        remaining = self.budget_seconds - elapsed
        if remaining <= 0:
            raise PollBudgetExhausted(f"still running after {elapsed} s of polling")
        return {"attempt": attempt, "wait_seconds": min(self.wait_for(attempt), remaining), "elapsed_seconds": elapsed}
