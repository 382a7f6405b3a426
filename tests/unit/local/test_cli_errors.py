"""The CLI under misuse: one line on stderr with a code, a documented exit status, no traceback."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.cli.main import main
from shared.jobstore.sqlite import SQLiteJobStore
from shared.status import JobStatus


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse: usage errors and --help
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _complete_job(home: Path, job_id: str, outputs: dict[str, str]) -> None:
    store = SQLiteJobStore(home / "jobs.sqlite3")
    store.create_job(job_id, "/videos/a.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition(job_id, status)
    summary = {"duration_seconds": 1.0, "words": 1, "pii_counts": {}, "profanity_count": 0,
               "sentiment": {"compound": 0.0, "label": "neutral"}}  # fmt: skip
    store.transition(job_id, JobStatus.COMPLETE, outputs=outputs, summary=summary)


def test_a_corrupt_job_store_is_one_line_naming_the_file_for_every_command(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    (home / "jobs.sqlite3").write_bytes(os.urandom(4096))
    notes = tmp_path / "notes.txt"
    notes.write_text("hello\n")
    for args in (["jobs"], ["show", "job-1"], ["transcript", "job-1"], ["enrich", str(notes)]):
        code, _, err = run_cli(capsys, *args, "--home", str(home))
        line = one_error_line(err)
        assert code == 1 and "STORE_CORRUPT" in line and str(home / "jobs.sqlite3") in line, args


def test_a_bad_environment_value_names_the_variable(
    capsys: pytest.CaptureFixture[str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in (
        ("CLEARSCRIBE_MAX_DURATION", "abc"),
        ("CLEARSCRIBE_BEAM_SIZE", "0"),
        ("CLEARSCRIBE_LOG_LEVEL", "loud"),
        ("CLEARSCRIBE_PII_PLACEHOLDER", "stars"),
        ("CLEARSCRIBE_PII_SCORE_THRESHOLD", "high"),
    ):
        with monkeypatch.context() as env:
            env.setenv(name, value)
            code, _, err = run_cli(capsys, "enrich", str(home / "x.txt"), "--home", str(home))
        line = one_error_line(err)
        assert code == 1 and "CONFIG_INVALID" in line, (name, line)


def test_usage_errors_are_one_line_with_exit_status_2(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    for args in (["jobs", "--limit", "-1"], ["jobs", "--limit", "0"], ["frobnicate"], ["run"], ["show"]):
        code, _, err = run_cli(capsys, *args)
        assert code == 2 and "see clearscribe" in one_error_line(err), args


def test_a_file_named_like_an_option_gets_a_hint(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-x.mp4").write_bytes(b"x")
    monkeypatch.setattr(sys, "argv", ["clearscribe", "run", "-x.mp4"])
    code, _, err = run_cli(capsys, "run", "-x.mp4")
    assert code == 2 and "./-x.mp4" in one_error_line(err)


def test_an_ambiguous_prefix_says_so(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    _complete_job(home, "job-aaa1", {"txt": "/nowhere/a.txt"})
    _complete_job(home, "job-aaa2", {"txt": "/nowhere/b.txt"})
    code, _, err = run_cli(capsys, "show", "job-aaa", "--home", str(home))
    assert code == 1 and "AMBIGUOUS_JOB_ID" in one_error_line(err)
    code, _, err = run_cli(capsys, "show", "job-zzz", "--home", str(home))
    assert code == 1 and "JOB_NOT_FOUND" in one_error_line(err)


def test_a_format_a_job_did_not_produce_or_a_removed_output_is_reported(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    txt = tmp_path / "transcript.txt"
    txt.write_text("hello\n")
    _complete_job(home, "job-text", {"json": str(tmp_path / "gone.json"), "txt": str(txt)})
    code, out, err = run_cli(capsys, "transcript", "job-text", "--format", "srt", "--home", str(home))
    assert code == 1 and "OUTPUT_NOT_AVAILABLE" in one_error_line(err) and "json, txt" in err
    code, out, err = run_cli(capsys, "transcript", "job-text", "--format", "json", "--home", str(home))
    assert code == 1 and "OUTPUT_NOT_AVAILABLE" in one_error_line(err) and "--force" in err
    code, out, err = run_cli(capsys, "transcript", "job-text", "--home", str(home))
    assert code == 0 and out == "hello\n"


def test_enrich_rejects_what_is_not_a_transcript_with_its_own_code(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    cases = {  # the file, and the field the error names
        '{"segments": 5}': "segments: Input should be a valid array",
        '{"segments": [{"start": "soon"}]}': "segments[0].start: Input should be a valid number",
        '{"transcript": {"segments": "oops"}}': "segments: Field required",  # not a COMPLETE job of 0 words
        "[1, 2, 3]": "Input should be an object",
        '{"segments": [': "Invalid JSON",
    }
    for n, (text, named) in enumerate(cases.items()):
        path = tmp_path / f"t{n}.json"
        path.write_text(text)
        code, _, err = run_cli(capsys, "enrich", str(path), "--home", str(home))
        line = one_error_line(err)
        assert code == 1 and "FAILED" in line and "INVALID_TRANSCRIPT" in line and named in line, text
    code, _, err = run_cli(capsys, "enrich", str(tmp_path), "--home", str(home))
    assert code == 1 and "NOT_A_FILE" in one_error_line(err)
    code, _, err = run_cli(capsys, "enrich", str(tmp_path / "missing.txt"), "--home", str(home))
    assert code == 1 and "SOURCE_NOT_FOUND" in one_error_line(err)


def test_a_stored_summary_of_another_shape_names_its_field(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    store = SQLiteJobStore(home / "jobs.sqlite3")
    store.create_job("job-odd", "/videos/a.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition("job-odd", status)
    summary = {"duration_seconds": 1.0, "words": "many", "pii_counts": {}, "profanity_count": 0,
               "sentiment": {"compound": 0.0, "label": "neutral"}}  # fmt: skip
    store.transition("job-odd", JobStatus.COMPLETE, outputs={}, summary=summary)
    code, _, err = run_cli(capsys, "show", "job-odd", "--home", str(home))
    line = one_error_line(err)
    assert code == 1 and "INVALID_TRANSCRIPT" in line and "job job-odd" in line and "words:" in line


def test_an_output_dir_that_cannot_be_written_fails_before_any_work(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello there\n")
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("")
    for out in (a_file, a_file / "below", Path("/proc/clearscribe-out")):
        code, _, err = run_cli(capsys, "enrich", str(notes), "--out", str(out), "--home", str(home))
        line = one_error_line(err)
        assert code == 1 and "OUTPUT_NOT_WRITABLE" in line and str(out) in line, line
    assert not SQLiteJobStore(home / "jobs.sqlite3").list_jobs(), "no job is started for an unusable --out"


def test_an_unknown_model_fails_before_any_file_is_touched(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, _, err = run_cli(capsys, "run", "/no/such/file.mp4", "--model", "nosuchmodel", "--home", str(home))
    assert code == 1 and "MODEL_NOT_FOUND" in one_error_line(err)
    assert not SQLiteJobStore(home / "jobs.sqlite3").list_jobs()


@pytest.mark.integration
def test_a_closed_pipe_ends_the_listing_quietly(home: Path) -> None:
    for n in range(400):
        _complete_job(home, f"job-{n:04d}", {"txt": "/nowhere.txt"})
    exe = Path(sys.executable).with_name("clearscribe")
    shell = f"'{exe}' jobs --home '{home}' | head -3"
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", shell], capture_output=True, text=True, timeout=60)
    assert len(proc.stdout.splitlines()) == 3
    assert proc.stderr == "" and proc.returncode in (0, 141)


def test_show_reports_a_failed_rerun_and_the_result_it_kept(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    store = SQLiteJobStore(home / "jobs.sqlite3")
    _complete_job(home, "job-1", {"txt": "/x.txt"})
    done = store.get_job("job-1")
    store.restart_job("job-1", "/videos/a.mp4")
    store.transition("job-1", JobStatus.FAILED, error={"code": "TRANSCRIPTION_FAILED", "message": "gave up"})
    store.revert_rerun(done, 2, {"code": "TRANSCRIPTION_FAILED", "message": "gave up"})
    code, out, _ = run_cli(capsys, "show", "job-1", "--home", str(home))
    assert code == 0 and "status:  COMPLETE" in out and "attempt 2 FAILED" in out
    code, out, _ = run_cli(capsys, "show", "job-1", "--json", "--home", str(home))
    assert json.loads(out)["last_rerun"]["error"]["code"] == "TRANSCRIPTION_FAILED"


def test_an_unexpected_error_is_one_line_and_debug_shows_the_traceback(
    capsys: pytest.CaptureFixture[str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(SQLiteJobStore, "list_jobs", explode)
    code, _, err = run_cli(capsys, "jobs", "--home", str(home))
    assert code == 1 and "INTERNAL_ERROR: ZeroDivisionError" in one_error_line(err) and "--debug" in err
    code, _, err = run_cli(capsys, "jobs", "--home", str(home), "--debug")
    assert code == 1 and "Traceback" in err and "ZeroDivisionError" in err


def test_a_store_locked_by_another_program_is_not_a_traceback(
    capsys: pytest.CaptureFixture[str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shared.jobstore.sqlite as sqlite_store

    SQLiteJobStore(home / "jobs.sqlite3")
    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_SECONDS", 0.2)
    blocker = sqlite3.connect(home / "jobs.sqlite3", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        notes = home / "notes.txt"
        notes.write_text("hi\n")
        code, _, err = run_cli(capsys, "enrich", str(notes), "--home", str(home))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert code == 1 and "STORE_BUSY" in one_error_line(err)


@pytest.mark.integration
def test_an_input_this_user_may_not_read_is_permission_denied(tmp_path_factory: pytest.TempPathFactory) -> None:
    # root reads everything: as root, run the command as the unprivileged user "nobody".
    shared_dir = Path(tempfile.mkdtemp(prefix="clearscribe-perm-"))
    try:
        shared_dir.chmod(0o777)
        secret = shared_dir / "secret.mp4"
        secret.write_bytes(b"\x00" * 64)
        secret.chmod(0o000)
        home = shared_dir / "home"
        exe = Path(sys.executable).with_name("clearscribe")
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []
        for command in (["run", str(secret), "--model", "offline-tiny.en"], ["enrich", str(secret)]):
            proc = subprocess.run(
                [*as_user, str(exe), *command, "--home", str(home), "-q"] if command[0] == "run"
                else [*as_user, str(exe), *command, "--home", str(home)],
                capture_output=True, text=True, timeout=120,
            )  # fmt: skip
            assert proc.returncode == 1, proc.stderr
            assert "PERMISSION_DENIED" in one_error_line(proc.stderr)
    finally:
        shutil.rmtree(shared_dir, ignore_errors=True)
