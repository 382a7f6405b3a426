"""Errors across the asynchronous endpoint: raised in the container, read back by the workflow.

An error raised to the serving toolkit has a JSON ``str()`` (``{"error", "code", "message"}``):
the toolkit writes it into the async failure object, where :func:`read_failure` turns it back
into the typed error, so a failed job records e.g. ``INVALID_MEDIA`` with a readable message.
It imports only ``shared.errors`` and ``shared.log``: the workflow's Lambdas import it without the engine.
"""

from __future__ import annotations

import json
from typing import Any

from shared.errors import ClearscribeError, TranscriptionError, error_classes
from shared.log import get_logger

log = get_logger("clearscribe.inference")


class InferenceFailure(Exception):
    """Raised to the serving toolkit; ``str()`` is the JSON the async failure object carries."""

    def __init__(self, error: ClearscribeError) -> None:
        self.error = error
        super().__init__(failure_body(error))


def failure_body(error: ClearscribeError) -> str:
    return json.dumps({"error": type(error).__name__, **error.to_dict()})


def reported(error: Exception) -> InferenceFailure:
    """``error`` as the toolkit should see it: typed, logged by code (never by message)."""
    if isinstance(error, InferenceFailure):
        return error
    if not isinstance(error, ClearscribeError):
        error = TranscriptionError(f"inference failed ({type(error).__name__})")
    log.warning("inference request failed", extra={"code": error.code, "error": type(error).__name__})
    return InferenceFailure(error)


def read_failure(body: bytes | str) -> ClearscribeError:
    """The typed error from an async-inference failure object (``inference/failure/…``).

    Accepts this module's own JSON and the model server's wrapper around it
    (``{"code": 400, "type": …, "message": "<our JSON>"}``); anything else becomes a
    ``TranscriptionError`` whose message names the failure without echoing large bodies.
    """
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes | bytearray) else str(body)
    found = _find_failure(text)
    if found is None:
        return TranscriptionError(f"the inference endpoint failed: {text.strip()[:300]}")
    cls = error_classes().get(str(found.get("error")), ClearscribeError)
    error = cls(str(found.get("message") or ""))
    if cls is ClearscribeError and found.get("code"):
        error.code = str(found["code"])
    return error


def _find_failure(text: str, depth: int = 0) -> dict[str, Any] | None:
    if depth > 3:
        return None
    decoder = json.JSONDecoder()
    for index, char in enumerate(text):
        if char != "{":
            continue
        try:
            value, _ = decoder.raw_decode(text, index)
        except ValueError:
            continue
        if isinstance(value, dict):
            if "error" in value and "message" in value:
                return value
            inner = value.get("message")
            if isinstance(inner, str):
                return _find_failure(inner, depth + 1)
    return None
