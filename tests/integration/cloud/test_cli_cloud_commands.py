"""CLI helpers for a deployed stack: resolve outputs, submit a video, read jobs and outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from pipeline.cli import cloud as commands
from pipeline.cli.cloud import CloudResources, open_cloud_job_store, read_output, resolve_stack, submit_video
from pipeline.cloud.register import register_job
from shared.errors import InvalidMediaError
from tests.integration.cloud.conftest import INPUT_BUCKET, OUTPUT_BUCKET, TABLE
from tests.integration.moto_harness import REGION

ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:clearscribe"
EVENTS = Path(__file__).resolve().parents[2] / "events"


def _stack(outputs: dict[str, str]) -> dict[str, Any]:
    return {
        "Stacks": [
            {
                "StackName": "clearscribe-workflow",
                "CreationTime": "2026-11-26T00:00:00Z",
                "StackStatus": "CREATE_COMPLETE",
                "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
            }
        ]
    }


@pytest.fixture
def cloudformation() -> Any:
    return boto3.client("cloudformation", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x")


def test_resolve_stack_reads_the_four_outputs(cloudformation: Any) -> None:
    outputs = {
        "InputBucketName": INPUT_BUCKET,
        "OutputBucketName": OUTPUT_BUCKET,
        "JobTableName": TABLE,
        "StateMachineArn": ARN,
        "SomethingElse": "ignored",
    }
    with Stubber(cloudformation) as stub:
        stub.add_response("describe_stacks", _stack(outputs), {"StackName": "clearscribe-workflow"})
        resources = resolve_stack("clearscribe-workflow", client=cloudformation)
    assert resources == CloudResources(INPUT_BUCKET, OUTPUT_BUCKET, TABLE, ARN, REGION)


def test_resolve_stack_names_missing_outputs(cloudformation: Any) -> None:
    with Stubber(cloudformation) as stub, pytest.raises(LookupError, match="JobTableName"):
        stub.add_response("describe_stacks", _stack({"InputBucketName": "a", "OutputBucketName": "b",
                                                      "StateMachineArn": ARN}), {"StackName": "s"})  # fmt: skip
        resolve_stack("s", client=cloudformation)


def _resources() -> CloudResources:
    return CloudResources(INPUT_BUCKET, OUTPUT_BUCKET, TABLE, ARN, REGION)


def _event_for(s3: Any, key: str) -> dict[str, Any]:
    head = s3.head_object(Bucket=INPUT_BUCKET, Key=key)
    event = json.loads((EVENTS / "eventbridge_object_created.json").read_text("utf-8"))
    obj = event["detail"]["object"]
    obj.update({"key": key, "etag": head["ETag"].strip('"'), "size": head["ContentLength"]})
    if "VersionId" in head:
        obj["version-id"] = head["VersionId"]
    else:
        obj.pop("version-id")
    return event


@pytest.mark.parametrize("versioned", [True, False])
def test_submitted_job_id_is_the_one_register_job_computes(
    s3: Any, store: Any, tmp_path: Path, versioned: bool
) -> None:
    if versioned:
        s3.put_bucket_versioning(Bucket=INPUT_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    video = tmp_path / "board meeting + Q&A.mp4"
    video.write_bytes(b"\x00" * 2048)
    submitted = submit_video(video, _resources(), client=s3)
    assert submitted["bucket"] == INPUT_BUCKET
    assert submitted["key"] == "uploads/board meeting + Q&A.mp4"
    registered = register_job(_event_for(s3, submitted["key"]), store)
    assert registered["job_id"] == submitted["job_id"]


def test_large_files_are_uploaded_in_parts_with_the_same_job_id(
    s3: Any, store: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commands, "MULTIPART_THRESHOLD", 1024)
    monkeypatch.setattr(commands, "PART_SIZE", 5 * 1024**2)
    video = tmp_path / "long.mov"
    video.write_bytes(b"\x01" * (5 * 1024**2 + 100))
    submitted = submit_video(video, _resources(), key_prefix="incoming", client=s3)
    assert submitted["key"] == "incoming/long.mov"
    head = s3.head_object(Bucket=INPUT_BUCKET, Key="incoming/long.mov")
    assert head["ETag"].strip('"').endswith("-2")
    assert register_job(_event_for(s3, submitted["key"]), store)["job_id"] == submitted["job_id"]


def test_submit_refuses_non_media_before_uploading(s3: Any, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("agenda")
    with pytest.raises(InvalidMediaError):
        submit_video(notes, _resources(), client=s3)
    assert "Contents" not in s3.list_objects_v2(Bucket=INPUT_BUCKET)


def test_job_store_and_outputs_of_the_stack(s3: Any, dynamodb: Any) -> None:
    store = open_cloud_job_store(_resources(), client=dynamodb)
    store.create_job("job-1", "s3://in/a.mp4")
    assert store.get_job("job-1").source == "s3://in/a.mp4"
    s3.put_object(Bucket=OUTPUT_BUCKET, Key="transcripts/job-1/transcript.txt", Body=b"clean text")
    assert read_output(f"s3://{OUTPUT_BUCKET}/transcripts/job-1/transcript.txt", client=s3) == b"clean text"
