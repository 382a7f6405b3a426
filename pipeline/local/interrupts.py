"""Ctrl-C, SIGTERM and SIGHUP stop a local run cleanly.

A ``timeout``, a container stop or a closed terminal sends SIGTERM or SIGHUP. Python's default for
them is to die on the spot, which would leave the job in a running status and the extracted raw
audio on disk. Inside ``interrupt_on_signals`` all three raise ``Interrupted`` (a
``KeyboardInterrupt``) in the main thread instead, so the same clean-up runs for each: the job is
recorded as FAILED ``INTERRUPTED`` and its work dir is removed.

A signal can arrive while native code (the speech decoder, a media library) is running a Python
callback; the library may then turn the exception into one of its own errors. ``pending`` tells
the job runner that such an error is really the interrupt.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_pending: int | None = None


class Interrupted(KeyboardInterrupt):
    """Raised by an interrupting signal; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def pending() -> int | None:
    """The signal that interrupted this process, if one did."""
    return _pending


def exit_status(exc: KeyboardInterrupt) -> int:
    """The shell convention: 128 + the signal's number (130 for Ctrl-C)."""
    return 128 + (exc.signum if isinstance(exc, Interrupted) else signal.SIGINT)


@contextmanager
def interrupt_on_signals() -> Iterator[None]:
    global _pending

    def interrupt(signum: int, frame: FrameType | None) -> None:
        global _pending
        if _pending is not None:
            return  # one is enough: a second signal must not cut the clean-up short
        _pending = signum
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, interrupt) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _pending = None
