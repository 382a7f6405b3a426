"""The sandbox as a developer runs it from a checkout (``python -m sandbox``): its JSON lines, its
exit status and what it leaves in ``--out``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

#: ``python -m sandbox`` from the checkout's root, where a developer runs it.
ROOT = Path(__file__).resolve().parents[2]
EXE = [sys.executable, "-m", "sandbox"]
REPORT_KEYS = {"input", "key", "job_id", "status", "error", "execution_arn", "stages", "outputs", "reason"}


def test_a_missing_input_is_a_usage_error_before_anything_starts(tmp_path: Path) -> None:
    proc = subprocess.run(
        [*EXE, str(tmp_path / "absent.mp4"), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "absent.mp4" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_one_json_line_per_input_and_a_failing_exit_status(sandbox_assembly: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    document = tmp_path / "notes.txt"
    document.write_text("not a recording\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [*EXE, str(empty), str(document), "--assembly", str(sandbox_assembly), "--out", str(out), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [line["input"] for line in lines] == [str(empty), str(document)]
    assert all(set(line) == REPORT_KEYS for line in lines)
    failed, ignored = lines
    assert failed["status"] == "FAILED" and failed["error"]["code"] == "EMPTY_FILE" and failed["execution_arn"]
    assert ignored["status"] == "IGNORED" and ignored["error"] is None and ignored["execution_arn"] is None
    assert "still running" not in proc.stderr
    # The functions' logs are kept: RegisterJob's shows why it refused the empty upload.
    (register_log,) = (out / "logs").glob("RegisterJob*.log")
    assert failed["error"]["message"] in register_log.read_text(encoding="utf-8")
