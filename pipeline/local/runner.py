"""The local runner: one input file through the whole pipeline, recorded in the job store.

The stages are the same as the cloud workflow's (extract → transcribe → enrich → write); here
they run in-process: the engine's decoder for extraction, the endpoint's speech engine (and, when
asked for, its speaker diarization, during TRANSCRIBING), the same enrichers; with ``--redact-media``
the recording's redacted copy is written during ENRICHING, before the transcript's outputs. The
speech model and the enrichers' models load in the background while the first file's audio is
extracted.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from pipeline.asr.engine import SpeechEngine
from pipeline.asr.inference.audio import wav_windows
from pipeline.asr.inference.decoding import WINDOW_SECONDS
from pipeline.asr.inference.diarization import label_speakers
from pipeline.local.identity import local_job_id, output_settings
from pipeline.local.jobs import Attempt, JobResult, LocalJobs, RunOutcome
from pipeline.local.media import extract_audio, probe_media, resolve_ffmpeg
from pipeline.local.paths import check_input_file
from pipeline.local.terminal import Progress
from pipeline.outputs.media_spans import redacted_times
from pipeline.outputs.redacted_media import redacted_media_name, write_redacted_media
from pipeline.outputs.report import ReportFacts
from pipeline.outputs.writer import MEDIA_OUTPUT, write_outputs
from postprocess.compose import enrich_transcript, prepare_enrichers
from postprocess.config import EnrichmentConfig
from postprocess.document import Source
from shared.config import Settings
from shared.jobstore import JobStore
from shared.objectstore import LocalDirStore
from shared.status import JobStatus

T = TypeVar("T")


class Background(Generic[T]):
    """``load()`` run once in a daemon thread; :meth:`result` waits for it and returns its value or
    raises its error (a daemon thread, so an interrupted run does not wait for a model to load)."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(load,), name="clearscribe-load", daemon=True)
        self._thread.start()

    def _run(self, load: Callable[[], T]) -> None:
        try:
            self._value = load()
        except BaseException as exc:  # handed to the caller of result()
            self._error = exc

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self) -> T:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


class LocalRunner:
    """Runs inputs one after another with one speech engine, loaded on first use.

    ``engine_name``, ``enrichment`` and ``settings.speakers`` are part of each job's identity (see
    ``pipeline.local.identity``): the same file with another engine, speaker or PII setting is
    another job.
    """

    def __init__(
        self,
        settings: Settings,
        store: JobStore,
        *,
        engine_factory: Callable[[], SpeechEngine],
        engine_name: str = "faster-whisper",
        enrichment: EnrichmentConfig | None = None,
        out_dir: Path | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.out_dir = Path(out_dir) if out_dir else settings.results_dir
        self.progress = progress or Progress(quiet=True)
        self.enrichment = enrichment or EnrichmentConfig.from_env()
        self.output_settings = output_settings("run", self.enrichment, settings=settings, engine=engine_name)
        self.jobs = LocalJobs(settings.home, store, out_dir=self.out_dir, progress=self.progress)
        self._engine_factory = engine_factory
        self._engine: Background[SpeechEngine] | None = None
        self._enrichers: Background[None] | None = None

    def load_in_background(self) -> None:
        """Start loading the speech model and the enrichers' models, if not started yet."""
        if self._engine is None:
            self._engine = Background(self._engine_factory)
        if self._enrichers is None:
            config = self.enrichment
            self._enrichers = Background(lambda: prepare_enrichers(config))

    @property
    def engine(self) -> SpeechEngine:
        """The speech engine (loaded in the background from the first job on); a model that failed to
        load fails every later job at once with the same error instead of being loaded again."""
        self.load_in_background()
        assert self._engine is not None
        if not self._engine.done:
            self.progress.stage("loading the speech model")
        return self._engine.result()

    def run(self, path: Path, *, force: bool = False) -> RunOutcome:
        path = Path(path)
        job_id = local_job_id(path, self.output_settings)
        return self.jobs.execute(
            job_id, str(path.absolute()), lambda attempt: self._process(path, attempt), force=force, label=path.name
        )

    def _process(self, path: Path, attempt: Attempt) -> JobResult:
        timings: dict[str, float] = {}
        work = self.settings.work_dir / attempt.job_id
        try:
            attempt.move(JobStatus.EXTRACTING)
            started = time.perf_counter()
            check_input_file(path)
            if self.settings.redact_media.enabled:
                redacted_media_name(path)  # a container it cannot write fails now, before any work
            media = probe_media(
                path, max_bytes=self.settings.max_bytes, max_duration_seconds=self.settings.max_duration_seconds
            )
            self.load_in_background()  # while the audio is extracted
            duration = extract_audio(
                media,
                work / "audio.wav",
                ffmpeg=resolve_ffmpeg(self.settings.ffmpeg),
                timeout_seconds=self.settings.extract_timeout_seconds,
                on_progress=lambda done: self.progress.audio("extracting", done, media.duration_seconds),
            )
            timings["extract_seconds"] = round(time.perf_counter() - started, 3)
            engine = self.engine

            attempt.move(JobStatus.TRANSCRIBING)
            started = time.perf_counter()
            transcript = engine.transcribe(
                work / "audio.wav", on_progress=lambda done: self.progress.audio("transcribing", done, duration)
            )
            timings["transcribe_seconds"] = round(time.perf_counter() - started, 3)
            if self.settings.speakers.enabled:
                self.progress.stage("telling the speakers apart")
                started = time.perf_counter()
                transcript = label_speakers(
                    transcript, wav_windows(work / "audio.wav", window_s=WINDOW_SECONDS), self.settings.speakers
                )
                timings["diarize_seconds"] = round(time.perf_counter() - started, 3)
        finally:
            # The extracted audio is raw (it holds the PII): it never outlives the attempt.
            shutil.rmtree(work, ignore_errors=True)

        attempt.move(JobStatus.ENRICHING)
        started = time.perf_counter()
        assert self._enrichers is not None
        self._enrichers.result()
        enriched = enrich_transcript(
            transcript,
            job_id=attempt.job_id,
            source=Source(uri=str(path.absolute()), duration_seconds=round(duration, 3)),
            timings=timings,
            config=self.enrichment,
        )
        enriched = enriched.with_timing("enrich_seconds", time.perf_counter() - started)
        redaction = self.settings.redact_media
        redacted: Path | None = None
        if redaction.enabled:
            self.progress.stage("redacting the recording")
            started = time.perf_counter()
            redacted = write_redacted_media(
                path,
                redacted_times(enriched, profanity=redaction.profanity),
                self.out_dir / attempt.job_id,
                ffmpeg=resolve_ffmpeg(self.settings.ffmpeg),
                fill=redaction.fill,
                timeout_seconds=self.settings.extract_timeout_seconds,
            )
            enriched = enriched.with_timing("redact_media_seconds", time.perf_counter() - started)
        report = ReportFacts(media=redacted.name if redacted else None)
        outputs = write_outputs(enriched, LocalDirStore(self.out_dir), attempt.job_id, report=report)
        if redacted is not None:
            outputs[MEDIA_OUTPUT] = str(redacted)
        return JobResult(outputs=outputs, summary=enriched.summary().to_dict())
