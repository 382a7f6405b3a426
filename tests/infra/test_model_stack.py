"""The model stack: working bucket, self-contained model artifact, SageMaker model, async endpoint,
scaling, role.

Synthesised with the real network stack and the cdk-nag AwsSolutions checks (a failing check
makes ``app.synth()`` raise). Two apps: the defaults in a concrete region (as ``cdk.json``
deploys, with the offline model so no hub is needed), and a CPU variant in an
environment-agnostic stack (its model asset not built: ``aws:cdk:bundling-stacks`` is empty).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match, Template
from cdk_nag import AwsSolutionsChecks

from infra import dlc_images
from infra.config import ConfigError, cdk_json_context
from infra.model_config import ModelConfig
from infra.model_stack import ModelStack
from infra.network_stack import NetworkStack
from shared.engine_settings import EngineSettings
from shared.vocabulary import ADVISED_MAX_TERMS, MAX_ENV_BYTES, read_vocabulary_file
from tests.infra.fixtures_workflow import SKIP_BUNDLING

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


@dataclass
class Synthesised:
    network: NetworkStack
    model: ModelStack
    template: Template
    report: dict[str, Any]

    def resources(self, kind: str) -> dict[str, Any]:
        return self.template.find_resources(kind)

    def one(self, kind: str) -> dict[str, Any]:
        found = self.resources(kind)
        assert len(found) == 1, f"{kind}: {len(found)}"
        return next(iter(found.values()))["Properties"]

    def logical_id(self, construct: Any) -> str:
        return self.model.get_logical_id(construct.node.default_child)


def synthesise(
    outdir: Path, *, config: ModelConfig | None, region: str | None, context: dict[str, Any] | None = None
) -> Synthesised:
    app = cdk.App(context={**cdk_json_context(), **(context or {})}, outdir=str(outdir))
    env = cdk.Environment(region=region) if region else None
    network = NetworkStack(app, "ClearscribeNetwork", env=env)
    model = ModelStack(app, "ClearscribeModel", network=network, config=config, env=env)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    app.synth()  # raises on any unacknowledged cdk-nag finding
    report = json.loads((outdir / "validation-report.json").read_text())
    return Synthesised(network, model, Template.from_stack(model), report)


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory, offline_model_context: dict[str, Any]) -> Synthesised:
    return synthesise(
        tmp_path_factory.mktemp("cdk-default"),
        config=None,
        region="us-east-1",
        context={**offline_model_context, "clearscribe:max-instances": "3"},
    )


@pytest.fixture(scope="module")
def cpu(tmp_path_factory: pytest.TempPathFactory) -> Synthesised:
    config = ModelConfig(instance_type="ml.m5.xlarge", max_instances=4, max_concurrent_invocations=2, raw_expiry_days=3)
    return synthesise(tmp_path_factory.mktemp("cdk-cpu"), config=config, region=None, context=SKIP_BUNDLING)


@pytest.fixture(scope="module")
def with_nat(tmp_path_factory: pytest.TempPathFactory) -> Synthesised:
    return synthesise(
        tmp_path_factory.mktemp("cdk-nat"),
        config=None,
        region="us-east-1",
        context={**SKIP_BUNDLING, "clearscribe:nat-gateways": "1"},
    )


# -- cdk-nag ------------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["default", "cpu"])
def test_cdk_nag_aws_solutions_checks_pass(variant: str, request: pytest.FixtureRequest):
    synthesised: Synthesised = request.getfixturevalue(variant)
    plugin = synthesised.report["pluginReports"][0]

    assert plugin["conclusion"] == "success"
    assert plugin["violations"] == []
    for suppressed in plugin["suppressedViolations"]:
        assert len(suppressed["reason"]) >= 20


# -- warnings -----------------------------------------------------------------------------------


def _warnings(synthesised: Synthesised, pattern: str) -> list[Any]:
    return list(Annotations.from_stack(synthesised.model).find_warning("*", Match.string_like_regexp(pattern)))


def test_a_cpu_instance_type_warns_with_the_longest_recording_it_can_finish(cpu: Synthesised) -> None:
    (warning,) = _warnings(cpu, "CPU instance")
    text = str(warning.entry.data)
    # ml.m5.xlarge: estimated real-time factor 1.0, 80 % of the 3600 s invocation timeout → 48 min
    assert "ml.m5.xlarge" in text and "at most 1 h 08 min" in text and "3600 s" in text
    assert cpu.model.max_audio_seconds == 68 * 60


def test_the_default_gpu_endpoint_needs_no_warning(default: Synthesised) -> None:
    assert _warnings(default, ".*") == []


# -- model --------------------------------------------------------------------------------------


def test_the_default_endpoint_runs_the_gpu_dlc_for_the_stack_region(default: Synthesised):
    container = default.one("AWS::SageMaker::Model")["PrimaryContainer"]
    (variant,) = default.one("AWS::SageMaker::EndpointConfig")["ProductionVariants"]

    assert variant["InstanceType"] == "ml.g4dn.xlarge"
    assert container["Image"] == (
        "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:"
        "2.6.0-transformers4.51.3-gpu-py312-cu124-ubuntu22.04"
    )
    assert container["Mode"] == "SingleModel"


def test_the_model_data_is_declared_a_gzip_tar_archive(default: Synthesised):
    """CreateModel documents ModelDataUrl as needing a ``.tar.gz`` key, and CDK's file asset keys end
    in ``.gz`` only; ModelDataSource states the compression instead (S3ModelDataSource, SageMaker API
    reference: "If you choose Gzip and choose S3Object … S3Uri identifies an object that is a
    gzip-compressed TAR archive")."""
    container = default.one("AWS::SageMaker::Model")["PrimaryContainer"]

    assert "ModelDataUrl" not in container
    source = container["ModelDataSource"]["S3DataSource"]
    assert (source["S3DataType"], source["CompressionType"]) == ("S3Object", "Gzip")
    assert "Fn::Sub" in source["S3Uri"]  # the model.tar.gz file asset


def test_the_model_is_self_contained_and_network_isolated(default: Synthesised):
    model = default.one("AWS::SageMaker::Model")
    env = model["PrimaryContainer"]["Environment"]

    assert model["EnableNetworkIsolation"] is True
    assert env["HF_HUB_OFFLINE"] == "1"
    assert not {"HF_MODEL_ID", "CLEARSCRIBE_MODEL_ID"} & set(env)  # nothing is downloaded at start-up
    assert env["CLEARSCRIBE_MODEL_NAME"] == "offline-tiny.en"


def test_gpu_decoding_is_batched_chunks_on_cuda_and_the_limits_are_set_on_the_model(default: Synthesised):
    env = default.one("AWS::SageMaker::Model")["PrimaryContainer"]["Environment"]

    assert (env["CLEARSCRIBE_STRATEGY"], env["CLEARSCRIBE_BATCH_SIZE"]) == ("chunked", "16")
    assert (env["CLEARSCRIBE_DEVICE"], env["CLEARSCRIBE_COMPUTE_TYPE"], env["CLEARSCRIBE_BEAM_SIZE"]) == (
        "cuda",
        "float16",
        "5",
    )
    assert EngineSettings.from_env(env).resolved(cuda_devices=1) == EngineSettings.from_env(env).resolved(
        cuda_devices=0
    ), "the endpoint's settings leave nothing to the machine"
    assert int(env["CLEARSCRIBE_MAX_AUDIO_SECONDS"]) == default.model.max_audio_seconds >= 10 * 3600
    assert "HF_TASK" not in env  # model_fn loads the model: the toolkit's own pipeline is never built
    assert int(env["MMS_MAX_REQUEST_SIZE"]) == 1024**3
    assert int(env["MMS_MAX_RESPONSE_SIZE"]) >= 10 * 1024**2
    assert int(env["SAGEMAKER_MODEL_SERVER_TIMEOUT"]) == 3600
    assert env["SAGEMAKER_MODEL_SERVER_WORKERS"] == "1"
    assert env["SAGEMAKER_PROGRAM"] == "inference.py"
    assert env["CLEARSCRIBE_SPEAKERS"] == "off"  # the same default as a local run
    assert "CLEARSCRIBE_VOCABULARY" not in env and "CLEARSCRIBE_CORRECTIONS" not in env  # none by default


def test_cpu_decoding_is_int8_chunks_one_at_a_time(cpu: Synthesised):
    model = cpu.one("AWS::SageMaker::Model")
    env = model["PrimaryContainer"]["Environment"]

    assert (env["CLEARSCRIBE_STRATEGY"], env["CLEARSCRIBE_BATCH_SIZE"]) == ("chunked", "1")
    assert (env["CLEARSCRIBE_DEVICE"], env["CLEARSCRIBE_COMPUTE_TYPE"]) == ("cpu", "int8")
    assert env["SAGEMAKER_MODEL_SERVER_WORKERS"] == "2"
    assert env["CLEARSCRIBE_MAX_AUDIO_SECONDS"] == str(68 * 60)


def test_the_vocabulary_and_corrections_context_keys_reach_the_model_environment(tmp_path: Path):
    terms = ["Kubernetes", "Priya Raman", "C#", *(f"term{i}" for i in range(ADVISED_MAX_TERMS))]
    vocabulary = tmp_path / "vocabulary.txt"
    vocabulary.write_text("# our words\n" + "\n".join(terms) + "\n", encoding="utf-8")
    context = {
        **SKIP_BUNDLING,
        "clearscribe:instance-type": "ml.m5.xlarge",
        "clearscribe:vocabulary": str(vocabulary),
        "clearscribe:corrections": ["cube control => kubectl", "jay son => JSON"],
    }

    synthesised = synthesise(tmp_path / "out", config=None, region=None, context=context)

    env = synthesised.one("AWS::SageMaker::Model")["PrimaryContainer"]["Environment"]
    engine = EngineSettings.from_env(env)
    assert engine.vocabulary == read_vocabulary_file(vocabulary) == tuple(terms)
    assert [str(rule) for rule in engine.corrections] == ["cube control => kubectl", "jay son => JSON"]
    assert all(len(env[key].encode()) <= MAX_ENV_BYTES for key in ("CLEARSCRIBE_VOCABULARY", "CLEARSCRIBE_CORRECTIONS"))
    assert _warnings(synthesised, f"holds {len(terms)} terms"), "a long vocabulary is warned about at synth time"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([f"a longer product name {i}" for i in range(60)], "at most 1024"),
        ('["Kafka", "Jira; Okta"]', r"clearscribe:vocabulary item:2: a term may not contain ';'"),
        ("no/such/vocabulary.txt", "no such file"),
        ({"Kafka": 1}, "expected a list of strings or the path of a file"),
    ],
)
def test_a_vocabulary_the_endpoint_cannot_take_fails_the_synth(value: object, message: str):
    with pytest.raises(ConfigError, match=message):
        ModelConfig.from_context(cdk.App(context={"clearscribe:vocabulary": value}).node)


