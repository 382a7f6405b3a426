"""Least-privilege grants: exact actions, object prefixes, and the KMS use S3/DynamoDB need.

Object keys are per job, so object-level statements end in ``<prefix>*``; each such wildcard is
acknowledged for cdk-nag (AwsSolutions-IAM5) right where it is granted, naming the prefix.
"""

from __future__ import annotations

from typing import cast

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import IConstruct

from infra.constructs.nag import acknowledge, resource_finding

KMS_FOR_READ = ("kms:Decrypt",)
#: S3 with SSE-KMS: a PutObject needs a data key, a multipart upload also decrypts it (no kms:Encrypt).
KMS_FOR_WRITE = ("kms:Decrypt", "kms:GenerateDataKey")


def _add(principal: iam.IGrantable, statement: iam.PolicyStatement) -> None:
    principal.grant_principal.add_to_principal_policy(statement)


def _grant_key(principal: iam.IGrantable, key: kms.IKey | None, actions: tuple[str, ...]) -> None:
    if key is not None:
        _add(principal, iam.PolicyStatement(actions=list(actions), resources=[key.key_arn]))


def _acknowledge_objects(principal: iam.IGrantable, resource: str, what: str) -> None:
    owner = cast(IConstruct, principal.grant_principal)
    acknowledge(
        owner,
        resource_finding(owner, resource),
        f"{what}: object keys carry the job id and are not known at deploy time; "
        "the wildcard covers one key prefix of one bucket only.",
    )


def read_objects(principal: iam.IGrantable, bucket: s3.IBucket, prefix: str = "", *, list_prefix: bool = False) -> None:
    """GetObject (+ HEAD) on ``prefix*``; with ``list_prefix`` also :func:`list_objects` under it."""
    resource = bucket.arn_for_objects(f"{prefix}*")
    _add(principal, iam.PolicyStatement(actions=["s3:GetObject"], resources=[resource]))
    _acknowledge_objects(principal, resource, f"read objects under '{prefix or '(any key)'}'")
    if list_prefix:
        list_objects(principal, bucket, prefix)
    _grant_key(principal, bucket.encryption_key, KMS_FOR_READ)


def list_objects(principal: iam.IGrantable, bucket: s3.IBucket, prefix: str) -> None:
    """ListBucket limited to keys under ``prefix`` (an ``s3:prefix`` condition), for
    ``ListObjectsV2(Prefix=…)`` — which is also how the steps ask whether an object exists (a HEAD
    of a missing key would need ListBucket on the whole bucket to answer 404 instead of 403)."""
    _add(
        principal,
        iam.PolicyStatement(
            actions=["s3:ListBucket"],
            resources=[bucket.bucket_arn],
            conditions={"StringLike": {"s3:prefix": [f"{prefix}*"]}},
        ),
    )


def write_objects(principal: iam.IGrantable, bucket: s3.IBucket, prefix: str) -> None:
    """PutObject (incl. multipart) on ``prefix*`` only."""
    resource = bucket.arn_for_objects(f"{prefix}*")
    _add(principal, iam.PolicyStatement(actions=["s3:PutObject", "s3:AbortMultipartUpload"], resources=[resource]))
    _acknowledge_objects(principal, resource, f"write objects under '{prefix}'")
    _grant_key(principal, bucket.encryption_key, KMS_FOR_WRITE)


def job_items(principal: iam.IGrantable, table: dynamodb.ITable) -> None:
    """Read and conditionally put single job items (the job store's only calls; no scans, no deletes)."""
    _add(principal, iam.PolicyStatement(actions=["dynamodb:GetItem", "dynamodb:PutItem"], resources=[table.table_arn]))
    _grant_key(principal, table.encryption_key, (*KMS_FOR_WRITE, "kms:DescribeKey"))


def callback_items(principal: iam.IGrantable, table: dynamodb.ITable, *, write: bool, scan: bool = False) -> None:
    """The callback table: put and update (``write``), or get and delete, and with ``scan`` a scan
    (the sweeper)."""
    actions = ["dynamodb:PutItem", "dynamodb:UpdateItem"] if write else ["dynamodb:GetItem", "dynamodb:DeleteItem"]
    if scan:
        actions.append("dynamodb:Scan")
    _add(principal, iam.PolicyStatement(actions=actions, resources=[table.table_arn]))
    _grant_key(principal, table.encryption_key, (*KMS_FOR_WRITE, "kms:DescribeKey"))
