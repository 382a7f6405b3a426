"""``AsyncEndpoint``: a SageMaker model on the Hugging Face inference DLC, its asynchronous endpoint
configuration and the endpoint.

The model runs with network isolation in the given subnets: the artifact carries weights, code
and packages, so the container needs no network. Its serving environment is set on the model
itself (payload limits, timeouts and workers reach the container only from there).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sagemaker as sagemaker
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.constructs.nag import acknowledge
from infra.model_config import ModelConfig
from shared import contract
from shared.corrections import corrections_to_env
from shared.vocabulary import vocabulary_to_env

VARIANT_NAME = "AllTraffic"
MAX_REQUEST_BYTES = 1024**3  # the asynchronous inference payload limit (1 GB)
MAX_RESPONSE_BYTES = 100 * 1024**2


def container_environment(config: ModelConfig, *, region: str) -> dict[str, str]:
    """The serving environment set on the model (the container reads nothing else)."""
    workers = str(config.max_concurrent_invocations)
    words: dict[str, str] = {}  # only when set: an unset variable is the engine's default
    if config.vocabulary:
        words[contract.ENV_VOCABULARY] = vocabulary_to_env(config.vocabulary)
    if config.corrections:
        words[contract.ENV_CORRECTIONS] = corrections_to_env(config.corrections)
    return {
        "HF_HUB_OFFLINE": "1",
        "SAGEMAKER_PROGRAM": "inference.py",
        "SAGEMAKER_SUBMIT_DIRECTORY": "/opt/ml/model/code",
        "SAGEMAKER_CONTAINER_LOG_LEVEL": "20",
        "SAGEMAKER_REGION": region,
        "MMS_MAX_REQUEST_SIZE": str(MAX_REQUEST_BYTES),
        "MMS_MAX_RESPONSE_SIZE": str(MAX_RESPONSE_BYTES),
        "MMS_DEFAULT_RESPONSE_TIMEOUT": str(config.model_server_timeout_seconds),
        "SAGEMAKER_MODEL_SERVER_TIMEOUT": str(config.model_server_timeout_seconds),
        "SAGEMAKER_MODEL_SERVER_WORKERS": workers,
        "MMS_DEFAULT_WORKERS_PER_MODEL": workers,
        contract.ENV_MODEL_NAME: config.model_id,
        # The engine's settings, read as `clearscribe run` reads them (shared.engine_settings).
        contract.ENV_DEVICE: config.device,
        contract.ENV_COMPUTE_TYPE: config.decode_compute_type,
        contract.ENV_BEAM_SIZE: str(config.beam_size),
        contract.ENV_STRATEGY: config.strategy,
        contract.ENV_BATCH_SIZE: str(config.decode_batch_size),
        contract.ENV_MAX_AUDIO_SECONDS: str(config.longest_audio_seconds),
        contract.ENV_SPEAKERS: config.speakers,
        contract.ENV_LOG_LEVEL: "INFO",
        **words,
    }


class AsyncEndpoint(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: ModelConfig,
        image_uri: str,
        artifact: s3_assets.Asset,
        role: iam.IRole,
        subnets: ec2.SelectedSubnets,
        security_group: ec2.ISecurityGroup,
        working_bucket: s3.IBucket,
        data_key: kms.IKey,
        success_topic: sns.ITopic,
        error_topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        region = cdk.Stack.of(self).region
        self.model = sagemaker.CfnModel(
            self,
            "Model",
            execution_role_arn=role.role_arn,
            primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(
                image=image_uri,
                # Declared a gzip-compressed tar archive explicitly: the asset's S3 key ends in ".gz",
                # while ModelDataUrl is documented to need the ".tar.gz" suffix.
                model_data_source=sagemaker.CfnModel.ModelDataSourceProperty(
                    s3_data_source=sagemaker.CfnModel.S3DataSourceProperty(
                        s3_uri=artifact.s3_object_url, s3_data_type="S3Object", compression_type="Gzip"
                    )
                ),
                mode="SingleModel",
                environment=container_environment(config, region=region),
            ),
            vpc_config=sagemaker.CfnModel.VpcConfigProperty(
                security_group_ids=[security_group.security_group_id], subnets=subnets.subnet_ids
            ),
            enable_network_isolation=True,
        )
        self.model.node.add_dependency(role)

        self.endpoint_config = sagemaker.CfnEndpointConfig(
            self,
            "Config",
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
                    s3_output_path=working_bucket.s3_url_for_object(contract.INFERENCE_OUTPUT_PATH),
                    s3_failure_path=working_bucket.s3_url_for_object(contract.INFERENCE_FAILURE_PATH),
                    kms_key_id=data_key.key_arn,
                    # No include_inference_response_in: transcript text never goes to SNS.
                    notification_config=sagemaker.CfnEndpointConfig.AsyncInferenceNotificationConfigProperty(
                        success_topic=success_topic.topic_arn, error_topic=error_topic.topic_arn
                    ),
                ),
                client_config=sagemaker.CfnEndpointConfig.AsyncInferenceClientConfigProperty(
                    max_concurrent_invocations_per_instance=config.max_concurrent_invocations,
                ),
            ),
            # Instance types with local NVMe storage reject a volume key (their storage is encrypted
            # by the hardware); all others get the data key.
            kms_key_id=None if config.has_local_storage else data_key.key_arn,
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
