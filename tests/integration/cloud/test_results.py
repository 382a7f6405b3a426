"""WriteResults and MarkComplete with real findings documents in moto S3."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pipeline.cloud.results import cost_settings_from_env, mark_complete, write_results
from postprocess.findings import findings_to_json
from postprocess.pii import find_pii
from postprocess.profanity import find_profanity
from postprocess.sentiment import score_sentiment
from shared.errors import EnrichmentError, InvalidTransitionError
from shared.jobstore import JobRecord, stage_timings
from shared.jobstore.dynamodb import DynamoDBJobStore
from shared.models import Segment, Transcript
from shared.status import JobStatus
from tests.integration.cloud.conftest import INPUT_BUCKET, OUTPUT_BUCKET, WORKING_BUCKET

NAME = "Bartholomew Quinteros"
TRANSCRIPT = Transcript(
    language="en",
    duration=6.0,
    segments=(
        Segment(0, 0.0, 3.0, f"Hello, I am {NAME} and this damn projector is broken."),
        Segment(1, 3.0, 6.0, "Otherwise it was a lovely, productive session."),
    ),
    model="distil-large-v3",
    engine="faster-whisper",
)
SOURCE = {
    "bucket": INPUT_BUCKET,
    "key": "uploads/x y.mp4",
    "version": "v1",
    "uri": f"s3://{INPUT_BUCKET}/uploads/x y.mp4",
}


@pytest.fixture
def stored(s3: Any) -> tuple[str, list[dict[str, Any]]]:
    transcript_uri = f"s3://{WORKING_BUCKET}/inference/output/job-1.out"
    s3.put_object(Bucket=WORKING_BUCKET, Key="inference/output/job-1.out", Body=TRANSCRIPT.to_json().encode())
    results = []
    for findings in (find_pii(TRANSCRIPT), find_profanity(TRANSCRIPT), score_sentiment(TRANSCRIPT)):
        name = findings.to_dict()["enricher"]
        key = f"findings/job-1/{name}.json"
        s3.put_object(Bucket=WORKING_BUCKET, Key=key, Body=findings_to_json(findings))
        results.append({"enricher": name, "findings_uri": f"s3://{WORKING_BUCKET}/{key}", "summary": {}})
    return transcript_uri, results


def test_write_results_stores_five_clean_files_and_a_summary(s3: Any, stored: tuple[str, list[Any]]) -> None:
    transcript_uri, findings = stored
    result = write_results(
        "job-1", SOURCE, transcript_uri, list(reversed(findings)), s3=s3, output_bucket=OUTPUT_BUCKET
    )
    prefix = f"s3://{OUTPUT_BUCKET}/transcripts/job-1/"
    assert result["outputs"] == {
        "json": prefix + "enriched.json",
        "srt": prefix + "transcript.srt",
        "vtt": prefix + "transcript.vtt",
        "txt": prefix + "transcript.txt",
        "html": prefix + "report.html",
    }
    bodies = {}
    for fmt, uri in result["outputs"].items():
        key = uri.removeprefix(f"s3://{OUTPUT_BUCKET}/")
        bodies[fmt] = s3.get_object(Bucket=OUTPUT_BUCKET, Key=key)["Body"].read().decode()
        assert NAME not in bodies[fmt] and "damn" not in bodies[fmt]
    enriched = json.loads(bodies["json"])
    assert enriched["job_id"] == "job-1"
    assert enriched["source"] == {"uri": SOURCE["uri"], "duration_seconds": 6.0}
    assert result["summary"]["profanity_count"] == enriched["profanity"]["count"] == 1
    assert result["summary"]["pii_counts"] == enriched["pii"]["counts"]
    assert "-->" in bodies["srt"] and bodies["vtt"].startswith("WEBVTT")
    assert bodies["html"].startswith("<!DOCTYPE html>") and "x y.mp4" in bodies["html"]
    head = s3.head_object(Bucket=OUTPUT_BUCKET, Key="transcripts/job-1/report.html")
    assert head["ContentType"] == "text/html; charset=utf-8"  # a presigned URL opens it as a page
    assert "estimated_cost" not in result["summary"]  # no stage timings, no estimate
    assert len(json.dumps(result)) < 2048  # small enough for the state


COST_ENV = {
    "AWS_REGION": "us-east-1",
    "ENDPOINT_INSTANCE_TYPE": "ml.g4dn.xlarge",
    "PII_LAMBDA_MEMORY_MB": "2048",
    "ENRICHER_LAMBDA_MEMORY_MB": "1024",
    "PRICE_ENDPOINT_INSTANCE_HOUR_USD": "0.9",
    "CLEARSCRIBE_WINDOW_SECONDS": "1200",
}


def test_with_the_stage_timings_the_report_and_the_summary_carry_the_estimated_cost(
    s3: Any, stored: tuple[str, list[Any]], store: DynamoDBJobStore
) -> None:
    store.create_job("job-1", SOURCE["uri"])
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition("job-1", status)
    transcript_uri, findings = stored

    result = write_results(
        "job-1", SOURCE, transcript_uri, findings, s3=s3, output_bucket=OUTPUT_BUCKET, store=store,
        cost_settings=cost_settings_from_env(COST_ENV),
    )  # fmt: skip

    cost = result["summary"]["estimated_cost"]
    lines = {line["item"]: line for line in cost["lines"]}
    assert cost["region"] == "us-east-1" and cost["complete"] is False  # MediaConvert has no confirmed price
    assert lines["endpoint"]["unit_price"] == 0.9 / 3600 and lines["endpoint"]["detail"] == "ml.g4dn.xlarge"
    # A 6-second recording is one window: 14 + 1 transitions and 9 + 2 invocations.
    assert lines["state_transitions"]["quantity"] == 15 and lines["lambda_requests"]["quantity"] == 11
    assert lines["mediaconvert"]["quantity"] == 0.1 and lines["mediaconvert"]["usd"] is None
    report = s3.get_object(Bucket=OUTPUT_BUCKET, Key="transcripts/job-1/report.html")["Body"].read().decode()
    assert "Estimated AWS cost" in report and "Step Functions state transitions" in report
    store.transition("job-1", JobStatus.COMPLETE, outputs=result["outputs"], summary=result["summary"])
    assert store.get_job("job-1").summary == result["summary"]  # the record keeps it, floats and nulls too
    assert len(json.dumps(result)) < 2048  # still small for the state


def test_a_bad_price_setting_costs_the_estimate_not_the_job() -> None:
    assert cost_settings_from_env({**COST_ENV, "PRICE_STATE_TRANSITION_USD": "cheap"}) is None
    assert cost_settings_from_env({**COST_ENV, "PII_LAMBDA_MEMORY_MB": "-1"}) is None
    assert cost_settings_from_env({**COST_ENV, "CLEARSCRIBE_WINDOW_SECONDS": "twenty minutes"}) is None
    assert cost_settings_from_env(COST_ENV) is not None


def test_timings_come_from_the_job_record(s3: Any, stored: tuple[str, list[Any]], store: DynamoDBJobStore) -> None:
    store.create_job("job-1", SOURCE["uri"])
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition("job-1", status)
    transcript_uri, findings = stored

    result = write_results("job-1", SOURCE, transcript_uri, findings, s3=s3, output_bucket=OUTPUT_BUCKET, store=store)

    key = result["outputs"]["json"].removeprefix(f"s3://{OUTPUT_BUCKET}/")
    timings = json.loads(s3.get_object(Bucket=OUTPUT_BUCKET, Key=key)["Body"].read())["timings"]
    assert set(timings) == {"extract_seconds", "transcribe_seconds", "enrich_seconds"}
    assert all(0 <= seconds < 60 for seconds in timings.values())


def test_stage_timings_close_the_open_stage_at_now() -> None:
    record = JobRecord(
        job_id="job-1", status=JobStatus.ENRICHING, source="s3://b/k", created_at="x", updated_at="x",
        stages={
            "queued": {"started_at": "2026-01-01T00:00:00.000Z", "ended_at": "2026-01-01T00:00:01.000Z"},
            "extracting": {"started_at": "2026-01-01T00:00:01.000Z", "ended_at": "2026-01-01T00:00:31.500Z"},
            "transcribing": {"started_at": "2026-01-01T00:00:31.500Z", "ended_at": "2026-01-01T00:10:31.500Z"},
            "enriching": {"started_at": "2026-01-01T00:10:31.500Z"},
        },
    )  # fmt: skip

    timings = stage_timings(record, now="2026-01-01T00:10:33.750Z")

    assert timings == {"extract_seconds": 30.5, "transcribe_seconds": 600.0, "enrich_seconds": 2.25}


def test_missing_or_duplicated_enricher_results_are_enrichment_errors(s3: Any, stored: tuple[str, list[Any]]) -> None:
    transcript_uri, findings = stored
    with pytest.raises(EnrichmentError):
        write_results("job-1", SOURCE, transcript_uri, findings[:2], s3=s3, output_bucket=OUTPUT_BUCKET)
    with pytest.raises(EnrichmentError):
        write_results("job-1", SOURCE, transcript_uri, [*findings, findings[0]], s3=s3, output_bucket=OUTPUT_BUCKET)
    assert "Contents" not in s3.list_objects_v2(Bucket=OUTPUT_BUCKET)


def test_mark_complete_records_outputs_and_is_safe_to_repeat(store: DynamoDBJobStore) -> None:
    store.create_job("job-1", SOURCE["uri"])
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition("job-1", status)
    outputs = {"json": "s3://o/transcripts/job-1/enriched.json"}
    summary = {"words": 10, "sentiment": {"compound": 0.5, "label": "positive"}}
    assert mark_complete("job-1", outputs, summary, store) == {"job_id": "job-1", "status": "COMPLETE"}
    assert mark_complete("job-1", outputs, summary, store)["status"] == "COMPLETE"
    rec = store.get_job("job-1")
    assert rec.outputs == outputs and rec.summary == summary


def test_mark_complete_on_a_failed_job_is_refused(store: DynamoDBJobStore) -> None:
    store.create_job("job-1", SOURCE["uri"])
    store.transition("job-1", JobStatus.FAILED, error={"code": "X", "message": "m"})
    with pytest.raises(InvalidTransitionError):
        mark_complete("job-1", {}, {}, store)
    assert store.get_job("job-1").status is JobStatus.FAILED


def test_speakers_from_the_endpoint_reach_the_enriched_transcript_and_the_captions(s3: Any) -> None:
    """The endpoint's transcript with speakers goes through the enrichers (reading it from S3, as
    their Lambdas do) and WriteResults: labels, speakers[], S1: cues and the summary come out."""
    from dataclasses import replace

    from pipeline.cloud.enrichment import run_enricher
    from postprocess.config import EnrichmentConfig

    labelled = replace(
        TRANSCRIPT,
        segments=(replace(TRANSCRIPT.segments[0], speaker="S1"), replace(TRANSCRIPT.segments[1], speaker="S2")),
        speaker_turns=((0.0, 2.9, "S1"), (3.1, 5.8, "S2")),
    )
    transcript_uri = f"s3://{WORKING_BUCKET}/inference/output/job-2.out"
    s3.put_object(Bucket=WORKING_BUCKET, Key="inference/output/job-2.out", Body=labelled.to_json().encode())
    prefix = f"s3://{WORKING_BUCKET}/findings/job-2/"
    findings = [
        run_enricher("job-2", transcript_uri, prefix, name, find, EnrichmentConfig(), s3=s3)  # type: ignore[arg-type]
        for name, find in (("pii", find_pii), ("profanity", find_profanity), ("sentiment", score_sentiment))
    ]

    result = write_results("job-2", SOURCE, transcript_uri, findings, s3=s3, output_bucket=OUTPUT_BUCKET)

    def body(fmt: str) -> str:
        key = result["outputs"][fmt].removeprefix(f"s3://{OUTPUT_BUCKET}/")
        return s3.get_object(Bucket=OUTPUT_BUCKET, Key=key)["Body"].read().decode()

    enriched = json.loads(body("json"))
    assert [s["speaker"] for s in enriched["transcript"]["segments"]] == ["S1", "S2"]
    assert [(s["id"], s["talk_seconds"]) for s in enriched["speakers"]] == [("S1", 2.9), ("S2", 2.7)]
    assert enriched["speakers"][1]["sentiment"]["label"] == "positive"
    assert [s["id"] for s in result["summary"]["speakers"]] == ["S1", "S2"]
    assert "S2: Otherwise" in body("srt") and "<v S1>S1: " in body("vtt")
    assert NAME not in body("srt") and NAME not in body("json")
