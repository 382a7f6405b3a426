"""Third-party packages installed for another interpreter and platform than the synthesizing one.

Lambda bundles (Python 3.12, x86_64) and the model artifact's bundled packages (the Hugging Face
DLC's Python 3.12, x86_64) are both installed with ``pip install --target DIR --platform …
--python-version … --implementation cp --only-binary=:all:``: pip picks the wheels built for the
target, whatever interpreter runs the synthesis, and never compiles anything on this machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def pip_install_for_platform(
    target: Path,
    requirements: Sequence[str],
    *,
    python_version: str,
    platform: str | Sequence[str],
    no_deps: bool = False,
) -> None:
    """Install ``requirements`` into ``target`` as wheels for CPython ``python_version`` on ``platform``
    (or any of several platform tags: pip takes the first that has a wheel)."""
    platforms = [platform] if isinstance(platform, str) else list(platform)
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "--no-compile",
        *(arg for tag in platforms for arg in ("--platform", tag)),
        "--implementation",
        "cp",
        "--python-version",
        python_version,
        "--only-binary=:all:",
        *(["--no-deps"] if no_deps else []),
        "--target",
        str(target),
        *requirements,
    ]
    subprocess.run(command, check=True, env={**os.environ, "PIP_NO_INPUT": "1"})


def directory_size(root: Path) -> int:
    """Bytes of the regular files under ``root`` (symlinks not followed)."""
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file() and not path.is_symlink())
