"""Every command, fed random arguments, paths and environment values, answers as documented:
a known exit status, and on failure exactly one line on stderr with no traceback."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli.main import main

# 0 ok, 1 failed, 2 usage; interrupts (130, 143, 129) and a closed pipe (141) are tested with processes.
EXIT_STATUSES = {0, 1, 2}
COMMANDS = ["run", "enrich", "jobs", "show", "transcript", "", "--help", "frobnicate"]
OPTIONS = [
    "--json", "--force", "--quiet", "--limit", "--status", "--format", "--model", "--out",
    "--debug", "--", "-", "--home", "-x", "--limit=-3", "--status=nope", "--format=pdf",
]  # fmt: skip
ENV_NAMES = [
    "CLEARSCRIBE_MAX_DURATION", "CLEARSCRIBE_MAX_BYTES", "CLEARSCRIBE_BEAM_SIZE", "CLEARSCRIBE_CPU_THREADS",
    "CLEARSCRIBE_LOG_LEVEL", "CLEARSCRIBE_MODEL", "CLEARSCRIBE_PII_PLACEHOLDER", "CLEARSCRIBE_PII_SCORE_THRESHOLD",
    "CLEARSCRIBE_PII_ENTITIES", "CLEARSCRIBE_FFMPEG",
]  # fmt: skip
# "clearscribe: CODE: message", "clearscribe run: error: usage …", or "PATH: FAILED job-…: CODE: message"
ERROR_LINE = re.compile(r"^(clearscribe( \w+)?: (error: |[A-Z_]+: )|.*: FAILED job-[0-9a-f]+: [A-Z_]+: )")
FILE_KINDS = ["missing", "dir", "empty", "junk", "text", "json-bad", "json-list", "dashed"]

text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


def _make(root: Path, kind: str, n: int) -> str:
    name = f"-in{n}.mp4" if kind == "dashed" else f"in {n}.mp4"
    path = root / name
    if kind == "dir":
        path.mkdir(exist_ok=True)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "junk":
        path.write_bytes(os.urandom(256))
    elif kind == "text":
        path.write_text("agenda: budget and hiring\n")
    elif kind == "json-bad":
        path.write_text('{"segments": {"a": 1}}')
    elif kind == "json-list":
        path.write_text('["x"]')
    return str(path)


def _json_or_none(line: str) -> object:
    try:
        return json.loads(line)
    except ValueError:
        return None


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    command=st.sampled_from(COMMANDS),
    words=st.lists(st.one_of(st.sampled_from(OPTIONS), text, st.sampled_from(FILE_KINDS)), max_size=6),
    env=st.dictionaries(st.sampled_from(ENV_NAMES), text, max_size=3),
)
def test_any_command_line_gets_a_documented_answer(
    command: str, words: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        args = [command] if command else []
        for n, word in enumerate(words):
            args.append(_make(root, word, n) if word in FILE_KINDS else word)
        args += ["--home", str(root / "home"), "--model", "offline-tiny.en"] if command == "run" else []
        if command not in ("", "--help", "frobnicate") and "--home" not in words:
            args += ["--home", str(root / "home")] if command != "run" else []
        out, err = io.StringIO(), io.StringIO()
        with monkeypatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            patch.chdir(root)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    status = main(args)
                except SystemExit as exc:
                    status = int(exc.code or 0) if not isinstance(exc.code, str) else 2
    assert status in EXIT_STATUSES, (args, env, err.getvalue())
    assert "Traceback" not in err.getvalue(), (args, env, err.getvalue())
    lines = err.getvalue().strip().splitlines()
    failed_records = [
        r for r in map(_json_or_none, out.getvalue().splitlines()) if isinstance(r, dict) and r.get("error")
    ]
    if status != 0 and command != "run" and not failed_records:
        assert len(lines) == 1 and ERROR_LINE.match(lines[0]), (args, env, err.getvalue())
    if status != 0 and command == "run" and not failed_records:
        # a batch reports each failed input on a line of its own (progress lines may come between)
        assert any(ERROR_LINE.match(line) for line in lines), (args, env, err.getvalue())
    for record in failed_records:  # --json: failures are reported in the JSON lines, with a code
        assert re.fullmatch(r"[A-Z_]+", record["error"]["code"]), record