def test_a_bad_correction_fails_the_synth_naming_its_line(tmp_path: Path):
    rules = tmp_path / "corrections.txt"
    rules.write_text("cube control => kubectl\njay son JSON\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"{rules}:2: expected one rule")):
        ModelConfig.from_context(cdk.App(context={"clearscribe:corrections": str(rules)}).node)
    with pytest.raises(ConfigError, match=r"corrections: .* at most 1024"):
        ModelConfig.from_context(
            cdk.App(context={"clearscribe:corrections": [f"heard words {i} => written {i}" for i in range(60)]}).node
        )


def _model_subnet_ids(synthesised: Synthesised) -> list[str]:
    vpc_config = synthesised.one("AWS::SageMaker::Model")["VpcConfig"]
    network = synthesised.network
    ids = json.dumps(vpc_config["Subnets"])
    return [
        network.get_logical_id(subnet.node.default_child)
        for subnet in network.vpc.isolated_subnets + network.vpc.private_subnets + network.vpc.public_subnets
        if network.get_logical_id(subnet.node.default_child) in ids
    ]


def test_without_nat_the_model_runs_in_the_isolated_subnets(default: Synthesised):
    network = default.network
    vpc_config = default.one("AWS::SageMaker::Model")["VpcConfig"]

    isolated = [network.get_logical_id(s.node.default_child) for s in network.vpc.isolated_subnets]
    assert sorted(_model_subnet_ids(default)) == sorted(isolated) and len(isolated) == 2
    sg_id = network.get_logical_id(network.endpoint_security_group.node.default_child)
    assert sg_id in json.dumps(vpc_config["SecurityGroupIds"])


def test_with_nat_the_model_runs_in_subnets_that_route_through_it(with_nat: Synthesised):
    network = Template.from_stack(with_nat.network).to_json()["Resources"]
    model_subnets = _model_subnet_ids(with_nat)
    assert len(model_subnets) == 2
    nat_gateways = {k for k, v in network.items() if v["Type"] == "AWS::EC2::NatGateway"}
    for subnet in model_subnets:
        (association,) = [
            v["Properties"]
            for v in network.values()
            if v["Type"] == "AWS::EC2::SubnetRouteTableAssociation" and v["Properties"]["SubnetId"] == {"Ref": subnet}
        ]
        routes = [
            v["Properties"]
            for v in network.values()
            if v["Type"] == "AWS::EC2::Route" and v["Properties"]["RouteTableId"] == association["RouteTableId"]
        ]
        assert any(
            r.get("DestinationCidrBlock") == "0.0.0.0/0" and r.get("NatGatewayId", {}).get("Ref") in nat_gateways
            for r in routes
        ), subnet


def test_cpu_variant_uses_the_cpu_image_from_the_region_mapping(cpu: Synthesised):
    container = cpu.one("AWS::SageMaker::Model")["PrimaryContainer"]
    image = json.dumps(container["Image"])

    assert "Fn::FindInMap" in image and "AWS::URLSuffix" in image
    assert image.endswith('/huggingface-pytorch-inference:2.6.0-transformers4.51.3-cpu-py312-ubuntu22.04"]]}')
    mapping = cpu.template.to_json()["Mappings"]["DlcRegistries"]
    assert mapping["eu-west-1"]["account"] == "763104351884"
    assert mapping["af-south-1"]["account"] == "626614931356"


# -- endpoint config and endpoint ---------------------------------------------------------------


def test_endpoint_config_is_asynchronous_with_outputs_in_the_working_bucket(default: Synthesised):
    props = default.one("AWS::SageMaker::EndpointConfig")
    bucket = default.logical_id(default.model.working_bucket)
    key = default.logical_id(default.model.data_key)
    output = props["AsyncInferenceConfig"]["OutputConfig"]

    assert output["S3OutputPath"] == {"Fn::Join": ["", ["s3://", {"Ref": bucket}, "/inference/output"]]}
    assert output["S3FailurePath"] == {"Fn::Join": ["", ["s3://", {"Ref": bucket}, "/inference/failure"]]}
    assert output["KmsKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    notify = output["NotificationConfig"]
    assert notify["SuccessTopic"] == {"Ref": default.logical_id(default.model.success_topic)}
    assert notify["ErrorTopic"] == {"Ref": default.logical_id(default.model.error_topic)}
    assert "IncludeInferenceResponseIn" not in notify  # transcript text never goes to SNS
    assert props["AsyncInferenceConfig"]["ClientConfig"] == {"MaxConcurrentInvocationsPerInstance": 1}
    (variant,) = props["ProductionVariants"]
    assert variant["VariantName"] == "AllTraffic"


def test_gpu_endpoint_config_omits_the_volume_key_for_nvme_instances(default: Synthesised):
    props = default.one("AWS::SageMaker::EndpointConfig")

    assert "KmsKeyId" not in props  # g4dn has NVMe instance storage
    assert "KmsKeyId" in props["AsyncInferenceConfig"]["OutputConfig"]


def test_cpu_endpoint_config_encrypts_the_volume_with_the_data_key(cpu: Synthesised):
    props = cpu.one("AWS::SageMaker::EndpointConfig")
    key = cpu.logical_id(cpu.model.data_key)

    assert props["KmsKeyId"] == {"Fn::GetAtt": [key, "Arn"]}
    assert props["AsyncInferenceConfig"]["ClientConfig"] == {"MaxConcurrentInvocationsPerInstance": 2}


def test_endpoint_uses_the_config_and_is_exposed_to_the_workflow(default: Synthesised):
    config_id = default.template.find_resources("AWS::SageMaker::EndpointConfig").popitem()[0]
    default.template.has_resource_properties(
        "AWS::SageMaker::Endpoint", {"EndpointConfigName": {"Fn::GetAtt": [config_id, "EndpointConfigName"]}}
    )
    endpoint_id = default.template.find_resources("AWS::SageMaker::Endpoint").popitem()[0]
    stack = default.model
    assert stack.resolve(stack.endpoint_name) == {"Fn::GetAtt": [endpoint_id, "EndpointName"]}
    assert stack.resolve(stack.endpoint_arn) == {"Ref": endpoint_id}
    assert (stack.invocation_timeout_seconds, stack.instance_type) == (3600, "ml.g4dn.xlarge")


# -- auto scaling -------------------------------------------------------------------------------


def test_endpoint_scales_between_zero_and_max_instances(default: Synthesised):
    endpoint_id = default.template.find_resources("AWS::SageMaker::Endpoint").popitem()[0]
    target = default.one("AWS::ApplicationAutoScaling::ScalableTarget")

    assert (target["MinCapacity"], target["MaxCapacity"]) == (0, 3)
    assert target["ServiceNamespace"] == "sagemaker"
    assert target["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"
    assert target["ResourceId"] == {
        "Fn::Join": ["", ["endpoint/", {"Fn::GetAtt": [endpoint_id, "EndpointName"]}, "/variant/AllTraffic"]]
    }


def test_target_tracking_on_backlog_per_instance(default: Synthesised):
    endpoint_id = default.template.find_resources("AWS::SageMaker::Endpoint").popitem()[0]
    default.template.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": Match.object_like(
                {
                    "TargetValue": 2,
                    "CustomizedMetricSpecification": Match.object_like(
                        {
                            "MetricName": "ApproximateBacklogSizePerInstance",
                            "Namespace": "AWS/SageMaker",
                            "Dimensions": [
                                {"Name": "EndpointName", "Value": {"Fn::GetAtt": [endpoint_id, "EndpointName"]}}
                            ],
                        }
                    ),
                }
            ),
        },
    )


