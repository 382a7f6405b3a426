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
KMS_FOR_WRITE = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")


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


def read_objects(
    principal: iam.IGrantable,
    bucket: s3.IBucket,
    prefix: str = "",
    *,
    list_prefix: bool = False,
    head_missing: bool = False,
) -> None:
    """GetObject (+ HEAD) on ``prefix*``.

    ``list_prefix``: also ListBucket limited to that prefix (for ``ListObjectsV2(Prefix=…)``).
    ``head_missing``: also unconditioned ListBucket on the bucket, which S3 requires to answer a
    HEAD/GET of a missing key with 404 instead of 403 (pollers probe for objects not yet written).
    """
    resource = bucket.arn_for_objects(f"{prefix}*")
    _add(principal, iam.PolicyStatement(actions=["s3:GetObject", "s3:GetObjectVersion"], resources=[resource]))
    _acknowledge_objects(principal, resource, f"read objects under '{prefix or '(any key)'}'")
    if head_missing:
        _add(principal, iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket.bucket_arn]))
    elif list_prefix:
        _add(
            principal,
            iam.PolicyStatement(
                actions=["s3:ListBucket"],
                resources=[bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{prefix}*"]}},
            ),
        )
    _grant_key(principal, bucket.encryption_key, KMS_FOR_READ)


def write_objects(principal: iam.IGrantable, bucket: s3.IBucket, prefix: str) -> None:
    """PutObject (incl. multipart) on ``prefix*`` only."""
    resource = bucket.arn_for_objects(f"{prefix}*")
    _add(principal, iam.PolicyStatement(actions=["s3:PutObject", "s3:AbortMultipartUpload"], resources=[resource]))
    _acknowledge_objects(principal, resource, f"write objects under '{prefix}'")
    _grant_key(principal, bucket.encryption_key, KMS_FOR_WRITE)


def job_items(principal: iam.IGrantable, table: dynamodb.ITable) -> None:
    """Read and conditionally write single job items (no scans, no deletes)."""
    _add(
        principal,
        iam.PolicyStatement(
            actions=["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"],
            resources=[table.table_arn],
        ),
    )
    _grant_key(principal, table.encryption_key, (*KMS_FOR_WRITE, "kms:DescribeKey"))
