"""Progress reporting on stderr: a live line on a terminal, plain lines otherwise, or nothing."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Reports stage changes and the share of audio done for one input at a time."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.live = self.stream.isatty() if live is None else live
        self._label = ""
        self._last_share = -1.0
        self._last_draw = 0.0
        self._open_line = False

    def start(self, label: str) -> None:
        self._label = label

    def stage(self, name: str) -> None:
        self._last_share = -1.0
        self._write(f"{self._label}: {name}", final=not self.live)

    def audio(self, stage: str, done: float, total: float) -> None:
        if self.quiet or total <= 0:
            return
        share = min(1.0, done / total)
        if self.live:
            now = time.monotonic()
            if now - self._last_draw < 0.2 and share < 1.0:
                return
            self._last_draw = now
            self._write(f"{self._label}: {stage} {share:4.0%} ({_clock(done)} / {_clock(total)})", final=False)
        elif share - self._last_share >= 0.1 or (share >= 1.0 > self._last_share):
            self._last_share = share
            self._write(f"{self._label}: {stage} {share:.0%} ({_clock(done)} / {_clock(total)})", final=True)

    def done(self) -> None:
        if self._open_line and not self.quiet:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._open_line = False

    def _write(self, text: str, *, final: bool) -> None:
        if self.quiet:
            return
        if self.live:
            self.stream.write("\r\033[K" + text)
            self._open_line = True
            if final:
                self.stream.write("\n")
                self._open_line = False
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