def test_scale_from_zero_step_policy_on_backlog_without_capacity_alarm(default: Synthesised):
    steps = {
        k: v
        for k, v in default.resources("AWS::ApplicationAutoScaling::ScalingPolicy").items()
        if v["Properties"]["PolicyType"] == "StepScaling"
    }
    ((step_id, step),) = steps.items()
    config = step["Properties"]["StepScalingPolicyConfiguration"]
    assert config["AdjustmentType"] == "ChangeInCapacity"
    assert config["StepAdjustments"] == [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}]

    alarm = default.one("AWS::CloudWatch::Alarm")
    assert alarm["MetricName"] == "HasBacklogWithoutCapacity"
    assert alarm["Namespace"] == "AWS/SageMaker"
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["Threshold"] == 1
    assert alarm["AlarmActions"] == [{"Ref": step_id}]


def test_autoscaling_can_be_turned_off_to_change_the_instance_type(cpu: Synthesised, tmp_path: Path):
    """SageMaker refuses an instance type change on a variant registered for auto scaling; the
    documented way is a deploy without the scalable target first."""
    off = synthesise(tmp_path, config=ModelConfig(autoscaling=False), region=None, context=SKIP_BUNDLING)

    assert off.resources("AWS::ApplicationAutoScaling::ScalableTarget") == {}
    assert off.resources("AWS::ApplicationAutoScaling::ScalingPolicy") == {}
    assert _warnings(off, "autoscaling is false")
    assert len(cpu.resources("AWS::ApplicationAutoScaling::ScalableTarget")) == 1


