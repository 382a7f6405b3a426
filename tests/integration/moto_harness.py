"""Scripted stand-ins for the AWS side of the workflow, run in-process under moto (tests only).

* :func:`create_job_table` — the job table exactly as deployed (``job_id`` key, ``by-status`` GSI);
  :func:`create_callback_table` — the table of task tokens waiting for an inference.
* :class:`FakeMediaConvert` — a scripted client with MediaConvert's calls, which the ``ExtractAudio``
  state's ``createJob.sync`` integration also calls (the sandbox has the emulator that transcodes
  for real: ``sandbox.mediaconvert``).
* :class:`LambdaDispatcher` — runs the real handler modules in-process when moto's Step Functions
  interpreter invokes a Lambda, with scripted overrides.
* :func:`patch_moto` — applies the sandbox's replacements of moto internals
  (``sandbox.moto_patches``, the one module that has them) for one test.
* :class:`CapturedLogs` — every log line, as shipped, for leak checks.
* :class:`AsyncEndpoint` — a scripted SageMaker asynchronous endpoint: for each invocation (one window
  of a recording) it writes an output object, a failure object or nothing, and announces it on
  its notification topics (or loses the notification).

Starting and waiting for executions, and the status-change event, are ``sandbox.executions``.
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.asr.inference.windows import Window
from sandbox.lambda_worker import error_document
from sandbox.lambdas import function_name_of
from sandbox.moto_patches import Replacement, invoke_patches, runtime_patches
from sandbox.sagemaker import AsyncInvocation, AsyncResult
from shared.contract import INFERENCE_FAILURE_PATH, INFERENCE_PREFIX
from shared.jobstore.dynamodb import STATUS_INDEX
from shared.log import JsonFormatter
from shared.s3uri import parse_s3_uri
from tests.support.lambda_context import FakeLambdaContext

REGION = "us-east-1"
ACCOUNT = "123456789012"


def patch_moto(monkeypatch: Any, replacements: Iterable[Replacement]) -> None:
    """Apply replacements of moto internals (``sandbox.moto_patches``) until the test ends."""
    for target, name, value in replacements:
        if isinstance(target, dict):
            monkeypatch.setitem(target, name, value)
        else:
            monkeypatch.setattr(target, name, value)


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


def create_callback_table(client: Any, name: str) -> None:
    """The callback table as the workflow stack defines it (``inference_id`` key, ``expires_at`` TTL)."""
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "inference_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "inference_id", "KeyType": "HASH"}],
    )
    client.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})


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
    """Runs the real handler module behind the function named in an invocation (a plain name or
    an ARN; ``modules`` maps function name → module) in this process and returns its JSON result,
    or a Lambda function error document when it raises."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self.modules = dict(modules)
        self.invocations: list[str] = []
        self.overrides: dict[str, Callable[[dict[str, Any], Any], Any]] = {}
        #: module → how many of its next invocations run the handler and then fail in the Lambda
        #: service (the result is lost: Step Functions sees ``Lambda.ServiceException`` and retries).
        self.lost_results: dict[str, int] = {}
        self._lock = threading.Lock()

    def module_for(self, function_name: str) -> str:
        name = function_name_of(function_name)
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
            return json.dumps(error_document(exc)).encode("utf-8")
        with self._lock:
            lost = self.lost_results.get(module, 0) > 0
            if lost:
                self.lost_results[module] -= 1
        if lost:
            raise LambdaServiceError("the function ran; its response was lost")
        return json.dumps(result).encode("utf-8")

    def patch(self, monkeypatch: Any) -> None:
        patch_moto(monkeypatch, invoke_patches(self.invoke))


# -- Step Functions ---------------------------------------------------------------------------------
# -- SageMaker asynchronous inference, with its notifications ----------------------------------------
@dataclass(frozen=True)
class Answer:
    """What the endpoint does with one invocation: ``"output"`` writes ``body`` to the output location,
    ``"failure"`` writes it to the failure location, ``"never"`` writes nothing (a stuck inference).
    With ``notify`` the outcome is published to the success or error topic as SageMaker announces
    it; without, the notification is lost."""

    kind: str = "output"
    body: bytes = b""
    notify: bool = True


@dataclass(frozen=True)
class Request:
    """One ``InvokeEndpointAsync`` as the endpoint received it."""

    endpoint: str
    input_location: str
    inference_id: str
    custom_attributes: str | None
    window: Window | None
    invocation_timeout_seconds: int
    request_ttl_seconds: int
    output_location: str
    failure_location: str


