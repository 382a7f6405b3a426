"""The local runner: one input file through the whole pipeline, recorded in the job store.

The stages are the same as the cloud workflow's (extract → transcribe → enrich → write); here
they run in-process: ffmpeg for extraction, a local speech engine (and, when asked for, the
endpoint's speaker diarization, during TRANSCRIBING), the same enrichers.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.asr.engine import SpeechEngine
from pipeline.asr.inference.audio import stream_audio
from pipeline.asr.inference.decoding import WINDOW_SECONDS
from pipeline.asr.inference.diarization import label_speakers
from pipeline.local.identity import local_job_id, output_settings
from pipeline.local.jobs import Attempt, JobResult, LocalJobs, RunOutcome
from pipeline.local.media import extract_audio, probe_media, resolve_ffmpeg
from pipeline.local.paths import check_input_file
from pipeline.local.terminal import Progress
from pipeline.outputs.writer import write_outputs
from postprocess.compose import enrich_transcript, summarize
from postprocess.config import EnrichmentConfig
from shared.config import Settings
from shared.errors import ClearscribeError
from shared.jobstore import JobStore
from shared.objectstore import LocalDirStore
from shared.status import JobStatus


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
        self._engine: SpeechEngine | ClearscribeError | None = None

    @property
    def engine(self) -> SpeechEngine:
        """The speech engine, loaded on first use; a model that failed to load fails every later job
        at once with the same error instead of being loaded again."""
        if isinstance(self._engine, ClearscribeError):
            raise self._engine
        if self._engine is None:
            self.progress.stage("loading the speech model")
            try:
                self._engine = self._engine_factory()
            except ClearscribeError as exc:
                self._engine = exc
                raise
        return self._engine

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
            media = probe_media(
                path, max_bytes=self.settings.max_bytes, max_duration_seconds=self.settings.max_duration_seconds
            )
            engine = self.engine  # a model that cannot load fails the job before the audio is extracted
            duration = extract_audio(
                media,
                work / "audio.wav",
                ffmpeg=resolve_ffmpeg(self.settings.ffmpeg),
                timeout_seconds=self.settings.extract_timeout_seconds,
                on_progress=lambda done: self.progress.audio("extracting", done, media.duration_seconds),
            )
            timings["extract_seconds"] = round(time.perf_counter() - started, 3)

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
                    transcript, stream_audio(work / "audio.wav", window_s=WINDOW_SECONDS), self.settings.speakers
                )
                timings["diarize_seconds"] = round(time.perf_counter() - started, 3)
        finally:
            # The extracted audio is raw (it holds the PII): it never outlives the attempt.
            shutil.rmtree(work, ignore_errors=True)

        attempt.move(JobStatus.ENRICHING)
        started = time.perf_counter()
        enriched = enrich_transcript(
            transcript,
            job_id=attempt.job_id,
            source={"uri": str(path.absolute()), "duration_seconds": round(duration, 3)},
            timings=timings,
            config=self.enrichment,
        )
        enriched["timings"]["enrich_seconds"] = round(time.perf_counter() - started, 3)
        outputs = write_outputs(enriched, LocalDirStore(self.out_dir), attempt.job_id)
        return JobResult(outputs=outputs, summary=summarize(enriched))
