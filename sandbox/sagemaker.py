"""A SageMaker asynchronous inference endpoint, emulated with the synthesized model artifact.

:class:`AsyncEndpoint` is built from the template's ``AWS::SageMaker::Model`` and
``AWS::SageMaker::EndpointConfig``: it downloads the model artifact from the S3 URI the model
names (the sandbox publishes the CDK asset there, as ``cdk deploy`` does), unpacks it as
``/opt/ml/model`` and starts the stand-in container (:mod:`sandbox.inference_container`:
the image's Python and pinned packages, the inference toolkit's own handler service) with the
model's environment; the endpoint is "InService" once ``model_fn`` has loaded.

``InvokeEndpointAsync`` (from the state machine, through moto) is answered at once with the
output and failure locations under the config's ``S3OutputPath`` and ``S3FailurePath``
(``<uuid>.out``, ``<uuid>-error.out``); the request is queued and processed one at a time
(``MaxConcurrentInvocationsPerInstance`` 1, one instance): the input object is read from S3, run
through ``input_fn`` → ``predict_fn`` → ``output_fn``, and either the response is written to the
output location or the model server's error to the failure location. A request still running
after its ``InvocationTimeoutSeconds`` is abandoned (the container is restarted) and fails; one
that waited longer than its ``RequestTTLSeconds`` fails without running. Each outcome is
published to the config's success or error topic as SageMaker's notification, which carries no
inference output (``IncludeInferenceResponseIn`` is not set).
"""

from __future__ import annotations

import json
import os
import queue
import tarfile
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sandbox.inference_container import container_python, offline, without_gpu
from sandbox.worker import LATE, Worker

DEFAULT_INVOCATION_TIMEOUT_SECONDS = 900
DEFAULT_REQUEST_TTL_SECONDS = 6 * 3600
#: How long the container may take to load the model before the endpoint counts as failed.
STARTUP_TIMEOUT_SECONDS = 900
_LAUNCHER = "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"


class EndpointError(RuntimeError):
    """The endpoint could not be created (the artifact or the model failed to load)."""


@dataclass(frozen=True)
class AsyncInvocation:
    """One ``InvokeEndpointAsync`` request."""

    endpoint_name: str
    input_location: str
    content_type: str | None = None
    accept: str | None = None
    inference_id: str | None = None
    custom_attributes: str | None = None
    invocation_timeout_seconds: int = DEFAULT_INVOCATION_TIMEOUT_SECONDS
    request_ttl_seconds: int = DEFAULT_REQUEST_TTL_SECONDS
    received_at: float = 0.0


@dataclass(frozen=True)
class AsyncResult:
    inference_id: str
    output_location: str
    failure_location: str


class InvocationTimeout(Exception):
    pass


