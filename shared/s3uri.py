"""``s3://bucket/key`` URIs: parse, read and write (boto3 is imported only when used)."""

from __future__ import annotations

from typing import Any


def parse_s3_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise ValueError(f"not an s3:// URI: {uri!r}")
    bucket, _, key = uri[5:].partition("/")
    if not bucket or not key:
        raise ValueError(f"s3 URI needs a bucket and a key: {uri!r}")
    return bucket, key


def s3_uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


def read_s3_bytes(uri: str, client: Any = None) -> bytes:
    bucket, key = parse_s3_uri(uri)
    client = client or _client()
    return client.get_object(Bucket=bucket, Key=key)["Body"].read()


def write_s3_bytes(uri: str, data: bytes, content_type: str, client: Any = None) -> str:
    bucket, key = parse_s3_uri(uri)
    client = client or _client()
    client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
    return uri


def _client() -> Any:
    import boto3

    return boto3.client("s3")
