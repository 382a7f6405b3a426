"""Structured (JSON) logging.

Never pass transcript text, PII values or file contents to a logger: log ids, counts, sizes,
durations and error codes only. ``get_logger`` gives a logger whose records are one JSON object
per line on stderr.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

#: The name of the handler ``get_logger`` installs (a Lambda runtime replaces it by its own).
DEFAULT_HANDLER_NAME = "clearscribe-json-stderr"
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update({k: v for k, v in vars(record).items() if k not in _RESERVED})
        if record.exc_info and record.exc_info[0] is not None:
            data["exception"] = record.exc_info[0].__name__
        return json.dumps(data, default=str)


def get_logger(name: str) -> logging.Logger:
    """The ``clearscribe.<name>`` logger. Outside Lambda the ``clearscribe`` logger writes JSON
    lines to stderr; in a Lambda function ``pipeline.handlers.runtime`` gives it Powertools'
    handler instead (the request id and job id become keys of every line)."""
    logger = logging.getLogger(name)
    root = logging.getLogger("clearscribe")
    if not root.handlers and not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        handler.set_name(DEFAULT_HANDLER_NAME)
        root.addHandler(handler)
        level = os.environ.get("CLEARSCRIBE_LOG_LEVEL", "").strip().upper()
        root.setLevel(level if level in logging.getLevelNamesMapping() else logging.WARNING)
        root.propagate = False
    if not name.startswith("clearscribe"):
        logger = logging.getLogger(f"clearscribe.{name}")
    return logger
