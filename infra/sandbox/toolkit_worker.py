"""Inside the stand-in inference container: the toolkit's handling of ``code/inference.py``.

Run by :class:`infra.sandbox.sagemaker.InferenceContainer` with no site packages and no network
(``python -I -S -c <runpy launcher> THIS_FILE CODE_DIR SITE_DIR MODEL_DIR PROGRAM IN_FD OUT_FD``),
so it imports nothing from the project: only the standard library, the artifact's ``code/`` and
the container's packages (``SITE_DIR``).

As the SageMaker Hugging Face inference toolkit does, it inserts ``code/`` at the front of
``sys.path``, imports the module ``SAGEMAKER_PROGRAM`` names (``inference.py`` → ``inference``),
calls ``model_fn(model_dir)`` once, and for each request calls ``input_fn(body, content_type)``,
``predict_fn(data, model)`` and ``output_fn(prediction, accept)`` — a request body of a UTF-8
content type is decoded first, a missing or ``*/*`` accept means JSON. An exception in any of them
is the model server's HTTP 400 answer, ``{"code": 400, "type": "InternalServerException",
"message": str(exception)}``.

Requests and answers are JSON lines on their own file descriptors; bodies travel as files.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any, BinaryIO

UTF8_TYPES = ("application/json", "text/csv", "text/plain")
JSON = "application/json"
HANDLERS = ("model_fn", "input_fn", "predict_fn", "output_fn")


def _answer(stream: BinaryIO, data: dict[str, Any]) -> None:
    stream.write(json.dumps(data).encode("utf-8") + b"\n")
    stream.flush()


def _error_body(exc: Exception) -> str:
    return json.dumps({"code": 400, "type": "InternalServerException", "message": str(exc)})


def main(argv: list[str]) -> int:
    code_dir, site_dir, model_dir, program, request_fd, response_fd = argv
    requests = os.fdopen(int(request_fd), "rb")
    responses = os.fdopen(int(response_fd), "wb")
    sys.path.append(site_dir)
    sys.path.insert(0, code_dir)
    try:
        module = importlib.import_module(program[:-3] if program.endswith(".py") else program)
        missing = [name for name in HANDLERS if not callable(getattr(module, name, None))]
        if missing:
            raise RuntimeError(
                f"{program} defines no {', '.join(missing)}: the toolkit's default handlers are not emulated"
            )
        model = module.model_fn(model_dir)
    except Exception as exc:
        _answer(responses, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    _answer(responses, {"ready": True})
    for line in requests:
        request = json.loads(line)
        content_type = request.get("content_type") or "application/octet-stream"
        accept = request.get("accept")
        if not accept or accept == "*/*":
            accept = JSON
        try:
            with open(request["body_path"], "rb") as fh:
                raw = fh.read()
            body: bytes | str = raw.decode("utf-8") if content_type.split(";")[0].strip() in UTF8_TYPES else raw
            data = module.input_fn(body, content_type)
            prediction = module.predict_fn(data, model)
            response = module.output_fn(prediction, accept)
            with open(request["response_path"], "wb") as fh:
                fh.write(response.encode("utf-8") if isinstance(response, str) else bytes(response))
            _answer(responses, {"ok": True, "content_type": accept})
        except Exception as exc:
            with open(request["response_path"], "wb") as fh:
                fh.write(_error_body(exc).encode("utf-8"))
            _answer(responses, {"ok": False, "status": 400})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
