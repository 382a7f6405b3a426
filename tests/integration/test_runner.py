"""Runner failure handling: every failure ends in FAILED with a reason, work files removed."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest

from pipeline.local.runner import LocalRunner
from pipeline.local.terminal import Progress
from shared.config import Settings
from shared.errors import TranscriptionError
from shared.jobstore.sqlite import SQLiteJobStore
from shared.models import Segment, Transcript
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


class GatedEngine:
    """Transcribes to a fixed one-segment transcript once ``gate`` opens; counts its calls."""

    name = "gated"

    def __init__(self, gate: threading.Event, started: threading.Event) -> None:
        self.gate, self.started, self.calls = gate, started, 0

    def transcribe(self, audio_path: Path, *, on_progress=None) -> Transcript:
        self.calls += 1
        self.started.set()
        assert self.gate.wait(30)
        return Transcript(
            language="en", duration=2.0, model="gated", segments=(Segment(0, 0.0, 2.0, "All good here."),)
        )


def test_two_runs_of_the_same_file_at_once_transcribe_it_once(home: Path, video: Path) -> None:
    gate, started = threading.Event(), threading.Event()
    first_engine, second_engine = GatedEngine(gate, started), GatedEngine(gate, threading.Event())
    waiting = io.StringIO()
    first = _runner(home, first_engine)
    second = LocalRunner(Settings(home=home), SQLiteJobStore(Settings(home=home).jobs_db),
                         engine_factory=lambda: second_engine, progress=Progress(waiting, live=False))  # fmt: skip
    outcomes: dict[str, object] = {}
    a = threading.Thread(target=lambda: outcomes.setdefault("first", first.run(video)))
    a.start()
    assert started.wait(30)  # the first run is transcribing
    b = threading.Thread(target=lambda: outcomes.setdefault("second", second.run(video)))
    b.start()
    b.join(1.0)
    assert b.is_alive() and "waiting for another" in waiting.getvalue()
    gate.set()
    a.join(30)
    b.join(30)

    assert outcomes["first"].status is JobStatus.COMPLETE and not outcomes["first"].reused  # type: ignore[attr-defined]
    assert outcomes["second"].status is JobStatus.COMPLETE and outcomes["second"].reused  # type: ignore[attr-defined]
    assert (first_engine.calls, second_engine.calls) == (1, 0)


class FixedEngine:
    """Hears the same words, with word times, in any recording."""

    name = "fixed"

    def transcribe(self, audio_path: Path, *, on_progress=None) -> Transcript:
        from tests.support.transcripts import words_of

        text = "My name is Margaret Wilson and I run the budget."
        segment = Segment(id=0, start=0.2, end=2.2, text=" " + text, words=words_of(text, 0.2, 2.2))
        return Transcript(language="en", duration=2.5, segments=(segment,), model="fixed")


def test_a_redacted_recording_that_fails_to_be_written_again_keeps_the_earlier_result(
    home: Path, video: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.outputs import redacted_media
    from shared.config import MediaRedaction

    settings = Settings(home=home, redact_media=MediaRedaction(enabled=True))
    runner = LocalRunner(settings, SQLiteJobStore(settings.jobs_db), engine_factory=FixedEngine)
    first = runner.run(video)
    assert first.status is JobStatus.COMPLETE and first.outputs is not None
    media = Path(first.outputs["media"])
    assert media.name == "redacted.mp4" and media.parent == Path(first.outputs["json"]).parent
    assert 'src="redacted.mp4"' in Path(first.outputs["html"]).read_text(encoding="utf-8")
    before = media.read_bytes()

    monkeypatch.setitem(redacted_media.AUDIO_CODECS, "mp4", "no_such_encoder")  # ffmpeg fails on it
    again = runner.run(video, force=True)
    assert again.status is JobStatus.FAILED and again.previous_result_kept
    assert again.error is not None and again.error["code"] == "MEDIA_REDACTION_FAILED"
    assert "redacted.mp4" in again.error["message"] and "Margaret" not in again.error["message"]
    assert media.read_bytes() == before  # the earlier file, whole; no partial one beside it
    assert sorted(p.name for p in media.parent.iterdir() if "redacted" in p.name) == ["redacted.mp4"]