class InferenceContainer:
    """The stand-in container: one worker process, the toolkit serving ``code/inference.py``."""

    def __init__(
        self, *, model_dir: Path, environment: Mapping[str, str], python: Path, log_path: Path, scratch: Path
    ) -> None:
        self.model_dir = model_dir
        self.environment = dict(environment)
        self.python = python
        self.log_path = log_path
        self.scratch = scratch
        self.starts = 0
        self._worker: Worker | None = None

    def start(self) -> None:
        """Start the worker and wait until the model is loaded; ``EndpointError`` if it fails."""
        worker = Path(__file__).with_name("toolkit_worker.py")
        paths = [str(worker), str(self.model_dir)]

        def argv(request_fd: int, response_fd: int) -> list[str]:
            return offline([str(self.python), "-I", "-c", _LAUNCHER, *paths, str(request_fd), str(response_fd)])

        env = {"PATH": os.environ.get("PATH", ""), "HOME": str(self.scratch), **self.environment}
        self._worker = Worker(argv, env=env, cwd=self.scratch, log_path=self.log_path)
        self.starts += 1
        ready = self._worker.receive(STARTUP_TIMEOUT_SECONDS)
        if not isinstance(ready, dict) or not ready.get("ready"):
            self.stop()
            reason = ready.get("error") if isinstance(ready, dict) else f"the container {ready} while starting"
            raise EndpointError(f"the model did not load: {reason} (log: {self.log_path})")

    def invoke(
        self,
        body: Path,
        content_type: str | None,
        accept: str | None,
        timeout: float,
        *,
        custom_attributes: str | None = None,
    ) -> tuple[bool, bytes]:
        """``(succeeded, response body)``; ``InvocationTimeout`` when ``timeout`` seconds pass first."""
        if self._worker is None or not self._worker.alive:
            self.stop()
            self.start()
        assert self._worker is not None
        response_path = self.scratch / f"{uuid.uuid4().hex}.response"
        self._worker.send(
            {
                "body_path": str(body),
                "response_path": str(response_path),
                "content_type": content_type,
                "accept": accept,
                "custom_attributes": custom_attributes,
            }
        )
        answer = self._worker.receive(timeout)
        if answer == LATE:
            self.stop()
            raise InvocationTimeout()
        if not isinstance(answer, dict):
            self.stop()
            return False, json.dumps(
                {"code": 500, "type": "InternalServerException", "message": "the model server worker died"}
            ).encode("utf-8")
        try:
            return bool(answer.get("ok")), response_path.read_bytes()
        finally:
            response_path.unlink(missing_ok=True)

    def module_origins(self, timeout: float = 60) -> dict[str, str]:
        """``{top-level module: file}`` of everything the worker has imported so far."""
        assert self._worker is not None
        self._worker.send({"modules": True})
        answer = self._worker.receive(timeout)
        if not isinstance(answer, dict) or "modules" not in answer:
            raise EndpointError(f"the container did not say what it loaded ({answer})")
        return dict(answer["modules"])

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None


