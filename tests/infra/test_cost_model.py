"""The cost estimate counts the states and function invocations the synthesized state machine
really goes through on a successful job (pipeline/outputs/cost.py): walked here on the definition,
with one Map iteration per planned window and the notification's function per window."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from pipeline.asr.inference.windows import plan_windows
from pipeline.outputs.cost import (
    FIXED_INVOCATIONS,
    FIXED_TRANSITIONS,
    INVOCATIONS_PER_WINDOW,
    TRANSITIONS_PER_WINDOW,
    CostSettings,
    estimate_cloud_cost,
)
from sandbox.templates import definition_from_template, lambda_handlers
from tests.infra.fixtures_workflow import workflow_template_json

#: What runs outside the state machine for each window (not a state, still a Lambda request).
ON_NOTIFICATION = "pipeline.handlers.resume_transcription"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return workflow_template_json()


@pytest.fixture(scope="module")
def definition(template: dict[str, Any]) -> dict[str, Any]:
    return definition_from_template(template, values={"WorkingBucketName": "working"})


def invokes_a_function(state: Mapping[str, Any]) -> bool:
    """A Lambda task: a function ARN, or the ``lambda:invoke`` integrations."""
    resource = state.get("Resource", "")
    return state["Type"] == "Task" and (":function:" in resource or ":::lambda:invoke" in resource)


def walk_successful_job(machine: Mapping[str, Any], windows: int) -> tuple[int, int]:
    """States entered and functions invoked from the start to the end of a job that completes, its
    Map running ``windows`` iterations (the duplicate check lets a new job go on)."""
    states, invocations = 0, 0
    name = machine["StartAt"]
    while True:
        state = machine["States"][name]
        states += 1
        invocations += invokes_a_function(state)
        for branch in state.get("Branches", []):
            inner = walk_successful_job(branch, windows)
            states, invocations = states + inner[0], invocations + inner[1]
        if state["Type"] == "Map":
            inner = walk_successful_job(state["ItemProcessor"], windows)
            states, invocations = states + windows * inner[0], invocations + windows * inner[1]
        if state["Type"] == "Choice":
            name = state["Default"]
            continue
        if state.get("End") or state["Type"] in ("Succeed", "Fail"):
            return states, invocations
        name = state["Next"]


@pytest.mark.parametrize("windows", [1, 2, 7])
def test_transitions_and_invocations_match_the_state_machine(
    definition: dict[str, Any], template: dict[str, Any], windows: int
) -> None:
    states, invocations = walk_successful_job(definition, windows)
    assert ON_NOTIFICATION in lambda_handlers(template).values()  # one more request per window
    assert states == FIXED_TRANSITIONS + TRANSITIONS_PER_WINDOW * windows
    assert invocations + windows == FIXED_INVOCATIONS + INVOCATIONS_PER_WINDOW * windows


def test_nothing_on_the_successful_path_loops(definition: dict[str, Any]) -> None:
    """The path is the same length however long MediaConvert and the endpoint take: no state is
    entered twice (the old poll loops entered three states per check)."""
    seen: list[str] = []
    name = definition["StartAt"]
    while name != "JobComplete":
        assert name not in seen, f"{name} is entered again: a loop"
        seen.append(name)
        state = definition["States"][name]
        name = state["Default"] if state["Type"] == "Choice" else state["Next"]


def test_a_one_hour_recording_stays_within_thirty_transitions(definition: dict[str, Any]) -> None:
    """The figure the event-driven workflow was asked to meet, counted on the definition itself for
    the windows a one-hour recording is planned in at the deployment's default window."""
    windows = len(plan_windows(3600.0, CostSettings().window_seconds))
    states, _ = walk_successful_job(definition, windows)
    assert states <= 30
    estimate = estimate_cloud_cost(duration_seconds=3600.0, timings={}, settings=CostSettings(region="us-east-1"))
    assert {line.item: line.quantity for line in estimate.lines}["state_transitions"] == states
