"""Decoding loops in recognised text: Whisper's compression check and runs of one short piece of
text repeated many times in a row (what a read-out number turns into when a decode loops).
Standard library only."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

from pipeline.asr.inference.spans import Span, subtract_spans

#: Whisper's repetition check: gzip-compressed text this many times smaller than itself is a loop.
MAX_COMPRESSION_RATIO = 2.4
#: One piece of text (at most :data:`LOOP_UNIT_CHARS` characters) repeated this many times in a row
#: is a decoding loop. Speech holds shorter runs: a card number read digit by digit
#: ("4-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1") repeats one digit 15 times.
LOOP_REPEATS = 20
LOOP_UNIT_CHARS = 20
_LOOP = re.compile(rf"(.{{1,{LOOP_UNIT_CHARS}}}?)\1{{{LOOP_REPEATS - 1},}}", re.DOTALL)


def compression_ratio(text: str) -> float:
    """Whisper's repetition measure: the text's length over its zlib-compressed length."""
    raw = text.encode("utf-8")
    return len(raw) / len(zlib.compress(raw)) if raw else 0.0


def repetition_loops(text: str) -> list[Span]:
    """Character spans of ``text`` that are a decoding loop: each from the end of a short piece's
    first occurrence to the end of its run of at least :data:`LOOP_REPEATS` repeats."""
    return [(float(m.start() + len(m.group(1))), float(m.end())) for m in _LOOP.finditer(text)]


def outside_loops(text: str, start: int, end: int, loops: Sequence[Span]) -> str:
    """``text[start:end]`` without the characters inside ``loops``."""
    return "".join(text[int(a) : int(b)] for a, b in subtract_spans([(start, end)], loops))
