"""The SageMaker asynchronous endpoint emulator on its own, with a small artifact whose
``inference.py`` can be told to be slow, to fail or to reach for the network: what the
emulator enforces (the invocation timeout, the failure object, the notifications, no network)
must hold whatever the model does."""

from __future__ import annotations

import io
import json
import socket
import tarfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from sandbox.sagemaker import AsyncEndpoint, AsyncInvocation, AsyncResult

REGION = "us-east-1"
BUCKET = "endpoint-test"
INFERENCE = textwrap.dedent(
    """
    import json, os, socket, time

    def model_fn(model_dir):
        return {"files": sorted(os.listdir(model_dir)), "greeting": os.environ["GREETING"]}

    def input_fn(body, content_type):
        return body

    def predict_fn(data, model):
        if data == b"slow":
            time.sleep(60)
        if data == b"broken":
            raise ValueError("cannot decode this input")
        if data == b"network":
            try:
                socket.create_connection(("127.0.0.1", int(os.environ["PROBE_PORT"])), timeout=2).close()
                return {"network": "reached"}
            except OSError as exc:
                return {"network": type(exc).__name__}
        return {"greeting": model["greeting"], "files": model["files"], "size": len(data)}

    def output_fn(prediction, accept):
        return json.dumps(prediction)
    """
)


def _artifact() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in {"code/inference.py": INFERENCE.encode(), "weights.bin": b"\0" * 16}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[tuple[AsyncEndpoint, Any]]:
    """The endpoint, and a TCP server on this machine's loopback that the model is told about."""
    with socket.create_server(("127.0.0.1", 0)) as probe, mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        sns = boto3.client("sns", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="model/model.tar.gz", Body=_artifact())
        success = sns.create_topic(Name="success")["TopicArn"]
        error = sns.create_topic(Name="error")["TopicArn"]
        emulated = AsyncEndpoint(
            name="test-endpoint",
            model={
                "PrimaryContainer": {
                    "ModelDataSource": {
                        "S3DataSource": {
                            "S3Uri": f"s3://{BUCKET}/model/model.tar.gz",
                            "S3DataType": "S3Object",
                            "CompressionType": "Gzip",
                        }
                    },
                    "Environment": {
                        "SAGEMAKER_PROGRAM": "inference.py",
                        "GREETING": "from the template",
                        "PROBE_PORT": str(probe.getsockname()[1]),
                    },
                }
            },
            config={
                "AsyncInferenceConfig": {
                    "OutputConfig": {
                        "S3OutputPath": f"s3://{BUCKET}/output",
                        "S3FailurePath": f"s3://{BUCKET}/failure",
                        "NotificationConfig": {"SuccessTopic": success, "ErrorTopic": error},
                    }
                }
            },
            s3=s3,
            sns=sns,
            workdir=tmp_path / "endpoint",
            log_dir=tmp_path / "logs",
            region=REGION,
        )
        emulated.deploy()
        try:
            yield emulated, s3
        finally:
            emulated.close()


def _invoke(endpoint: AsyncEndpoint, s3: Any, body: bytes, *, timeout: int = 60) -> AsyncResult:
    key = f"input/{time.monotonic_ns()}"
    s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    result = endpoint.submit(
        AsyncInvocation(
            endpoint_name=endpoint.name,
            input_location=f"s3://{BUCKET}/{key}",
            content_type="application/octet-stream",
            invocation_timeout_seconds=timeout,
            received_at=time.time(),
        )
    )
    deadline = time.monotonic() + 60
    while endpoint.in_flight and time.monotonic() < deadline:
        time.sleep(0.05)
    assert endpoint.in_flight == 0
    return result


def _read(s3: Any, uri: str) -> bytes | None:
    bucket, _, key = uri[len("s3://") :].partition("/")
    try:
        return bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
    except s3.exceptions.NoSuchKey:
        return None


def test_a_reply_is_written_at_the_output_path_and_announced(endpoint: tuple[AsyncEndpoint, Any]) -> None:
    emulated, s3 = endpoint
    result = _invoke(emulated, s3, b"four bytes")
    assert result.output_location.startswith(f"s3://{BUCKET}/output/")
    reply = json.loads(_read(s3, result.output_location) or b"{}")
    # model_fn saw the unpacked artifact and the model's environment, and nothing else of this process.
    assert reply == {"greeting": "from the template", "files": ["code", "weights.bin"], "size": 10}
    assert _read(s3, result.failure_location) is None
    (notice,) = emulated.results
    assert notice["invocationStatus"] == "Completed"
    assert notice["responseParameters"]["outputLocation"] == result.output_location


def test_a_model_error_writes_the_failure_object(endpoint: tuple[AsyncEndpoint, Any]) -> None:
    emulated, s3 = endpoint
    result = _invoke(emulated, s3, b"broken")
    assert _read(s3, result.output_location) is None
    failure = json.loads(_read(s3, result.failure_location) or b"{}")
    assert failure["code"] == 400 and "cannot decode this input" in failure["message"]
    assert emulated.results[-1]["invocationStatus"] == "Failed"


def test_an_inference_longer_than_its_timeout_fails_and_the_next_one_runs(endpoint: tuple[AsyncEndpoint, Any]):
    emulated, s3 = endpoint
    started = time.monotonic()
    result = _invoke(emulated, s3, b"slow", timeout=2)
    assert time.monotonic() - started < 30
    assert _read(s3, result.output_location) is None
    assert b"InvocationTimeoutSeconds (2 s)" in (_read(s3, result.failure_location) or b"")
    assert emulated.results[-1]["invocationStatus"] == "Failed"
    after = _invoke(emulated, s3, b"ok")
    assert json.loads(_read(s3, after.output_location) or b"{}")["size"] == 2
    assert emulated.container is not None and emulated.container.starts == 2


def test_the_model_cannot_reach_the_network(endpoint: tuple[AsyncEndpoint, Any]) -> None:
    emulated, s3 = endpoint
    result = _invoke(emulated, s3, b"network")
    assert json.loads(_read(s3, result.output_location) or b"{}")["network"] != "reached"
