"""The local runner: one input file through the whole pipeline, recorded in the job store.

The stages are the same as the cloud workflow's (extract → transcribe → enrich → write); here
they run in-process: ffmpeg for extraction, a local speech engine, the same enrichers.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.asr.engine import SpeechEngine
from pipeline.local.media import extract_audio, probe_media, resolve_ffmpeg
from pipeline.local.terminal import Progress
from pipeline.outputs.writer import write_outputs
from shared.config import Settings
from shared.errors import ClearscribeError, SourceNotFoundError
from shared.ids import job_id_for_file, job_id_for_object
from shared.jobstore import JobRecord, JobStore
from shared.log import get_logger
from shared.objectstore import LocalDirStore
from shared.status import JobStatus

log = get_logger("pipeline.local.runner")


@dataclass
class RunOutcome:
    job_id: str
    status: JobStatus
    source: str
    error: dict[str, str] | None = None
    outputs: dict[str, str] | None = None
    summary: dict[str, Any] | None = None
    reused: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "job_id": self.job_id,
            "status": self.status.value,
            "source": self.source,
            "error": self.error,
            "outputs": self.outputs,
            "summary": self.summary,
            "reused": self.reused,
        }

    @classmethod
    def from_record(cls, rec: JobRecord, *, reused: bool) -> RunOutcome:
        return cls(
            job_id=rec.job_id,
            status=rec.status,
            source=rec.source,
            error=rec.error,
            outputs=rec.outputs,
            summary=rec.summary,
            reused=reused,
        )


@contextmanager
def _exclusive(lock_path: Path, *, on_wait: Callable[[], None]) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``lock_path``, calling ``on_wait`` first if it is taken.
    The lock goes with the process, so a killed run never leaves it held."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: runs are not serialised
        yield
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def job_id_for_input(path: Path) -> str:
    """Content hash for readable files; a path-based id for inputs that cannot be read."""
    try:
        return job_id_for_file(path)
    except OSError:
        return job_id_for_object("local", str(path.absolute()), "unreadable")


class LocalRunner:
    """Runs inputs one after another with one speech engine, loaded on first use."""

    def __init__(
        self,
        settings: Settings,
        store: JobStore,
        *,
        engine_factory: Callable[[], SpeechEngine],
        out_dir: Path | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.out_dir = Path(out_dir) if out_dir else settings.results_dir
        self.progress = progress or Progress(quiet=True)
        self._engine_factory = engine_factory
        self._engine: SpeechEngine | None = None

    @property
    def engine(self) -> SpeechEngine:
        if self._engine is None:
            self._engine = self._engine_factory()
        return self._engine

    def run(self, path: Path, *, force: bool = False) -> RunOutcome:
        path = Path(path)
        job_id = job_id_for_input(path)
        self.progress.start(path.name)

        def waiting() -> None:
            log.info("waiting for another run of the same content", extra={"job_id": job_id})
            self.progress.stage("waiting for another clearscribe run of the same file")

        # Two processes given the same content run it once: the second waits, then reports the result.
        with _exclusive(self.settings.home / "locks" / f"{job_id}.lock", on_wait=waiting):
            return self._run_once(path, job_id, force=force)

    def _run_once(self, path: Path, job_id: str, *, force: bool) -> RunOutcome:
        source = str(path.absolute())
        record, created = self.store.create_job(job_id, source)
        if not created:
            if record.status is JobStatus.COMPLETE and not force and _outputs_present(record):
                return RunOutcome.from_record(record, reused=True)
            # A forced re-run, a failed or interrupted earlier attempt, or missing outputs.
            record = self.store.restart_job(job_id, source)
        try:
            return self._process(path, source, job_id)
        except ClearscribeError as exc:
            return self._fail(job_id, source, exc.to_dict())
        except KeyboardInterrupt:
            self._fail(job_id, source, {"code": "INTERRUPTED", "message": "interrupted by the user"})
            raise
        except Exception as exc:  # every failure ends in a terminal status with a reason
            log.exception("unexpected failure", extra={"job_id": job_id})
            return self._fail(job_id, source, {"code": "INTERNAL_ERROR", "message": f"{type(exc).__name__}"})
        finally:
            self.progress.done()

    def _process(self, path: Path, source: str, job_id: str) -> RunOutcome:
        timings: dict[str, float] = {}
        work = self.settings.work_dir / job_id
        try:
            self._move(job_id, JobStatus.EXTRACTING)
            started = time.perf_counter()
            if not path.exists():
                raise SourceNotFoundError(f"{path}: no such file")
            media = probe_media(
                path, max_bytes=self.settings.max_bytes, max_duration_seconds=self.settings.max_duration_seconds
            )
            wav = work / "audio.wav"
            duration = extract_audio(
                media,
                wav,
                ffmpeg=resolve_ffmpeg(self.settings.ffmpeg),
                timeout_seconds=self.settings.extract_timeout_seconds,
                on_progress=lambda done: self.progress.audio("extracting", done, media.duration_seconds),
            )
            timings["extract_seconds"] = round(time.perf_counter() - started, 3)

            self._move(job_id, JobStatus.TRANSCRIBING)
            started = time.perf_counter()
            engine = self.engine
            transcript = engine.transcribe(
                wav, on_progress=lambda done: self.progress.audio("transcribing", done, duration)
            )
            timings["transcribe_seconds"] = round(time.perf_counter() - started, 3)
        finally:
            shutil.rmtree(work, ignore_errors=True)

        self._move(job_id, JobStatus.ENRICHING)
        started = time.perf_counter()
        from postprocess.compose import enrich_transcript, summarize

        enriched = enrich_transcript(
            transcript,
            job_id=job_id,
            source={"uri": source, "duration_seconds": round(duration, 3)},
            timings=timings,
        )
        outputs = write_outputs(enriched, LocalDirStore(self.out_dir), job_id)
        timings["enrich_seconds"] = round(time.perf_counter() - started, 3)
        summary = summarize(enriched)
        record = self.store.transition(job_id, JobStatus.COMPLETE, outputs=outputs, summary=summary)
        self.progress.stage("complete")
        outcome = RunOutcome.from_record(record, reused=False)
        outcome.timings = timings
        return outcome

    def _move(self, job_id: str, status: JobStatus) -> None:
        self.store.transition(job_id, status)
        self.progress.stage(status.stage)

    def _fail(self, job_id: str, source: str, error: dict[str, str]) -> RunOutcome:
        record = self.store.transition(job_id, JobStatus.FAILED, error=error)
        log.info("job failed", extra={"job_id": job_id, "code": error["code"]})
        return RunOutcome.from_record(record, reused=False)


def _outputs_present(record: JobRecord) -> bool:
    return bool(record.outputs) and all(Path(p).is_file() for p in (record.outputs or {}).values())
