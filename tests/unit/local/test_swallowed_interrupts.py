"""An interrupt a library swallows still stops the job at the next stage boundary."""

from __future__ import annotations

import contextlib
import os
import signal

import pytest

from pipeline.local import interrupts
from pipeline.local.jobs import raise_if_interrupted


def test_a_signal_caught_by_a_library_is_raised_again_at_the_next_stage() -> None:
    with interrupts.interrupt_on_signals():
        # A library calling back into Python catches everything, the interrupt too.
        with contextlib.suppress(BaseException):
            os.kill(os.getpid(), signal.SIGTERM)
        with pytest.raises(interrupts.Interrupted) as raised:
            raise_if_interrupted()
    assert raised.value.signum == signal.SIGTERM


def test_without_a_signal_the_stage_goes_on() -> None:
    with interrupts.interrupt_on_signals():
        raise_if_interrupted()