# -- working bucket -----------------------------------------------------------------------------


def test_working_bucket_is_private_encrypted_logged_and_expires_raw_objects(default: Synthesised):
    bucket_id = default.logical_id(default.model.working_bucket)
    props = default.template.to_json()["Resources"][bucket_id]["Properties"]
    key_id = default.logical_id(default.model.data_key)

    sse = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert sse == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": [key_id, "Arn"]}}
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert "DestinationBucketName" in props["LoggingConfiguration"]
    rules = {r.get("Prefix"): r for r in props["LifecycleConfiguration"]["Rules"]}
    assert rules["audio/"]["ExpirationInDays"] == 7
    assert rules["inference/"]["ExpirationInDays"] == 7


def test_raw_expiry_is_configurable(cpu: Synthesised):
    bucket_id = cpu.logical_id(cpu.model.working_bucket)
    rules = cpu.template.to_json()["Resources"][bucket_id]["Properties"]["LifecycleConfiguration"]["Rules"]

    assert {r.get("Prefix"): r.get("ExpirationInDays") for r in rules if r.get("Prefix")} == {
        "audio/": 3,
        "inference/": 3,
    }


def test_working_bucket_refuses_plain_http(default: Synthesised):
    bucket_id = default.logical_id(default.model.working_bucket)
    default.template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": {"Ref": bucket_id},
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Effect": "Deny",
                                "Action": "s3:*",
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        )
                    ]
                )
            },
        },
    )


