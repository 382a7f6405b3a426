"""The installed ``clearscribe`` command run as a user runs it, and its job records read back from
the SQLite file (for tests that start, stop and interrupt it)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

EXE = Path(sys.executable).with_name("clearscribe")


def start(*args: str, home: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``clearscribe ARGS --home HOME`` started, its output captured as text."""
    return subprocess.Popen(
        [str(EXE), *args, "--home", str(home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def job_rows(home: Path) -> list[dict[str, Any]]:
    """Every job record in ``HOME/jobs.sqlite3``, by job id (none while the store is being created)."""
    if not (home / "jobs.sqlite3").exists():
        return []
    with sqlite3.connect(home / "jobs.sqlite3") as conn:
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute("SELECT * FROM jobs ORDER BY job_id")]
        except sqlite3.OperationalError:  # the store is being created
            return []
