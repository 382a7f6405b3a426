"""moto stand-ins for the AWS side of the workflow (tests only).

* :func:`create_job_table` — the job table exactly as deployed (``job_id`` key, ``by-status`` GSI).
* :class:`FakeMediaConvert` — moto has no MediaConvert: a scripted client with the same calls.
* :class:`LambdaDispatcher` — runs the real handler modules in-process when moto's Step Functions
  interpreter invokes a Lambda (patches ``LambdaSimpleBackend.invoke``).
* :class:`CapturedLogs` — every log line, as shipped, for leak checks.
* :class:`AsyncInference` — decides what the SageMaker async endpoint "writes" for each
  invocation (output object, failure object, or nothing).
* :func:`run_execution` — start an execution and wait for it to finish.
* :func:`execution_status_change` — the EventBridge event Step Functions sends when an execution ends.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import json
import logging
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from shared.jobstore.dynamodb import STATUS_INDEX
from shared.log import JsonFormatter
from shared.s3uri import parse_s3_uri
from tests.support.lambda_context import FakeLambdaContext

REGION = "us-east-1"
ACCOUNT = "123456789012"


def create_job_table(client: Any, name: str) -> None:
    """The job table as the workflow stack defines it (on-demand, ``by-status`` GSI)."""
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "job_id", "AttributeType": "S"},
            {"AttributeName": "status", "AttributeType": "S"},
            {"AttributeName": "updated_at", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "job_id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": STATUS_INDEX,
                "KeySchema": [
                    {"AttributeName": "status", "KeyType": "HASH"},
                    {"AttributeName": "updated_at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )


# -- MediaConvert ------------------------------------------------------------------------------
AUDIO_TEMPLATE_SETTINGS: dict[str, Any] = {
    "Inputs": [{"AudioSelectors": {"Audio Selector 1": {"DefaultSelection": "DEFAULT"}}}],
    "OutputGroups": [
        {
            "Name": "File Group",
            "OutputGroupSettings": {
                "Type": "FILE_GROUP_SETTINGS",
                "FileGroupSettings": {"Destination": "s3://placeholder/"},
            },
            "Outputs": [
                {
                    "NameModifier": "_audio",
                    "ContainerSettings": {"Container": "MP4", "Mp4Settings": {}},
                    "AudioDescriptions": [
                        {
                            "AudioSourceName": "Audio Selector 1",
                            "CodecSettings": {
                                "Codec": "AAC",
                                "AacSettings": {"Bitrate": 16000, "CodingMode": "CODING_MODE_1_0", "SampleRate": 16000},
                            },
                        }
                    ],
                }
            ],
        }
    ],
}


@dataclass
class FakeMediaConvert:
    """A MediaConvert client whose jobs follow a script.

    ``statuses`` is what successive ``get_job`` calls of one job report (the last one repeats);
    on ``COMPLETE`` the audio file is written to S3 (when ``s3`` is given).
    """

    statuses: list[str] = field(default_factory=lambda: ["PROGRESSING", "COMPLETE"])
    error_message: str = (
        "Demuxer: [ReadPacketData File read failed - end of file hit at length [1024]. Is file corrupt?]"
    )
    error_code: int = 1010
    s3: Any = None
    #: What ``GetJob`` of a COMPLETE job reports as the output's duration.
    duration_ms: int = 4000
    template_settings: dict[str, Any] = field(default_factory=lambda: AUDIO_TEMPLATE_SETTINGS)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get_job_template(self, Name: str) -> dict[str, Any]:
        self.calls.append(("get_job_template", {"Name": Name}))
        return {"JobTemplate": {"Name": Name, "Settings": json.loads(json.dumps(self.template_settings))}}

    def create_job(self, **kwargs: Any) -> dict[str, Any]:
        with self._lock:
            self.calls.append(("create_job", kwargs))
            for job in self.jobs.values():
                if job["token"] == kwargs.get("ClientRequestToken"):
                    return {"Job": {"Id": job["id"], "Status": "SUBMITTED"}}
            job_id = f"{next(self._ids):013d}-fake"
            self.jobs[job_id] = {"id": job_id, "token": kwargs.get("ClientRequestToken"), "request": kwargs, "polls": 0}
            return {"Job": {"Id": job_id, "Status": "SUBMITTED"}}

    def get_job(self, Id: str) -> dict[str, Any]:
        with self._lock:
            self.calls.append(("get_job", {"Id": Id}))
            job = self.jobs[Id]
            status = self.statuses[min(job["polls"], len(self.statuses) - 1)]
            job["polls"] += 1
        if self.s3 is not None and not self._input_exists(job["request"]):
            status = "ERROR"
            job["missing_input"] = True
        body: dict[str, Any] = {"Id": Id, "Status": status, "UserMetadata": job["request"]["UserMetadata"]}
        if status == "COMPLETE":
            audio_uri = self._audio_uri(job["request"])
            if self.s3 is not None:
                bucket, key = parse_s3_uri(audio_uri)
                self.s3.put_object(Bucket=bucket, Key=key, Body=b"\x00\x00\x00\x18ftypM4A ")
            body["OutputGroupDetails"] = [{"OutputDetails": [{"DurationInMs": self.duration_ms}]}]
        elif status == "ERROR" and job.get("missing_input"):
            body["ErrorMessage"] = (
                "Unable to open input file [s3://...]: [Failed probe/open: [Can't read input stream]]"
            )
            body["ErrorCode"] = 1020
        elif status == "ERROR":
            body["ErrorMessage"] = self.error_message
            body["ErrorCode"] = self.error_code
        return {"Job": body}

    def cancel_job(self, Id: str) -> dict[str, Any]:
        self.calls.append(("cancel_job", {"Id": Id}))
        return {}

    def _input_exists(self, request: Mapping[str, Any]) -> bool:
        bucket, key = parse_s3_uri(request["Settings"]["Inputs"][0]["FileInput"])
        try:
            self.s3.head_object(Bucket=bucket, Key=key)
        except Exception:
            return False
        return True

    @staticmethod
    def _audio_uri(request: Mapping[str, Any]) -> str:
        """Where MediaConvert writes the first output: destination + input base name + name
        modifier + extension (the container's default when the output sets none)."""
        settings = request["Settings"]
        group = settings["OutputGroups"][0]
        destination = group["OutputGroupSettings"]["FileGroupSettings"]["Destination"]
        output = group["Outputs"][0]
        extension = output.get("Extension") or {"MP4": "mp4", "MOV": "mov"}[output["ContainerSettings"]["Container"]]
        source_name = settings["Inputs"][0]["FileInput"].rsplit("/", 1)[-1]
        return f"{destination}{source_name.rsplit('.', 1)[0]}{output.get('NameModifier', '')}.{extension}"

    def count(self, name: str) -> int:
        return sum(1 for call, _ in self.calls if call == name)


# -- Lambda ------------------------------------------------------------------------------------
def _json_rest_error() -> type:
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError


class LambdaServiceError(_json_rest_error()):  # type: ignore[misc]
    """The Lambda service's own 500 ``ServiceException``: Step Functions names it ``Lambda.ServiceException``."""

    code = 500

    def __init__(self, message: str) -> None:
        super().__init__("ServiceException", message)


class LambdaDispatcher:
    """``LambdaSimpleBackend.invoke`` replacement: run the real handler module behind the function
    named in the invocation (a plain name or an ARN; ``modules`` maps function name → module) and
    return its JSON result, or a Lambda function error document (``errorType`` = the exception
    class name, as the Lambda Python runtime reports it) when it raises."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self.modules = dict(modules)
        self.invocations: list[str] = []
        self.overrides: dict[str, Callable[[dict[str, Any], Any], Any]] = {}
        #: module → how many of its next invocations run the handler and then fail in the Lambda
        #: service (the result is lost: Step Functions sees ``Lambda.ServiceException`` and retries).
        self.lost_results: dict[str, int] = {}
        self._lock = threading.Lock()

    def module_for(self, function_name: str) -> str:
        name = function_name.split(":function:")[-1].split(":")[0]
        if name not in self.modules:
            raise KeyError(f"no handler module for Lambda function {name!r}")
        return self.modules[name]

    def count(self, module: str) -> int:
        """How many times the handler in ``module`` was invoked."""
        return self.invocations.count(module)

    def invoke(self, function_name: str, body: Any, response_headers: dict[str, str]) -> bytes:
        module = self.module_for(function_name)
        with self._lock:
            self.invocations.append(module)
        event = json.loads(body) if body else {}
        handler = self.overrides.get(module) or importlib.import_module(module).handler
        try:
            result = handler(event, FakeLambdaContext())
        except Exception as exc:
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(
                {
                    "errorType": type(exc).__name__,
                    "errorMessage": str(exc),
                    "stackTrace": traceback.format_exception(exc)[-3:],
                }
            ).encode("utf-8")
        with self._lock:
            lost = self.lost_results.get(module, 0) > 0
            if lost:
                self.lost_results[module] -= 1
        if lost:
            raise LambdaServiceError("the function ran; its response was lost")
        return json.dumps(result).encode("utf-8")

    def patch(self, monkeypatch: Any) -> None:
        from botocore.exceptions import ClientError
        from moto.awslambda_simple.models import LambdaSimpleBackend
        from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
        from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import StateTaskLambda

        dispatcher = self
        name_failure = StateTaskLambda._from_error

        def lambda_service_error_names(task: Any, env: Any, ex: Exception) -> Any:
            """Step Functions names an error of the Lambda service itself ``Lambda.<code>`` (what the
            Retry of every Lambda task lists); moto's interpreter calls them all ``Exception``."""
            failure = name_failure(task, env, ex)
            if isinstance(ex, ClientError):
                name = f"Lambda.{ex.response['Error']['Code']}"
                failure.error_name = CustomErrorName(name)
                failure.event_details["lambdaFunctionFailedEventDetails"]["error"] = name
            return failure

        monkeypatch.setattr(StateTaskLambda, "_from_error", lambda_service_error_names)

        def invoke(
            backend: Any, function_name: str, qualifier: Any, body: Any, headers: Any, response_headers: Any
        ) -> bytes:
            return dispatcher.invoke(function_name, body, response_headers)

        monkeypatch.setattr(LambdaSimpleBackend, "invoke", invoke)


# -- SageMaker asynchronous inference -------------------------------------------------------------
class AsyncInference:
    """What the async endpoint does with each ``InvokeEndpointAsync``.

    ``mode``: ``"output"`` writes ``output`` (bytes) to the output location, ``"failure"`` writes
    ``failure`` to the failure location, ``"never"`` writes nothing (a stuck inference).
    """

    def __init__(
        self, s3: Any, bucket: str, *, mode: str = "output", output: bytes = b"", failure: bytes = b""
    ) -> None:
        self.s3 = s3
        self.bucket = bucket
        self.mode = mode
        self.output = output
        self.failure = failure
        self.requests: list[dict[str, str]] = []

    def invoke(self, endpoint_name: str, input_location: str, inference_id: str | None = None) -> tuple[str, str]:
        ident = inference_id or f"inference-{len(self.requests)}"
        self.requests.append({"endpoint": endpoint_name, "input": input_location, "inference_id": ident})
        output_key = f"inference/output/{ident}.out"
        failure_key = f"inference/failure/{ident}-error.out"
        if self.mode == "output":
            self.s3.put_object(Bucket=self.bucket, Key=output_key, Body=self.output)
        elif self.mode == "failure":
            self.s3.put_object(Bucket=self.bucket, Key=failure_key, Body=self.failure)
        return f"s3://{self.bucket}/{output_key}", f"s3://{self.bucket}/{failure_key}"

    def patch(self, monkeypatch: Any) -> None:
        from moto.sagemakerruntime.models import SageMakerRuntimeBackend
        from moto.sagemakerruntime.responses import SageMakerRuntimeResponse
        from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
            StateTaskService,
        )

        monkeypatch.setitem(
            StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES, "sagemakerruntime", "sagemaker-runtime"
        )
        inference = self
        current_id: dict[str, str | None] = {"id": None}

        original = SageMakerRuntimeResponse.invoke_endpoint_async

        def response_invoke(response: Any) -> Any:
            current_id["id"] = response.headers.get("X-Amzn-SageMaker-Inference-Id")
            return original(response)

        def backend_invoke(backend: Any, endpoint_name: str, input_location: str) -> tuple[str, str]:
            return inference.invoke(endpoint_name, input_location, current_id["id"])

        monkeypatch.setattr(SageMakerRuntimeResponse, "invoke_endpoint_async", response_invoke)
        monkeypatch.setattr(SageMakerRuntimeBackend, "invoke_endpoint_async", backend_invoke)


