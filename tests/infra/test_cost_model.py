"""The cost estimate counts the states and function invocations the synthesized state machine
really goes through on a successful job (pipeline/outputs/cost.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import pytest

from infra.sandbox.templates import definition_from_template
from pipeline.outputs.cost import FIXED_INVOCATIONS, FIXED_TRANSITIONS, TRANSITIONS_PER_POLL
from tests.infra.fixtures_workflow import workflow_template_json


@pytest.fixture(scope="module")
def definition() -> dict[str, Any]:
    return definition_from_template(workflow_template_json(), values={"WorkingBucketName": "working"})


def walk_successful_job(machine: Mapping[str, Any], polls: int) -> tuple[int, int]:
    """States entered and functions invoked from the start to the end of a job that completes,
    each poll loop ending on its ``polls``-th check."""
    states, invocations = 0, 0
    visits: Counter[str] = Counter()
    name = machine["StartAt"]
    while True:
        state = machine["States"][name]
        states += 1
        kind = state["Type"]
        if kind == "Task" and ":function:" in state.get("Resource", ""):
            invocations += 1
        if kind == "Parallel":
            for branch in state["Branches"]:
                inner_states, inner_invocations = walk_successful_job(branch, polls)
                states += inner_states
                invocations += inner_invocations
        if kind == "Choice":
            default = state["Default"]
            if machine["States"][default]["Type"] == "Wait":  # a poll loop: not ready until the last check
                visits[name] += 1
                name = default if visits[name] < polls else state["Choices"][0]["Next"]
            else:  # the duplicate check: a new job goes on
                name = default
            continue
        if state.get("End") or kind in ("Succeed", "Fail"):
            return states, invocations
        name = state["Next"]


@pytest.mark.parametrize("polls", [1, 2, 7])
def test_transitions_and_invocations_match_the_state_machine(definition: dict[str, Any], polls: int) -> None:
    states, invocations = walk_successful_job(definition, polls)
    both_loops = 2 * polls
    assert states == FIXED_TRANSITIONS + TRANSITIONS_PER_POLL * both_loops
    assert invocations == FIXED_INVOCATIONS + both_loops
