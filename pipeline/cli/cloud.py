"""What the CLI does against a deployed stack: find its resources, submit a video, read jobs
and outputs (``clearscribe submit|jobs|show|transcript --cloud --stack NAME``).

``endpoint_url`` sends every AWS call to another endpoint than AWS's (the sandbox's,
``python -m sandbox --serve``); boto3 also honours ``AWS_ENDPOINT_URL`` by itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.cloud.events import check_media_key, object_created_event, object_version
from shared.errors import SourceNotFoundError
from shared.ids import job_id_for_object
from shared.jobstore.dynamodb import DynamoDBJobStore
from shared.s3uri import parse_s3_uri, read_s3_bytes

#: The CloudFormation output keys of the workflow stack.
OUTPUT_KEYS = {
    "input_bucket": "InputBucketName",
    "output_bucket": "OutputBucketName",
    "table_name": "JobTableName",
    "state_machine_arn": "StateMachineArn",
}
#: Files above this size are uploaded in parts (a single PutObject takes up to 5 GB).
MULTIPART_THRESHOLD = 64 * 1024**2
PART_SIZE = 64 * 1024**2

_CONTENT_TYPES = {
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".mkv": "video/x-matroska",
    ".webm": "video/webm",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".wav": "audio/wav",
}


@dataclass(frozen=True)
class CloudResources:
    input_bucket: str
    output_bucket: str
    table_name: str
    state_machine_arn: str
    region: str | None = None
    endpoint_url: str | None = None

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` in the stack's region (and endpoint, if overridden)."""
        return _client(service, self.region, self.endpoint_url)


def _client(service: str, region: str | None, endpoint_url: str | None = None) -> Any:
    import boto3

    session: Any = boto3.session.Session(region_name=region)
    return session.client(service, endpoint_url=endpoint_url or None)


def resolve_stack(
    stack_name: str, region: str | None = None, *, client: Any = None, endpoint_url: str | None = None
) -> CloudResources:
    """The resources of a deployed workflow stack, from its CloudFormation outputs."""
    client = client or _client("cloudformation", region, endpoint_url)
    stacks = client.describe_stacks(StackName=stack_name)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs") or []}
    missing = [key for key in OUTPUT_KEYS.values() if key not in outputs]
    if missing:
        raise LookupError(f"stack {stack_name} has no output(s) {', '.join(missing)}")
    return CloudResources(
        **{field: outputs[key] for field, key in OUTPUT_KEYS.items()},
        region=region or client.meta.region_name,
        endpoint_url=endpoint_url,
    )


def object_key_for(path: Path, key_prefix: str = "uploads/") -> str:
    prefix = key_prefix.strip("/")
    return f"{prefix}/{path.name}" if prefix else path.name


def submit_video(
    path: Path | str, resources: CloudResources, *, key_prefix: str = "uploads/", client: Any = None
) -> dict[str, str]:
    """Upload ``path`` to the input bucket; the upload starts the workflow.

    Returns ``{"bucket", "key", "job_id"}``: the job id is computed exactly as RegisterJob will,
    from the version id (or ETag) S3 returns for this upload.
    """
    path = Path(path)
    key = object_key_for(path, key_prefix)
    size = path.stat().st_size
    check_media_key(key, size)
    client = client or resources.client("s3")
    content_type = _CONTENT_TYPES.get(PurePosixPath(key).suffix.lower(), "application/octet-stream")
    if size <= MULTIPART_THRESHOLD:
        with path.open("rb") as fh:
            response = client.put_object(Bucket=resources.input_bucket, Key=key, Body=fh, ContentType=content_type)
    else:
        response = _multipart_upload(client, path, resources.input_bucket, key, content_type)
    version = object_version(response.get("VersionId"), response.get("ETag"))
    return {
        "bucket": resources.input_bucket,
        "key": key,
        "job_id": job_id_for_object(resources.input_bucket, key, version),
    }


def _multipart_upload(client: Any, path: Path, bucket: str, key: str, content_type: str) -> dict[str, Any]:
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key, ContentType=content_type)["UploadId"]
    try:
        parts = []
        with path.open("rb") as fh:
            number = 1
            while chunk := fh.read(PART_SIZE):
                part = client.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=chunk)
                parts.append({"ETag": part["ETag"], "PartNumber": number})
                number += 1
        return client.complete_multipart_upload(
            Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
        )
    except BaseException:
        client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        raise


def rerun_job(
    job_id: str, resources: CloudResources, *, s3: Any = None, sfn: Any = None, dynamodb: Any = None
) -> dict[str, str]:
    """Run a job again from its source object (the same object version): starts an execution
    with an ``Object Created`` event marked ``"rerun": true``; RegisterJob restarts the job as its
    next attempt if it has ended. Returns ``{"job_id", "execution_arn"}``."""
    s3 = s3 or resources.client("s3")
    sfn = sfn or resources.client("stepfunctions")
    source = open_cloud_job_store(resources, client=dynamodb).get_job(job_id).source
    bucket, key = parse_s3_uri(source)
    version_id, etag, size = _version_of_job(s3, bucket, key, job_id)
    _, _, _, region, account, *_ = resources.state_machine_arn.split(":")
    event = object_created_event(
        bucket,
        key,
        size=size,
        etag=etag,
        version_id=version_id,
        region=region,
        account=account,
        source="clearscribe.rerun",
    )
    event["rerun"] = True
    started = sfn.start_execution(stateMachineArn=resources.state_machine_arn, input=json.dumps(event))
    return {"job_id": job_id, "execution_arn": started["executionArn"]}


def _version_of_job(s3: Any, bucket: str, key: str, job_id: str) -> tuple[str | None, str, int]:
    """``(version id or None, etag, size)`` of the object version whose job id is ``job_id``."""
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket, Prefix=key):
        for version in page.get("Versions", []):
            if version["Key"] != key:
                continue
            version_id = version.get("VersionId")
            etag = version["ETag"].strip('"')
            if job_id_for_object(bucket, key, object_version(version_id, etag)) == job_id:
                return (version_id if version_id and version_id != "null" else None), etag, int(version["Size"])
    raise SourceNotFoundError(f"the source object of {job_id} no longer exists")


def open_cloud_job_store(resources: CloudResources, *, client: Any = None) -> DynamoDBJobStore:
    """The deployed job table as a ``JobStore`` (for ``jobs``/``show`` with ``--cloud``)."""
    return DynamoDBJobStore(resources.table_name, client=client or resources.client("dynamodb"))


def read_output(uri: str, *, client: Any = None, region: str | None = None, endpoint_url: str | None = None) -> bytes:
    """The bytes of an output (``s3://…``) recorded on a job."""
    return read_s3_bytes(uri, client or _client("s3", region, endpoint_url))
