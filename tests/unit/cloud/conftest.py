"""Fixtures for the cloud steps: moto S3 and DynamoDB, the job table, a fresh handler runtime."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from pipeline.handlers import runtime as cloud_runtime
from shared.jobstore.dynamodb import DynamoDBJobStore
from tests.integration.moto_harness import REGION, create_job_table

TABLE = "clearscribe-jobs"
INPUT_BUCKET = "clearscribe-input"
WORKING_BUCKET = "clearscribe-working"
OUTPUT_BUCKET = "clearscribe-output"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Everything AWS goes to moto (fake credentials, one region)."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield
    cloud_runtime.configure()


@pytest.fixture
def s3(aws: None) -> Any:
    client = boto3.client("s3", region_name=REGION)
    for bucket in (INPUT_BUCKET, WORKING_BUCKET, OUTPUT_BUCKET):
        client.create_bucket(Bucket=bucket)
    return client


@pytest.fixture
def dynamodb(aws: None) -> Any:
    client = boto3.client("dynamodb", region_name=REGION)
    create_job_table(client, TABLE)
    return client


@pytest.fixture
def store(dynamodb: Any) -> DynamoDBJobStore:
    return DynamoDBJobStore(TABLE, client=dynamodb)
