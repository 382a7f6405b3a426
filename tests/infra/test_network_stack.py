"""The network stack: isolated VPC, endpoints, security groups, flow logs."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from infra.config import NetworkConfig, cdk_json_context
from infra.network_stack import NetworkStack
from tests.infra.fixtures_workflow import SKIP_BUNDLING


def synth(context: dict[str, Any] | None = None) -> tuple[NetworkStack, Template]:
    app = cdk.App(context={**cdk_json_context(), **SKIP_BUNDLING, **(context or {})})
    stack = NetworkStack(app, "ClearscribeNetwork")
    return stack, Template.from_stack(stack)


@pytest.fixture(scope="module")
def network() -> tuple[NetworkStack, Template]:
    return synth()


@pytest.fixture(scope="module")
def template(network: tuple[NetworkStack, Template]) -> Template:
    return network[1]


def test_no_nat_gateway_and_no_internet_route_by_default(template: Template) -> None:
    template.resource_count_is("AWS::EC2::NatGateway", 0)
    template.resource_count_is("AWS::EC2::InternetGateway", 0)
    template.has_resource_properties("AWS::EC2::Subnet", {"MapPublicIpOnLaunch": False})
    subnets = template.find_resources("AWS::EC2::Subnet")
    assert all(not s["Properties"].get("MapPublicIpOnLaunch") for s in subnets.values())


def test_nat_gateways_are_configurable_and_then_carry_the_model() -> None:
    stack, template = synth({"clearscribe:nat-gateways": "1"})
    template.resource_count_is("AWS::EC2::NatGateway", 1)
    assert stack.egress_subnets is not None
    assert stack.model_subnets.subnet_ids == [s.subnet_id for s in stack.vpc.private_subnets] != []


def test_without_nat_the_model_subnets_are_the_isolated_ones(network: tuple[NetworkStack, Template]) -> None:
    stack, _ = network
    assert stack.model_subnets.subnet_ids == [s.subnet_id for s in stack.vpc.isolated_subnets]


def test_subnets_use_the_availability_zones_from_context(template: Template) -> None:
    zones = {s["Properties"]["AvailabilityZone"] for s in template.find_resources("AWS::EC2::Subnet").values()}
    assert zones == set(cdk_json_context()["clearscribe:availability-zones"])


def test_without_zones_in_context_the_stack_stays_region_agnostic() -> None:
    app = cdk.App(context={**SKIP_BUNDLING})
    stack = NetworkStack(app, "Net", config=NetworkConfig(availability_zones=(), max_azs=2))
    zones = [
        s["Properties"]["AvailabilityZone"]
        for s in Template.from_stack(stack).find_resources("AWS::EC2::Subnet").values()
    ]
    assert len(zones) == 2 and all("Fn::Select" in z for z in zones)


def test_s3_and_dynamodb_gateway_endpoints(template: Template) -> None:
    endpoints = template.find_resources("AWS::EC2::VPCEndpoint", {"Properties": {"VpcEndpointType": "Gateway"}})
    services = sorted(str(e["Properties"]["ServiceName"]) for e in endpoints.values())
    assert len(services) == 2
    assert "dynamodb" in services[0] and "s3" in services[1]


def test_no_interface_endpoint_by_default(template: Template) -> None:
    """Nothing in the VPC calls a service beyond S3 and DynamoDB: SageMaker publishes the endpoint's
    notifications itself, so an SNS endpoint would cost per hour and AZ for nothing."""
    template.resource_count_is("AWS::EC2::VPCEndpoint", 2)  # the two gateway endpoints
    assert not template.find_resources("AWS::EC2::VPCEndpoint", {"Properties": {"VpcEndpointType": "Interface"}})


def test_configured_interface_endpoints_have_private_dns_and_accept_only_the_workloads() -> None:
    stack, template = synth({"clearscribe:interface-endpoints": '["sns"]'})
    interface = template.find_resources("AWS::EC2::VPCEndpoint", {"Properties": {"VpcEndpointType": "Interface"}})
    assert len(interface) == 1
    (endpoint,) = interface.values()
    assert str(endpoint["Properties"]["ServiceName"]).endswith(".sns']]}")
    assert endpoint["Properties"]["PrivateDnsEnabled"] is True
    ingress = template.find_resources("AWS::EC2::SecurityGroupIngress")
    assert ingress, "the endpoint security group admits the workload groups"
    for rule in ingress.values():
        assert rule["Properties"]["FromPort"] == 443 and "SourceSecurityGroupId" in rule["Properties"]
    assert set(stack.interface_endpoints) == {"sns"}


def test_workload_security_groups_allow_only_https_out(template: Template) -> None:
    groups = template.find_resources("AWS::EC2::SecurityGroup")
    workload = [g for g in groups.values() if "HTTPS out" in g["Properties"]["GroupDescription"]]
    assert len(workload) == 2
    for group in workload:
        (egress,) = group["Properties"]["SecurityGroupEgress"]
        assert (egress["FromPort"], egress["ToPort"], egress["IpProtocol"]) == (443, 443, "tcp")
        assert not group["Properties"].get("SecurityGroupIngress")


def test_flow_logs_capture_all_traffic_with_retention(template: Template) -> None:
    template.has_resource_properties(
        "AWS::EC2::FlowLog", {"TrafficType": "ALL", "LogDestinationType": "cloud-watch-logs"}
    )
    template.has_resource_properties("AWS::Logs::LogGroup", {"RetentionInDays": 90})


def test_stack_exposes_what_the_other_stacks_use(network: tuple[NetworkStack, Template]) -> None:
    stack, _ = network
    assert isinstance(stack.vpc, ec2.Vpc)
    assert isinstance(stack.endpoint_security_group, ec2.SecurityGroup)
    assert isinstance(stack.lambda_security_group, ec2.SecurityGroup)
    assert stack.endpoint_security_group is not stack.lambda_security_group
    assert stack.egress_subnets is None
    assert len(stack.vpc.isolated_subnets) == 2 and not stack.vpc.public_subnets
