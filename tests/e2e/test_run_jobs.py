"""`clearscribe run --jobs N`: several inputs at once give what a run one after another gives — job
ids, records, outputs, JSON lines in input order, exit status — and an interrupt leaves no job running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli_runs import job_rows, start
from tests.support.scripts import MEETING
from tests.support.speech import make_speech_video

pytestmark = pytest.mark.slow

CLIPS = (
    "Quick status update. The new search page is fast and everyone likes it.",
    "Please call Maria Lopez tomorrow morning about the invoice for the spring campaign.",
    "The garden looks wonderful this summer, and the apple tree carries more fruit than ever.",
)
#: The batch size comes from the options alone, whatever the environment running the tests says.
UNSET_JOBS = {"CLEARSCRIBE_JOBS": ""}
#: Fields of an enriched.json that say when and how fast a job ran, not what it found.
RUN_FIELDS = ("timings", "job_id")


def record_facts(home: Path) -> list[tuple[Any, ...]]:
    """What a job record says about a job, without times and owners."""
    facts = []
    for row in job_rows(home):
        detail = json.loads(row["detail"])
        facts.append((row["job_id"], row["status"], row["source"], row["attempt"], detail.get("error"),
                      detail.get("summary"), sorted(detail.get("outputs") or {})))  # fmt: skip
    return facts


def enriched_without_run_fields(path: str) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k not in RUN_FIELDS}


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("jobs")
    clips = [make_speech_video(text, root / f"clip {n}.mp4") for n, text in enumerate(CLIPS, 1)]
    broken = root / "broken.mp4"
    broken.write_text("not a video")
    # The first clip twice: the same job, processed once whichever worker gets it second.
    return [clips[0], clips[1], broken, clips[2], clips[0]]


def test_a_parallel_batch_gives_what_a_sequential_one_gives(batch: list[Path], tmp_path: Path) -> None:
    runs = {}
    for jobs in ("1", "2"):
        home = tmp_path / f"home-{jobs}"
        proc = start(
            "run", *map(str, batch), "--model", "offline-tiny.en", "--json", "--jobs", jobs, home=home, env=UNSET_JOBS
        )
        out, err = proc.communicate(timeout=900)
        assert "Traceback" not in err
        runs[jobs] = (proc.returncode, [json.loads(line) for line in out.splitlines()], home, err)

    (seq_code, seq_lines, seq_home, _), (par_code, par_lines, par_home, par_err) = runs["1"], runs["2"]
    assert seq_code == par_code == 1, "one input is no video: the batch fails, the others complete"
    assert len(par_lines) == len(seq_lines) == len(batch), "exactly one JSON line per input"
    assert [line["source"] for line in par_lines] == [str(p.absolute()) for p in batch], "in input order"
    assert [line["status"] for line in par_lines] == ["COMPLETE", "COMPLETE", "FAILED", "COMPLETE", "COMPLETE"]
    assert [line["reused"] for line in par_lines] == [False, False, False, False, True]
    for seq, par in zip(seq_lines, par_lines, strict=True):
        assert {k: v for k, v in par.items() if k != "outputs"} == {k: v for k, v in seq.items() if k != "outputs"}
        for fmt, path in (seq["outputs"] or {}).items():
            theirs = par["outputs"][fmt]
            if fmt == "json":
                assert enriched_without_run_fields(theirs) == enriched_without_run_fields(path)
            elif fmt != "html":  # the report shows the stage timings
                assert Path(theirs).read_bytes() == Path(path).read_bytes(), fmt
    assert record_facts(par_home) == record_facts(seq_home)
    assert len(job_rows(par_home)) == 4, "the repeated file is one job"
    assert "2 at a time" in par_err and par_err.count("(5/5 done)") == 1
    for home in (seq_home, par_home):
        assert not any((home / "work").iterdir()) and not any((home / "locks").iterdir())


@pytest.fixture(scope="module")
def long_videos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    # Long enough that both are still being transcribed when the signal arrives.
    root = tmp_path_factory.mktemp("jobs-long")
    text = "\n\n".join([MEETING.spoken] * 3)
    return [make_speech_video(f"Part {n}.\n\n{text}", root / f"long {n}.mp4") for n in (1, 2)]


def wait_for_running(home: Path, proc: subprocess.Popen[str], count: int, timeout: float = 300) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the run ended early: {proc.communicate()}"
        running = [r["job_id"] for r in job_rows(home) if r["status"] == "TRANSCRIBING"]
        if len(running) >= count:
            return running
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} jobs reached TRANSCRIBING")


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_during_a_parallel_batch_leaves_no_job_running(
    long_videos: list[Path], tmp_path: Path, sig: int, status: int
) -> None:
    home = tmp_path / "home"
    inputs = [*map(str, long_videos), *map(str, long_videos)]  # two more waiting their turn
    proc = start("run", *inputs, "--model", "offline-tiny.en", "--json", "--jobs", "2", home=home, env=UNSET_JOBS)
    running = wait_for_running(home, proc, 2)
    assert all((home / "work" / job_id / "audio.wav").exists() for job_id in running)
    proc.send_signal(sig)  # to the batch's own process only: it passes the signal on to its workers
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == status, err
    assert "Traceback" not in err and out == ""
    rows = job_rows(home)
    assert len(rows) == 2
    for row in rows:
        assert row["status"] == "FAILED" and json.loads(row["detail"])["error"]["code"] == "INTERRUPTED"
    assert not any((home / "work").iterdir()), "the extracted audio is removed"
    assert not any((home / "locks").iterdir()), "no worker is left holding a job"


def test_a_worker_killed_mid_job_fails_its_job_and_the_batch_goes_on(
    long_videos: list[Path], batch: list[Path], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    inputs = [str(long_videos[0]), str(batch[0]), str(batch[1])]
    proc = start("run", *inputs, "--model", "offline-tiny.en", "--json", "--jobs", "2", home=home, env=UNSET_JOBS)
    deadline = time.monotonic() + 300
    while not (owners := [r["owner"] for r in job_rows(home) if r["status"] == "TRANSCRIBING" and
                          r["source"] == inputs[0]]):  # fmt: skip
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        time.sleep(0.1)
    worker = int(owners[0].split()[1])
    assert worker != proc.pid, "the job runs in a worker process"
    os.kill(worker, signal.SIGKILL)  # as the out-of-memory killer would
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 1, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["source"] for line in lines] == inputs
    assert [line["status"] for line in lines] == ["FAILED", "COMPLETE", "COMPLETE"]
    assert lines[0]["error"]["code"] == "INTERRUPTED" and str(worker) in lines[0]["error"]["message"]
    assert [r["status"] for r in job_rows(home) if r["source"] == inputs[0]] == ["FAILED"]
    assert not any((home / "work").iterdir()) and not any((home / "locks").iterdir())
