"""An emulated Lambda function on its own (``sandbox.lambdas``): its process gets the
template's environment and nothing of the caller's, its timeout is enforced as Lambda enforces
it, and an exception comes back as Lambda's function error document and is logged."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.lambdas import FunctionConfig, LambdaFunction

HANDLER = textwrap.dedent(
    """
    import os, time

    def handler(event, context):
        if event.get("sleep"):
            time.sleep(event["sleep"])
        if event.get("raise"):
            raise ValueError(event["raise"])
        return {"env": dict(os.environ), "request_id": context.aws_request_id,
                "remaining_ms": context.get_remaining_time_in_millis()}
    """
)


@pytest.fixture
def function(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LambdaFunction]:
    code = tmp_path / "code"
    code.mkdir()
    (code / "probe_handler.py").write_text(HANDLER, encoding="utf-8")
    monkeypatch.setenv("CALLER_ONLY_SETTING", "must not reach the function")
    config = FunctionConfig.from_properties(
        "ProbeFunction",
        "arn:aws:lambda:us-east-1:123456789012:function:ProbeFunction",
        {
            "Handler": "probe_handler.handler",
            "Runtime": "python3.12",
            "MemorySize": 256,
            "Timeout": 2,
            "Environment": {"Variables": {"PYTHONPATH": str(code), "JOB_TABLE": "jobs", "WINDOW_SECONDS": 60}},
        },
    )
    emulated = LambdaFunction(
        config,
        region="eu-west-1",
        endpoints={"AWS_ENDPOINT_URL": "http://127.0.0.1:1"},
        workdir=tmp_path / "lambda",
        log_dir=tmp_path / "logs",
    )
    try:
        yield emulated
    finally:
        emulated.stop()


def test_the_function_sees_its_template_environment_and_not_the_callers(function: LambdaFunction) -> None:
    payload, failed = function.invoke({})
    assert not failed
    answer = json.loads(payload)
    env = answer["env"]
    assert env["JOB_TABLE"] == "jobs" and env["WINDOW_SECONDS"] == "60"
    assert env["AWS_REGION"] == "eu-west-1" and env["AWS_LAMBDA_FUNCTION_NAME"] == "ProbeFunction"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256" and env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:1"
    assert "CALLER_ONLY_SETTING" not in env
    assert 0 < answer["remaining_ms"] <= 2000 and answer["request_id"]


def test_a_handler_running_past_its_timeout_is_stopped_and_the_next_call_starts_cold(function: LambdaFunction):
    payload, failed = function.invoke({"sleep": 30})
    assert failed
    error = json.loads(payload)
    assert error["errorType"] == "Sandbox.Timedout" and "timed out after 2.00 seconds" in error["errorMessage"]
    payload, failed = function.invoke({})
    assert not failed and function.cold_starts == 2


def test_an_exception_is_a_function_error_and_the_container_stays_warm(function: LambdaFunction) -> None:
    payload, failed = function.invoke({"raise": "no such job"})
    assert failed
    error = json.loads(payload)
    assert error["errorType"] == "ValueError" and error["errorMessage"] == "no such job"
    assert "[ERROR] ValueError: no such job" in function.log_path.read_text(encoding="utf-8")
    assert not function.invoke({})[1] and function.cold_starts == 1
