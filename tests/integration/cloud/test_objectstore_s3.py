"""The S3 object store against moto S3."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from shared.objectstore_s3 import S3ObjectStore
from tests.integration.cloud.conftest import OUTPUT_BUCKET


def test_put_get_exists_and_uri_under_a_prefix(s3: Any) -> None:
    store = S3ObjectStore(OUTPUT_BUCKET, prefix="/transcripts/", client=s3)
    uri = store.put_bytes("job-1/transcript.vtt", "WEBVTT\n\nnaïve".encode(), "text/vtt; charset=utf-8")
    assert uri == f"s3://{OUTPUT_BUCKET}/transcripts/job-1/transcript.vtt"
    assert store.uri("job-1/transcript.vtt") == uri
    assert store.get_bytes("job-1/transcript.vtt") == "WEBVTT\n\nnaïve".encode()
    assert store.exists("job-1/transcript.vtt")
    assert not store.exists("job-1/transcript.srt")
    head = s3.head_object(Bucket=OUTPUT_BUCKET, Key="transcripts/job-1/transcript.vtt")
    assert head["ContentType"] == "text/vtt; charset=utf-8"


def test_without_prefix_keys_are_used_as_given(s3: Any) -> None:
    store = S3ObjectStore(OUTPUT_BUCKET, client=s3)
    assert store.put_bytes("a b/ü.json", b"{}", "application/json") == f"s3://{OUTPUT_BUCKET}/a b/ü.json"
    assert s3.get_object(Bucket=OUTPUT_BUCKET, Key="a b/ü.json")["Body"].read() == b"{}"


@pytest.mark.parametrize("key", ["", "/abs", "a/../b", "a//b", "./a"])
def test_keys_that_would_escape_or_be_ambiguous_are_refused(s3: Any, key: str) -> None:
    with pytest.raises(ValueError):
        S3ObjectStore(OUTPUT_BUCKET, client=s3).put_bytes(key, b"x", "text/plain")


def test_errors_other_than_not_found_propagate(s3: Any) -> None:
    with pytest.raises(ClientError) as info:
        S3ObjectStore("no-such-bucket", client=s3).get_bytes("x")
    assert info.value.response["Error"]["Code"] == "NoSuchBucket"
