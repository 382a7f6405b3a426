"""Model stack: Distil-Whisper on a SageMaker asynchronous inference endpoint that scales to zero.

It wires:

* the **working bucket** (extracted audio under ``audio/``, raw inference output under
  ``inference/``, findings under ``findings/``), KMS-encrypted with ``data_key``, private,
  TLS-only, access-logged, with raw objects expiring after ``raw-expiry-days``;
* SNS success and error **topics** for the endpoint's notifications (they carry no transcript text);
* the self-contained **model artifact** (:class:`~infra.constructs.model_package.ModelPackage`);
* the endpoint's execution role (:class:`~infra.constructs.endpoint_role.EndpointRole`), the
  model, endpoint configuration and endpoint (:class:`~infra.constructs.async_endpoint.AsyncEndpoint`)
  in the network stack's model subnets, and scaling from zero
  (:class:`~infra.constructs.endpoint_scaling.ScaleToZero`).

The workflow stack takes ``working_bucket``, ``data_key``, ``endpoint_name``, ``endpoint_arn``,
``invocation_timeout_seconds`` and ``max_audio_seconds`` from here.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.config import context_bool
from infra.constructs.async_endpoint import VARIANT_NAME, AsyncEndpoint
from infra.constructs.buckets import AccessLogBucket, SecureBucket
from infra.constructs.endpoint_role import EndpointRole
from infra.constructs.endpoint_scaling import ScaleToZero
from infra.constructs.model_package import ModelPackage
from infra.dlc_images import resolve_image
from infra.model_config import ModelConfig
from infra.network_stack import NetworkStack
from shared.contract import AUDIO_PREFIX, INFERENCE_PREFIX
from shared.vocabulary import ADVISED_MAX_TERMS


def duration_text(seconds: int) -> str:
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


class ModelStack(cdk.Stack):
    """Working bucket, model artifact, SageMaker model, async endpoint, scaling and roles."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        network: NetworkStack,
        config: ModelConfig | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("description", "clearscribe: recorded video to clean, enriched transcripts (model)")
        super().__init__(scope, construct_id, **kwargs)
        self.config = config = config or ModelConfig.from_context(self.node)
        removal = (
            cdk.RemovalPolicy.RETAIN if context_bool(self.node, "retain-data", True) else cdk.RemovalPolicy.DESTROY
        )
        #: What the workflow's duration guard and InvokeTranscription use.
        self.invocation_timeout_seconds = config.invocation_timeout_seconds
        self.max_audio_seconds = config.longest_audio_seconds
        self.instance_type = config.instance_type
        self.speakers = config.speakers

        # -- data at rest ----------------------------------------------------------------------
        self.data_key: kms.IKey = kms.Key(
            self,
            "DataKey",
            description="clearscribe: extracted audio and raw inference output",
            enable_key_rotation=True,
            removal_policy=removal,
        )
        access_logs = AccessLogBucket(self, "AccessLogs", expire_after_days=365, removal_policy=removal).bucket
        working = SecureBucket(
            self,
            "Working",
            key=self.data_key,
            access_logs=access_logs,
            log_prefix="working/",
            removal_policy=removal,
            noncurrent_expire_days=1,
        ).bucket
        for prefix in (AUDIO_PREFIX, INFERENCE_PREFIX):
            working.add_lifecycle_rule(
                id=f"expire-raw-{prefix.strip('/')}",
                prefix=prefix,
                expiration=cdk.Duration.days(config.raw_expiry_days),
            )
        self.working_bucket: s3.IBucket = working

        # -- notifications ---------------------------------------------------------------------
        self.success_topic: sns.ITopic = sns.Topic(
            self, "InferenceSuccess", display_name="clearscribe inference succeeded", master_key=self.data_key,
            enforce_ssl=True,
        )  # fmt: skip
        self.error_topic: sns.ITopic = sns.Topic(
            self, "InferenceError", display_name="clearscribe inference failed", master_key=self.data_key,
            enforce_ssl=True,
        )  # fmt: skip

        # -- artifact, image, role, endpoint, scaling ----------------------------------------------
        self.package = ModelPackage(self, "ModelArtifact", config=config)
        image = resolve_image(self, config.processor)
        self.execution_role = EndpointRole(
            self,
            "ExecutionRole",
            artifact=self.package.asset,
            working_bucket=working,
            data_key=self.data_key,
            topics=(self.success_topic, self.error_topic),
            repository_arn=image.repository_arn,
        ).role
        self.endpoint = AsyncEndpoint(
            self,
            "Endpoint",
            config=config,
            image_uri=image.uri,
            artifact=self.package.asset,
            role=self.execution_role,
            subnets=network.model_subnets,
            security_group=network.endpoint_security_group,
            working_bucket=working,
            data_key=self.data_key,
            success_topic=self.success_topic,
            error_topic=self.error_topic,
        )
        self.endpoint_name: str = self.endpoint.endpoint_name
        self.endpoint_arn: str = self.endpoint.endpoint_arn
        self.scaling: ScaleToZero | None = None
        if config.autoscaling:
            self.scaling = ScaleToZero(
                self,
                "Scaling",
                endpoint_name=self.endpoint_name,
                variant_name=VARIANT_NAME,
                max_instances=config.max_instances,
                backlog_per_instance=config.backlog_per_instance,
                scale_in_cooldown=cdk.Duration.seconds(config.scale_in_cooldown_seconds),
                scale_out_cooldown=cdk.Duration.seconds(config.scale_out_cooldown_seconds),
            )
            self.scaling.target.node.add_dependency(self.endpoint.endpoint)
        else:
            cdk.Annotations.of(self).add_warning_v2(
                "clearscribe:no-autoscaling",
                "clearscribe:autoscaling is false: the endpoint keeps one instance running (and billed) until "
                "autoscaling is turned on again. Use it only to change the instance type (docs/deploy.md).",
            )

        if not config.is_gpu:
            cdk.Annotations.of(self).add_warning_v2(
                "clearscribe:cpu-endpoint",
                f"{config.instance_type} is a CPU instance: at an expected real-time factor of "
                f"{config.estimated_real_time_factor:g} (from faster-whisper's published figures, docs/model.md) it "
                f"finishes recordings of at most "
                f"{duration_text(config.longest_audio_seconds)} within the {config.invocation_timeout_seconds} s "
                "invocation timeout; longer ones fail before inference (RECORDING_TOO_LONG). "
                "A GPU instance type (default ml.g4dn.xlarge) takes hours of audio.",
            )

        if len(config.vocabulary) > ADVISED_MAX_TERMS:
            cdk.Annotations.of(self).add_warning_v2(
                "clearscribe:long-vocabulary",
                f"clearscribe:vocabulary holds {len(config.vocabulary)} terms: beyond {ADVISED_MAX_TERMS} the hint "
                "dilutes, and terms past half the decoder's token budget are left out (the endpoint logs how many). "
                "Keep the terms the model gets wrong (docs/model.md, 'Custom vocabulary').",
            )

        cdk.CfnOutput(self, "EndpointName", value=self.endpoint_name)
        cdk.CfnOutput(self, "WorkingBucketName", value=working.bucket_name)
        cdk.CfnOutput(self, "ImageUri", value=image.uri)
