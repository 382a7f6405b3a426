"""How the outputs and the command line write times, durations, money and names for people."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import PurePosixPath


def clock(seconds: float, *, hours: bool = False) -> str:
    """``m:ss`` (``h:mm:ss`` with ``hours`` or past an hour)."""
    total = max(0, int(seconds))
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if hours or h else f"{m}:{s:02d}"


def duration_text(seconds: float) -> str:
    """A duration for people: ``42.5 s``, ``3 min 05 s``, ``1 h 02 min``."""
    if seconds < 60:
        return f"{seconds:.1f} s"
    total = round(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h} h {m:02d} min" if h else f"{m} min {s:02d} s"


def usd(amount: float | None) -> str:
    if amount is None:
        return "no price"
    if amount == 0:
        return "$0"
    if amount < 0.0001:
        return "< $0.0001"
    return f"${amount:.4f}" if amount < 1 else f"${amount:,.2f}"


def signed(value: float) -> str:
    return f"{value:+.2f}"


def source_name(uri: str) -> str:
    """The file name of a source (local path or ``s3://`` URI); the whole string if it has none."""
    text = str(uri)
    if text.startswith("s3://"):
        text = text[len("s3://") :]
    name = PurePosixPath(text.replace("\\", "/")).name
    return name or text


def date_text(stamp: str | None) -> str:
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def now_stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