def test_topics_are_encrypted_with_the_data_key(default: Synthesised):
    key_id = default.logical_id(default.model.data_key)
    topics = default.resources("AWS::SNS::Topic")

    assert len(topics) == 2
    for topic in topics.values():
        assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}


# -- execution role -----------------------------------------------------------------------------


def _role_statements(synthesised: Synthesised) -> list[dict[str, Any]]:
    role_id = synthesised.logical_id(synthesised.model.execution_role)
    policies = [
        p["Properties"]
        for p in synthesised.resources("AWS::IAM::Policy").values()
        if {"Ref": role_id} in p["Properties"]["Roles"]
    ]
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


def test_execution_role_is_assumed_by_sagemaker_only(default: Synthesised):
    role_id = default.logical_id(default.model.execution_role)
    role = default.template.to_json()["Resources"][role_id]["Properties"]

    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "sagemaker.amazonaws.com"}
    assert "ManagedPolicyArns" not in role


def test_execution_role_reads_audio_and_writes_inference_output_only(default: Synthesised):
    bucket_id = default.logical_id(default.model.working_bucket)
    statements = _role_statements(default)
    on_working = [s for s in statements if bucket_id in json.dumps(s["Resource"])]

    reads = [s for s in on_working if "s3:GetObject" in _actions(s)]
    writes = [s for s in on_working if "s3:PutObject" in _actions(s)]
    assert [json.dumps(s["Resource"]) for s in reads] == [
        json.dumps({"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/audio/*"]]})
    ]
    assert [json.dumps(s["Resource"]) for s in writes] == [
        json.dumps({"Fn::Join": ["", [{"Fn::GetAtt": [bucket_id, "Arn"]}, "/inference/*"]]})
    ]
    assert len(on_working) == 2
    assert set(_actions(reads[0])) == {"s3:GetObject"}
    assert set(_actions(writes[0])) == {"s3:PutObject", "s3:AbortMultipartUpload"}


