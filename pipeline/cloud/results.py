"""WriteResults and MarkComplete: compose the enriched transcript, store it, close the job."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.cloud.events import SourceObject
from pipeline.cloud.transcription import load_transcript
from pipeline.outputs.cost import CostSettings, estimate_cloud_cost
from pipeline.outputs.report import ReportFacts
from pipeline.outputs.writer import write_outputs
from postprocess.document import Source
from shared.errors import EnrichmentError
from shared.jobstore import JobStore, advance
from shared.log import get_logger
from shared.objectstore_s3 import S3ObjectStore
from shared.status import JobStatus

log = get_logger("clearscribe.cloud.results")


def results_prefix(job_id: str) -> str:
    """Where a job's outputs go in the output bucket: ``transcripts/<job_id>/``."""
    return f"transcripts/{job_id}/"


def split_findings(findings: Sequence[Mapping[str, Any]], *, s3: Any) -> dict[str, Any]:
    """The three enricher results (``{"enricher", "findings_uri", "summary"}``, any order) as
    ``{"pii", "profanity", "sentiment"}`` findings objects."""
    from postprocess.findings import load_findings

    loaded: dict[str, Any] = {}
    for result in findings:
        name = str(result.get("enricher"))
        if name in loaded:
            raise EnrichmentError(f"two results from the {name} enricher")
        loaded[name] = load_findings(result, s3_client=s3)
    missing = {"pii", "profanity", "sentiment"} - set(loaded)
    if missing:
        raise EnrichmentError(f"missing enricher results: {', '.join(sorted(missing))}")
    return loaded


def write_results(
    job_id: str,
    source: Mapping[str, Any] | SourceObject,
    transcript_uri: str,
    findings: Sequence[Mapping[str, Any]],
    *,
    s3: Any,
    output_bucket: str,
    store: JobStore | None = None,
    cost_settings: CostSettings | None = None,
) -> dict[str, Any]:
    """Compose the enriched transcript from the raw transcript and the three findings, write
    ``enriched.json``, ``transcript.srt``, ``transcript.vtt``, ``transcript.txt`` and
    ``report.html`` under ``s3://<output_bucket>/transcripts/<job_id>/`` and return
    ``{"outputs", "summary"}``.

    With the job ``store``, the transcript's ``timings`` come from the job's stage times
    (extraction, transcription, and enrichment up to now), as in a local run; with
    ``cost_settings`` as well, the report and the summary (``estimated_cost``) carry the job's
    estimated cost."""
    from postprocess.compose import compose_enriched

    src = source if isinstance(source, SourceObject) else SourceObject.from_dict(source)
    transcript = load_transcript(s3, transcript_uri)
    loaded = split_findings(findings, s3=s3)
    enriched = compose_enriched(
        transcript,
        loaded["pii"],
        loaded["profanity"],
        loaded["sentiment"],
        job_id=job_id,
        source=Source(uri=src.uri, duration_seconds=transcript.duration),
        timings=_timings(store, job_id),
    )
    cost = None
    if store is not None and cost_settings is not None:
        cost = estimate_cloud_cost(
            duration_seconds=transcript.duration, timings=enriched.timings, settings=cost_settings
        ).to_dict()
    outputs = write_outputs(
        enriched,
        S3ObjectStore(output_bucket, client=s3),
        results_prefix(job_id),
        report=ReportFacts(status="COMPLETE", cost=cost),
    )
    summary = enriched.summary().model_copy(update={"estimated_cost": cost})
    log.info("results written", extra={"job_id": job_id, "outputs": sorted(outputs)})
    return {"outputs": outputs, "summary": summary.to_dict()}


def cost_settings_from_env(env: Mapping[str, str]) -> CostSettings | None:
    """The cost estimate's settings from the function's environment; None (and a warning in the
    log) when one is not a valid number: a wrong price setting costs the estimate, not the job."""
    try:
        return CostSettings.from_env(env)
    except ValueError as exc:
        log.warning("no cost estimate", extra={"reason": str(exc)})
        return None


def _timings(store: JobStore | None, job_id: str) -> dict[str, float]:
    if store is None:
        return {}
    from shared.jobstore import stage_timings, utc_now

    return stage_timings(store.get_job(job_id), now=utc_now())


def mark_complete(
    job_id: str, outputs: Mapping[str, str], summary: Mapping[str, Any], store: JobStore
) -> dict[str, Any]:
    """Move the job to COMPLETE with its output URIs and summary."""
    record = advance(store, job_id, JobStatus.COMPLETE, outputs=dict(outputs), summary=dict(summary))
    log.info("job complete", extra={"job_id": job_id})
    return {"job_id": job_id, "status": record.status.value}
