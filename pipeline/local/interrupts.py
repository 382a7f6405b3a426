"""SIGTERM and SIGHUP stop a local run the way Ctrl-C does.

A ``timeout``, a container stop or a closed terminal sends SIGTERM or SIGHUP. Python's default for
them is to die on the spot, which would leave the job in a running status and the extracted raw
audio on disk. Inside ``interrupt_on_termination`` they raise ``Interrupted`` (a
``KeyboardInterrupt``) in the main thread instead, so the same clean-up as for Ctrl-C runs: the
job is recorded as FAILED ``INTERRUPTED`` and its work dir is removed.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """Raised by a termination signal; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(exc: KeyboardInterrupt) -> int:
    """The shell convention: 128 + the signal's number (130 for Ctrl-C)."""
    return 128 + (exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)


@contextmanager
def interrupt_on_termination() -> Iterator[None]:
    def interrupt(signum: int, frame: FrameType | None) -> None:
        # One is enough: a second signal must not cut the clean-up short.
        for sig in SIGNALS:
            signal.signal(sig, signal.SIG_IGN)
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, interrupt) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
