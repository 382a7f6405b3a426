"""Each Lambda, started in a fresh process with exactly the environment the synthesized template
gives it, logs as deployed: Powertools JSON lines at the stack's LOG_LEVEL, with the request id and
the job id as keys, and the enrichment settings of the stack's context reach the enrichers.

(In-process tests share one logging configuration between all handlers and cannot see a function
that never applies its level.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from shared.models import Segment, Transcript
from tests.infra.fixtures_workflow import workflow_template_json

REPO = Path(__file__).resolve().parents[2]
# Values for the environment entries that are CloudFormation references in the template.
RESOLVED = {"JOB_TABLE": "jobs", "WORKING_BUCKET": "working", "OUTPUT_BUCKET": "output"}

INVOKE = """
import json, os, sys
import boto3
from moto import mock_aws

spec = json.loads(sys.stdin.read())
with mock_aws():
    s3 = boto3.client("s3")
    for bucket in ("working", "output", "input"):
        s3.create_bucket(Bucket=bucket)
    for key, body in spec["objects"].items():
        s3.put_object(Bucket="working", Key=key, Body=body.encode())
    from tests.integration.moto_harness import create_job_table
    create_job_table(boto3.client("dynamodb"), "jobs")
    from shared.jobstore.dynamodb import DynamoDBJobStore
    from shared.status import JobStatus
    store = DynamoDBJobStore("jobs")
    for status in spec["job_statuses"]:
        if status == "QUEUED":
            store.create_job("job-1", "s3://input/a.mp4")
        else:
            store.transition("job-1", JobStatus(status))
    module_name, _, function = spec["handler"].rpartition(".")
    import importlib
    handler = getattr(importlib.import_module(module_name), function)
    from tests.support.lambda_context import FakeLambdaContext
    result = handler(spec["event"], FakeLambdaContext(aws_request_id="req-1234"))
    sys.stderr.write("RESULT " + json.dumps(result) + "\\n")
"""


def _transcript() -> str:
    segments = (Segment(0, 0.0, 3.0, "My name is Sarah Connor and I love it."),)
    return Transcript(language="en", duration=3.0, segments=segments, model="m").to_json()


ENRICH_EVENT = {
    "job_id": "job-1",
    "transcript_uri": "s3://working/inference/job-1.json",
    "findings_prefix": "s3://working/findings/job-1/",
}
CASES: dict[str, dict[str, Any]] = {
    "pipeline.handlers.redact_pii.handler": {"event": ENRICH_EVENT, "statuses": []},
    "pipeline.handlers.filter_profanity.handler": {"event": ENRICH_EVENT, "statuses": []},
    "pipeline.handlers.analyze_sentiment.handler": {"event": ENRICH_EVENT, "statuses": []},
    "pipeline.handlers.merge_transcripts.handler": {
        "event": {
            "job_id": "job-1",
            "windows": [{"transcript_uri": "s3://working/inference/job-1.json", "window_index": 0}],
        },
        "statuses": ["QUEUED", "EXTRACTING", "TRANSCRIBING"],
    },  # the first function to read a transcript
    "pipeline.handlers.mark_complete.handler": {
        "event": {"job_id": "job-1", "outputs": {"json": "s3://output/x.json"}, "summary": {"words": 9}},
        "statuses": ["QUEUED", "EXTRACTING", "TRANSCRIBING", "ENRICHING"],
    },
    "pipeline.handlers.mark_failed.handler": {
        "event": {"state": {"job_id": "job-1"}, "error": {"Error": "TranscriptionError", "Cause": "{}"}},
        "statuses": ["QUEUED", "EXTRACTING"],
    },
}


@pytest.fixture(scope="module")
def functions() -> dict[str, dict[str, str]]:
    """Handler → environment of every Lambda in the workflow template (info logs, a mask style)."""
    template = workflow_template_json({"clearscribe:log-level": "INFO", "clearscribe:pii-placeholder": "mask"})
    found = {}
    for resource in template["Resources"].values():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        props = resource["Properties"]
        env = props.get("Environment", {}).get("Variables", {})
        found[props["Handler"]] = {
            k: v if isinstance(v, str) else RESOLVED.get(k, "unresolved") for k, v in env.items()
        }
    return found


@pytest.mark.parametrize("handler", sorted(CASES))
def test_each_function_logs_json_with_its_request_and_job_at_the_stack_level(
    functions: dict[str, dict[str, str]], handler: str
) -> None:
    case = CASES[handler]
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "PYTHONPATH": str(REPO),
        "AWS_LAMBDA_FUNCTION_NAME": handler.split(".")[2],
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
        **functions[handler],
    }
    spec = {
        "handler": handler,
        "event": case["event"],
        "job_statuses": case["statuses"],
        "objects": {"inference/job-1.json": _transcript()},
    }
    proc = subprocess.run(
        [sys.executable, "-c", INVOKE], input=json.dumps(spec), capture_output=True, text=True, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    info = [line for line in lines if line.get("level") == "INFO"]
    assert info, f"no INFO line from {handler}: {proc.stdout[-2000:]}"
    for line in info:
        assert line["service"] == "clearscribe"
        assert line["function_request_id"] == "req-1234"
        assert line["job_id"] == "job-1"
    messages = [line["message"] for line in info]
    assert len(messages) == len(set(messages)), f"a message logged twice: {messages}"
    everything = proc.stdout + proc.stderr
    assert "Sarah" not in everything and "Connor" not in everything


def test_the_stack_context_reaches_the_pii_function(functions: dict[str, dict[str, str]]) -> None:
    assert functions["pipeline.handlers.redact_pii.handler"]["CLEARSCRIBE_PII_PLACEHOLDER"] == "mask"
    assert functions["pipeline.handlers.redact_pii.handler"]["LOG_LEVEL"] == "INFO"