def test_execution_role_has_no_wildcard_actions_and_no_broad_data_access(default: Synthesised):
    statements = _role_statements(default)
    actions = [a for s in statements for a in _actions(s)]

    assert all(s["Effect"] == "Allow" for s in statements)
    assert not [a for a in actions if a == "*" or a.endswith(":*")]
    assert not {"s3:DeleteObject", "s3:ListBucket", "kms:Encrypt", "sns:Subscribe"} & set(actions)
    unscoped = {a for s in statements if s["Resource"] == "*" for a in _actions(s)}
    assert unscoped <= {
        "ecr:GetAuthorizationToken",
        "cloudwatch:PutMetricData",
        "ec2:CreateNetworkInterface",
        "ec2:CreateNetworkInterfacePermission",
        "ec2:DeleteNetworkInterface",
        "ec2:DeleteNetworkInterfacePermission",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeVpcs",
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
    }


def test_execution_role_can_pull_the_image_publish_and_use_the_key(default: Synthesised):
    statements = _role_statements(default)
    text = json.dumps(statements)

    assert "repository/huggingface-pytorch-inference" in text
    publish = [s for s in statements if "sns:Publish" in _actions(s)]
    assert len(publish) == 1 and len(publish[0]["Resource"]) == 2
    key_id = default.logical_id(default.model.data_key)
    key_use = [s for s in statements if "kms:Decrypt" in _actions(s)]
    assert key_use[0]["Resource"] == {"Fn::GetAtt": [key_id, "Arn"]}


