"""Re-enrich an existing transcript file (plain text or Transcript JSON) without transcribing.

Useful after changing the enrichment configuration. The job is recorded like a ``run`` job
(QUEUED → ENRICHING → COMPLETE | FAILED), with an id from the file's content and the enrichment
settings; it never shares an id with a ``run`` of the same file.
"""

from __future__ import annotations

import time
from pathlib import Path

from pipeline.local.identity import local_job_id, output_settings
from pipeline.local.jobs import Attempt, JobResult, LocalJobs, RunOutcome
from pipeline.local.paths import check_input_file
from pipeline.local.terminal import Progress
from pipeline.outputs.writer import write_outputs
from postprocess.compose import enrich_transcript
from postprocess.config import EnrichmentConfig
from postprocess.document import Source
from shared.errors import InvalidTranscriptError
from shared.jobstore import JobStore
from shared.models import Transcript
from shared.objectstore import LocalDirStore
from shared.status import JobStatus
from shared.transcript_json import parse_transcript_json


def read_transcript_file(path: Path) -> Transcript:
    """A Transcript from a Transcript JSON file, or from plain text (one segment per line);
    ``InvalidTranscriptError`` naming the wrong field for JSON of another shape."""
    check_input_file(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidTranscriptError(f"{path}: not UTF-8 text") from None
    if not raw.strip():
        raise InvalidTranscriptError(f"{path}: file is empty")
    if not raw.lstrip().startswith(("{", "[")):
        return Transcript.from_plain_text(raw)
    return parse_transcript_json(raw, where=str(path))


def enrich_file(
    path: Path,
    *,
    store: JobStore,
    home: Path,
    out_dir: Path,
    force: bool = False,
    enrichment: EnrichmentConfig | None = None,
    progress: Progress | None = None,
) -> RunOutcome:
    path = Path(path)
    config = enrichment or EnrichmentConfig.from_env()
    job_id = local_job_id(path, output_settings("enrich", config))
    jobs = LocalJobs(home, store, out_dir=out_dir, progress=progress or Progress(quiet=True))

    def work(attempt: Attempt) -> JobResult:
        attempt.move(JobStatus.ENRICHING)
        started = time.perf_counter()
        transcript = read_transcript_file(path)
        enriched = enrich_transcript(
            transcript,
            job_id=job_id,
            source=Source(uri=str(path.absolute()), duration_seconds=transcript.duration),
            config=config,
        )
        enriched = enriched.with_timing("enrich_seconds", time.perf_counter() - started)
        # Captions without timestamps would be wrong: only JSON and text then.
        formats = None if transcript.has_timestamps else ("json", "txt", "html")
        outputs = write_outputs(enriched, LocalDirStore(out_dir), job_id, formats=formats)
        return JobResult(outputs=outputs, summary=enriched.summary().to_dict())

    return jobs.execute(job_id, str(path.absolute()), work, force=force, label=path.name)
