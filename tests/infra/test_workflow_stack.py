"""The workflow stack, synthesized against a stand-in model stack (bundling skipped): storage, the
trigger, the functions and their grants, the events that resume the workflow (the endpoint's
topics, the sweep's schedule), the alarms, and the state machine that waits on events."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from moto.events.models import EventPattern

from infra.config import ConfigError, WorkflowConfig
from infra.constructs.transcription_workflow import LAMBDA_TRANSIENT_ERRORS
from infra.workflow_stack import media_key_filters
from infra.workflow_steps import EVENT_HANDLERS, OUTSIDE_VPC, STEP_HANDLERS
from pipeline.handlers import events as handler_events
from sandbox.templates import definition_from_template, iter_states, lambda_handlers, state_handlers
from shared import contract
from shared.contract import MEDIA_SUFFIXES
from tests.infra.fixtures_workflow import (
    SHORT_BUDGETS,
    STAND_IN_ENDPOINT_NAME,
    WorkflowApp,
    build_workflow_app,
)

WORKING = "working-bucket"
#: What the functions read from their environment (pipeline.handlers.runtime, the cost estimate).
RUNTIME_ENV = {
    contract.ENV_JOB_TABLE,
    contract.ENV_WORKING_BUCKET,
    contract.ENV_OUTPUT_BUCKET,
    contract.ENV_MEDIACONVERT_TEMPLATE,
    contract.ENV_MEDIACONVERT_ROLE_ARN,
    contract.ENV_ENDPOINT_NAME,
    contract.ENV_ENDPOINT_INSTANCE_TYPE,
    contract.ENV_CALLBACK_TABLE,
    contract.ENV_MAX_DURATION_SECONDS,
    contract.ENV_WINDOW_SECONDS,
    contract.ENV_INVOCATION_TIMEOUT_SECONDS,
    contract.ENV_REQUEST_TTL_SECONDS,
    contract.ENV_NOTIFICATION_GRACE_SECONDS,
    contract.ENV_LAMBDA_LOG_LEVEL,
}
#: The stand-in model stack's invocation timeout (tests/infra/fixtures_workflow.py).
STAND_IN_INVOCATION_TIMEOUT = 3600
ALL_HANDLERS = {**STEP_HANDLERS, **EVENT_HANDLERS}


@pytest.fixture(scope="module")
def built() -> WorkflowApp:
    return build_workflow_app()


@pytest.fixture(scope="module")
def template(built: WorkflowApp) -> Template:
    return built.template()


@pytest.fixture(scope="module")
def template_json(template: Template) -> dict[str, Any]:
    return template.to_json()


@pytest.fixture(scope="module")
def definition(template_json: dict[str, Any]) -> dict[str, Any]:
    return definition_from_template(template_json, values={"WorkingBucketName": WORKING})


@pytest.fixture(scope="module")
def states(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return iter_states(definition)


def resources(template_json: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template_json["Resources"].items() if v["Type"] == type_}


def functions_by_module(template_json: dict[str, Any]) -> dict[str, dict[str, Any]]:
    functions = resources(template_json, "AWS::Lambda::Function")
    return {module: functions[logical_id] for logical_id, module in lambda_handlers(template_json).items()}


def role_statements(template_json: dict[str, Any], function: dict[str, Any]) -> list[dict[str, Any]]:
    role_id = function["Properties"]["Role"]["Fn::GetAtt"][0]
    statements: list[dict[str, Any]] = []
    for policy in resources(template_json, "AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


def text(value: Any) -> str:
    """A policy resource as one string, intrinsics shown as ``<...>`` (imports by their name)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return " ".join(text(v) for v in value)
    ((name, arg),) = value.items()
    if name == "Fn::Join":
        return arg[0].join(text(part) for part in arg[1])
    if name == "Fn::ImportValue":
        return text(arg)
    if name == "Fn::GetAtt":
        return f"<{arg[0]}.{arg[1]}>"
    return f"<{arg}>"


def module_statements(template_json: dict[str, Any], module: str) -> list[dict[str, Any]]:
    return role_statements(template_json, functions_by_module(template_json)[module])


def logical_id_of(template_json: dict[str, Any], module: str) -> str:
    (logical_id,) = [k for k, m in lambda_handlers(template_json).items() if m == module]
    return logical_id


def table_id(template_json: dict[str, Any], key: str) -> str:
    """The logical id of the table whose partition key is ``key``."""
    (found,) = [
        k
        for k, t in resources(template_json, "AWS::DynamoDB::Table").items()
        if t["Properties"]["KeySchema"] == [{"AttributeName": key, "KeyType": "HASH"}]
    ]
    return found


def actions_of(statements: list[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for statement in statements:
        actions = statement["Action"]
        found.update([actions] if isinstance(actions, str) else actions)
    return found


# -- buckets and table ------------------------------------------------------------------------
def test_input_and_output_buckets_are_private_kms_encrypted_versioned_and_logged(template: Template) -> None:
    template.resource_properties_count_is(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    Match.object_like(
                        {
                            "BucketKeyEnabled": True,
                            "ServerSideEncryptionByDefault": Match.object_like({"SSEAlgorithm": "aws:kms"}),
                        }
                    )
                ]
            },
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "LoggingConfiguration": Match.object_like({"DestinationBucketName": Match.any_value()}),
        },
        2,
    )


def test_every_bucket_denies_plain_http(template_json: dict[str, Any]) -> None:
    buckets = resources(template_json, "AWS::S3::Bucket")
    policies = resources(template_json, "AWS::S3::BucketPolicy").values()
    tls_only = set()
    for policy in policies:
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if (
                statement["Effect"] == "Deny"
                and statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
            ):
                tls_only.add(policy["Properties"]["Bucket"]["Ref"])
    assert tls_only == set(buckets)


def test_input_bucket_sends_events_to_eventbridge_without_a_custom_resource(template_json: dict[str, Any]) -> None:
    buckets = resources(template_json, "AWS::S3::Bucket")
    with_events = [
        b
        for b in buckets.values()
        if b["Properties"]
        .get("NotificationConfiguration", {})
        .get("EventBridgeConfiguration", {})
        .get("EventBridgeEnabled")
    ]
    assert len(with_events) == 1
    assert not resources(template_json, "Custom::S3BucketNotifications")


