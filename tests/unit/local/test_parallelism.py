"""How many inputs ``clearscribe run`` works on at once and how many CPU threads each gets:
``--jobs``, ``CLEARSCRIBE_JOBS``, the default from cores and memory, the thread split."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli.main import build_parser
from pipeline.local import parallelism
from pipeline.local.parallelism import (
    RUNTIME_BYTES,
    UNKNOWN_WEIGHTS_BYTES,
    WEIGHTS_FACTOR,
    available_memory_bytes,
    default_jobs,
    job_memory_bytes,
    jobs_from_env,
    plan_jobs,
    threads_per_job,
)
from shared.config import OFFLINE_MODEL, Settings
from shared.engine_settings import EngineSettings
from shared.errors import ConfigInvalidError
from tests.unit.local.test_cli_errors import one_error_line, run_cli

GiB = 1024**3


def test_the_cores_limit_the_jobs_at_one_thread_each() -> None:
    assert default_jobs(inputs=100, cores=16, available_bytes=None, job_bytes=GiB) == 16
    assert default_jobs(inputs=100, cores=2, available_bytes=64 * GiB, job_bytes=GiB) == 2


def test_threads_asked_per_job_divide_the_cores() -> None:
    assert default_jobs(inputs=100, cores=16, available_bytes=None, job_bytes=GiB, threads_asked=4) == 4
    assert default_jobs(inputs=100, cores=16, available_bytes=None, job_bytes=GiB, threads_asked=3) == 5
    # More threads per job than cores: one job, never none.
    assert default_jobs(inputs=100, cores=2, available_bytes=None, job_bytes=GiB, threads_asked=8) == 1


def test_the_available_memory_limits_the_jobs() -> None:
    assert default_jobs(inputs=100, cores=64, available_bytes=10 * GiB, job_bytes=3 * GiB) == 3
    assert default_jobs(inputs=100, cores=64, available_bytes=GiB // 2, job_bytes=GiB) == 1


def test_no_more_jobs_than_inputs() -> None:
    assert default_jobs(inputs=3, cores=64, available_bytes=None, job_bytes=GiB) == 3
    assert default_jobs(inputs=1, cores=64, available_bytes=None, job_bytes=GiB) == 1


def test_one_job_on_a_gpu() -> None:
    assert default_jobs(inputs=100, cores=64, available_bytes=512 * GiB, job_bytes=GiB, gpu=True) == 1


@pytest.mark.parametrize(
    ("cores", "jobs", "asked", "threads"),
    [(16, 4, 0, 4), (16, 3, 0, 5), (2, 2, 0, 1), (2, 1, 0, 2), (2, 8, 0, 1), (16, 4, 2, 2), (2, 2, 6, 6)],
)
def test_each_job_gets_its_share_of_the_cores_unless_threads_are_asked_for(
    cores: int, jobs: int, asked: int, threads: int
) -> None:
    assert threads_per_job(cores=cores, jobs=jobs, threads_asked=asked) == threads


def test_a_jobs_memory_grows_with_the_models_weights(tmp_path: Path) -> None:
    small, large = tmp_path / "small", tmp_path / "large"
    for folder, size in ((small, 75_000_000), (large, 1_500_000_000)):
        folder.mkdir()
        with (folder / "model.bin").open("wb") as weights:
            weights.truncate(size)  # sparse: no disk used
    assert job_memory_bytes(small) == RUNTIME_BYTES + int(WEIGHTS_FACTOR * 75_000_000)
    assert job_memory_bytes(large) > job_memory_bytes(small)
    # Weights not on this machine (a hub model not yet downloaded) count as the default model's.
    assert (
        job_memory_bytes(None)
        == job_memory_bytes(tmp_path / "missing")
        == (RUNTIME_BYTES + int(WEIGHTS_FACTOR * UNKNOWN_WEIGHTS_BYTES))
    )


def test_the_available_memory_is_read_from_meminfo(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24684544 kB\nMemFree:  1000 kB\nMemAvailable:   22211932 kB\n")
    assert available_memory_bytes(meminfo) == 22211932 * 1024
    meminfo.write_text("MemTotal:       24684544 kB\n")
    assert available_memory_bytes(meminfo) is None
    assert available_memory_bytes(tmp_path / "absent") is None


def test_the_environment_variable_is_checked() -> None:
    assert jobs_from_env({}) is None
    assert jobs_from_env({"CLEARSCRIBE_JOBS": " 3 "}) == 3
    for bad in ("0", "-1", "many"):
        with pytest.raises(ConfigInvalidError, match="CLEARSCRIBE_JOBS"):
            jobs_from_env({"CLEARSCRIBE_JOBS": bad})


def test_the_flag_takes_a_positive_number(capsys: pytest.CaptureFixture[str]) -> None:
    assert build_parser().parse_args(["run", "a.mp4", "--jobs", "4"]).jobs == 4
    assert build_parser().parse_args(["run", "a.mp4", "-j", "2"]).jobs == 2
    assert build_parser().parse_args(["run", "a.mp4"]).jobs is None
    code, _, err = run_cli(capsys, "run", "a.mp4", "--jobs", "0")
    assert code == 2 and "--jobs" in one_error_line(err)


def _machine(monkeypatch: pytest.MonkeyPatch, *, cores: int, available: int | None) -> None:
    monkeypatch.setattr(parallelism, "cpu_cores", lambda: cores)
    monkeypatch.setattr(parallelism, "available_memory_bytes", lambda: available)
    monkeypatch.delenv("CLEARSCRIBE_JOBS", raising=False)


def _settings(tmp_path: Path, threads: int = 0) -> Settings:
    return Settings(home=tmp_path, model=OFFLINE_MODEL, engine=EngineSettings(device="cpu", cpu_threads=threads))


def test_the_plan_for_a_batch_on_this_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _machine(monkeypatch, cores=8, available=64 * GiB)
    assert plan_jobs(None, inputs=20, settings=_settings(tmp_path)) == (8, 1)
    assert plan_jobs(None, inputs=2, settings=_settings(tmp_path)) == (2, 4)
    assert plan_jobs(None, inputs=1, settings=_settings(tmp_path)) == (1, 8)
    assert plan_jobs(None, inputs=20, settings=_settings(tmp_path, threads=2)) == (4, 2)
    # offline-tiny.en: about 570 MB a job, so 2 GiB available hold 3 of them.
    _machine(monkeypatch, cores=8, available=2 * GiB)
    assert plan_jobs(None, inputs=20, settings=_settings(tmp_path)) == (3, 2)


def test_the_flag_then_the_environment_override_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _machine(monkeypatch, cores=8, available=64 * GiB)
    monkeypatch.setenv("CLEARSCRIBE_JOBS", "3")
    assert plan_jobs(None, inputs=20, settings=_settings(tmp_path)) == (3, 2)
    assert plan_jobs(5, inputs=20, settings=_settings(tmp_path)) == (5, 1)
    assert plan_jobs(5, inputs=2, settings=_settings(tmp_path)) == (2, 4)
    assert plan_jobs(1, inputs=20, settings=_settings(tmp_path)) == (1, 8)
