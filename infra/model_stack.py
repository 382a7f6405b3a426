"""Model stack: Distil-Whisper on a SageMaker asynchronous inference endpoint that scales to zero.

What it builds:

* the **working bucket** (extracted audio under ``audio/``, raw inference output under
  ``inference/``), KMS-encrypted with ``data_key``, private, TLS-only, access-logged, with raw
  objects expiring after ``raw-expiry-days``;
* the **model artifact** (``model.tar.gz``: the inference module as ``code/inference.py``, the
  ``shared`` models it needs, ``code/requirements.txt``, optionally weights and wheels), built at
  synthesis time and uploaded as a file asset;
* a **SageMaker model** on the Hugging Face PyTorch inference DLC (image URI from
  ``infra/dlc_images.py``) in the network stack's isolated subnets, with the serving environment
  on the model itself (payload limits, timeouts and workers reach the container only from there);
* an **endpoint config** with ``AsyncInferenceConfig``: output and failure paths in the working
  bucket, output encrypted with ``data_key``, SNS success and error topics (notifications carry no
  transcript text), a per-instance concurrency limit; and the **endpoint**;
* **Application Auto Scaling** from 0 to ``max-instances``: target tracking on
  ``ApproximateBacklogSizePerInstance`` scales out and back to zero, and a step policy on a
  ``HasBacklogWithoutCapacity`` alarm starts the first instance (target tracking alone never
  leaves zero);
* a least-privilege **execution role**.

The workflow stack takes ``working_bucket``, ``data_key``, ``endpoint_name``, ``endpoint_arn``,
``success_topic`` and ``error_topic`` from here.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.config import _bool
from infra.constructs.buckets import AccessLogBucket, SecureBucket
from infra.constructs.nag import acknowledge
from infra.dlc_images import resolve_image
from infra.model_artifact import build_model_artifact
from infra.model_config import ModelConfig
from infra.network_stack import NetworkStack
from pipeline import sagemaker_inference as inference

VARIANT_NAME = "AllTraffic"
AUDIO_PREFIX = "audio/"
INFERENCE_PREFIX = "inference/"
OUTPUT_PATH = "inference/output"
FAILURE_PATH = "inference/failure"
MAX_REQUEST_BYTES = 1024**3  # the asynchronous inference payload limit (1 GB)
MAX_RESPONSE_BYTES = 100 * 1024**2
SAGEMAKER_NAMESPACE = "AWS/SageMaker"


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
        removal = cdk.RemovalPolicy.RETAIN if _bool(self.node, "retain-data", True) else cdk.RemovalPolicy.DESTROY

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

        # -- notifications (the workflow subscribes) -------------------------------------------
        self.success_topic: sns.ITopic = sns.Topic(
            self,
            "InferenceSuccess",
            display_name="clearscribe inference succeeded",
            master_key=self.data_key,
            enforce_ssl=True,
        )
        self.error_topic: sns.ITopic = sns.Topic(
            self,
            "InferenceError",
            display_name="clearscribe inference failed",
            master_key=self.data_key,
            enforce_ssl=True,
        )

        # -- model artifact and image ----------------------------------------------------------
        offline_ready = config.package_weights and config.weights_dir and config.wheels_dir
        if not offline_ready and not getattr(network.config, "nat_gateways", 0):
            cdk.Annotations.of(self).add_warning_v2(
                "clearscribe:model-needs-egress",
                "The endpoint runs in isolated subnets with no internet route, so it cannot download "
                f"{config.model_id} or PyAV at start-up: deploy with -c clearscribe:package-weights=true "
                "-c clearscribe:weights-dir=DIR -c clearscribe:wheels-dir=DIR, or with "
                "-c clearscribe:nat-gateways=1 (docs/model.md).",
            )
        artifact_dir = Path(tempfile.mkdtemp(prefix="clearscribe-model-artifact-"))
        artifact = s3_assets.Asset(
            self,
            "ModelArtifact",
            path=str(
                build_model_artifact(
                    artifact_dir,
                    weights_dir=Path(config.weights_dir) if config.package_weights and config.weights_dir else None,
                    wheels_dir=Path(config.wheels_dir) if config.wheels_dir else None,
                )
            ),
        )
        image = resolve_image(self, config.transformers_version, config.pytorch_version, config.processor)

        # -- execution role --------------------------------------------------------------------
        self.execution_role = role = iam.Role(
            self,
            "ExecutionRole",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description="clearscribe SageMaker endpoint: read audio, write inference output, notify",
        )
        self._grant_execution(role, artifact, image.repository_arn)

        # -- model -----------------------------------------------------------------------------
        subnets = network.vpc.select_subnets(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        self.model = sagemaker.CfnModel(
            self,
            "Model",
            execution_role_arn=role.role_arn,
            primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                image=image.uri,
                model_data_url=artifact.s3_object_url,
                mode="SingleModel",
                environment=self.container_environment(),
            ),
            vpc_config=sagemaker.CfnModel.VpcConfigProperty(
                security_group_ids=[network.endpoint_security_group.security_group_id],
                subnets=subnets.subnet_ids,
            ),
            # With weights and wheels inside the artifact the container needs no network at all.
            enable_network_isolation=bool(config.package_weights and config.wheels_dir),
        )
        self.model.node.add_dependency(role)

        # -- endpoint config and endpoint --------------------------------------------------------
        self.endpoint_config = sagemaker.CfnEndpointConfig(
            self,
            "EndpointConfig",
            production_variants=[
                sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                    variant_name=VARIANT_NAME,
                    model_name=self.model.attr_model_name,
                    instance_type=config.instance_type,
                    initial_instance_count=1,
                    initial_variant_weight=1.0,
                )
            ],
            async_inference_config=sagemaker.CfnEndpointConfig.AsyncInferenceConfigProperty(
                output_config=sagemaker.CfnEndpointConfig.AsyncInferenceOutputConfigProperty(
                    s3_output_path=working.s3_url_for_object(OUTPUT_PATH),
                    s3_failure_path=working.s3_url_for_object(FAILURE_PATH),
                    kms_key_id=self.data_key.key_arn,
                    # No include_inference_response_in: transcript text never goes to SNS.
                    notification_config=sagemaker.CfnEndpointConfig.AsyncInferenceNotificationConfigProperty(
                        success_topic=self.success_topic.topic_arn,
                        error_topic=self.error_topic.topic_arn,
                    ),
                ),
                client_config=sagemaker.CfnEndpointConfig.AsyncInferenceClientConfigProperty(
                    max_concurrent_invocations_per_instance=config.max_concurrent_invocations,
                ),
            ),
            # Instance types with local NVMe storage reject a volume key (their storage is encrypted
            # by the hardware); all others get the data key.
            kms_key_id=None if config.has_local_storage else self.data_key.key_arn,
        )
        if config.has_local_storage:
            acknowledge(
                self.endpoint_config,
                "AwsSolutions-SM2",
                f"{config.instance_type} has NVMe instance storage, encrypted at rest by the hardware; "
                "SageMaker rejects a volume KMS key for such instance types.",
            )
        self.endpoint = sagemaker.CfnEndpoint(
            self, "Endpoint", endpoint_config_name=self.endpoint_config.attr_endpoint_config_name
        )
        self.endpoint_name: str = self.endpoint.attr_endpoint_name
        self.endpoint_arn: str = self.endpoint.ref  # Ref of AWS::SageMaker::Endpoint is its ARN

        self._add_scaling()

        cdk.CfnOutput(self, "EndpointName", value=self.endpoint_name)
        cdk.CfnOutput(self, "WorkingBucketName", value=working.bucket_name)
        cdk.CfnOutput(self, "ImageUri", value=image.uri)

    # ------------------------------------------------------------------------------------------
    def container_environment(self) -> dict[str, str]:
        """The serving environment set on the model (the container reads nothing else)."""
        config = self.config
        workers = str(config.max_concurrent_invocations)
        env = {
            "HF_TASK": inference.TASK,
            "SAGEMAKER_PROGRAM": "inference.py",
            "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code",
            "SAGEMAKER_CONTAINER_LOG_LEVEL": "20",
            "SAGEMAKER_REGION": self.region,
            "MMS_MAX_REQUEST_SIZE": str(MAX_REQUEST_BYTES),
            "MMS_MAX_RESPONSE_SIZE": str(MAX_RESPONSE_BYTES),
            "MMS_DEFAULT_RESPONSE_TIMEOUT": str(config.model_server_timeout_seconds),
            "SAGEMAKER_MODEL_SERVER_TIMEOUT": str(config.model_server_timeout_seconds),
            "SAGEMAKER_MODEL_SERVER_WORKERS": workers,
            "MMS_DEFAULT_WORKERS_PER_MODEL": workers,
            inference.ENV_MODEL_NAME: config.model_id,
            inference.ENV_STRATEGY: config.long_form_strategy,
            inference.ENV_BATCH_SIZE: "8" if config.is_gpu else "1",
            "CLEARSCRIBE_LOG_LEVEL": "INFO",
        }
        if config.package_weights:
            env["HF_HUB_OFFLINE"] = "1"
        else:
            env[inference.ENV_MODEL_ID] = config.model_id
        return env

    def _grant_execution(self, role: iam.Role, artifact: s3_assets.Asset, repository_arn: str) -> None:
        working = self.working_bucket
        statements = [
            iam.PolicyStatement(
                sid="ReadModelArtifact",
                actions=["s3:GetObject"],
                resources=[artifact.bucket.arn_for_objects(artifact.s3_object_key)],
            ),
            iam.PolicyStatement(
                sid="ReadExtractedAudio",
                actions=["s3:GetObject"],
                resources=[working.arn_for_objects(f"{AUDIO_PREFIX}*")],
            ),
            iam.PolicyStatement(
                sid="WriteInferenceOutput",
                actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                resources=[working.arn_for_objects(f"{INFERENCE_PREFIX}*")],
            ),
            iam.PolicyStatement(
                sid="UseDataKey",
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=[self.data_key.key_arn],
            ),
            iam.PolicyStatement(
                sid="Notify",
                actions=["sns:Publish"],
                resources=[self.success_topic.topic_arn, self.error_topic.topic_arn],
            ),
            iam.PolicyStatement(
                sid="PullImage",
                actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                resources=[repository_arn],
            ),
            iam.PolicyStatement(sid="EcrLogin", actions=["ecr:GetAuthorizationToken"], resources=["*"]),
            iam.PolicyStatement(
                sid="EndpointLogs",
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                resources=[
                    self.format_arn(
                        service="logs",
                        resource="log-group",
                        resource_name="/aws/sagemaker/Endpoints/*",
                        arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                    )
                ],
            ),
            iam.PolicyStatement(sid="EndpointMetrics", actions=["cloudwatch:PutMetricData"], resources=["*"]),
            iam.PolicyStatement(
                sid="VpcNetworkInterfaces",
                actions=[
                    "ec2:CreateNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DeleteNetworkInterfacePermission",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                ],
                resources=["*"],
            ),
        ]
        for statement in statements:
            role.add_to_policy(statement)
        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "ecr:GetAuthorizationToken, cloudwatch:PutMetricData and the EC2 network-interface actions "
            "SageMaker needs to place the endpoint in the VPC support no resource-level scoping.",
        )
        self._acknowledge_prefixes(role)

    def _acknowledge_prefixes(self, role: iam.Role) -> None:
        """Object-prefix wildcards: the endpoint reads any extracted audio and writes any result."""
        stack = cdk.Stack.of(self)
        bucket_arn_id = stack.get_logical_id(self.working_bucket.node.default_child)  # type: ignore[arg-type]
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::<{bucket_arn_id}.Arn>/{AUDIO_PREFIX}*]",
            "The endpoint reads the extracted audio of any job; object names are per job and unknown in advance.",
        )
        acknowledge(
            role,
            f"AwsSolutions-IAM5[Resource::<{bucket_arn_id}.Arn>/{INFERENCE_PREFIX}*]",
            "The endpoint writes one output or failure object per request under inference/; names are per request.",
        )
        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:"
            "log-group:/aws/sagemaker/Endpoints/*]",
            "SageMaker names the log group after the endpoint name CloudFormation assigns; scoped to endpoint groups.",
        )

    def _add_scaling(self) -> None:
        config = self.config
        dimensions = {"EndpointName": self.endpoint_name}
        target = appscaling.ScalableTarget(
            self,
            "ScalableTarget",
            service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
            resource_id=f"endpoint/{self.endpoint_name}/variant/{VARIANT_NAME}",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=0,
            max_capacity=config.max_instances,
        )
        target.node.add_dependency(self.endpoint)
        self.scalable_target = target
        target.scale_to_track_metric(
            "BacklogPerInstance",
            target_value=float(config.backlog_per_instance),
            custom_metric=cloudwatch.Metric(
                namespace=SAGEMAKER_NAMESPACE,
                metric_name="ApproximateBacklogSizePerInstance",
                dimensions_map=dimensions,
                statistic="Average",
                period=cdk.Duration.minutes(1),
            ),
            scale_in_cooldown=cdk.Duration.seconds(config.scale_in_cooldown_seconds),
            scale_out_cooldown=cdk.Duration.seconds(config.scale_out_cooldown_seconds),
        )
        scale_from_zero = appscaling.StepScalingAction(
            self,
            "ScaleFromZero",
            scaling_target=target,
            adjustment_type=appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
            cooldown=cdk.Duration.seconds(config.scale_out_cooldown_seconds),
            metric_aggregation_type=appscaling.MetricAggregationType.MAXIMUM,
        )
        scale_from_zero.add_adjustment(adjustment=1, lower_bound=0)
        self.backlog_without_capacity_alarm = alarm = cloudwatch.Alarm(
            self,
            "HasBacklogWithoutCapacity",
            alarm_description="Requests are queued and the endpoint has no instance: start one.",
            metric=cloudwatch.Metric(
                namespace=SAGEMAKER_NAMESPACE,
                metric_name="HasBacklogWithoutCapacity",
                dimensions_map=dimensions,
                statistic="Average",
                period=cdk.Duration.minutes(1),
            ),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=2,
            datapoints_to_alarm=2,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cloudwatch_actions.ApplicationScalingAction(scale_from_zero))
