"""``BundledPythonFunction``: a Python 3.12 Lambda with its own role and log group.

Its code is a :class:`~infra.constructs.lambda_bundling.LambdaBundle`, built on the synthesizing
machine (no Docker); its log group has the retention of ``clearscribe:log-retention-days``.
"""

from __future__ import annotations

from collections.abc import Mapping

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.constructs.lambda_bundling import LambdaBundle, bundled_code
from infra.constructs.log_groups import log_group_with_retention
from infra.constructs.nag import acknowledge


class BundledPythonFunction(Construct):
    """A Python 3.12 function (in the given VPC subnets, if any) with its own role and log group.

    The role starts with only what every function needs (write its own log group, manage its
    VPC network interfaces, send X-Ray traces); callers grant the rest.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        bundle: LambdaBundle,
        handler_module: str,
        description: str,
        memory_mb: int,
        timeout: cdk.Duration,
        environment: Mapping[str, str],
        vpc: ec2.IVpc | None,
        subnets: ec2.SubnetSelection | None,
        security_group: ec2.ISecurityGroup | None,
        log_retention_days: int,
        removal_policy: cdk.RemovalPolicy,
    ) -> None:
        super().__init__(scope, construct_id)
        self.handler_module = handler_module
        self.log_group = log_group_with_retention(self, "Logs", days=log_retention_days, removal_policy=removal_policy)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Execution role of {handler_module}",
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        if vpc is not None:
            self.role.add_to_policy(
                iam.PolicyStatement(
                    actions=[
                        "ec2:CreateNetworkInterface",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface",
                        "ec2:AssignPrivateIpAddresses",
                        "ec2:UnassignPrivateIpAddresses",
                    ],
                    resources=["*"],
                )
            )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=lambda_.Runtime.PYTHON_3_12,
            architecture=lambda_.Architecture.X86_64,
            handler=f"{handler_module}.handler",
            code=bundled_code(bundle),
            description=description,
            memory_size=memory_mb,
            timeout=timeout,
            environment=dict(environment),
            role=self.role,
            log_group=self.log_group,
            tracing=lambda_.Tracing.ACTIVE,
            vpc=vpc,
            vpc_subnets=subnets if vpc is not None else None,
            security_groups=[security_group] if vpc is not None and security_group is not None else None,
        )
        acknowledge(
            self.role,
            "AwsSolutions-IAM5[Resource::*]",
            "Resource '*' is required by X-Ray trace upload (xray:PutTraceSegments, PutTelemetryRecords)"
            + (
                " and by the VPC network interface actions Lambda needs (ec2:*NetworkInterface*, DescribeSubnets)"
                if vpc is not None
                else ""
            )
            + "; none of them supports resource-level permissions.",
        )
        acknowledge(
            self.function,
            "AwsSolutions-L1",
            "Python 3.12 is pinned on purpose: the bundles are built from cp312 manylinux wheels "
            "(spaCy, numpy, blis); the runtime moves together with the wheel pin.",
        )
