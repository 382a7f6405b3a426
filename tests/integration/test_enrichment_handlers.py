"""The three enrichment Lambda handlers against S3 (moto): pointers out, findings in S3, no text in logs."""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from pipeline.handlers import analyze_sentiment, filter_profanity, redact_pii
from pipeline.handlers import runtime as cloud_runtime
from postprocess.compose import compose_enriched, enrich_transcript
from postprocess.document import Source
from postprocess.findings import PiiFindings, ProfanityFindings, SentimentFindings, load_findings
from shared.errors import InvalidTranscriptError
from shared.models import Segment, Transcript, Word
from tests.support.lambda_context import FakeLambdaContext

BUCKET = "clearscribe-work"
TEXTS = [
    " Hi, my name is Sarah Connor and this is bullshit.",
    " My number is five five five, one two three, four five six seven.",
    " My email is sarah.connor@example.com and my card is 4111 1111 1111 1111.",
    " I really love how quickly you fixed it, thank you.",
]
# Each long enough that botocore's DEBUG lines (hex signatures, request ids) cannot hold one by chance:
# a bare "4111" once turned up inside a SHA-256 request signature and failed the check with nothing leaked.
SECRETS = [
    "Sarah", "Connor", "five five five", "sarah.connor", "4111 1111", "4111111111", "bullshit", "love how quickly",
]  # fmt: skip


def call_transcript() -> Transcript:
    segments = []
    for i, text in enumerate(TEXTS):
        tokens = text.split()
        words = tuple(Word(i * 5 + j * 0.3, i * 5 + (j + 1) * 0.3, " " + t, 0.9) for j, t in enumerate(tokens))
        segments.append(Segment(id=i, start=i * 5.0, end=i * 5.0 + 4.5, text=text, words=words))
    return Transcript(language="en", duration=20.0, segments=tuple(segments), model="distil-large-v3")


class CapturedLogs(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs() -> Iterator[CapturedLogs]:
    """Every log record from any logger (the JSON logger of clearscribe included), at DEBUG."""
    from shared.log import JsonFormatter, get_logger

    get_logger("clearscribe")
    handler = CapturedLogs()
    handler.setFormatter(JsonFormatter())
    targets = [logging.getLogger(), logging.getLogger("clearscribe")]
    saved = [(t, t.level) for t in targets]
    for target in targets:
        target.addHandler(handler)
        target.setLevel(logging.DEBUG)
    yield handler
    for target, level in saved:
        target.removeHandler(handler)
        target.setLevel(level)


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        client.put_object(Bucket=BUCKET, Key="jobs/job-1/transcript.json", Body=call_transcript().to_json().encode())
        cloud_runtime.configure(s3=client)
        yield client
        cloud_runtime.configure()


EVENT = {
    "job_id": "job-1",
    "transcript_uri": f"s3://{BUCKET}/jobs/job-1/transcript.json",
    "findings_prefix": f"s3://{BUCKET}/findings/job-1/",
}


HANDLERS = {"pii": "redact_pii", "profanity": "filter_profanity", "sentiment": "analyze_sentiment"}


@pytest.mark.parametrize("enricher", ["pii", "profanity", "sentiment"])
def test_handler_writes_findings_and_returns_a_small_pointer(s3: Any, logs: CapturedLogs, enricher: str) -> None:
    module = importlib.import_module(f"pipeline.handlers.{HANDLERS[enricher]}")
    result = module.handler(dict(EVENT), FakeLambdaContext())
    assert result["enricher"] == enricher
    assert result["findings_uri"] == f"s3://{BUCKET}/findings/job-1/{enricher}.json"
    assert len(json.dumps(result)) < 1024
    stored = s3.get_object(Bucket=BUCKET, Key=f"findings/job-1/{enricher}.json")["Body"].read().decode()
    everything = stored + json.dumps(result) + "\n".join(logs.lines)
    for secret in SECRETS:
        assert secret not in everything, (enricher, secret)
    assert any(f'"enricher": "{enricher}"' in line for line in logs.lines)


def test_handler_summaries(s3: Any) -> None:
    assert redact_pii.handler(dict(EVENT), FakeLambdaContext())["summary"]["counts"] == {
        "CREDIT_CARD": 1, "EMAIL_ADDRESS": 1, "PERSON": 1, "PHONE_NUMBER": 1,
    }  # fmt: skip
    assert filter_profanity.handler(dict(EVENT), FakeLambdaContext())["summary"] == {"count": 1}
    assert analyze_sentiment.handler(dict(EVENT), FakeLambdaContext())["summary"]["label"] in (
        "positive",
        "neutral",
        "negative",
    )


def test_parallel_results_merge_into_the_same_enriched_transcript(s3: Any) -> None:

    results = [
        h.handler(dict(EVENT), FakeLambdaContext()) for h in (analyze_sentiment, redact_pii, filter_profanity)
    ]  # any order
    loaded = {type(f): f for f in (load_findings(r, s3_client=s3) for r in results)}
    transcript = call_transcript()
    source = Source(uri="s3://in/call.mp4", duration_seconds=20.0)
    composed = compose_enriched(
        transcript, loaded[PiiFindings], loaded[ProfanityFindings], loaded[SentimentFindings],  # type: ignore[arg-type]
        job_id="job-1", source=source,
    )  # fmt: skip
    assert composed.to_json() == enrich_transcript(transcript, job_id="job-1", source=source).to_json()
    assert "<EMAIL_ADDRESS>" in composed.transcript.text


@pytest.mark.parametrize("module", [redact_pii, filter_profanity, analyze_sentiment])
def test_a_transcript_of_another_shape_fails_naming_the_field_and_writes_no_findings(
    s3: Any, logs: CapturedLogs, module: Any
) -> None:
    body = {"segments": [{"start": 0.0, "end": 2.0, "text": "Sarah Connor here"}, {"start": 2.0, "text": 7}]}
    s3.put_object(Bucket=BUCKET, Key="jobs/job-1/transcript.json", Body=json.dumps(body).encode())
    with pytest.raises(InvalidTranscriptError) as info:
        module.handler(dict(EVENT), FakeLambdaContext())
    assert info.value.code == "INVALID_TRANSCRIPT" and "segments[1].end: Field required" in info.value.message
    assert "Sarah" not in info.value.message and "Sarah" not in "\n".join(logs.lines)
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="findings/")


def test_load_findings_reads_an_s3_uri(s3: Any) -> None:

    result = filter_profanity.handler(dict(EVENT), FakeLambdaContext())
    assert load_findings(result["findings_uri"], s3_client=s3) == load_findings(result, s3_client=s3)