# -- configuration and image lookup -------------------------------------------------------------


def test_model_config_reads_cdk_context_strings():
    app = cdk.App(
        context={
            "clearscribe:instance-type": "ml.g5.2xlarge",
            "clearscribe:max-instances": "5",
            "clearscribe:raw-expiry-days": "2",
            "clearscribe:model-id": "distil-whisper/distil-medium.en",
            "clearscribe:model-revision": "v1.0",
            "clearscribe:batch-size": "8",
            "clearscribe:invocation-timeout-seconds": "1800",
            "clearscribe:max-audio-seconds": "7200",
        }
    )

    config = ModelConfig.from_context(app.node)

    assert (config.instance_type, config.max_instances, config.raw_expiry_days) == ("ml.g5.2xlarge", 5, 2)
    assert (config.model_id, config.model_revision) == ("distil-whisper/distil-medium.en", "v1.0")
    assert config.is_gpu and config.processor == "gpu" and config.has_local_storage
    assert (config.strategy, config.decode_batch_size, config.decode_compute_type) == ("chunked", 8, "float16")
    assert (config.invocation_timeout_seconds, config.longest_audio_seconds) == (1800, 7200)


@pytest.mark.parametrize(
    ("value", "stored"), [("auto", "auto"), (" Auto ", "auto"), ("3", "3"), (2, "2"), ("off", "off")]
)
def test_the_speakers_context_key_is_read_and_checked(value: object, stored: str):
    config = ModelConfig.from_context(cdk.App(context={"clearscribe:speakers": value}).node)

    assert config.speakers == stored and config.labels_speakers == (stored != "off")
    with pytest.raises(ConfigError, match="speakers"):
        ModelConfig.from_context(cdk.App(context={"clearscribe:speakers": "everyone"}).node)


def test_labelling_speakers_leaves_room_for_diarization_in_the_longest_recording():
    plain, labelled = (
        ModelConfig(instance_type="ml.g4dn.xlarge"),
        ModelConfig(instance_type="ml.g4dn.xlarge", speakers="auto"),
    )

    assert labelled.estimated_real_time_factor > plain.estimated_real_time_factor
    assert labelled.longest_audio_seconds < plain.longest_audio_seconds


