"""`clearscribe run` as a user breaks it: signals mid-run, a killed process, many runs on one home,
a failing forced re-run, other settings and output dirs for a file already done."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.cli_runs import job_rows, start
from tests.support.scripts import MEETING
from tests.support.speech import make_speech_video

pytestmark = pytest.mark.slow

SHORT = "Quick status update. The new search page is fast and everyone likes it."


def clearscribe(*args: str, home: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = start(*args, home=home, env=env)
    out, err = proc.communicate(timeout=600)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def wait_for_status(home: Path, status: str, proc: subprocess.Popen[str], timeout: float = 300) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the run ended early: {proc.communicate()}"
        for row in job_rows(home):
            if row["status"] == status:
                return str(row["job_id"])
        time.sleep(0.1)
    raise AssertionError(f"no job reached {status}")


@pytest.fixture(scope="module")
def long_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Long enough that transcription is still under way when the signal arrives.
    text = "\n\n".join([MEETING.spoken] * 3)
    return make_speech_video(text, tmp_path_factory.mktemp("faults") / "long meeting.mp4")


@pytest.fixture(scope="module")
def short_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_speech_video(SHORT, tmp_path_factory.mktemp("faults") / "short.mp4")


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129), (signal.SIGINT, 130)])
def test_a_termination_signal_mid_transcription_fails_the_job_and_removes_the_raw_audio(
    long_video: Path, tmp_path: Path, sig: int, status: int
) -> None:
    home = tmp_path / "home"
    proc = start("run", str(long_video), "--model", "offline-tiny.en", home=home)
    job_id = wait_for_status(home, "TRANSCRIBING", proc)
    assert (home / "work" / job_id / "audio.wav").exists()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    assert "Traceback" not in err
    (row,) = job_rows(home)
    assert row["status"] == "FAILED" and json.loads(row["detail"])["error"]["code"] == "INTERRUPTED"
    assert not any((home / "work").iterdir())
    assert not any((home / "locks").iterdir())


def test_after_a_kill_the_next_command_fails_the_stranded_job_and_removes_its_audio(
    long_video: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    proc = start("run", str(long_video), "--model", "offline-tiny.en", home=home)
    job_id = wait_for_status(home, "TRANSCRIBING", proc)
    proc.kill()
    proc.wait(60)
    assert [r["status"] for r in job_rows(home)] == ["TRANSCRIBING"]
    assert (home / "work" / job_id / "audio.wav").exists(), "a killed process cannot clean up"

    listing = clearscribe("jobs", "--json", home=home)
    assert listing.returncode == 0, listing.stderr
    (job,) = json.loads(listing.stdout)
    assert job["status"] == "FAILED" and job["error"]["code"] == "INTERRUPTED"
    assert str(proc.pid) in job["error"]["message"]
    assert not (home / "work" / job_id).exists()


def test_many_runs_on_one_home_at_once_each_transcribe_their_file_once(
    short_video: Path, long_video: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    other = tmp_path / "other.mp4"
    make_speech_video("A different clip about the budget for the spring.", other)
    procs = [
        start("run", str(path), "--model", "offline-tiny.en", "--json", "-q", home=home)
        for path in (short_video, short_video, other, short_video)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        results.append(json.loads(out))
    assert {r["status"] for r in results} == {"COMPLETE"}
    same = [r for r in results if r["source"] == str(short_video)]
    assert len({r["job_id"] for r in same}) == 1
    assert sum(not r["reused"] for r in same) == 1, "the same content is transcribed once"
    assert len(job_rows(home)) == 2
    assert not any((home / "locks").iterdir())


def test_a_failing_forced_rerun_keeps_the_earlier_result(short_video: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = clearscribe("run", str(short_video), "--model", "offline-tiny.en", "--json", home=home)
    assert first.returncode == 0, first.stderr
    done = json.loads(first.stdout)
    broken_ffmpeg = tmp_path / "ffmpeg"
    broken_ffmpeg.write_text("#!/bin/sh\necho 'simulated failure' >&2\nexit 1\n")
    broken_ffmpeg.chmod(0o755)
    again = clearscribe("run", str(short_video), "--model", "offline-tiny.en", "--force", "--ffmpeg",
                        str(broken_ffmpeg), home=home)  # fmt: skip
    assert again.returncode == 1 and "earlier result is kept" in again.stderr
    shown = json.loads(clearscribe("show", done["job_id"], "--json", home=home).stdout)
    assert shown["status"] == "COMPLETE" and shown["outputs"] == done["outputs"]
    assert shown["last_rerun"]["error"]["code"] == "INVALID_MEDIA"
    assert all(Path(p).is_file() for p in shown["outputs"].values())


def test_a_done_file_is_a_new_job_under_other_settings_and_is_copied_to_another_out(
    short_video: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    run = ("run", str(short_video), "--model", "offline-tiny.en", "--json", "-q")
    first = json.loads(clearscribe(*run, home=home).stdout)
    masked = json.loads(clearscribe(*run, home=home, env={"CLEARSCRIBE_PII_PLACEHOLDER": "mask"}).stdout)
    assert masked["job_id"] != first["job_id"] and not masked["reused"]

    elsewhere = tmp_path / "elsewhere"
    copied = json.loads(clearscribe(*run, "--out", str(elsewhere), home=home).stdout)
    assert copied["job_id"] == first["job_id"] and copied["reused"]
    assert {Path(p).parent for p in copied["outputs"].values()} == {(elsewhere / first["job_id"]).resolve()}
    for fmt, path in copied["outputs"].items():
        assert Path(path).read_bytes() == Path(first["outputs"][fmt]).read_bytes()