class AsyncEndpoint:
    """A scripted SageMaker asynchronous endpoint: answers ``InvokeEndpointAsync`` at once with its
    output and failure locations (``inference/output/<uuid>.out``, ``inference/failure/<uuid>-error.out``),
    then, as the service does, writes what ``answer(request)`` says and publishes SageMaker's
    notification (``invocationStatus``, ``inferenceId``, ``responseParameters``, ``failureReason``)
    to the success or error topic, in the background.

    ``hold(n)`` keeps every answer back until ``n`` invocations have arrived and then gives them
    last window first: windows that are all in flight at once, finishing in reverse order.
    """

    def __init__(
        self,
        s3: Any,
        sns: Any,
        bucket: str,
        *,
        success_topic: str,
        error_topic: str,
        answer: Callable[[Request], Answer],
        region: str = REGION,
    ) -> None:
        self.s3 = s3
        self.sns = sns
        self.bucket = bucket
        self.success_topic = success_topic
        self.error_topic = error_topic
        self.answer = answer
        self.region = region
        self.requests: list[Request] = []
        #: inference ids in the order their outcome was written.
        self.answered: list[str] = []
        self._held: list[Request] = []
        self._hold_until = 0
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def hold(self, invocations: int) -> None:
        self._hold_until = invocations

    def invoke(self, invocation: AsyncInvocation) -> AsyncResult:
        object_id = uuid.uuid4().hex
        request = Request(
            endpoint=invocation.endpoint_name,
            input_location=invocation.input_location,
            inference_id=invocation.inference_id or object_id,
            custom_attributes=invocation.custom_attributes,
            window=Window.from_attribute(invocation.custom_attributes),
            invocation_timeout_seconds=invocation.invocation_timeout_seconds,
            request_ttl_seconds=invocation.request_ttl_seconds,
            output_location=f"s3://{self.bucket}/{INFERENCE_PREFIX}output/{object_id}.out",
            failure_location=f"s3://{self.bucket}/{INFERENCE_FAILURE_PATH}/{object_id}-error.out",
        )
        with self._lock:
            self.requests.append(request)
            if self._hold_until:
                self._held.append(request)
                batch = (
                    sorted(self._held, key=_window_start, reverse=True) if len(self._held) >= self._hold_until else []
                )
                if batch:
                    self._held.clear()
            else:
                batch = [request]
            if batch:
                thread = threading.Thread(target=self._process, args=(batch,), daemon=True)
                self._threads.append(thread)
                thread.start()
        return AsyncResult(request.inference_id, request.output_location, request.failure_location)

    def _process(self, batch: list[Request]) -> None:
        for request in batch:
            answer = self.answer(request)
            if answer.kind == "never":
                continue
            location = request.output_location if answer.kind == "output" else request.failure_location
            bucket, key = parse_s3_uri(location)
            self.s3.put_object(Bucket=bucket, Key=key, Body=answer.body)
            with self._lock:
                self.answered.append(request.inference_id)
            if answer.notify:
                self.sns.publish(
                    TopicArn=self.success_topic if answer.kind == "output" else self.error_topic,
                    Message=json.dumps(notification(request, answer, region=self.region)),
                )

    def wait(self, timeout: float = 30) -> None:
        """Wait until every answer due so far has been written (and announced)."""
        for thread in list(self._threads):
            thread.join(timeout)

    def patch(self, monkeypatch: Any) -> None:
        patch_moto(monkeypatch, runtime_patches(self.invoke))


def _window_start(request: Request) -> float:
    return 0.0 if request.window is None else request.window.start


def notification(request: Request, answer: Answer, *, region: str = REGION) -> dict[str, Any]:
    """The message SageMaker publishes when an asynchronous inference has ended (no output inline)."""
    completed = answer.kind == "output"
    message: dict[str, Any] = {
        "awsRegion": region,
        "eventTime": "2026-12-07T12:00:00.000Z",
        "receivedTime": "2026-12-07T11:59:00.000Z",
        "invocationStatus": "Completed" if completed else "Failed",
        "requestParameters": {
            "contentType": "audio/mp4",
            "endpointName": request.endpoint,
            "inputLocation": request.input_location,
        },
        "responseParameters": (
            {"contentType": "application/json", "outputLocation": request.output_location}
            if completed
            else {"failureLocation": request.failure_location}
        ),
        "inferenceId": request.inference_id,
        "eventVersion": "1.0",
        "eventSource": "aws:sagemaker",
        "eventName": "InferenceResult",
    }
    if not completed:
        message["failureReason"] = "ClientError: Received client error (400) from model. See the logs."
    return message


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
