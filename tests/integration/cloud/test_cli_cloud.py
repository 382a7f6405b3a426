"""The CLI against a deployed stack (moto): the same commands and output shapes as locally."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from pipeline.cli.main import main
from shared.status import JobStatus
from tests.integration.cloud.conftest import INPUT_BUCKET, OUTPUT_BUCKET, TABLE
from tests.integration.moto_harness import REGION

STACK = "ClearscribeWorkflow"


@pytest.fixture
def stack(s3: Any, dynamodb: Any) -> str:
    """A CloudFormation stack whose outputs name the moto buckets and table."""
    outputs = {
        "InputBucketName": INPUT_BUCKET,
        "OutputBucketName": OUTPUT_BUCKET,
        "JobTableName": TABLE,
        "StateMachineArn": f"arn:aws:states:{REGION}:123456789012:stateMachine:clearscribe",
    }
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    boto3.client("cloudformation", region_name=REGION).create_stack(StackName=STACK, TemplateBody=json.dumps(template))
    return STACK


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_submit_uploads_to_the_input_bucket_and_names_the_job(stack: str, s3: Any, tmp_path: Path, capsys) -> None:
    video = tmp_path / "all hands ü+1.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    code, out, _ = cli(capsys, "submit", str(video), "--stack", stack, "--json")
    result = json.loads(out)
    assert code == 0 and result["bucket"] == INPUT_BUCKET and result["job_id"].startswith("job-")
    assert s3.head_object(Bucket=INPUT_BUCKET, Key=result["key"])["ContentLength"] == video.stat().st_size


def test_jobs_show_and_transcript_read_the_table_and_output_bucket(stack: str, s3: Any, store: Any, capsys) -> None:
    store.create_job("job-cloud-1", f"s3://{INPUT_BUCKET}/uploads/a.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition("job-cloud-1", status)
    txt_uri = f"s3://{OUTPUT_BUCKET}/transcripts/job-cloud-1/transcript.txt"
    s3.put_object(Bucket=OUTPUT_BUCKET, Key="transcripts/job-cloud-1/transcript.txt", Body=b"Hello <PERSON>.\n")
    store.transition("job-cloud-1", JobStatus.COMPLETE, outputs={"txt": txt_uri}, summary={"words": 2})
    store.create_job("job-cloud-2", f"s3://{INPUT_BUCKET}/uploads/b.mp4")
    store.transition("job-cloud-2", JobStatus.FAILED, error={"code": "INVALID_MEDIA", "message": "not media"})

    code, out, _ = cli(capsys, "jobs", "--cloud", "--stack", stack, "--status", "failed", "--json")
    assert code == 0
    assert [(j["job_id"], j["error"]["code"]) for j in json.loads(out)] == [("job-cloud-2", "INVALID_MEDIA")]
    code, out, _ = cli(capsys, "show", "job-cloud-1", "--cloud", "--stack", stack, "--json")
    shown = json.loads(out)
    assert shown["status"] == "COMPLETE" and set(shown["stages"]) >= {"extracting", "transcribing", "enriching"}
    code, out, _ = cli(capsys, "transcript", "job-cloud-1", "--cloud", "--stack", stack)
    assert code == 0 and out == "Hello <PERSON>.\n"


def test_a_stack_that_does_not_exist_is_a_one_line_error(aws: None, capsys) -> None:
    code, out, err = cli(capsys, "jobs", "--cloud", "--stack", "NoSuchStack")
    assert code == 1 and out == ""
    assert "NoSuchStack" in err and len(err.strip().splitlines()) == 1


def test_show_and_report_give_a_cloud_jobs_estimated_cost(
    stack: str, s3: Any, store: Any, tmp_path: Path, capsys, monkeypatch
) -> None:
    from pipeline.outputs.cost import CostSettings, estimate_cloud_cost
    from postprocess.compose import enrich_transcript
    from postprocess.document import Source
    from shared.models import Segment, Transcript

    transcript = Transcript(
        language="en", duration=8.0, model="distil-large-v3", engine="faster-whisper",
        segments=(Segment(0, 0.0, 4.0, " The launch went really well."), Segment(1, 4.0, 8.0, " Costs are awful.")),
    )  # fmt: skip
    timings = {"extract_seconds": 20.0, "transcribe_seconds": 50.0, "enrich_seconds": 4.0}
    enriched = enrich_transcript(transcript, job_id="job-cloud-3", source=Source(uri="s3://in/q3.mp4",
                                 duration_seconds=8.0), timings=timings)  # fmt: skip
    settings = CostSettings(
        region="us-east-1", instance_type="ml.m5.xlarge", pii_memory_mb=2048, enricher_memory_mb=512
    )
    cost = estimate_cloud_cost(duration_seconds=8.0, timings=timings, settings=settings).to_dict()
    key = "transcripts/job-cloud-3/enriched.json"
    s3.put_object(Bucket=OUTPUT_BUCKET, Key=key, Body=enriched.to_json())
    store.create_job("job-cloud-3", "s3://in/q3.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition("job-cloud-3", status)
    store.transition("job-cloud-3", JobStatus.COMPLETE, outputs={"json": f"s3://{OUTPUT_BUCKET}/{key}"},
                     summary={**enriched.summary().to_dict(), "estimated_cost": cost})  # fmt: skip

    code, out, _ = cli(capsys, "show", "job-cloud-3", "--cloud", "--stack", stack)
    assert code == 0 and f"estimated cost: ${cost['total_usd']:.4f} for the priced items" in out
    assert "state_transitions" in out and "no confirmed price" in out  # the endpoint's instance price

    monkeypatch.chdir(tmp_path)
    code, out, _ = cli(capsys, "report", "job-cloud-3", "--cloud", "--stack", stack)
    written = Path(out.strip())
    assert code == 0 and written == tmp_path / "job-cloud-3.report.html"
    html = written.read_text(encoding="utf-8")
    assert "Estimated AWS cost" in html and "ml.m5.xlarge" in html and "q3.mp4" in html
