"""``EndpointRole``: the least-privilege execution role of the SageMaker endpoint."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sns as sns
from constructs import Construct

from infra.constructs.nag import acknowledge
from shared.contract import AUDIO_PREFIX, INFERENCE_PREFIX


class EndpointRole(Construct):
    """Reads the model artifact and the extracted audio, writes inference output, notifies, logs.

    Everything else the endpoint could do is left out: no listing, no deletes, no other prefixes.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        artifact: s3_assets.Asset,
        working_bucket: s3.IBucket,
        data_key: kms.IKey,
        topics: tuple[sns.ITopic, ...],
        repository_arn: str,
    ) -> None:
        super().__init__(scope, construct_id)
        self.role = role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"),
            description="clearscribe SageMaker endpoint: read audio, write inference output, notify",
        )
        stack = cdk.Stack.of(self)
        statements = [
            iam.PolicyStatement(
                sid="ReadModelArtifact",
                actions=["s3:GetObject"],
                resources=[artifact.bucket.arn_for_objects(artifact.s3_object_key)],
            ),
            iam.PolicyStatement(
                sid="ReadExtractedAudio",
                actions=["s3:GetObject"],
                resources=[working_bucket.arn_for_objects(f"{AUDIO_PREFIX}*")],
            ),
            iam.PolicyStatement(
                sid="WriteInferenceOutput",
                actions=["s3:PutObject", "s3:AbortMultipartUpload"],
                resources=[working_bucket.arn_for_objects(f"{INFERENCE_PREFIX}*")],
            ),
            iam.PolicyStatement(
                sid="UseDataKey", actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[data_key.key_arn]
            ),
            iam.PolicyStatement(sid="Notify", actions=["sns:Publish"], resources=[t.topic_arn for t in topics]),
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
                    stack.format_arn(
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
        self._acknowledge(working_bucket)

    def _acknowledge(self, working_bucket: s3.IBucket) -> None:
        role = self.role
        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "ecr:GetAuthorizationToken, cloudwatch:PutMetricData and the EC2 network-interface actions "
            "SageMaker needs to place the endpoint in the VPC support no resource-level scoping.",
        )
        bucket_arn_id = cdk.Stack.of(self).get_logical_id(working_bucket.node.default_child)  # type: ignore[arg-type]
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
