"""Poll policy: capped exponential backoff within a budget."""

from __future__ import annotations

import pytest

from pipeline.cloud.polling import EXTRACTION, TRANSCRIPTION, PollBudgetExhausted, PollPolicy


def test_defaults_and_env_overrides() -> None:
    assert PollPolicy.from_env(EXTRACTION, {}) == PollPolicy(15, 300, 3600)
    assert PollPolicy.from_env(TRANSCRIPTION, {}) == PollPolicy(15, 300, 7200)
    env = {"POLL_INITIAL_SECONDS": "2", "POLL_MAX_SECONDS": "9", "TRANSCRIPTION_POLL_BUDGET_SECONDS": "40"}
    assert PollPolicy.from_env(TRANSCRIPTION, env) == PollPolicy(2, 9, 40)
    assert PollPolicy.from_env(EXTRACTION, env) == PollPolicy(2, 9, 3600)


def test_wait_doubles_up_to_the_cap() -> None:
    policy = PollPolicy(15, 300, 3600)
    assert [policy.wait_for(a) for a in range(8)] == [15, 30, 60, 120, 240, 300, 300, 300]
    assert policy.wait_for(10_000) == 300


def _checks_until_done(policy: PollPolicy, job_seconds: int) -> int:
    poll = policy.first_poll()
    waited = poll["wait_seconds"]
    checks = 1
    while waited < job_seconds:
        poll = policy.next_poll(poll)
        waited += poll["wait_seconds"]
        checks += 1
    return checks


def test_a_one_hour_job_costs_tens_of_polls_not_hundreds() -> None:
    policy = PollPolicy.from_env(TRANSCRIPTION, {})
    checks = _checks_until_done(policy, 3600)
    assert 10 <= checks <= 30
    naive = 3600 // policy.initial_seconds
    assert checks * 5 < naive


def test_elapsed_accumulates_the_waits_and_the_budget_ends_polling() -> None:
    policy = PollPolicy(15, 300, 3600)
    poll = policy.first_poll()
    total = 0
    with pytest.raises(PollBudgetExhausted):
        for _ in range(100):
            total += poll["wait_seconds"]
            poll = policy.next_poll(poll)
            assert poll["elapsed_seconds"] == total
    assert total <= 3600
    assert poll["elapsed_seconds"] + poll["wait_seconds"] >= 3600


def test_last_wait_is_clipped_to_the_remaining_budget() -> None:
    policy = PollPolicy(100, 1000, 250)
    poll = policy.next_poll(policy.first_poll())
    assert poll == {"attempt": 1, "wait_seconds": 150, "elapsed_seconds": 100}


def test_zero_waits_still_use_up_the_budget() -> None:
    policy = PollPolicy(0, 0, 3)
    poll = policy.first_poll()
    assert poll["wait_seconds"] == 0
    checks = 0
    with pytest.raises(PollBudgetExhausted):
        while True:
            poll = policy.next_poll(poll)
            checks += 1
    assert checks == 2


def test_invalid_policies_are_refused() -> None:
    with pytest.raises(ValueError):
        PollPolicy(-1, 10, 10)
    with pytest.raises(ValueError):
        PollPolicy(1, 10, 0)
