"""Network stack: the VPC the SageMaker endpoint and the data-handling Lambdas run in.

By default there is no NAT gateway and no internet route: workloads sit in isolated subnets and
reach S3 and DynamoDB through gateway endpoints (interface endpoints for other services can be
added with ``clearscribe:interface-endpoints``; nothing in the VPC needs one by default). The
SageMaker model runs with network isolation; it sits in the isolated subnets, or, with NAT
gateways (``clearscribe:nat-gateways``), in the private egress subnets that route through them
(:attr:`NetworkStack.model_subnets`). MediaConvert offers no VPC endpoint, so the two Lambdas
that call it run outside the VPC unless NAT gateways are configured, in which case they use the
egress subnets too.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra.config import NetworkConfig
from infra.constructs.log_groups import log_group_with_retention

HTTPS = ec2.Port.tcp(443)


class NetworkStack(cdk.Stack):
    """VPC, gateway and interface endpoints, security groups and flow logs."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: NetworkConfig | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config = config or NetworkConfig.from_context(self.node)

        subnets = [
            ec2.SubnetConfiguration(name="isolated", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=22),
        ]
        if config.nat_gateways:
            subnets += [
                ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24),
                ec2.SubnetConfiguration(name="egress", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=22),
            ]
        zones: dict[str, Any] = (
            {"availability_zones": list(config.availability_zones)}
            if config.availability_zones
            else {"max_azs": config.max_azs}
        )
        self.vpc: ec2.IVpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(config.cidr),
            nat_gateways=config.nat_gateways,
            subnet_configuration=subnets,
            restrict_default_security_group=True,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            gateway_endpoints={
                "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3),
                "DynamoDB": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.DYNAMODB),
            },
            **zones,
        )
        #: Where the endpoint and the data-handling Lambdas run.
        self.workload_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        #: Subnets with an internet route (only with NAT gateways), for callers of services without endpoints.
        self.egress_subnets: ec2.SubnetSelection | None = (
            ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS) if config.nat_gateways else None
        )
        #: Where the SageMaker model runs: the subnets that route through NAT when there is one.
        self.model_subnets: ec2.SelectedSubnets = self.vpc.select_subnets(
            subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS if config.nat_gateways else ec2.SubnetType.PRIVATE_ISOLATED
        )

        flow_logs = log_group_with_retention(
            self, "FlowLogs", days=config.flow_log_retention_days, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        self.flow_log_group: logs.ILogGroup = flow_logs
        self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs),
            traffic_type=ec2.FlowLogTrafficType.ALL,
        )

        self.lambda_security_group: ec2.ISecurityGroup = ec2.SecurityGroup(
            self,
            "LambdaSecurityGroup",
            vpc=self.vpc,
            description="clearscribe Lambdas: HTTPS out to VPC endpoints only",
            allow_all_outbound=False,
        )
        self.endpoint_security_group: ec2.ISecurityGroup = ec2.SecurityGroup(
            self,
            "EndpointSecurityGroup",
            vpc=self.vpc,
            description="clearscribe SageMaker endpoint: HTTPS out to VPC endpoints only",
            allow_all_outbound=False,
        )
        self.vpc_endpoint_security_group = ec2.SecurityGroup(
            self,
            "VpcEndpointSecurityGroup",
            vpc=self.vpc,
            description="clearscribe interface endpoints: HTTPS in from the workloads",
            allow_all_outbound=False,
        )
        for workload in (self.lambda_security_group, self.endpoint_security_group):
            # Without NAT there is no route out of the VPC, so 0.0.0.0/0:443 only reaches the
            # gateway endpoints (whose prefix lists are region specific) and interface endpoints.
            workload.add_egress_rule(ec2.Peer.any_ipv4(), HTTPS, "HTTPS to AWS APIs through VPC endpoints")
            self.vpc_endpoint_security_group.add_ingress_rule(workload, HTTPS, "HTTPS from clearscribe workloads")

        self.interface_endpoints: dict[str, ec2.InterfaceVpcEndpoint] = {}
        for service in config.interface_endpoints:
            endpoint_id = "".join(part.capitalize() for part in service.replace("-", ".").split("."))
            self.interface_endpoints[service] = self.vpc.add_interface_endpoint(
                f"{endpoint_id}Endpoint",
                service=ec2.InterfaceVpcEndpointAwsService(service),
                private_dns_enabled=True,
                subnets=self.workload_subnets,
                security_groups=[self.vpc_endpoint_security_group],
                open=False,
            )

        cdk.CfnOutput(self, "VpcId", value=self.vpc.vpc_id)
