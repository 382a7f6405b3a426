"""The parallel batch's bookkeeping, without workers: results reported in input order whatever
order they finish in, a file named twice held back until its previous turn ends, a worker's store
error ending the batch."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipeline.local.batch import Batch, WorkerConfig
from pipeline.local.jobs import RunOutcome
from postprocess.config import EnrichmentConfig
from shared.config import Settings
from shared.errors import StoreBusyError
from shared.status import JobStatus


def make_batch(tmp_path: Path, names: list[str]) -> tuple[Batch, list[str], io.StringIO]:
    reported: list[str] = []
    progress = io.StringIO()
    config = WorkerConfig(Settings(home=tmp_path), EnrichmentConfig(), tmp_path / "out", False, 1, 30)
    batch = Batch(
        [tmp_path / name for name in names],
        config,
        jobs=2,
        on_outcome=lambda path, outcome: reported.append(f"{path.name} {outcome.status.value}"),
        progress=progress,
    )
    return batch, reported, progress


def outcome(name: str, status: JobStatus = JobStatus.COMPLETE) -> RunOutcome:
    return RunOutcome(job_id=f"job-{name}", status=status, source=name)


def test_results_are_reported_in_input_order_and_told_as_they_finish(tmp_path: Path) -> None:
    batch, reported, progress = make_batch(tmp_path, ["a.mp4", "b.mp4", "c.mp4"])
    assert batch.plan() == [0, 1, 2]
    batch._handle(("started", 0))
    batch._handle(("started", 1))
    batch._handle(("done", 1, outcome("b")))
    assert reported == [], "b waits for a"
    batch._handle(("started", 2))
    batch._handle(("done", 2, outcome("c", JobStatus.FAILED)))
    batch._handle(("done", 0, outcome("a")))
    assert reported == ["a.mp4 COMPLETE", "b.mp4 COMPLETE", "c.mp4 FAILED"]
    ends = [line for line in progress.getvalue().splitlines() if " done)" in line]
    assert [line.split(":")[0] for line in ends] == ["b.mp4", "c.mp4", "a.mp4"]
    assert ends[-1].endswith("(3/3 done)")


def test_a_file_named_again_goes_out_when_its_previous_turn_ends(tmp_path: Path) -> None:
    (tmp_path / "a.mp4").write_bytes(b"x")
    (tmp_path / "link.mp4").symlink_to(tmp_path / "a.mp4")
    batch, reported, _ = make_batch(tmp_path, ["a.mp4", "b.mp4", "a.mp4", "link.mp4"])
    assert batch.plan() == [0, 1], "the second and third turns of a.mp4 wait"
    batch._handle(("started", 0))
    batch._handle(("done", 0, outcome("a")))
    assert list(batch._waiting) == [2], "the second turn goes out, the third waits for it"
    batch._waiting.clear()  # handed to a worker
    batch._handle(("done", 2, outcome("a")))
    assert list(batch._waiting) == [3]
    assert reported == ["a.mp4 COMPLETE"]


def test_a_store_error_in_a_worker_ends_the_batch_with_that_error(tmp_path: Path) -> None:
    batch, _, _ = make_batch(tmp_path, ["a.mp4", "b.mp4"])
    with pytest.raises(StoreBusyError, match="locked"):
        batch._handle(("error", StoreBusyError("jobs.sqlite3: the job store stayed locked")))


def test_after_an_interrupt_every_finished_result_is_reported_in_order(tmp_path: Path) -> None:
    batch, reported, _ = make_batch(tmp_path, ["a.mp4", "b.mp4", "c.mp4"])
    batch._handle(("done", 1, outcome("b")))
    batch._handle(("done", 2, outcome("c")))
    assert reported == []
    batch._report_ready(skip_missing=True)  # a.mp4 was interrupted: no line for it
    assert reported == ["b.mp4 COMPLETE", "c.mp4 COMPLETE"]