def test_the_defaults_are_a_gpu_with_batched_chunks():
    config = ModelConfig.from_context(cdk.App(context=cdk_json_context()).node)

    assert config.instance_type == "ml.g4dn.xlarge" and config.is_gpu and config.device == "cuda"
    assert (config.strategy, config.decode_batch_size, config.decode_compute_type) == ("chunked", 16, "float16")
    assert config.model_id == "distil-whisper/distil-large-v3-ct2"


@pytest.mark.parametrize(
    ("instance_type", "timeout", "longest"),
    [
        ("ml.m5.xlarge", 3600, 68 * 60),  # RTF 0.7: 80 % of the hour
        ("ml.c5.2xlarge", 3600, 137 * 60),  # 8 vCPUs: RTF 0.35
        ("ml.m5.large", 3600, 34 * 60),  # 2 vCPUs: RTF 1.4
        ("ml.m5.xlarge", 900, 17 * 60),
        ("ml.g4dn.xlarge", 3600, 960 * 60),  # RTF 0.05
    ],
)
def test_the_longest_recording_follows_the_instance_and_the_timeout(instance_type: str, timeout: int, longest: int):
    config = ModelConfig(instance_type=instance_type, invocation_timeout_seconds=timeout)

    assert config.longest_audio_seconds == longest


@pytest.mark.parametrize(
    ("instance_type", "gpu", "local"),
    [
        ("ml.m5.xlarge", False, False),
        ("ml.c5.2xlarge", False, False),
        ("ml.m5d.xlarge", False, True),
        ("ml.g5.2xlarge", True, True),
        ("ml.g4dn.xlarge", True, True),
        ("ml.p3.2xlarge", True, False),
    ],
)
def test_instance_type_classification(instance_type: str, gpu: bool, local: bool):
    config = ModelConfig(instance_type=instance_type)

    assert (config.is_gpu, config.has_local_storage) == (gpu, local)
    assert (config.device, config.decode_compute_type) == (("cuda", "float16") if gpu else ("cpu", "int8"))


@pytest.mark.parametrize(
    "changes",
    [
        {"instance_type": "m5.xlarge"},
        {"max_instances": 0},
        {"raw_expiry_days": 0},
        {"long_form_strategy": "first-30-seconds"},
        {"invocation_timeout_seconds": 3601},
        {"batch_size": 0},
        {"beam_size": 0},
        {"compute_type": "float16", "instance_type": "ml.m5.xlarge"},
        {"compute_type": "int4"},
        {"speakers": "many"},
        {"speakers": "0"},
        {"speakers": "21"},
    ],
)
def test_model_config_rejects_invalid_settings(changes: dict[str, Any]):
    with pytest.raises(ConfigError):
        ModelConfig(**changes)


def test_dlc_lookup_table_matches_the_published_uri_scheme():
    assert dlc_images.image_uri("eu-central-2", "gpu") == (
        "380420809688.dkr.ecr.eu-central-2.amazonaws.com/huggingface-pytorch-inference:"
        "2.6.0-transformers4.51.3-gpu-py312-cu124-ubuntu22.04"
    )
    assert dlc_images.image_uri("cn-north-1", "cpu") == (
        "727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/huggingface-pytorch-inference:"
        "2.6.0-transformers4.51.3-cpu-py312-ubuntu22.04"
    )
    with pytest.raises(ValueError, match="processor"):
        dlc_images.image_uri("us-east-1", "tpu")
    with pytest.raises(dlc_images.UnknownDlcError, match="region"):
        dlc_images.image_uri("xx-nowhere-1", "cpu")


def test_the_image_tag_names_the_python_and_the_pins_of_the_image():
    from infra import inference_image

    torch = next(p for p in inference_image.PINS if p.startswith("torch=="))
    transformers = next(p for p in inference_image.PINS if p.startswith("transformers"))
    for processor, tag in inference_image.TAGS.items():
        assert tag.startswith(f"{torch.split('==')[1]}-transformers{transformers.split('==')[1]}-{processor}-")
        assert f"-py{inference_image.PYTHON.replace('.', '')}-" in tag