# -- executions -------------------------------------------------------------------------------------
def run_execution(
    sfn: Any, state_machine_arn: str, payload: Mapping[str, Any], *, timeout: float = 60.0
) -> dict[str, Any]:
    """Start an execution and wait for it to finish; returns ``describe_execution``."""
    return wait_for_execution(sfn, start_execution(sfn, state_machine_arn, payload), timeout=timeout)


def start_execution(sfn: Any, state_machine_arn: str, payload: Mapping[str, Any]) -> str:
    """Start an execution with a unique name (as EventBridge does); returns its ARN."""
    name = f"exec-{uuid.uuid4().hex}"
    return sfn.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(payload))["executionArn"]


def wait_for_execution(sfn: Any, execution_arn: str, *, timeout: float = 60.0) -> dict[str, Any]:
    """Poll ``describe_execution`` until the execution is no longer RUNNING."""
    deadline = time.monotonic() + timeout
    while True:
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            return described
        if time.monotonic() > deadline:
            raise TimeoutError(f"execution still running after {timeout} s")
        time.sleep(0.05)


def execution_status_change(described: Mapping[str, Any]) -> dict[str, Any]:
    """The "Step Functions Execution Status Change" event for a finished execution (``describe_execution``),
    shaped as EventBridge delivers it (detail: executionArn, stateMachineArn, name, status, input, error, cause)."""
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
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Step Functions Execution Status Change",
        "source": "aws.states",
        "account": ACCOUNT,
        "region": REGION,
        "resources": [described["executionArn"]],
        "detail": detail,
    }


