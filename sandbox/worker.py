"""A child process that answers JSON-line requests on pipes of its own.

The emulated Lambda functions and the inference container each run their code in such a
process: requests go down one pipe and answers come back up another (file descriptors handed to
the child), so whatever the code prints goes to its log file, as to CloudWatch.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

#: What a worker said: its answer, ``EXITED`` (it died) or ``LATE`` (the deadline passed first).
EXITED = "exited"
LATE = "late"


class Worker:
    """One child process: ``argv(request_fd, response_fd)`` is its command line."""

    def __init__(
        self, argv: Callable[[int, int], list[str]], *, env: Mapping[str, str], cwd: Path, log_path: Path
    ) -> None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        try:
            with log_path.open("ab") as log:
                self.process = subprocess.Popen(
                    argv(to_child, from_child),
                    env=dict(env),
                    cwd=cwd,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    pass_fds=(to_child, from_child),
                )
        except BaseException:
            for fd in (from_parent, to_parent):
                os.close(fd)
            raise
        finally:
            os.close(to_child)
            os.close(from_child)
        self._requests = os.fdopen(from_parent, "wb")
        self._responses = os.fdopen(to_parent, "rb")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, message: Mapping[str, Any]) -> None:
        """Write one request (a worker that has died is found out by :meth:`receive`)."""
        with contextlib.suppress(BrokenPipeError):
            self._requests.write(json.dumps(message).encode("utf-8") + b"\n")
            self._requests.flush()

    def receive(self, timeout: float) -> dict[str, Any] | str:
        """The next answer, or ``EXITED`` / ``LATE`` if the worker died or ``timeout`` seconds passed."""
        deadline = time.monotonic() + timeout
        fd = self._responses.fileno()
        buffer = b""
        while not buffer.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return LATE
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                return EXITED
            buffer += chunk
        answer: dict[str, Any] = json.loads(buffer)
        return answer

    def stop(self) -> None:
        """Close the pipes and kill the process (if it still runs), and reap it."""
        for stream in (self._requests, self._responses):
            with contextlib.suppress(OSError):
                stream.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
