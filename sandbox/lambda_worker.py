"""Inside one emulated Lambda function: import its handler once, then answer invocations.

Run as ``python -m sandbox.lambda_worker HANDLER REQUEST_FD RESPONSE_FD`` by
:class:`sandbox.lambdas.LambdaFunction`, in a process whose environment is the function's
(template ``Environment`` plus what the Lambda runtime sets). Like the Lambda Python runtime it
imports the handler module at start (the init phase), calls ``handler(event, context)`` once per
request, serializes the result as JSON and reports an exception as a function error
``{"errorType", "errorMessage", "stackTrace"}``. Requests and responses are JSON lines on their
own file descriptors, so whatever the function prints goes to its log, as in CloudWatch, and so
does the error of an invocation the function did not catch.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
import uuid
from typing import Any


def error_document(exc: BaseException, error_type: str | None = None) -> dict[str, Any]:
    """A function error as the Lambda Python runtime reports it: the exception's class name,
    its message and the last frames of its stack trace."""
    return {
        "errorType": error_type or type(exc).__name__,
        "errorMessage": str(exc),
        "stackTrace": traceback.format_exception(exc)[-3:],
    }


class LambdaContext:
    """The ``context`` argument, with the attributes the Lambda Python runtime provides."""

    def __init__(self, request_id: str, deadline: float, invoked_function_arn: str) -> None:
        env = os.environ
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "")
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.aws_request_id = request_id
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.time()) * 1000))


def invoke(handler: Any, request: dict[str, Any]) -> dict[str, Any]:
    """One invocation: ``{"payload": <JSON text>}`` or ``{"error": <function error>}``."""
    context = LambdaContext(
        request.get("request_id") or str(uuid.uuid4()), float(request["deadline"]), request.get("function_arn", "")
    )
    try:
        result = handler(request["event"], context)
    except Exception as exc:
        # The runtime logs what the function did not catch, as in CloudWatch: "[ERROR] Type: message".
        document = error_document(exc)
        print(f"[ERROR] {document['errorType']}: {document['errorMessage']}", file=sys.stderr, flush=True)
        return {"error": document}
    try:
        return {"payload": json.dumps(result)}
    except (TypeError, ValueError) as exc:
        return {"error": error_document(exc, "Runtime.MarshalError")}


def main(argv: list[str]) -> int:
    handler_name, request_fd, response_fd = argv
    requests = os.fdopen(int(request_fd), "rb")
    responses = os.fdopen(int(response_fd), "wb")
    init_error: dict[str, Any] | None = None
    handler: Any = None
    module_name, _, function_name = handler_name.rpartition(".")
    try:
        handler = getattr(importlib.import_module(module_name), function_name)
    except ImportError as exc:
        init_error = error_document(exc, "Runtime.ImportModuleError")
    except AttributeError as exc:
        init_error = error_document(exc, "Runtime.HandlerNotFound")
    except Exception as exc:
        init_error = error_document(exc)
    for line in requests:
        request = json.loads(line)
        if init_error is not None:
            answer: dict[str, Any] = {"error": init_error}
        else:
            answer = invoke(handler, request)
        sys.stdout.flush()
        sys.stderr.flush()
        responses.write(json.dumps(answer).encode("utf-8") + b"\n")
        responses.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
