"""The unit tier: pure Python in one process, seconds in all.

Every unit test (every test under ``tests/unit`` that names no other tier) runs, fixtures
included, with the doors to slow or outside things shut: starting a program (ffmpeg, espeak-ng,
the CLI), opening a network connection, loading a spaCy or speech model, or creating an AWS client
fails the test at once. A test that needs one of those belongs in ``tests/integration`` (real
libraries, moto) or ``tests/e2e`` (the product's entry points, real speech), or says
``@pytest.mark.integration``.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Generator, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any, NoReturn

import numpy.testing  # noqa: F401  (numpy 1 probes the CPU with a program on its first import: do it now)
import pytest


def _refuse(what: str) -> Any:
    def refuse(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError(f"a unit test may not {what}: it belongs in tests/integration or tests/e2e")

    return refuse


@contextmanager
def _doors_shut() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess.Popen, "__init__", _refuse("start a program"))
        patch.setattr(socket.socket, "connect", _refuse("open a network connection"))
        patch.setattr("spacy.load", _refuse("load a spaCy model"))
        patch.setattr("faster_whisper.WhisperModel.__init__", _refuse("load a speech model"))
        patch.setattr("boto3.client", _refuse("create an AWS client"))
        patch.setattr("boto3.session.Session.client", _refuse("create an AWS client"))
        yield


def _is_unit(item: pytest.Item) -> bool:
    return item.get_closest_marker("unit") is not None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    with _doors_shut() if _is_unit(item) else nullcontext():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    with _doors_shut() if _is_unit(item) else nullcontext():
        return (yield)
