"""The workflow stack, synthesized against a stand-in model stack (bundling skipped)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from moto.events.models import EventPattern

from infra.constructs.transcription_workflow import LAMBDA_TRANSIENT_ERRORS, STEP_HANDLERS
from infra.sandbox.templates import definition_from_template, iter_states, lambda_handlers, state_handlers
from infra.workflow_stack import media_key_filters
from shared.contract import MEDIA_SUFFIXES
from tests.infra.fixtures_workflow import (
    FAST_POLLING,
    STAND_IN_ENDPOINT_NAME,
    STAND_IN_MAX_AUDIO_SECONDS,
    WorkflowApp,
    build_workflow_app,
)

WORKING = "working-bucket"
RUNTIME_ENV = {
    "JOB_TABLE",
    "WORKING_BUCKET",
    "OUTPUT_BUCKET",
    "MEDIACONVERT_TEMPLATE",
    "MEDIACONVERT_ROLE_ARN",
    "ENDPOINT_NAME",
    "ENDPOINT_INSTANCE_TYPE",
    "MAX_AUDIO_SECONDS",
    "POLL_INITIAL_SECONDS",
    "POLL_MAX_SECONDS",
    "EXTRACTION_POLL_BUDGET_SECONDS",
    "TRANSCRIPTION_POLL_BUDGET_SECONDS",
    "LOG_LEVEL",
}


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


def test_data_is_retained_by_default_and_key_rotates(template: Template) -> None:
    template.has_resource("AWS::DynamoDB::Table", {"DeletionPolicy": "Retain"})
    template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_retain_data_false_lets_teardown_delete_the_table() -> None:
    template = build_workflow_app({"clearscribe:retain-data": "false"}).template()
    template.has_resource("AWS::DynamoDB::Table", {"DeletionPolicy": "Delete"})
    template.has_resource_properties("AWS::DynamoDB::Table", {"DeletionProtectionEnabled": False})


# -- trigger --------------------------------------------------------------------------------
def _rule(template_json: dict[str, Any], source: str = "aws.s3") -> dict[str, Any]:
    (rule,) = [
        r
        for r in resources(template_json, "AWS::Events::Rule").values()
        if r["Properties"]["EventPattern"]["source"] == [source]
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


# -- MediaConvert -----------------------------------------------------------------------------
def test_mediaconvert_endpoint_is_not_hard_coded(template_json: dict[str, Any]) -> None:
    text = json.dumps(template_json)
    assert "mediaconvert." not in text.lower().replace("mediaconvert.amazonaws.com", "")
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
def test_every_step_handler_of_the_contract_is_deployed(template_json: dict[str, Any]) -> None:
    assert sorted(lambda_handlers(template_json).values()) == sorted(STEP_HANDLERS.values())


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
        "dynamodb:UpdateItem",
        "dynamodb:ConditionCheckItem",
        "kms:Encrypt",
        "mediaconvert:DescribeEndpoints",
        "s3:GetObjectVersion",
    }
    assert not unused & actions


def test_lambdas_run_python_312_traced_with_the_runtime_environment(template_json: dict[str, Any]) -> None:
    for module, function in functions_by_module(template_json).items():
        props = function["Properties"]
        assert props["Runtime"] == "python3.12", module
        assert props["Handler"] == f"{module}.handler"
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert set(props["Environment"]["Variables"]) >= RUNTIME_ENV, module
        assert props["Environment"]["Variables"]["ENDPOINT_NAME"] == STAND_IN_ENDPOINT_NAME
        assert props["Environment"]["Variables"]["MAX_AUDIO_SECONDS"] == str(STAND_IN_MAX_AUDIO_SECONDS)
        assert "LoggingConfig" in props


def test_memory_sized_for_the_enrichers(template_json: dict[str, Any]) -> None:
    functions = functions_by_module(template_json)
    assert functions["pipeline.handlers.redact_pii"]["Properties"]["MemorySize"] == 2048
    for module in ("pipeline.handlers.filter_profanity", "pipeline.handlers.analyze_sentiment"):
        assert functions[module]["Properties"]["MemorySize"] == 1024
    assert functions["pipeline.handlers.redact_pii"]["Properties"]["Timeout"] >= 300


def test_data_handling_lambdas_run_in_the_vpc_and_mediaconvert_callers_outside_without_nat(
    template_json: dict[str, Any],
) -> None:
    for module, function in functions_by_module(template_json).items():
        in_vpc = "VpcConfig" in function["Properties"]
        mediaconvert_caller = module.endswith(("start_audio_extraction", "check_audio_extraction"))
        assert in_vpc != mediaconvert_caller, module


def test_with_nat_every_lambda_runs_in_the_vpc() -> None:
    template_json = build_workflow_app({"clearscribe:nat-gateways": 1}).template_json()
    assert all("VpcConfig" in f["Properties"] for f in functions_by_module(template_json).values())


def test_fast_polling_context_reaches_lambdas_and_the_definition() -> None:
    template_json = build_workflow_app(FAST_POLLING).template_json()
    for function in functions_by_module(template_json).values():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["POLL_INITIAL_SECONDS"] == "0"
        assert variables["POLL_MAX_SECONDS"] == "1"
    definition = definition_from_template(template_json)
    assert definition["States"]["InvokeTranscription"]["ResultSelector"]["poll"]["wait_seconds"] == 0


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
            "pipeline.handlers.start_audio_extraction",
            {"mediaconvert:CreateJob", "iam:PassRole"},
            {"s3:PutObject", "mediaconvert:DescribeEndpoints"},  # the regional endpoint needs no discovery
        ),
        ("pipeline.handlers.check_audio_extraction", {"mediaconvert:GetJob", "s3:ListBucket"}, {"s3:PutObject"}),
        (
            "pipeline.handlers.check_transcription",
            {"s3:GetObject", "s3:ListBucket"},  # ListBucket: results are found by a prefix listing
            {"s3:PutObject", "mediaconvert:CreateJob"},
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
    actions = actions_of(role_statements(template_json, functions_by_module(template_json)[module]))
    assert allowed <= actions
    assert not forbidden & actions


def test_enrichers_write_only_under_findings(template_json: dict[str, Any]) -> None:
    for module in (
        "pipeline.handlers.redact_pii",
        "pipeline.handlers.filter_profanity",
        "pipeline.handlers.analyze_sentiment",
    ):
        statements = role_statements(template_json, functions_by_module(template_json)[module])
        writes = [s for s in statements if "s3:PutObject" in s["Action"]]
        assert writes and all(text(s["Resource"]).endswith("WorkingBucketName/findings/*") for s in writes), module


def test_pass_role_is_limited_to_mediaconvert(template_json: dict[str, Any]) -> None:
    statements = role_statements(
        template_json, functions_by_module(template_json)["pipeline.handlers.start_audio_extraction"]
    )
    (pass_role,) = [s for s in statements if s["Action"] == "iam:PassRole"]
    assert pass_role["Condition"] == {"StringEquals": {"iam:PassedToService": "mediaconvert.amazonaws.com"}}


def test_state_machine_may_invoke_the_endpoint_asynchronously_only(template_json: dict[str, Any]) -> None:
    (sm,) = resources(template_json, "AWS::StepFunctions::StateMachine").values()
    role_id = sm["Properties"]["RoleArn"]["Fn::GetAtt"][0]
    statements = role_statements(template_json, {"Properties": {"Role": {"Fn::GetAtt": [role_id, "Arn"]}}})
    sagemaker = [s for s in statements if "sagemaker" in json.dumps(s["Action"])]
    assert [s["Action"] for s in sagemaker] == ["sagemaker:InvokeEndpointAsync"]
    assert STAND_IN_ENDPOINT_NAME in json.dumps(sagemaker[0]["Resource"])


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
    assert 3 * 3600 <= definition["TimeoutSeconds"] <= 24 * 3600
    template.has_resource_properties(
        "AWS::Logs::LogGroup", {"LogGroupName": "/aws/vendedlogs/states/ClearscribeWorkflow", "RetentionInDays": 90}
    )


def test_states_follow_the_documented_flow(definition: dict[str, Any], states: dict[str, dict[str, Any]]) -> None:
    assert definition["StartAt"] == "RegisterJob"
    top = definition["States"]
    assert top["RegisterJob"]["Next"] == "IsDuplicate"
    assert top["IsDuplicate"]["Choices"] == [
        {"Variable": "$.job.duplicate", "BooleanEquals": True, "Next": "AlreadyRegistered"}
    ]
    assert top["AlreadyRegistered"]["Type"] == "Succeed"
    assert top["IsDuplicate"]["Default"] == "StartAudioExtraction"
    assert top["StartAudioExtraction"]["Next"] == "WaitForAudioExtraction"
    assert top["WaitForAudioExtraction"] == {
        "Type": "Wait",
        "SecondsPath": "$.extraction.poll.wait_seconds",
        "Next": "CheckAudioExtraction",
    }
    assert top["CheckAudioExtraction"]["Next"] == "IsAudioReady"
    assert top["IsAudioReady"]["Choices"] == [
        {"Variable": "$.extraction.status", "StringEquals": "COMPLETE", "Next": "InvokeTranscription"}
    ]
    assert top["IsAudioReady"]["Default"] == "WaitForAudioExtraction"
    assert top["InvokeTranscription"]["Next"] == "WaitForTranscription"
    assert top["WaitForTranscription"]["SecondsPath"] == "$.inference.poll.wait_seconds"
    assert top["WaitForTranscription"]["Next"] == "CheckTranscription"
    assert top["IsTranscriptReady"]["Choices"][0]["Next"] == "Enrich"
    assert top["IsTranscriptReady"]["Default"] == "WaitForTranscription"
    assert [b["StartAt"] for b in top["Enrich"]["Branches"]] == ["RedactPII", "FilterProfanity", "AnalyzeSentiment"]
    assert top["Enrich"]["Next"] == "WriteResults"
    assert top["WriteResults"]["Next"] == "MarkComplete"
    assert top["MarkComplete"]["Next"] == "JobComplete"
    assert top["JobComplete"]["Type"] == "Succeed"
    assert top["MarkFailed"]["Next"] == "JobFailed"
    assert top["JobFailed"] == {"Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"}


def test_data_flow_uses_the_agreed_paths(states: dict[str, dict[str, Any]]) -> None:
    assert states["RegisterJob"]["ResultPath"] == "$.job"
    # the EventBridge event itself, and the execution that registers the job (its owner)
    assert states["RegisterJob"]["Parameters"] == {"event.$": "$", "execution.$": "$$.Execution.Id"}
    assert states["StartAudioExtraction"]["Parameters"] == {"job_id.$": "$.job.job_id", "source.$": "$.job.source"}
    assert states["StartAudioExtraction"]["ResultPath"] == "$.extraction"
    assert states["CheckAudioExtraction"]["Parameters"] == {
        "job_id.$": "$.job.job_id",
        "extraction.$": "$.extraction",
    }
    assert states["CheckAudioExtraction"]["ResultPath"] == "$.extraction"
    assert states["CheckTranscription"]["Parameters"] == {"job_id.$": "$.job.job_id", "inference.$": "$.inference"}
    assert states["CheckTranscription"]["ResultPath"] == "$.inference"
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


def test_transcription_is_an_async_sdk_call_with_the_agreed_result(states: dict[str, dict[str, Any]]) -> None:
    invoke = states["InvokeTranscription"]
    assert invoke["Resource"] == "arn:aws:states:::aws-sdk:sagemakerruntime:invokeEndpointAsync"
    assert invoke["Parameters"] == {
        "EndpointName": STAND_IN_ENDPOINT_NAME,
        "InputLocation.$": "$.extraction.audio_uri",
        "ContentType": "audio/mp4",
        "InvocationTimeoutSeconds": 3600,
        "InferenceId.$": "$.job.job_id",
    }
    assert invoke["ResultSelector"] == {
        "output_location.$": "$.OutputLocation",
        "failure_location.$": "$.FailureLocation",
        "status": "IN_PROGRESS",
        "poll": {"attempt": 0, "wait_seconds": 15, "elapsed_seconds": 0},
    }
    assert invoke["ResultPath"] == "$.inference"
    retry_errors = {e for r in invoke["Retry"] for e in r["ErrorEquals"]}
    assert "SageMakerRuntime.ThrottlingException" in retry_errors


def test_definition_is_closed_and_fully_resolved(definition: dict[str, Any]) -> None:
    def check(machine: dict[str, Any]) -> None:
        names = set(machine["States"])
        assert machine["StartAt"] in names
        for state in machine["States"].values():
            targets = [state.get("Next"), state.get("Default")]
            targets += [c["Next"] for c in state.get("Choices", []) + state.get("Catch", [])]
            assert {t for t in targets if t} <= names
            for branch in state.get("Branches", []):
                check(branch)

    check(definition)
    text = json.dumps(definition)
    assert "${Token" not in text and "Fn::" not in text


def test_lambda_tasks_invoke_the_function_directly(template_json: dict[str, Any], definition: dict[str, Any]) -> None:
    assert state_handlers(template_json, definition) == dict(STEP_HANDLERS)


def test_every_task_retries_transient_errors_with_full_jitter_and_has_a_timeout(
    states: dict[str, dict[str, Any]],
) -> None:
    tasks = {name: s for name, s in states.items() if s["Type"] == "Task"}
    assert len(tasks) == len(STEP_HANDLERS) + 1
    for name, task in tasks.items():
        assert task["TimeoutSeconds"] > 0, name
        (retry,) = task["Retry"]
        assert retry["JitterStrategy"] == "FULL", name
        assert retry["BackoffRate"] > 1 and retry["MaxAttempts"] >= 3 and retry["MaxDelaySeconds"] > 0, name
        if name != "InvokeTranscription":
            assert set(retry["ErrorEquals"]) == set(LAMBDA_TRANSIENT_ERRORS), name


def test_every_failure_ends_in_mark_failed(definition: dict[str, Any]) -> None:
    top = definition["States"]
    catching = {name for name, s in top.items() if s["Type"] in {"Task", "Parallel"} and name != "MarkFailed"}
    assert catching == {
        "RegisterJob",
        "StartAudioExtraction",
        "CheckAudioExtraction",
        "InvokeTranscription",
        "CheckTranscription",
        "Enrich",
        "WriteResults",
        "MarkComplete",
    }
    for name in catching:
        assert top[name]["Catch"] == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "MarkFailed"}]
    assert top["MarkFailed"]["Catch"][0]["Next"] == "JobFailed"


def test_lambda_task_timeouts_exceed_the_function_timeouts(
    template_json: dict[str, Any], states: dict[str, dict[str, Any]]
) -> None:
    functions = functions_by_module(template_json)
    for state, module in STEP_HANDLERS.items():
        assert states[state]["TimeoutSeconds"] > functions[module]["Properties"]["Timeout"], state


def test_outputs_name_the_resources_the_cli_reads(template: Template) -> None:
    outputs = template.to_json()["Outputs"]
    assert {"InputBucketName", "OutputBucketName", "JobTableName", "StateMachineArn"} <= set(outputs)