def _split_s3(uri: str) -> tuple[str, str]:
    bucket, _, key = uri[len("s3://") :].partition("/")
    return bucket, key


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class AsyncEndpoint:
    """One asynchronous endpoint: its model artifact, container, queue and notifications."""

    def __init__(
        self,
        *,
        name: str,
        model: Mapping[str, Any],
        config: Mapping[str, Any],
        s3: Any,
        sns: Any,
        workdir: Path,
        log_dir: Path,
        region: str,
    ) -> None:
        self.name = name
        self.log_dir = Path(log_dir)
        self.model = model
        self.async_config = config["AsyncInferenceConfig"]
        self.s3 = s3
        self.sns = sns
        self.workdir = Path(workdir)
        self.region = region
        self.results: list[dict[str, Any]] = []
        self._queue: queue.Queue[tuple[AsyncInvocation, AsyncResult] | None] = queue.Queue()
        self._in_flight = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.container: InferenceContainer | None = None

    @property
    def output_config(self) -> Mapping[str, Any]:
        return self.async_config["OutputConfig"]

    def deploy(self) -> None:
        """Fetch and unpack the artifact, start the container, wait until the model is loaded."""
        container = self.model["PrimaryContainer"]
        source = container.get("ModelDataSource", {}).get("S3DataSource") or {}
        uri = source.get("S3Uri") or container.get("ModelDataUrl")
        if not uri:
            raise EndpointError(f"model of {self.name} names no model data")
        model_dir = self.workdir / "opt" / "ml" / "model"
        archive = self.workdir / "model.tar.gz"
        self.workdir.mkdir(parents=True, exist_ok=True)
        bucket, key = _split_s3(uri)
        try:
            self.s3.download_file(bucket, key, str(archive))
        except Exception as exc:
            raise EndpointError(f"the model data {uri} cannot be read ({type(exc).__name__})") from None
        if source and source.get("CompressionType") == "Gzip" and source.get("S3DataType") == "S3Object":
            model_dir.mkdir(parents=True)
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(model_dir, filter="data")
        else:
            raise EndpointError(f"model data of {self.name} is not a gzip-compressed tar object")
        archive.unlink()
        scratch = self.workdir / "scratch"
        scratch.mkdir()
        self.container = InferenceContainer(
            model_dir=model_dir,
            environment=without_gpu(container.get("Environment") or {}),
            python=container_python(),
            log_path=self.log_dir / f"endpoint-{self.name}.log",
            scratch=scratch,
        )
        self.container.start()
        self._thread = threading.Thread(target=self._serve, name=f"endpoint-{self.name}", daemon=True)
        self._thread.start()

    def submit(self, invocation: AsyncInvocation) -> AsyncResult:
        """Queue an invocation; returns where its output or failure will be written."""
        object_id = str(uuid.uuid4())
        output_path = self.output_config["S3OutputPath"].rstrip("/")
        failure_path = (self.output_config.get("S3FailurePath") or output_path).rstrip("/")
        result = AsyncResult(
            inference_id=invocation.inference_id or str(uuid.uuid4()),
            output_location=f"{output_path}/{object_id}.out",
            failure_location=f"{failure_path}/{object_id}-error.out",
        )
        with self._lock:
            self._in_flight += 1
        self._queue.put((invocation, result))
        return result

    @property
    def in_flight(self) -> int:
        """Invocations queued or running."""
        with self._lock:
            return self._in_flight

    def _serve(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            invocation, result = item
            try:
                self._process(invocation, result)
            finally:
                with self._lock:
                    self._in_flight -= 1

    def _process(self, invocation: AsyncInvocation, result: AsyncResult) -> None:
        assert self.container is not None
        if time.time() - invocation.received_at > invocation.request_ttl_seconds:
            self._fail(invocation, result, b"", "ClientError: the request expired before it was processed")
            return
        body = self.container.scratch / f"{uuid.uuid4().hex}.request"
        try:
            bucket, key = _split_s3(invocation.input_location)
            try:
                self.s3.download_file(bucket, key, str(body))
            except Exception:
                self._fail(invocation, result, b"", f"ClientError: cannot read {invocation.input_location}")
                return
            try:
                ok, response = self.container.invoke(
                    body,
                    invocation.content_type,
                    invocation.accept,
                    invocation.invocation_timeout_seconds,
                    custom_attributes=invocation.custom_attributes,
                )
            except InvocationTimeout:
                reason = (
                    f"ModelError: the inference did not finish within InvocationTimeoutSeconds "
                    f"({invocation.invocation_timeout_seconds} s)"
                )
                self._fail(invocation, result, reason.encode("utf-8"), reason)
                return
        finally:
            body.unlink(missing_ok=True)
        if ok:
            bucket, key = _split_s3(result.output_location)
            content_type = invocation.accept or "application/json"
            self.s3.put_object(Bucket=bucket, Key=key, Body=response, ContentType=content_type)
            self._notify(
                invocation, result, "Completed", {"contentType": content_type, "outputLocation": result.output_location}
            )
        else:
            reason = (
                "ClientError: Received client error (400) from model. "
                "See the SageMaker Endpoint logs for more information."
            )
            self._fail(invocation, result, response, reason)

    def _fail(self, invocation: AsyncInvocation, result: AsyncResult, body: bytes, reason: str) -> None:
        bucket, key = _split_s3(result.failure_location)
        self.s3.put_object(Bucket=bucket, Key=key, Body=body or reason.encode("utf-8"))
        self._notify(invocation, result, "Failed", {"failureLocation": result.failure_location}, reason=reason)

    def _notify(
        self,
        invocation: AsyncInvocation,
        result: AsyncResult,
        status: str,
        response: Mapping[str, str],
        *,
        reason: str | None = None,
    ) -> None:
        message: dict[str, Any] = {
            "awsRegion": self.region,
            "eventTime": _iso(time.time()),
            "receivedTime": _iso(invocation.received_at),
            "invocationStatus": status,
            "requestParameters": {
                "contentType": invocation.content_type,
                "endpointName": self.name,
                "inputLocation": invocation.input_location,
            },
            "responseParameters": dict(response),
            "inferenceId": result.inference_id,
            "eventVersion": "1.0",
            "eventSource": "aws:sagemaker",
            "eventName": "InferenceResult",
        }
        if reason is not None:
            message["failureReason"] = reason
        self.results.append(message)
        topics = self.output_config.get("NotificationConfig") or {}
        topic = topics.get("SuccessTopic" if status == "Completed" else "ErrorTopic")
        if topic:
            self.sns.publish(TopicArn=topic, Message=json.dumps(message))

    def close(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            if self.container is not None:
                self.container.stop()
            self._thread.join(timeout=30)
        elif self.container is not None:
            self.container.stop()
