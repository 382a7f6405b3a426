"""Lambda functions of the templates, each in a process of its own, invoked by moto.

moto runs Step Functions definitions but not Lambda code (without Docker). Here every
``AWS::Lambda::Function`` the workflow invokes becomes a :class:`LambdaFunction`: a worker
process (:mod:`sandbox.lambda_worker`) started on first use — the cold start — that imports
the module named by the function's ``Handler`` and is kept warm. Its environment is exactly the
template's ``Environment.Variables`` plus what the Lambda runtime adds (region, function name
and memory, credentials, ``TZ``, ``TMPDIR``), the function's code (this checkout, on
``PYTHONPATH``) and the sandbox's endpoints
(``AWS_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_MEDIACONVERT``), which boto3 honours. Nothing of the
sandbox's own environment leaks in. The function's ``Timeout`` is enforced as Lambda does:
the process is stopped and the invocation fails with ``Sandbox.Timedout``.

:func:`sandbox.moto_patches.invoke_patches` routes moto's Lambda invocations to
:meth:`LambdaService.invoke`.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.worker import EXITED, LATE, Worker

PROJECT_ROOT = Path(__file__).resolve().parents[1]
#: Credentials every emulated function gets (moto accepts any).
SANDBOX_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "sandbox",
    "AWS_SECRET_ACCESS_KEY": "sandbox",
    "AWS_SESSION_TOKEN": "sandbox",
}
#: What the Lambda runtime sets besides the function's own variables (values filled per function).
_INHERITED = ("PATH", "LD_LIBRARY_PATH")


def function_name_of(name_or_arn: str) -> str:
    """``arn:aws:lambda:…:function:NAME[:qualifier]`` or ``NAME`` → ``NAME``."""
    return name_or_arn.split(":function:")[-1].split(":")[0]


@dataclass(frozen=True)
class FunctionConfig:
    """What the template says about one function."""

    name: str
    arn: str
    handler: str
    runtime: str
    memory_mb: int
    timeout_seconds: int
    variables: dict[str, str]

    @classmethod
    def from_properties(cls, name: str, arn: str, properties: Mapping[str, Any]) -> FunctionConfig:
        return cls(
            name=name,
            arn=arn,
            handler=str(properties["Handler"]),
            runtime=str(properties.get("Runtime", "")),
            memory_mb=int(properties.get("MemorySize", 128)),
            timeout_seconds=int(properties.get("Timeout", 3)),
            variables={k: str(v) for k, v in (properties.get("Environment") or {}).get("Variables", {}).items()},
        )


class LambdaFunction:
    """One function: a warm worker process, invoked one request at a time."""

    def __init__(
        self, config: FunctionConfig, *, region: str, endpoints: Mapping[str, str], workdir: Path, log_dir: Path
    ) -> None:
        self.config = config
        self.region = region
        self.endpoints = dict(endpoints)
        self.workdir = Path(workdir) / config.name
        #: What the function writes (its CloudWatch log group).
        self.log_path = Path(log_dir) / f"{config.name}.log"
        self.invocations = 0
        self.cold_starts = 0
        self._lock = threading.Lock()
        self._worker: Worker | None = None

    def environment(self) -> dict[str, str]:
        """The process environment: the template's variables, then what Lambda itself sets."""
        c = self.config
        tmp = self.workdir / "tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        env = dict(c.variables)
        env.update({name: os.environ[name] for name in _INHERITED if name in os.environ})
        env.update(
            {
                "AWS_REGION": self.region,
                "AWS_DEFAULT_REGION": self.region,
                "AWS_LAMBDA_FUNCTION_NAME": c.name,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(c.memory_mb),
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{c.name}",
                "AWS_LAMBDA_LOG_STREAM_NAME": f"sandbox/[$LATEST]{uuid.uuid4().hex}",
                "AWS_EXECUTION_ENV": f"AWS_Lambda_{c.runtime}",
                "LAMBDA_TASK_ROOT": str(self.workdir),
                "TZ": ":UTC",
                "LANG": "en_US.UTF-8",
                "TMPDIR": str(tmp),
                # The function's code: this checkout, which its asset is bundled from (after
                # any path the function's own environment names).
                "PYTHONPATH": os.pathsep.join(p for p in (c.variables.get("PYTHONPATH"), str(PROJECT_ROOT)) if p),
                **SANDBOX_CREDENTIALS,
                **self.endpoints,
            }
        )
        return env

    def _start(self) -> None:
        handler = self.config.handler

        def argv(request_fd: int, response_fd: int) -> list[str]:
            return [sys.executable, "-m", "sandbox.lambda_worker", handler, str(request_fd), str(response_fd)]

        self._worker = Worker(argv, env=self.environment(), cwd=self.workdir, log_path=self.log_path)
        self.cold_starts += 1

    def stop(self) -> None:
        with self._lock:
            self._stop()

    def _stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def invoke(self, event: Any) -> tuple[bytes, bool]:
        """Run the handler on ``event``: ``(payload, is_function_error)``."""
        with self._lock:
            self.invocations += 1
            if self._worker is None or not self._worker.alive:
                self._stop()
                self._start()
            assert self._worker is not None
            request_id = str(uuid.uuid4())
            timeout = self.config.timeout_seconds
            deadline = time.time() + timeout
            self._worker.send(
                {"event": event, "request_id": request_id, "deadline": deadline, "function_arn": self.config.arn}
            )
            answer = self._worker.receive(timeout)
            if answer == LATE:
                self._stop()
                return _function_error(
                    "Sandbox.Timedout", f"{request_id} Task timed out after {timeout:.2f} seconds"
                ), True
            if answer == EXITED or not isinstance(answer, dict):
                self._stop()
                return _function_error("Runtime.ExitError", f"RequestId: {request_id} Runtime exited"), True
            if "error" in answer:
                return json.dumps(answer["error"]).encode("utf-8"), True
            return str(answer["payload"]).encode("utf-8"), False


def _function_error(error_type: str, message: str) -> bytes:
    return json.dumps({"errorType": error_type, "errorMessage": message}).encode("utf-8")


class LambdaService:
    """The emulated functions by name; :meth:`invoke` has the signature
    :func:`sandbox.moto_patches.invoke_patches` wants."""

    def __init__(self, functions: Iterable[LambdaFunction]) -> None:
        self.functions = {f.config.name: f for f in functions}

    def invoke(self, function_name: str, body: Any, response_headers: dict[str, str]) -> bytes:
        name = function_name_of(function_name)
        function = self.functions.get(name)
        if function is None:
            from moto.awslambda.exceptions import UnknownFunctionException

            raise UnknownFunctionException(function_name)
        event = json.loads(body) if body else {}
        payload, failed = function.invoke(event)
        if failed:
            response_headers["x-amz-function-error"] = "Unhandled"
        return payload

    def close(self) -> None:
        for function in self.functions.values():
            function.stop()
