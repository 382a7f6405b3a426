"""Re-enrich an existing transcript file (plain text or Transcript JSON) without transcribing.

Useful after changing the enrichment configuration. The job is recorded like a ``run`` job
(QUEUED → ENRICHING → COMPLETE | FAILED), with an id from the file's content.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.local.runner import RunOutcome, job_id_for_input
from pipeline.outputs.writer import write_outputs
from shared.errors import ClearscribeError, InvalidMediaError, SourceNotFoundError
from shared.jobstore import JobStore
from shared.models import Transcript
from shared.objectstore import LocalDirStore
from shared.status import JobStatus


class InvalidTranscriptError(InvalidMediaError):
    code = "INVALID_TRANSCRIPT"


def read_transcript_file(path: Path) -> Transcript:
    """A Transcript from a Transcript JSON file, or from plain text (one segment per line)."""
    if not path.is_file():
        raise SourceNotFoundError(f"{path}: no such file")
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidTranscriptError(f"{path}: not UTF-8 text") from exc
    if not raw.strip():
        raise InvalidTranscriptError(f"{path}: file is empty")
    if raw.lstrip().startswith("{"):
        try:
            return Transcript.from_dict(json.loads(raw))
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidTranscriptError(f"{path}: not a valid Transcript JSON ({type(exc).__name__})") from exc
    return Transcript.from_plain_text(raw)


def enrich_file(path: Path, *, store: JobStore, out_dir: Path, force: bool = False) -> RunOutcome:
    from postprocess.compose import enrich_transcript, summarize

    path = Path(path)
    source = str(path.absolute())
    job_id = job_id_for_input(path)
    record, created = store.create_job(job_id, source)
    if not created:
        if record.status is JobStatus.COMPLETE and not force:
            return RunOutcome.from_record(record, reused=True)
        store.restart_job(job_id, source)
    try:
        store.transition(job_id, JobStatus.ENRICHING)
        transcript = read_transcript_file(path)
        enriched = enrich_transcript(
            transcript, job_id=job_id, source={"uri": source, "duration_seconds": transcript.duration}
        )
        outputs = write_outputs(enriched, LocalDirStore(out_dir), job_id)
        if not transcript.has_timestamps:
            # Captions without timestamps would be wrong: keep only JSON and text.
            for fmt in ("srt", "vtt"):
                Path(outputs.pop(fmt)).unlink(missing_ok=True)
        record = store.transition(job_id, JobStatus.COMPLETE, outputs=outputs, summary=summarize(enriched))
    except ClearscribeError as exc:
        record = store.transition(job_id, JobStatus.FAILED, error=exc.to_dict())
    except Exception as exc:
        record = store.transition(
            job_id, JobStatus.FAILED, error={"code": "INTERNAL_ERROR", "message": type(exc).__name__}
        )
    return RunOutcome.from_record(record, reused=False)
