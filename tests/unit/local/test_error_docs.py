"""Every error code clearscribe can record or print is in the one table of docs/errors.md."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from pipeline.cloud import failures
from shared import errors

DOC = Path(__file__).resolve().parents[3] / "docs" / "errors.md"


def documented_codes() -> set[str]:
    return set(re.findall(r"^\| `([A-Z_]+)` \|", DOC.read_text("utf-8"), flags=re.MULTILINE))


def test_every_error_class_has_its_code_in_the_table() -> None:
    codes = {
        cls.code for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, errors.ClearscribeError)
    }
    assert codes - documented_codes() == set()


def test_every_workflow_code_and_cli_code_is_in_the_table() -> None:
    workflow = set(failures._STATES_CODES.values())
    assert (workflow | {"AWS_ERROR", "INVALID_TRANSCRIPT"}) - documented_codes() == set()
