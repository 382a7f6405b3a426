"""Step Functions executions in moto: start, wait, read back, and the status-change event."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from typing import Any

from sandbox.eventbridge import envelope
from sandbox.templates import DEFAULT_ACCOUNT, DEFAULT_REGION

TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def start_execution(sfn: Any, state_machine_arn: str, payload: Mapping[str, Any]) -> str:
    """Start an execution with a unique name (as EventBridge does); returns its ARN."""
    name = f"exec-{uuid.uuid4().hex}"
    return sfn.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(payload))["executionArn"]


def wait_for_execution(
    sfn: Any, execution_arn: str, *, timeout: float = 60.0, interval: float = 0.05
) -> dict[str, Any]:
    """Poll ``describe_execution`` until the execution is no longer RUNNING; ``TimeoutError`` after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        if time.monotonic() > deadline:
            raise TimeoutError(f"execution still running after {timeout} s")
        time.sleep(interval)


def run_execution(
    sfn: Any, state_machine_arn: str, payload: Mapping[str, Any], *, timeout: float = 60.0
) -> dict[str, Any]:
    """Start an execution and wait for it to finish; returns ``describe_execution``."""
    return wait_for_execution(sfn, start_execution(sfn, state_machine_arn, payload), timeout=timeout)


def execution_history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    """Every event of the execution's history, in order, page after page."""
    events: list[dict[str, Any]] = []
    options: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
    while True:
        page = sfn.get_execution_history(**options)
        events += page["events"]
        if not page.get("nextToken"):
            return events
        options["nextToken"] = page["nextToken"]


def execution_states(sfn: Any, execution_arn: str) -> list[str]:
    """Names of the states entered, in order."""
    events = execution_history(sfn, execution_arn)
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


def execution_status_change(
    described: Mapping[str, Any], *, region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT
) -> dict[str, Any]:
    """The "Step Functions Execution Status Change" event for a finished execution
    (``describe_execution``), shaped as EventBridge delivers it (detail: executionArn,
    stateMachineArn, name, status, input, error, cause)."""
    detail: dict[str, Any] = {
        "executionArn": described["executionArn"],
        "stateMachineArn": described["stateMachineArn"],
        "name": described["name"],
        "status": described["status"],
        "startDate": int(described["startDate"].timestamp() * 1000),
        "stopDate": int(described["stopDate"].timestamp() * 1000) if described.get("stopDate") else None,
        "input": described.get("input"),
        "inputDetails": {"included": True},
        "output": described.get("output"),
        "outputDetails": None,
    }
    for name in ("error", "cause"):
        if described.get(name):
            detail[name] = described[name]
    return envelope(
        "Step Functions Execution Status Change",
        "aws.states",
        [described["executionArn"]],
        detail,
        region=region,
        account=account,
    )
