"""The clearscribe state machine (Standard workflow).

RegisterJob → IsDuplicate → StartAudioExtraction → WaitForAudioExtraction ⇄ CheckAudioExtraction (which
fails a recording longer than the endpoint can finish) →
InvokeTranscription → WaitForTranscription ⇄ CheckTranscription → Enrich [RedactPII ‖ FilterProfanity ‖
AnalyzeSentiment] → WriteResults → MarkComplete → JobComplete; any failure → MarkFailed → JobFailed.

State holds pointers (S3 URIs) and small summaries only. Poll waits come from the state
(``SecondsPath``): the check Lambdas compute the next wait with capped exponential backoff and
raise ``*Timeout`` errors once their poll budget is spent, so a one-hour job costs tens of
state transitions and no loop runs forever.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct

from infra.constructs.nag import acknowledge
from shared.contract import AUDIO_CONTENT_TYPE, FINDINGS_PREFIX

LAMBDA_TRANSIENT_ERRORS = (
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
)
SAGEMAKER_TRANSIENT_ERRORS = (
    "SageMakerRuntime.ThrottlingException",
    "SageMakerRuntime.ServiceUnavailableException",
    "SageMakerRuntime.InternalFailureException",
    "SageMakerRuntime.InternalDependencyException",
)
#: The contract of the handler Lambdas this state machine invokes: state name → handler module.
STEP_HANDLERS: Mapping[str, str] = {
    "RegisterJob": "pipeline.handlers.register_job",
    "StartAudioExtraction": "pipeline.handlers.start_audio_extraction",
    "CheckAudioExtraction": "pipeline.handlers.check_audio_extraction",
    "CheckTranscription": "pipeline.handlers.check_transcription",
    "RedactPII": "pipeline.handlers.redact_pii",
    "FilterProfanity": "pipeline.handlers.filter_profanity",
    "AnalyzeSentiment": "pipeline.handlers.analyze_sentiment",
    "WriteResults": "pipeline.handlers.write_results",
    "MarkComplete": "pipeline.handlers.mark_complete",
    "MarkFailed": "pipeline.handlers.mark_failed",
}


@dataclass(frozen=True)
class WorkflowTiming:
    poll_initial_seconds: int
    invocation_timeout_seconds: int
    state_machine_timeout: cdk.Duration


def _add_transient_retry(state: sfn.TaskStateBase, errors: tuple[str, ...]) -> None:
    state.add_retry(
        errors=list(errors),
        interval=cdk.Duration.seconds(2),
        max_attempts=6,
        backoff_rate=2.0,
        max_delay=cdk.Duration.seconds(60),
        jitter_strategy=sfn.JitterType.FULL,
    )


class TranscriptionWorkflow(Construct):
    """Builds the state machine from the step functions (``STEP_HANDLERS`` keys → Lambda)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        functions: Mapping[str, lambda_.IFunction],
        endpoint_name: str,
        endpoint_arn: str,
        working_bucket_name: str,
        timing: WorkflowTiming,
        log_group: logs.ILogGroup,
    ) -> None:
        super().__init__(scope, construct_id)
        missing = set(STEP_HANDLERS) - set(functions)
        if missing:
            raise ValueError(f"no function for states {sorted(missing)}")
        self.functions = dict(functions)

        def invoke(state: str, payload: Mapping[str, object], result_path: str | None) -> tasks.LambdaInvoke:
            function = self.functions[state]
            task = tasks.LambdaInvoke(
                self,
                state,
                lambda_function=function,
                payload=sfn.TaskInput.from_object(dict(payload)),
                payload_response_only=True,
                retry_on_service_exceptions=False,
                result_path=result_path,
                task_timeout=sfn.Timeout.duration(function_timeout(function).plus(cdk.Duration.seconds(60))),
            )
            _add_transient_retry(task, LAMBDA_TRANSIENT_ERRORS)
            return task

        job_id = sfn.JsonPath.string_at("$.job.job_id")

        # Failure path: record FAILED with the error code and cause, then fail the execution.
        job_failed = sfn.Fail(self, "JobFailed", error_path="$.error.Error", cause_path="$.error.Cause")
        mark_failed = invoke(
            "MarkFailed",
            {"state": sfn.JsonPath.entire_payload, "error": sfn.JsonPath.object_at("$.error")},
            "$.failure",
        )
        mark_failed.add_catch(job_failed, errors=["States.ALL"], result_path="$.mark_failed_error")
        mark_failed.next(job_failed)

        def on_failure(state: sfn.TaskStateBase | sfn.Parallel) -> None:
            state.add_catch(mark_failed, errors=["States.ALL"], result_path="$.error")

        # The execution's ARN makes registration idempotent per execution (a retried RegisterJob
        # continues the job its first attempt created) and names the job's owner.
        register_job = invoke(
            "RegisterJob",
            {"event": sfn.JsonPath.entire_payload, "execution": sfn.JsonPath.string_at("$$.Execution.Id")},
            "$.job",
        )
        already_registered = sfn.Succeed(self, "AlreadyRegistered", comment="The same source object already has a job.")

        start_extraction = invoke(
            "StartAudioExtraction",
            {"job_id": job_id, "source": sfn.JsonPath.object_at("$.job.source")},
            "$.extraction",
        )
        wait_extraction = sfn.Wait(
            self, "WaitForAudioExtraction", time=sfn.WaitTime.seconds_path("$.extraction.poll.wait_seconds")
        )
        check_extraction = invoke(
            "CheckAudioExtraction",
            {"job_id": job_id, "extraction": sfn.JsonPath.object_at("$.extraction")},
            "$.extraction",
        )

        invoke_transcription = tasks.CallAwsService(
            self,
            "InvokeTranscription",
            service="sagemakerruntime",
            action="invokeEndpointAsync",
            iam_action="sagemaker:InvokeEndpointAsync",
            iam_resources=[endpoint_arn],
            parameters={
                "EndpointName": endpoint_name,
                "InputLocation": sfn.JsonPath.string_at("$.extraction.audio_uri"),
                "ContentType": AUDIO_CONTENT_TYPE,
                "InvocationTimeoutSeconds": timing.invocation_timeout_seconds,
                "InferenceId": job_id,
            },
            result_selector={
                "output_location": sfn.JsonPath.string_at("$.OutputLocation"),
                "failure_location": sfn.JsonPath.string_at("$.FailureLocation"),
                "status": "IN_PROGRESS",
                "poll": {"attempt": 0, "wait_seconds": timing.poll_initial_seconds, "elapsed_seconds": 0},
            },
            result_path="$.inference",
            task_timeout=sfn.Timeout.duration(cdk.Duration.seconds(60)),
        )
        _add_transient_retry(invoke_transcription, SAGEMAKER_TRANSIENT_ERRORS)
        wait_transcription = sfn.Wait(
            self, "WaitForTranscription", time=sfn.WaitTime.seconds_path("$.inference.poll.wait_seconds")
        )
        check_transcription = invoke(
            "CheckTranscription",
            {"job_id": job_id, "inference": sfn.JsonPath.object_at("$.inference")},
            "$.inference",
        )

        enricher_payload = {
            "job_id": job_id,
            "transcript_uri": sfn.JsonPath.string_at("$.inference.transcript_uri"),
            "findings_prefix": sfn.JsonPath.string_at(
                f"States.Format('s3://{working_bucket_name}/{FINDINGS_PREFIX}{{}}/', $.job.job_id)"
            ),
        }
        enrich = sfn.Parallel(
            self,
            "Enrich",
            result_path="$.findings",
            comment="PII redaction, profanity masking and sentiment, each writing findings to S3",
        )
        for enricher in ("RedactPII", "FilterProfanity", "AnalyzeSentiment"):
            enrich.branch(invoke(enricher, enricher_payload, None))

        write_results = invoke(
            "WriteResults",
            {
                "job_id": job_id,
                "source": sfn.JsonPath.object_at("$.job.source"),
                "transcript_uri": sfn.JsonPath.string_at("$.inference.transcript_uri"),
                "findings": sfn.JsonPath.object_at("$.findings"),
            },
            "$.results",
        )
        mark_complete = invoke(
            "MarkComplete",
            {
                "job_id": job_id,
                "outputs": sfn.JsonPath.object_at("$.results.outputs"),
                "summary": sfn.JsonPath.object_at("$.results.summary"),
            },
            "$.complete",
        )
        job_complete = sfn.Succeed(self, "JobComplete")

        for state in (
            register_job,
            start_extraction,
            check_extraction,
            invoke_transcription,
            check_transcription,
            enrich,
            write_results,
            mark_complete,
        ):
            on_failure(state)

        register_job.next(
            sfn.Choice(self, "IsDuplicate")
            .when(sfn.Condition.boolean_equals("$.job.duplicate", True), already_registered)
            .otherwise(start_extraction)
        )
        start_extraction.next(wait_extraction)
        wait_extraction.next(check_extraction)
        check_extraction.next(
            sfn.Choice(self, "IsAudioReady")
            .when(sfn.Condition.string_equals("$.extraction.status", "COMPLETE"), invoke_transcription)
            .otherwise(wait_extraction)
        )
        invoke_transcription.next(wait_transcription)
        wait_transcription.next(check_transcription)
        check_transcription.next(
            sfn.Choice(self, "IsTranscriptReady")
            .when(sfn.Condition.string_equals("$.inference.status", "COMPLETE"), enrich)
            .otherwise(wait_transcription)
        )
        enrich.next(write_results)
        write_results.next(mark_complete)
        mark_complete.next(job_complete)

        self.state_machine = sfn.StateMachine(
            self,
            "StateMachine",
            definition_body=sfn.DefinitionBody.from_chainable(register_job),
            state_machine_type=sfn.StateMachineType.STANDARD,
            timeout=timing.state_machine_timeout,
            tracing_enabled=True,
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=False),
            comment="clearscribe: video in S3 to an enriched transcript",
        )
        role = self.state_machine.role
        acknowledge(
            role,
            "AwsSolutions-IAM5[Resource::*]",
            "Step Functions log delivery (logs:*LogDelivery*, DescribeResourcePolicies/LogGroups) and X-Ray "
            "tracing (xray:PutTraceSegments, GetSamplingRules…) only support Resource '*'.",
        )
        for function in self.functions.values():
            acknowledge(
                role,
                f"AwsSolutions-IAM5[Resource::<{_logical_arn(function)}>:*]",
                "Invoking a function by qualified ARN (version or alias) needs the ':*' suffix; the grant is "
                "still scoped to this one function.",
            )


def function_timeout(function: lambda_.IFunction) -> cdk.Duration:
    timeout = getattr(function, "timeout", None)
    return timeout if isinstance(timeout, cdk.Duration) else cdk.Duration.seconds(900)


def _logical_arn(function: lambda_.IFunction) -> str:
    resource = function.node.default_child
    if not isinstance(resource, cdk.CfnResource):
        raise TypeError(f"{function.node.path} is not a function defined in this app")
    return f"{cdk.Stack.of(function).resolve(resource.logical_id)}.Arn"
