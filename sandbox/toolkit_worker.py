"""Inside the stand-in inference container: the inference toolkit serving ``code/inference.py``.

Run by :class:`sandbox.sagemaker.InferenceContainer` with the container environment's
interpreter (``sandbox.inference_container.container_python``), isolated (``-I``) and
without network (``python -I -c <runpy launcher> THIS_FILE MODEL_DIR IN_FD OUT_FD``), so it
imports nothing from the project: only the standard library, the container's packages and what
the toolkit loads from the artifact.

What runs is the toolkit's own ``HuggingFaceHandlerService``, as the model server calls it: it is
initialised with a context holding the model directory (it puts ``code/`` first on ``sys.path``,
imports the module ``SAGEMAKER_PROGRAM`` names and calls its ``model_fn``), and each request goes
through its ``handle`` (the content type, accept and custom attributes headers, ``input_fn`` → ``predict_fn`` →
``output_fn``). An exception there is the toolkit's ``PredictionException``, which the model server
answers with HTTP 400 ``{"code": 400, "type": "InternalServerException", "message": …}``.

Requests and answers are JSON lines on their own file descriptors; bodies travel as files. A
request ``{"modules": true}`` answers where every loaded module came from.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, BinaryIO


def _answer(stream: BinaryIO, data: dict[str, Any]) -> None:
    stream.write(json.dumps(data).encode("utf-8") + b"\n")
    stream.flush()


class _Metrics:
    def add_time(self, name: str, value: float, idx: int | None = None, unit: str = "ms") -> None:
        pass


class _Request:
    def __init__(self, headers: dict[str, str]) -> None:
        self._headers = headers

    def get_request_properties(self) -> dict[str, str]:
        return self._headers


class _Context:
    """What the model server hands the handler service: system properties, the request's headers,
    metrics, and where the response's content type goes."""

    def __init__(self, model_dir: str) -> None:
        self.system_properties = {"model_dir": model_dir, "batch_size": 1, "gpu_id": 0}
        self.request_processor = [_Request({})]
        self.metrics = _Metrics()
        self.response_content_type: str | None = None

    def set_response_content_type(self, idx: int, value: str) -> None:
        self.response_content_type = value


def _error_body(message: str) -> str:
    return json.dumps({"code": 400, "type": "InternalServerException", "message": message})


def _module_origins() -> dict[str, str]:
    return {
        name: str(getattr(module, "__file__", None) or "")
        for name, module in list(sys.modules.items())
        if "." not in name and getattr(module, "__file__", None)
    }


def main(argv: list[str]) -> int:
    model_dir, request_fd, response_fd = argv
    requests = os.fdopen(int(request_fd), "rb")
    responses = os.fdopen(int(response_fd), "wb")
    try:
        from sagemaker_huggingface_inference_toolkit.handler_service import HuggingFaceHandlerService

        service = HuggingFaceHandlerService()
        context = _Context(model_dir)
        service.initialize(context)
    except Exception as exc:
        _answer(responses, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    _answer(responses, {"ready": True})
    for line in requests:
        request = json.loads(line)
        if request.get("modules"):
            _answer(responses, {"modules": _module_origins()})
            continue
        headers = {"Content-Type": request.get("content_type") or "application/octet-stream"}
        if request.get("accept"):
            headers["Accept"] = request["accept"]
        if request.get("custom_attributes"):
            # SageMaker hands the invocation's CustomAttributes to the container as this header.
            headers["X-Amzn-SageMaker-Custom-Attributes"] = request["custom_attributes"]
        context.request_processor = [_Request(headers)]
        with open(request["body_path"], "rb") as fh:
            body = fh.read()
        try:
            (response,) = service.handle([{"body": body}], context)
            with open(request["response_path"], "wb") as fh:
                fh.write(response.encode("utf-8") if isinstance(response, str) else bytes(response))
            _answer(responses, {"ok": True, "content_type": context.response_content_type})
        except Exception as exc:  # the toolkit's PredictionException: the model server's HTTP 400
            message = getattr(exc, "message", None) or str(exc)
            with open(request["response_path"], "wb") as fh:
                fh.write(_error_body(str(message)).encode("utf-8"))
            _answer(responses, {"ok": False, "status": 400})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
