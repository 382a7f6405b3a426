"""Checks on the paths a local run reads and writes, made before any work starts."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from shared.errors import NotAFileError, OutputNotWritableError, PermissionDeniedError, SourceNotFoundError


def check_input_file(path: Path) -> None:
    """``path`` is an existing regular file this user may read."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise SourceNotFoundError(f"{path}: no such file") from None
    except NotADirectoryError:
        raise SourceNotFoundError(f"{path}: no such file (a part of the path is not a directory)") from None
    except PermissionError:
        raise PermissionDeniedError(f"{path}: permission denied (a directory on the path cannot be searched)") from None
    except OSError as exc:
        raise SourceNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        raise NotAFileError(f"{path}: is a directory, not a file")
    if not stat.S_ISREG(mode):
        raise NotAFileError(f"{path}: not a regular file (a device, pipe or socket)")
    try:
        with path.open("rb"):
            pass
    except PermissionError:
        raise PermissionDeniedError(f"{path}: permission denied (this user may not read it)") from None
    except OSError as exc:
        raise SourceNotFoundError(f"{path}: cannot be read ({exc.strerror})") from None


def ensure_writable_dir(path: Path, *, what: str = "output dir") -> Path:
    """Create ``path`` if needed and prove a file can be written in it; returns it."""
    path = Path(path).expanduser()
    try:
        if path.exists() and not path.is_dir():
            raise OutputNotWritableError(f"{path}: the {what} is a file, not a directory")
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".write-check-")
        os.close(fd)
        os.unlink(probe)
    except OutputNotWritableError:
        raise
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise OutputNotWritableError(f"{path}: the {what} cannot be written ({reason})") from None
    return path
