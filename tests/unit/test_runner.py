"""Runner failure handling: every failure ends in FAILED with a reason, work files removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.runner import LocalRunner
from shared.config import Settings
from shared.errors import TranscriptionError
from shared.jobstore.sqlite import SQLiteJobStore
from shared.status import JobStatus
from tests.support.speech import make_speech_video


class ExplodingEngine:
    name = "exploding"

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc
        self.calls = 0

    def transcribe(self, audio_path: Path, *, on_progress=None):
        assert audio_path.is_file()
        self.calls += 1
        raise self.exc


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_speech_video("A short clip for the runner.", tmp_path_factory.mktemp("runner") / "clip.mp4")


def _runner(home: Path, engine: ExplodingEngine) -> LocalRunner:
    settings = Settings(home=home)
    return LocalRunner(settings, SQLiteJobStore(settings.jobs_db), engine_factory=lambda: engine)


def test_an_engine_error_fails_the_job_with_its_code(home: Path, video: Path) -> None:
    runner = _runner(home, ExplodingEngine(TranscriptionError("decoder gave up")))
    outcome = runner.run(video)
    assert outcome.status is JobStatus.FAILED
    assert outcome.error == {"code": "TRANSCRIPTION_FAILED", "message": "decoder gave up"}
    record = runner.store.get_job(outcome.job_id)
    assert list(record.stages) == ["queued", "extracting", "transcribing"]
    assert not any((home / "work").glob("*/*")), "extracted audio must not be left behind"


def test_an_unexpected_error_is_recorded_without_its_text(home: Path, video: Path) -> None:
    outcome = _runner(home, ExplodingEngine(ZeroDivisionError("secret words from the audio"))).run(video)
    assert outcome.error == {"code": "INTERNAL_ERROR", "message": "ZeroDivisionError"}


def test_an_interrupt_marks_the_job_failed_and_propagates(home: Path, video: Path) -> None:
    runner = _runner(home, ExplodingEngine(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        runner.run(video)
    (record,) = runner.store.list_jobs()
    assert record.status is JobStatus.FAILED and record.error["code"] == "INTERRUPTED"


def test_a_failed_job_is_retried_as_a_new_attempt_of_the_same_job(home: Path, video: Path) -> None:
    engine = ExplodingEngine(TranscriptionError("first"))
    runner = _runner(home, engine)
    first = runner.run(video)
    second = runner.run(video)
    assert first.job_id == second.job_id and engine.calls == 2
    assert runner.store.get_job(first.job_id).attempt == 2
