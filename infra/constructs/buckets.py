"""S3 buckets with the baseline every clearscribe bucket gets."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs.nag import acknowledge


class AccessLogBucket(Construct):
    """Destination of S3 server access logs (SSE-S3: log delivery cannot write to SSE-KMS buckets)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, expire_after_days: int, removal_policy: cdk.RemovalPolicy
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=removal_policy,
            lifecycle_rules=[
                s3.LifecycleRule(id="expire-access-logs", expiration=cdk.Duration.days(expire_after_days)),
                s3.LifecycleRule(
                    id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=cdk.Duration.days(1)
                ),
            ],
        )
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "This bucket is the server access log destination; logging it into itself would loop.",
        )


class SecureBucket(Construct):
    """A KMS-encrypted, versioned, private, TLS-only bucket that writes server access logs."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        key: kms.IKey,
        access_logs: s3.IBucket,
        log_prefix: str,
        removal_policy: cdk.RemovalPolicy,
        event_bridge: bool = False,
        noncurrent_expire_days: int = 30,
    ) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=key,
            bucket_key_enabled=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            server_access_logs_bucket=access_logs,
            server_access_logs_prefix=log_prefix,
            removal_policy=removal_policy,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-noncurrent-versions",
                    noncurrent_version_expiration=cdk.Duration.days(noncurrent_expire_days),
                ),
                s3.LifecycleRule(
                    id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=cdk.Duration.days(7)
                ),
            ],
        )
        if event_bridge:
            # Set on the bucket resource itself: ``event_bridge_enabled=True`` would deploy a
            # notification custom resource (a Lambda with a managed policy) for the same effect.
            cfn = self.bucket.node.default_child
            assert isinstance(cfn, s3.CfnBucket)
            cfn.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
                event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(event_bridge_enabled=True)
            )