def execution_states(sfn: Any, execution_arn: str) -> list[str]:
    """Names of the states entered, in order."""
    events = sfn.get_execution_history(executionArn=execution_arn, maxResults=1000)["events"]
    return [e["stateEnteredEventDetails"]["name"] for e in events if "stateEnteredEventDetails" in e]


# -- logs ---------------------------------------------------------------------------------------------
class CapturedLogs(logging.Handler):
    """Every record of the ``clearscribe`` loggers (DEBUG and up) and of any other logger
    (INFO and up), formatted as shipped (JSON), for leak checks."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self._json = JsonFormatter()

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith("clearscribe") and record.levelno < logging.INFO:
            return
        line = self._json.format(record)
        if record.exc_info and record.exc_info[1] is not None:
            line += " " + repr(record.exc_info[1])
        self.lines.append(line)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @contextlib.contextmanager
    def attached(self) -> Iterator[CapturedLogs]:
        clearscribe = logging.getLogger("clearscribe")
        root = logging.getLogger()
        saved = (clearscribe.level, root.level)
        clearscribe.addHandler(self)
        root.addHandler(self)
        clearscribe.setLevel(logging.DEBUG)
        root.setLevel(logging.INFO)
        try:
            yield self
        finally:
            clearscribe.removeHandler(self)
            root.removeHandler(self)
            clearscribe.setLevel(saved[0])
            root.setLevel(saved[1])