def test_job_table_has_status_index_pitr_and_customer_key(template: Template) -> None:
    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [{"AttributeName": "job_id", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "SSESpecification": Match.object_like({"SSEEnabled": True, "SSEType": "KMS"}),
            "GlobalSecondaryIndexes": [
                {
                    "IndexName": "by-status",
                    "KeySchema": [
                        {"AttributeName": "status", "KeyType": "HASH"},
                        {"AttributeName": "updated_at", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        },
    )


def test_job_data_is_retained_by_default_and_key_rotates(template_json: dict[str, Any], template: Template) -> None:
    tables = resources(template_json, "AWS::DynamoDB::Table")
    assert tables[table_id(template_json, "job_id")]["DeletionPolicy"] == "Retain"
    template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_retain_data_false_lets_teardown_delete_the_job_table() -> None:
    template_json = build_workflow_app({"clearscribe:retain-data": "false"}).template_json()
    job_table = resources(template_json, "AWS::DynamoDB::Table")[table_id(template_json, "job_id")]
    assert job_table["DeletionPolicy"] == "Delete"
    assert job_table["Properties"]["DeletionProtectionEnabled"] is False


def test_the_callback_table_holds_task_tokens_by_inference_id_and_expires_them(template_json: dict[str, Any]) -> None:
    """``pipeline.cloud.callbacks``: key ``inference_id``, items removed by DynamoDB's TTL on
    ``expires_at``; work in flight only, so nothing is kept at teardown."""
    callback_id = table_id(template_json, "inference_id")
    table = resources(template_json, "AWS::DynamoDB::Table")[callback_id]
    props = table["Properties"]
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["SSESpecification"]["SSEType"] == "KMS" and props["SSESpecification"]["SSEEnabled"] is True
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert table["DeletionPolicy"] == "Delete"
    for module in ("pipeline.handlers.transcribe_window", *EVENT_HANDLERS.values()):
        variables = functions_by_module(template_json)[module]["Properties"]["Environment"]["Variables"]
        assert variables[contract.ENV_CALLBACK_TABLE] == {"Ref": callback_id}, module


# -- trigger --------------------------------------------------------------------------------
def _rule(template_json: dict[str, Any], source: str = "aws.s3") -> dict[str, Any]:
    (rule,) = [
        r
        for r in resources(template_json, "AWS::Events::Rule").values()
        if r["Properties"].get("EventPattern", {}).get("source") == [source]
    ]
    return rule


def _pattern_for(template_json: dict[str, Any], bucket: str) -> EventPattern:
    pattern = json.loads(json.dumps(_rule(template_json)["Properties"]["EventPattern"]))
    pattern["detail"]["bucket"]["name"] = [bucket]
    return EventPattern.load(json.dumps(pattern))


def _object_created(bucket: str, key: str, reason: str = "PutObject") -> dict[str, Any]:
    return {
        "version": "0",
        "source": "aws.s3",
        "detail-type": "Object Created",
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {"key": key, "size": 1024, "etag": "abc", "version-id": "v1"},
            "reason": reason,
        },
    }


@pytest.mark.parametrize(
    ("key", "reason"),
    [
        ("uploads/board meeting.mp4", "PutObject"),
        ("uploads/Q3 review + Q&A – München.MOV", "CompleteMultipartUpload"),
        ("talks/日本語のトーク.webm", "CopyObject"),
        ("a+b=c.Mp4", "PutObject"),
    ],
)
def test_upload_rule_matches_media_keys_as_eventbridge_sends_them(
    template_json: dict[str, Any], key: str, reason: str
) -> None:
    pattern = _pattern_for(template_json, "input-bucket")
    assert pattern.matches_event(_object_created("input-bucket", key, reason))


@pytest.mark.parametrize("suffix", MEDIA_SUFFIXES)
def test_upload_rule_matches_every_suffix_registration_accepts(template_json: dict[str, Any], suffix: str) -> None:
    pattern = _pattern_for(template_json, "input-bucket")
    for key in (f"uploads/talk{suffix}", f"uploads/TALK{suffix.upper()}"):
        assert pattern.matches_event(_object_created("input-bucket", key)), key


@pytest.mark.parametrize("key", ["uploads/notes.txt", "uploads/movie.mp4.json", "uploads/mp4"])
def test_upload_rule_ignores_other_files(template_json: dict[str, Any], key: str) -> None:
    assert not _pattern_for(template_json, "input-bucket").matches_event(_object_created("input-bucket", key))


def test_upload_rule_ignores_other_buckets(template_json: dict[str, Any]) -> None:
    pattern = _pattern_for(template_json, "input-bucket")
    assert not pattern.matches_event(_object_created("someone-else", "video.mp4"))


def test_upload_rule_does_not_filter_on_the_upload_kind(template_json: dict[str, Any]) -> None:
    pattern = _rule(template_json)["Properties"]["EventPattern"]
    assert pattern["source"] == ["aws.s3"]
    assert pattern["detail-type"] == ["Object Created"]
    assert "reason" not in pattern["detail"]


def test_prefix_filter_keeps_other_prefixes_out() -> None:
    filters = media_key_filters("uploads/", (".mp4",))
    pattern = EventPattern.load(json.dumps({"detail": {"object": {"key": filters}}}))
    assert pattern.matches_event(_object_created("b", "uploads/team call + notes.mp4"))
    assert pattern.matches_event(_object_created("b", "uploads/deep/CALL.MP4"))
    assert not pattern.matches_event(_object_created("b", "elsewhere/call.mp4"))


def test_upload_rule_starts_the_state_machine_with_the_event_unchanged(template_json: dict[str, Any]) -> None:
    (target,) = _rule(template_json)["Properties"]["Targets"]
    (state_machine_id,) = resources(template_json, "AWS::StepFunctions::StateMachine")
    assert target["Arn"] == {"Ref": state_machine_id}
    assert "Input" not in target and "InputTransformer" not in target and "InputPath" not in target
    assert "DeadLetterConfig" in target
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0


def test_failed_timed_out_and_aborted_executions_reach_mark_failed(template_json: dict[str, Any]) -> None:
    """The event's ``status`` is one of RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED (Step Functions
    user guide, "Step Functions Execution Status Change" events): every unsuccessful end is matched."""
    rule = _rule(template_json, source="aws.states")
    pattern = rule["Properties"]["EventPattern"]
    assert pattern["detail-type"] == ["Step Functions Execution Status Change"]
    assert sorted(pattern["detail"]["status"]) == ["ABORTED", "FAILED", "TIMED_OUT"]
    (state_machine_id,) = resources(template_json, "AWS::StepFunctions::StateMachine")
    assert pattern["detail"]["stateMachineArn"] == [{"Ref": state_machine_id}]
    (target,) = rule["Properties"]["Targets"]
    (mark_failed,) = [k for k, m in lambda_handlers(template_json).items() if m == "pipeline.handlers.mark_failed"]
    assert target["Arn"] == {"Fn::GetAtt": [mark_failed, "Arn"]}


# -- events that resume the workflow ------------------------------------------------------------
def test_the_endpoint_notifications_reach_resume_transcription(template_json: dict[str, Any]) -> None:
    """Both of the model stack's topics (success and error) deliver to ResumeTranscription, which
    SNS may invoke from those topics only."""
    resume = logical_id_of(template_json, "pipeline.handlers.resume_transcription")
    subscriptions = resources(template_json, "AWS::SNS::Subscription").values()
    topics = sorted(text(s["Properties"]["TopicArn"]) for s in subscriptions)
    assert len(topics) == 2
    assert re.search(r"ClearscribeModel:\S*Success", topics[1]) and re.search(r"ClearscribeModel:\S*Error", topics[0])
    for subscription in subscriptions:
        assert subscription["Properties"]["Protocol"] == "lambda"
        assert subscription["Properties"]["Endpoint"] == {"Fn::GetAtt": [resume, "Arn"]}
    permissions = [
        p["Properties"]
        for p in resources(template_json, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "sns.amazonaws.com"
    ]
    assert sorted(text(p["SourceArn"]) for p in permissions) == topics
    assert all(p["FunctionName"] == {"Fn::GetAtt": [resume, "Arn"]} for p in permissions)


@pytest.mark.parametrize(
    ("context", "rate"), [({}, "rate(5 minutes)"), ({"clearscribe:sweep-interval-minutes": 2}, "rate(2 minutes)")]
)
def test_a_schedule_runs_the_sweep(context: dict[str, Any], rate: str) -> None:
    template_json = build_workflow_app(context).template_json()
    (rule,) = [
        r for r in resources(template_json, "AWS::Events::Rule").values() if "ScheduleExpression" in r["Properties"]
    ]
    assert rule["Properties"]["ScheduleExpression"] == rate
    assert rule["Properties"]["State"] == "ENABLED"
    (target,) = rule["Properties"]["Targets"]
    sweeper = logical_id_of(template_json, "pipeline.handlers.sweep_transcriptions")
    assert target["Arn"] == {"Fn::GetAtt": [sweeper, "Arn"]}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] >= 1


def test_mark_failed_keeps_the_events_it_could_not_record(template_json: dict[str, Any]) -> None:
    (config,) = resources(template_json, "AWS::Lambda::EventInvokeConfig").values()
    mark_failed = logical_id_of(template_json, "pipeline.handlers.mark_failed")
    assert config["Properties"]["FunctionName"] == {"Ref": mark_failed}
    assert config["Properties"]["MaximumRetryAttempts"] == 2
    destination = config["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
    queues = resources(template_json, "AWS::SQS::Queue")
    assert destination["Fn::GetAtt"][0] in queues and destination["Fn::GetAtt"][0].startswith("UnrecordedFailures")


# -- alarms -----------------------------------------------------------------------------------------
ALARMS = {
    # name: (namespace, metric, dimensions, evaluation periods)
    "ExecutionsFailed": ("AWS/States", "ExecutionsFailed", ["StateMachineArn"], 1),
    "ExecutionsTimedOut": ("AWS/States", "ExecutionsTimedOut", ["StateMachineArn"], 1),
    "TriggerDeadLetters": ("AWS/SQS", "ApproximateNumberOfMessagesVisible", ["QueueName"], 1),
    "UnrecordedFailures": ("AWS/SQS", "ApproximateNumberOfMessagesVisible", ["QueueName"], 1),
    "MarkFailedErrors": ("AWS/Lambda", "Errors", ["FunctionName"], 1),
    "InvocationFailures": ("AWS/SageMaker", "InvocationFailures", ["EndpointName", "VariantName"], 1),
    "ExpiredRequests": ("AWS/SageMaker", "ExpiredRequests", ["EndpointName", "VariantName"], 1),
    "NotificationFailures": ("AWS/SageMaker", "NotificationFailures", ["EndpointName", "VariantName"], 1),
    "BacklogWithoutCapacity": ("AWS/SageMaker", "HasBacklogWithoutCapacity", ["EndpointName"], 30),
}


def alarms_by_name(template_json: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for alarm in resources(template_json, "AWS::CloudWatch::Alarm").values():
        name = alarm["Properties"]["AlarmDescription"].rsplit("Alarms: ", 1)[1]
        found[name] = alarm["Properties"]
    return found


def test_every_alarm_watches_its_metric_and_tells_the_operations_topic(template_json: dict[str, Any]) -> None:
    alarms = alarms_by_name(template_json)
    assert set(alarms) == set(ALARMS)
    (topic,) = resources(template_json, "AWS::SNS::Topic")
    for name, (namespace, metric, dimensions, periods) in ALARMS.items():
        alarm = alarms[name]
        assert (alarm["Namespace"], alarm["MetricName"]) == (namespace, metric), name
        assert [d["Name"] for d in alarm["Dimensions"]] == dimensions, name
        assert alarm["EvaluationPeriods"] == alarm["DatapointsToAlarm"] == periods, name
        assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold", name
        assert alarm["TreatMissingData"] == "notBreaching", name
        assert alarm["AlarmActions"] == [{"Ref": topic}], name
    endpoint = {d["Name"]: d["Value"] for d in alarms["ExpiredRequests"]["Dimensions"]}
    assert endpoint == {"EndpointName": STAND_IN_ENDPOINT_NAME, "VariantName": "AllTraffic"}


def test_each_alarm_is_explained_in_the_operations_guide(template_json: dict[str, Any]) -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text(encoding="utf-8")
    for name in alarms_by_name(template_json):
        assert f"| `{name}` |" in guide, name


def test_the_backlog_alarm_waits_as_long_as_configured() -> None:
    template_json = build_workflow_app({"clearscribe:backlog-alarm-minutes": 45}).template_json()
    assert alarms_by_name(template_json)["BacklogWithoutCapacity"]["EvaluationPeriods"] == 45


def test_the_operations_topic_is_encrypted_and_an_output(template_json: dict[str, Any]) -> None:
    ((topic_id, topic),) = resources(template_json, "AWS::SNS::Topic").items()
    assert "KmsMasterKeyId" in topic["Properties"]
    assert template_json["Outputs"]["OperationsTopicArn"]["Value"] == {"Ref": topic_id}
    (key,) = resources(template_json, "AWS::KMS::Key").values()
    principals = json.dumps(key["Properties"]["KeyPolicy"])
    assert "cloudwatch.amazonaws.com" in principals, "CloudWatch cannot publish to the encrypted topic"


# -- MediaConvert -----------------------------------------------------------------------------
def test_mediaconvert_endpoint_is_not_hard_coded(template_json: dict[str, Any]) -> None:
    text = json.dumps(template_json)
    # Neither a regional nor an account endpoint (abcd1234.mediaconvert.<region>.amazonaws.com).
    assert not re.search(r"mediaconvert\.[a-z]{2}-[a-z]+-\d|\.mediaconvert\.", text.lower())
    assert "MEDIACONVERT_ENDPOINT" not in text


def test_mediaconvert_role_reads_uploads_and_writes_audio_only(template_json: dict[str, Any]) -> None:
    roles = resources(template_json, "AWS::IAM::Role")
    (role_id,) = [
        k
        for k, v in roles.items()
        if v["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"].get("Service")
        == "mediaconvert.amazonaws.com"
    ]
    statements = role_statements(template_json, {"Properties": {"Role": {"Fn::GetAtt": [role_id, "Arn"]}}})
    writes = [s for s in statements if "s3:PutObject" in s["Action"]]
    assert len(writes) == 1 and text(writes[0]["Resource"]).endswith("WorkingBucketName/audio/*")
    assert not any(a.startswith("s3:Delete") for a in actions_of(statements))


# -- Lambdas --------------------------------------------------------------------------------
def test_every_handler_of_the_contract_is_deployed(template_json: dict[str, Any]) -> None:
    assert sorted(lambda_handlers(template_json).values()) == sorted(ALL_HANDLERS.values())


def test_no_iam_action_is_granted_that_no_step_calls(template_json: dict[str, Any]) -> None:
    """The job store only gets and conditionally puts items; S3 writes need no kms:Encrypt; S3
    listings are limited to a prefix; MediaConvert is called on its regional endpoint."""
    actions: set[str] = set()
    for policy in resources(template_json, "AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions |= actions_of([statement])
            if "s3:ListBucket" in actions_of([statement]):
                assert "s3:prefix" in statement.get("Condition", {}).get("StringLike", {}), statement
    unused = {
        "dynamodb:ConditionCheckItem",
        "dynamodb:Query",
        "kms:Encrypt",
        "mediaconvert:DescribeEndpoints",
        "s3:GetObjectVersion",
        "s3:DeleteObject",
    }
    assert not unused & actions


def test_lambdas_run_python_312_traced_with_the_runtime_environment(template_json: dict[str, Any]) -> None:
    config = WorkflowConfig()
    for module, function in functions_by_module(template_json).items():
        props = function["Properties"]
        assert props["Runtime"] == "python3.12", module
        assert props["Handler"] == f"{module}.handler"
        assert props["TracingConfig"] == {"Mode": "Active"}
        variables = props["Environment"]["Variables"]
        assert set(variables) >= RUNTIME_ENV, module
        assert variables[contract.ENV_ENDPOINT_NAME] == STAND_IN_ENDPOINT_NAME
        assert variables[contract.ENV_MAX_DURATION_SECONDS] == str(config.max_duration_seconds) == "43200"
        assert variables[contract.ENV_WINDOW_SECONDS] == str(config.window_seconds) == "1200"
        # Each window's budget: the endpoint's invocation timeout, and the rest of the budget to queue.
        assert variables[contract.ENV_INVOCATION_TIMEOUT_SECONDS] == str(STAND_IN_INVOCATION_TIMEOUT)
        ttl = config.transcription_budget_seconds - STAND_IN_INVOCATION_TIMEOUT
        assert variables[contract.ENV_REQUEST_TTL_SECONDS] == str(ttl)
        assert variables[contract.ENV_NOTIFICATION_GRACE_SECONDS] == str(config.notification_grace_seconds)
        assert "LoggingConfig" in props


def test_memory_sized_for_the_enrichers(template_json: dict[str, Any]) -> None:
    functions = functions_by_module(template_json)
    assert functions["pipeline.handlers.redact_pii"]["Properties"]["MemorySize"] == 2048
    for module in ("pipeline.handlers.filter_profanity", "pipeline.handlers.analyze_sentiment"):
        assert functions[module]["Properties"]["MemorySize"] == 1024
    assert functions["pipeline.handlers.redact_pii"]["Properties"]["Timeout"] >= 300


def test_data_handling_lambdas_run_in_the_vpc_and_service_callers_outside_without_nat(
    template_json: dict[str, Any],
) -> None:
    """MediaConvert, SageMaker Runtime and Step Functions have no endpoint in the VPC by default:
    the functions that call them run outside it, and read no transcript."""
    outside = {ALL_HANDLERS[name] for name in OUTSIDE_VPC}
    assert outside == {
        "pipeline.handlers.prepare_audio_extraction",
        "pipeline.handlers.transcribe_window",
        "pipeline.handlers.resume_transcription",
        "pipeline.handlers.sweep_transcriptions",
    }
    for module, function in functions_by_module(template_json).items():
        assert ("VpcConfig" in function["Properties"]) != (module in outside), module


def test_with_nat_every_lambda_runs_in_the_vpc() -> None:
    template_json = build_workflow_app({"clearscribe:nat-gateways": 1}).template_json()
    assert all("VpcConfig" in f["Properties"] for f in functions_by_module(template_json).values())


def test_short_budgets_reach_the_lambdas_and_the_definition() -> None:
    template_json = build_workflow_app(SHORT_BUDGETS).template_json()
    for function in functions_by_module(template_json).values():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables[contract.ENV_REQUEST_TTL_SECONDS] == str(3660 - STAND_IN_INVOCATION_TIMEOUT)
        assert variables[contract.ENV_NOTIFICATION_GRACE_SECONDS] == "0"
    states = iter_states(definition_from_template(template_json))
    assert states["ExtractAudio"]["TimeoutSeconds"] == 60
    assert states["TranscribeWindow"]["TimeoutSeconds"] == 3660


@pytest.mark.parametrize(
    ("context", "message"),
    [
        # 3620 s of budget less the endpoint's 3600 s invocation timeout leaves 20 s to queue, under
        # SageMaker's 60 s minimum RequestTTLSeconds.
        ({"clearscribe:transcription-budget-seconds": 3620}, "RequestTTLSeconds"),
        ({"clearscribe:window-seconds": 2881}, "window-seconds"),  # longer than the endpoint finishes
        ({"clearscribe:window-seconds": 59}, "window-seconds"),
    ],
)
def test_budgets_the_endpoint_cannot_keep_are_refused_at_synth(context: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build_workflow_app(context)


def test_the_tightest_budgets_the_endpoint_can_keep_are_taken() -> None:
    template_json = build_workflow_app(
        {"clearscribe:transcription-budget-seconds": 3660, "clearscribe:window-seconds": 2880}
    ).template_json()
    variables = functions_by_module(template_json)["pipeline.handlers.transcribe_window"]["Properties"]["Environment"]
    assert variables["Variables"][contract.ENV_REQUEST_TTL_SECONDS] == "60"
    assert variables["Variables"][contract.ENV_WINDOW_SECONDS] == "2880"


# -- IAM --------------------------------------------------------------------------------------
def test_no_policy_grants_service_wide_actions(template_json: dict[str, Any]) -> None:
    for logical_id, policy in resources(template_json, "AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            for action in actions:
                assert action != "*" and not action.endswith(":*"), (logical_id, action)


@pytest.mark.parametrize(
    ("module", "allowed", "forbidden"),
    [
        (
            "pipeline.handlers.register_job",
            {"dynamodb:PutItem", "s3:ListBucket"},
            {"s3:PutObject", "s3:GetObject", "mediaconvert:CreateJob"},
        ),
        (
            "pipeline.handlers.prepare_audio_extraction",
            {"mediaconvert:GetJobTemplate", "dynamodb:PutItem"},
            # the state machine creates the job; the regional endpoint needs no discovery
            {"mediaconvert:CreateJob", "iam:PassRole", "s3:PutObject", "mediaconvert:DescribeEndpoints"},
        ),
        (
            "pipeline.handlers.check_audio_extraction",
            {"s3:ListBucket", "dynamodb:PutItem"},
            {"mediaconvert:GetJob", "s3:PutObject", "sagemaker:InvokeEndpointAsync"},
        ),
        (
            "pipeline.handlers.transcribe_window",
            {"sagemaker:InvokeEndpointAsync", "dynamodb:PutItem", "dynamodb:UpdateItem"},
            {"dynamodb:GetItem", "dynamodb:DeleteItem", "dynamodb:Scan", "s3:GetObject", "states:SendTaskSuccess"},
        ),
        (
            "pipeline.handlers.resume_transcription",
            {
                "states:SendTaskSuccess",
                "states:SendTaskFailure",
                "dynamodb:GetItem",
                "dynamodb:DeleteItem",
                "s3:ListBucket",
                "s3:GetObject",
            },
            {"dynamodb:Scan", "dynamodb:PutItem", "sagemaker:InvokeEndpointAsync", "s3:PutObject"},
        ),
        (
            "pipeline.handlers.sweep_transcriptions",
            {
                "states:SendTaskSuccess",
                "states:SendTaskFailure",
                "dynamodb:Scan",
                "dynamodb:DeleteItem",
                "s3:ListBucket",
                "s3:GetObject",
            },
            {"dynamodb:PutItem", "sagemaker:InvokeEndpointAsync", "s3:PutObject"},
        ),
        (
            "pipeline.handlers.merge_transcripts",
            {"s3:GetObject", "s3:PutObject", "dynamodb:PutItem"},
            {"states:SendTaskSuccess", "sagemaker:InvokeEndpointAsync", "dynamodb:Scan"},
        ),
        ("pipeline.handlers.redact_pii", {"s3:GetObject", "s3:PutObject"}, {"dynamodb:PutItem", "dynamodb:GetItem"}),
        ("pipeline.handlers.filter_profanity", {"s3:PutObject"}, {"dynamodb:PutItem"}),
        ("pipeline.handlers.analyze_sentiment", {"s3:PutObject"}, {"dynamodb:PutItem"}),
        ("pipeline.handlers.write_results", {"s3:PutObject", "dynamodb:PutItem"}, {"mediaconvert:CreateJob"}),
        ("pipeline.handlers.mark_complete", {"dynamodb:PutItem"}, {"s3:GetObject", "s3:PutObject"}),
        ("pipeline.handlers.mark_failed", {"dynamodb:PutItem"}, {"s3:GetObject", "s3:PutObject"}),
    ],
)
def test_each_lambda_gets_only_what_its_step_needs(
    template_json: dict[str, Any], module: str, allowed: set[str], forbidden: set[str]
) -> None:
    actions = actions_of(module_statements(template_json, module))
    assert allowed <= actions
    assert not forbidden & actions


def test_transcribe_window_writes_only_the_callback_table_and_invokes_only_the_endpoint(
    template_json: dict[str, Any],
) -> None:
    statements = module_statements(template_json, "pipeline.handlers.transcribe_window")
    dynamodb = [s for s in statements if any(a.startswith("dynamodb:") for a in actions_of([s]))]
    assert dynamodb and all(
        s["Resource"] == {"Fn::GetAtt": [table_id(template_json, "inference_id"), "Arn"]} for s in dynamodb
    )
    (invoke,) = [s for s in statements if "sagemaker:InvokeEndpointAsync" in actions_of([s])]
    assert text(invoke["Resource"]).endswith(f":endpoint/{STAND_IN_ENDPOINT_NAME}")


def test_only_the_notified_and_scheduled_functions_may_resume_the_state_machine(
    template_json: dict[str, Any],
) -> None:
    (state_machine_id,) = resources(template_json, "AWS::StepFunctions::StateMachine")
    for module in ALL_HANDLERS.values():
        statements = [
            s for s in module_statements(template_json, module) if "states:SendTaskSuccess" in actions_of([s])
        ]
        if module in EVENT_HANDLERS.values():
            (grant,) = statements
            assert grant["Resource"] == {"Ref": state_machine_id}
        else:
            assert not statements, module


def test_the_notified_functions_read_failure_objects_never_a_transcript(template_json: dict[str, Any]) -> None:
    """ResumeTranscription and the sweeper run outside the VPC: they may list what the endpoint wrote
    and read its failure objects, but the transcripts are read first by MergeTranscripts, in the VPC."""
    for module in EVENT_HANDLERS.values():
        reads = [s for s in module_statements(template_json, module) if "s3:GetObject" in actions_of([s])]
        assert reads and all(text(s["Resource"]).endswith("WorkingBucketName/inference/failure/*") for s in reads)


def test_only_the_sweeper_scans_the_callback_table(template_json: dict[str, Any]) -> None:
    scanners = {m for m in ALL_HANDLERS.values() if "dynamodb:Scan" in actions_of(module_statements(template_json, m))}
    assert scanners == {"pipeline.handlers.sweep_transcriptions"}


def test_enrichers_write_only_under_findings(template_json: dict[str, Any]) -> None:
    for module in (
        "pipeline.handlers.redact_pii",
        "pipeline.handlers.filter_profanity",
        "pipeline.handlers.analyze_sentiment",
    ):
        statements = module_statements(template_json, module)
        writes = [s for s in statements if "s3:PutObject" in s["Action"]]
        assert writes and all(text(s["Resource"]).endswith("WorkingBucketName/findings/*") for s in writes), module


def state_machine_statements(template_json: dict[str, Any]) -> list[dict[str, Any]]:
    (sm,) = resources(template_json, "AWS::StepFunctions::StateMachine").values()
    role_id = sm["Properties"]["RoleArn"]["Fn::GetAtt"][0]
    return role_statements(template_json, {"Properties": {"Role": {"Fn::GetAtt": [role_id, "Arn"]}}})


def test_the_state_machine_passes_only_the_mediaconvert_role_to_mediaconvert(template_json: dict[str, Any]) -> None:
    statements = state_machine_statements(template_json)
    (pass_role,) = [s for s in statements if "iam:PassRole" in actions_of([s])]
    assert pass_role["Condition"] == {"StringLike": {"iam:PassedToService": "mediaconvert.amazonaws.com"}}
    assert pass_role["Resource"]["Fn::GetAtt"][0].startswith("AudioExtractionRole")
    assert {"mediaconvert:CreateJob", "mediaconvert:GetJob"} <= actions_of(statements)


def test_the_state_machine_invokes_functions_not_the_endpoint(template_json: dict[str, Any]) -> None:
    actions = actions_of(state_machine_statements(template_json))
    assert not {a for a in actions if a.startswith("sagemaker:")}, "the endpoint is invoked by TranscribeWindow"
    (invoke,) = [s for s in state_machine_statements(template_json) if "lambda:InvokeFunction" in actions_of([s])]
    invoked = {text(r).strip("<>").removesuffix(".Arn") for r in invoke["Resource"] if "Fn::GetAtt" in r}
    step_functions = {k for k, m in lambda_handlers(template_json).items() if m in STEP_HANDLERS.values()}
    assert invoked == step_functions, "the state machine may invoke exactly the step functions"


# -- state machine ----------------------------------------------------------------------------
def test_state_machine_is_standard_logged_without_data_traced_and_bounded(
    template: Template, definition: dict[str, Any]
) -> None:
    template.has_resource_properties(
        "AWS::StepFunctions::StateMachine",
        {
            "StateMachineType": "STANDARD",
            "TracingConfiguration": {"Enabled": True},
            "LoggingConfiguration": Match.object_like({"Level": "ALL", "IncludeExecutionData": False}),
        },
    )
    assert definition["TimeoutSeconds"] == WorkflowConfig().state_machine_timeout_seconds
    template.has_resource_properties(
        "AWS::Logs::LogGroup", {"LogGroupName": "/aws/vendedlogs/states/ClearscribeWorkflow", "RetentionInDays": 90}
    )


@pytest.mark.parametrize(
    ("context", "seconds"),
    [
        # The defaults: a 12-hour recording is 36 windows of 20 minutes, 9 rounds of 4; each round
        # may take a window's whole budget and grace (7200 + 300 s), after an extraction of 3600 s,
        # plus an hour.
        ({}, 3600 + 9 * 7500 + 3600),
        # 4 hours: 12 windows, 3 rounds.
        ({"clearscribe:max-duration-seconds": 4 * 3600}, 3600 + 3 * 7500 + 3600),
        # All 12 windows at once: one round.
        ({"clearscribe:max-duration-seconds": 4 * 3600, "clearscribe:window-concurrency": 12}, 3600 + 7500 + 3600),
        (
            {
                "clearscribe:max-duration-seconds": 4 * 3600,
                "clearscribe:extraction-budget-seconds": 600,
                "clearscribe:notification-grace-seconds": 0,
            },
            600 + 3 * 7200 + 3600,
        ),
        ({"clearscribe:state-machine-timeout-minutes": 90}, 5400),  # given explicitly
    ],
)
def test_the_execution_timeout_covers_the_longest_recording_in_rounds_of_windows(
    context: dict[str, Any], seconds: int
) -> None:
    definition = definition_from_template(build_workflow_app(context).template_json())
    assert definition["TimeoutSeconds"] == seconds


def test_states_follow_the_documented_flow_and_none_waits_on_a_clock(
    definition: dict[str, Any], states: dict[str, dict[str, Any]]
) -> None:
    assert definition["StartAt"] == "RegisterJob"
    top = definition["States"]
    assert top["RegisterJob"]["Next"] == "IsDuplicate"
    assert top["IsDuplicate"]["Choices"] == [
        {"Variable": "$.job.duplicate", "BooleanEquals": True, "Next": "AlreadyRegistered"}
    ]
    assert top["AlreadyRegistered"]["Type"] == "Succeed"
    assert top["IsDuplicate"]["Default"] == "PrepareAudioExtraction"
    flow = ["PrepareAudioExtraction", "ExtractAudio", "CheckAudioExtraction", "Transcribe", "MergeTranscripts",
            "Enrich", "WriteResults", "MarkComplete", "JobComplete"]  # fmt: skip
    for state, following in itertools.pairwise(flow):
        assert top[state]["Next"] == following, state
    assert [b["StartAt"] for b in top["Enrich"]["Branches"]] == ["RedactPII", "FilterProfanity", "AnalyzeSentiment"]
    assert top["JobComplete"]["Type"] == "Succeed"
    assert top["MarkFailed"]["Next"] == "JobFailed"
    assert top["JobFailed"] == {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"}
    assert not [name for name, s in states.items() if s["Type"] == "Wait"], "a state polls"


def test_extract_audio_is_mediaconverts_run_a_job_integration(
    states: dict[str, dict[str, Any]], template_json: dict[str, Any]
) -> None:
    extract = states["ExtractAudio"]
    assert extract["Resource"] == "arn:aws:states:::mediaconvert:createJob.sync"
    (template_id,) = resources(template_json, "AWS::MediaConvert::JobTemplate")
    parameters = extract["Parameters"]
    assert parameters["JobTemplate"] == template_id  # as the Resolver names it: the template's Name
    assert parameters["Role"].endswith(
        ":role/" + next(k for k in resources(template_json, "AWS::IAM::Role") if k.startswith("AudioExtractionRole"))
    )
    assert {k: v for k, v in parameters.items() if k.endswith(".$")} == {
        "Settings.$": "$.extraction.request.Settings",
        "UserMetadata.$": "$.extraction.request.UserMetadata",
        "ClientRequestToken.$": "$.extraction.request.ClientRequestToken",
    }
    assert extract["ResultSelector"] == {"Job.$": "$.Job"}
    assert extract["ResultPath"] == "$.extraction.job"
    assert extract["TimeoutSeconds"] == WorkflowConfig().extraction_budget_seconds
    assert [(c["ErrorEquals"], c["Next"]) for c in extract["Catch"]] == [
        (["States.Timeout"], "ExtractionTimedOut"),
        (["States.ALL"], "ExtractionFailed"),
    ]
    retry_errors = {e for r in extract["Retry"] for e in r["ErrorEquals"]}
    assert retry_errors == {"MediaConvert.TooManyRequestsException"}


@pytest.mark.parametrize(
    ("state", "error", "code"),
    [
        ("ExtractionTimedOut", "AudioExtractionTimeout", "AUDIO_EXTRACTION_TIMEOUT"),
        ("ExtractionFailed", "AudioExtractionError", "AUDIO_EXTRACTION_FAILED"),
        ("TranscriptionTimedOut", "TranscriptionTimeout", "TRANSCRIPTION_TIMEOUT"),
    ],
)
def test_a_timed_out_or_failed_wait_is_named_as_the_code_it_stands_for(
    definition: dict[str, Any], state: str, error: str, code: str
) -> None:
    """Step Functions' own error names (States.Timeout, States.TaskFailed) become the job's codes."""
    from pipeline.cloud.failures import error_from_step_functions

    named = definition["States"][state]
    assert named["Type"] == "Pass" and named["Next"] == "MarkFailed" and named["ResultPath"] == "$.error"
    assert named["Parameters"] == {"Error": error, "Cause.$": "$.error.Cause"}
    assert error_from_step_functions({"Error": error, "Cause": "{}"})["code"] == code


def test_transcription_is_a_map_of_windows_each_paused_on_its_task_token(
    definition: dict[str, Any], template_json: dict[str, Any]
) -> None:
    transcribe = definition["States"]["Transcribe"]
    assert transcribe["Type"] == "Map"
    assert transcribe["ItemsPath"] == "$.audio.windows"
    assert transcribe["ItemSelector"] == {
        "job_id.$": "$.job.job_id",
        "audio_uri.$": "$.audio.audio_uri",
        "window.$": "$$.Map.Item.Value",
    }
    assert transcribe["ResultPath"] == "$.windows"
    assert transcribe["MaxConcurrency"] == WorkflowConfig().window_concurrency == 4
    assert [(c["ErrorEquals"], c["Next"]) for c in transcribe["Catch"]] == [
        (["States.Timeout", "States.HeartbeatTimeout"], "TranscriptionTimedOut"),
        (["States.ALL"], "MarkFailed"),
    ]
    window = transcribe["ItemProcessor"]["States"]["TranscribeWindow"]
    assert transcribe["ItemProcessor"]["StartAt"] == "TranscribeWindow" and window["End"] is True
    assert window["Resource"] == "arn:aws:states:::lambda:invoke.waitForTaskToken"
    function = logical_id_of(template_json, "pipeline.handlers.transcribe_window")
    assert window["Parameters"]["FunctionName"].endswith(f":function:{function}")
    assert window["Parameters"]["Payload"] == {
        "job_id.$": "$.job_id",
        "audio_uri.$": "$.audio_uri",
        "window.$": "$.window",
        "task_token.$": "$$.Task.Token",
    }
    config = WorkflowConfig()
    assert window["TimeoutSeconds"] == config.transcription_budget_seconds + config.notification_grace_seconds


@pytest.mark.parametrize("concurrency", [1, 7])
def test_the_windows_in_flight_at_once_are_the_window_concurrency(concurrency: int) -> None:
    template_json = build_workflow_app({"clearscribe:window-concurrency": concurrency}).template_json()
    assert definition_from_template(template_json)["States"]["Transcribe"]["MaxConcurrency"] == concurrency


def test_data_flow_uses_the_agreed_paths(states: dict[str, dict[str, Any]]) -> None:
    assert states["RegisterJob"]["ResultPath"] == "$.job"
    # the EventBridge event itself, and the execution that registers the job (its owner)
    assert states["RegisterJob"]["Parameters"] == {"event.$": "$", "execution.$": "$$.Execution.Id"}
    assert states["PrepareAudioExtraction"]["Parameters"] == {"job_id.$": "$.job.job_id", "source.$": "$.job.source"}
    assert states["PrepareAudioExtraction"]["ResultPath"] == "$.extraction"
    assert states["CheckAudioExtraction"]["Parameters"] == {
        "job_id.$": "$.job.job_id",
        "extraction": {"audio_uri.$": "$.extraction.audio_uri"},
        "job.$": "$.extraction.job",
    }
    assert states["CheckAudioExtraction"]["ResultPath"] == "$.audio"
    # the Map's results, and the requests planned (which of them asked for the speaker turns)
    assert states["MergeTranscripts"]["Parameters"] == {
        "job_id.$": "$.job.job_id",
        "windows.$": "$.windows",
        "plan.$": "$.audio.windows",
    }
    assert states["MergeTranscripts"]["ResultPath"] == "$.inference"
    for enricher in ("RedactPII", "FilterProfanity", "AnalyzeSentiment"):
        assert states[enricher]["Parameters"] == {
            "job_id.$": "$.job.job_id",
            "transcript_uri.$": "$.inference.transcript_uri",
            "findings_prefix.$": f"States.Format('s3://{WORKING}/findings/{{}}/', $.job.job_id)",
        }
    assert states["Enrich"]["ResultPath"] == "$.findings"
    assert states["WriteResults"]["Parameters"] == {
        "job_id.$": "$.job.job_id",
        "source.$": "$.job.source",
        "transcript_uri.$": "$.inference.transcript_uri",
        "findings.$": "$.findings",
    }
    assert states["WriteResults"]["ResultPath"] == "$.results"
    assert states["MarkComplete"]["Parameters"] == {
        "job_id.$": "$.job.job_id",
        "outputs.$": "$.results.outputs",
        "summary.$": "$.results.summary",
    }
    assert states["MarkFailed"]["Parameters"] == {"state.$": "$", "error.$": "$.error"}


@pytest.mark.parametrize(
    ("state", "model"),
    [
        ("PrepareAudioExtraction", handler_events.PrepareAudioExtractionEvent),
        ("CheckAudioExtraction", handler_events.CheckAudioExtractionEvent),
        ("TranscribeWindow", handler_events.WindowEvent),
        ("MergeTranscripts", handler_events.MergeTranscriptsEvent),
        ("WriteResults", handler_events.WriteResultsEvent),
        ("MarkComplete", handler_events.MarkCompleteEvent),
    ],
)
def test_each_state_sends_every_field_its_handler_requires(
    states: dict[str, dict[str, Any]], state: str, model: Any
) -> None:
    parameters = states[state]["Parameters"]
    payload = parameters.get("Payload", parameters)
    sent = {key.removesuffix(".$") for key in payload}
    required = {name for name, field in model.model_fields.items() if field.is_required()}
    assert required <= sent, f"{state} does not send {sorted(required - sent)}"


def test_definition_is_closed_and_fully_resolved(definition: dict[str, Any]) -> None:
    def check(machine: dict[str, Any]) -> None:
        names = set(machine["States"])
        assert machine["StartAt"] in names
        for state in machine["States"].values():
            targets = [state.get("Next"), state.get("Default")]
            targets += [c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])]
            assert {t for t in targets if t} <= names
            for branch in [*state.get("Branches", []), *([state["ItemProcessor"]] if "ItemProcessor" in state else [])]:
                check(branch)

    check(definition)
    text = json.dumps(definition)
    assert "${Token" not in text and "Fn::" not in text


def test_lambda_tasks_invoke_the_function_directly(template_json: dict[str, Any], definition: dict[str, Any]) -> None:
    direct = {name: module for name, module in STEP_HANDLERS.items() if name != "TranscribeWindow"}
    assert state_handlers(template_json, definition) == direct  # TranscribeWindow: through lambda:invoke


def test_every_task_retries_transient_errors_with_full_jitter_and_has_a_timeout(
    states: dict[str, dict[str, Any]],
) -> None:
    tasks = {name: s for name, s in states.items() if s["Type"] == "Task"}
    assert set(tasks) == {*STEP_HANDLERS, "ExtractAudio"}
    for name, task in tasks.items():
        assert task["TimeoutSeconds"] > 0, name
        (retry,) = task["Retry"]
        assert retry["JitterStrategy"] == "FULL", name
        assert retry["BackoffRate"] > 1 and retry["MaxAttempts"] >= 3 and retry["MaxDelaySeconds"] > 0, name
        if name != "ExtractAudio":
            assert set(retry["ErrorEquals"]) == set(LAMBDA_TRANSIENT_ERRORS), name


def test_every_failure_ends_in_mark_failed(definition: dict[str, Any]) -> None:
    top = definition["States"]
    catching = {name for name, s in top.items() if s["Type"] in {"Task", "Parallel", "Map"} and name != "MarkFailed"}
    assert catching == {
        "RegisterJob",
        "PrepareAudioExtraction",
        "ExtractAudio",
        "CheckAudioExtraction",
        "Transcribe",
        "MergeTranscripts",
        "Enrich",
        "WriteResults",
        "MarkComplete",
    }
    for name in catching - {"ExtractAudio", "Transcribe"}:  # those two name their timeouts first (above)
        assert top[name]["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "MarkFailed"}]
    for name in ("ExtractAudio", "Transcribe"):
        last = top[name]["Catch"][-1]
        assert last["ErrorEquals"] == ["States.ALL"] and last["ResultPath"] == "$.error"
        via = last["Next"]  # MarkFailed, or the Pass state that names the error first
        assert (via if via == "MarkFailed" else top[via]["Next"]) == "MarkFailed", name
    assert top["MarkFailed"]["Catch"][0]["Next"] == "JobFailed"


def test_lambda_task_timeouts_exceed_the_function_timeouts(
    template_json: dict[str, Any], states: dict[str, dict[str, Any]]
) -> None:
    functions = functions_by_module(template_json)
    for state, module in STEP_HANDLERS.items():
        assert states[state]["TimeoutSeconds"] > functions[module]["Properties"]["Timeout"], state


def test_outputs_name_the_resources_the_cli_and_operators_read(template: Template) -> None:
    outputs = template.to_json()["Outputs"]
    assert {"InputBucketName", "OutputBucketName", "JobTableName", "StateMachineArn", "OperationsTopicArn"} <= set(
        outputs
    )
