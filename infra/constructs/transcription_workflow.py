"""The clearscribe state machine (Standard workflow): it waits on events, never on clocks.

RegisterJob → IsDuplicate → PrepareAudioExtraction → ExtractAudio (MediaConvert ``createJob.sync``:
Step Functions waits for the job) → CheckAudioExtraction (fails a recording longer than the
deployment's maximum, plans its windows) → Transcribe, a Map over the windows, each
TranscribeWindow a Lambda that sends the window to the endpoint and leaves the state paused on
its task token until the endpoint's notification resumes it (``ResumeTranscription``, or the
sweeper for a lost one) → MergeTranscripts → Enrich [RedactPII ‖ FilterProfanity ‖
AnalyzeSentiment] → WriteResults → MarkComplete → JobComplete; any failure → MarkFailed → JobFailed.

State holds pointers (S3 URIs) and small summaries only. Every wait has a timeout from a budget:
the extraction's, and each window's (its time in the endpoint's queue plus its processing, which
are also the request's ``RequestTTLSeconds`` and ``InvocationTimeoutSeconds``). A one-hour
recording costs about twenty state transitions, one more per window.
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
from infra.workflow_steps import STEP_HANDLERS
from shared.contract import FINDINGS_PREFIX

LAMBDA_TRANSIENT_ERRORS = (
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
)
MEDIACONVERT_TRANSIENT_ERRORS = ("MediaConvert.TooManyRequestsException",)


@dataclass(frozen=True)
class MediaConvertJobs:
    """The job template ``ExtractAudio`` creates jobs from, and the role the jobs run as."""

    template_name: str
    role_arn: str


@dataclass(frozen=True)
class WorkflowTiming:
    extraction_budget_seconds: int
    #: How long a paused TranscribeWindow waits for its window (the window's budget plus the grace).
    window_wait_seconds: int
    window_concurrency: int
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
        working_bucket_name: str,
        mediaconvert: MediaConvertJobs,
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

        def on_failure(state: sfn.TaskStateBase | sfn.Parallel | sfn.Map) -> None:
            state.add_catch(mark_failed, errors=["States.ALL"], result_path="$.error")

        # The execution's ARN makes registration idempotent per execution (a retried RegisterJob
        # continues the job its first attempt created) and names the job's owner.
        register_job = invoke(
            "RegisterJob",
            {"event": sfn.JsonPath.entire_payload, "execution": sfn.JsonPath.string_at("$$.Execution.Id")},
            "$.job",
        )
        already_registered = sfn.Succeed(self, "AlreadyRegistered", comment="The same source object already has a job.")

        prepare_extraction = invoke(
            "PrepareAudioExtraction",
            {"job_id": job_id, "source": sfn.JsonPath.object_at("$.job.source")},
            "$.extraction",
        )
        request = "$.extraction.request"
        extract_audio = tasks.MediaConvertCreateJob(
            self,
            "ExtractAudio",
            create_job_request={
                "JobTemplate": mediaconvert.template_name,
                "Role": mediaconvert.role_arn,
                "Settings": sfn.JsonPath.object_at(f"{request}.Settings"),
                "UserMetadata": sfn.JsonPath.object_at(f"{request}.UserMetadata"),
                "ClientRequestToken": sfn.JsonPath.string_at(f"{request}.ClientRequestToken"),
            },
            integration_pattern=sfn.IntegrationPattern.RUN_JOB,
            result_selector={"Job": sfn.JsonPath.object_at("$.Job")},
            result_path="$.extraction.job",
            task_timeout=sfn.Timeout.duration(cdk.Duration.seconds(timing.extraction_budget_seconds)),
        )
        _add_transient_retry(extract_audio, MEDIACONVERT_TRANSIENT_ERRORS)
        check_extraction = invoke(
            "CheckAudioExtraction",
            {
                "job_id": job_id,
                "extraction": {"audio_uri": sfn.JsonPath.string_at("$.extraction.audio_uri")},
                "job": sfn.JsonPath.object_at("$.extraction.job"),
            },
            "$.audio",
        )

        transcribe_window = tasks.LambdaInvoke(
            self,
            "TranscribeWindow",
            lambda_function=self.functions["TranscribeWindow"],
            integration_pattern=sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
            payload=sfn.TaskInput.from_object(
                {
                    "job_id": sfn.JsonPath.string_at("$.job_id"),
                    "audio_uri": sfn.JsonPath.string_at("$.audio_uri"),
                    "window": sfn.JsonPath.object_at("$.window"),
                    "task_token": sfn.JsonPath.task_token,
                }
            ),
            retry_on_service_exceptions=False,
            task_timeout=sfn.Timeout.duration(cdk.Duration.seconds(timing.window_wait_seconds)),
        )
        _add_transient_retry(transcribe_window, LAMBDA_TRANSIENT_ERRORS)
        transcribe = sfn.Map(
            self,
            "Transcribe",
            comment="Each window of the recording is one asynchronous invocation; the endpoint's instances share them",
            items_path="$.audio.windows",
            item_selector={
                "job_id": job_id,
                "audio_uri": sfn.JsonPath.string_at("$.audio.audio_uri"),
                "window": sfn.JsonPath.string_at("$$.Map.Item.Value"),
            },
            max_concurrency=timing.window_concurrency,
            result_path="$.windows",
        )
        transcribe.item_processor(transcribe_window)
        merge = invoke(
            "MergeTranscripts",
            {
                "job_id": job_id,
                "windows": sfn.JsonPath.object_at("$.windows"),
                "plan": sfn.JsonPath.object_at("$.audio.windows"),
            },
            "$.inference",
        )

        # A timed-out wait has Step Functions' own error name: named here as the code it stands for.
        def named(state_id: str, error: str, cause: str) -> sfn.Chain:
            return sfn.Pass(
                self,
                state_id,
                parameters={"Error": error, "Cause": sfn.JsonPath.string_at(cause)},
                result_path="$.error",
            ).next(mark_failed)

        extract_audio.add_catch(
            named("ExtractionTimedOut", "AudioExtractionTimeout", "$.error.Cause"),
            errors=["States.Timeout"],
            result_path="$.error",
        )
        extract_audio.add_catch(
            named("ExtractionFailed", "AudioExtractionError", "$.error.Cause"),
            errors=["States.ALL"],
            result_path="$.error",
        )
        transcribe.add_catch(
            named("TranscriptionTimedOut", "TranscriptionTimeout", "$.error.Cause"),
            errors=["States.Timeout", "States.HeartbeatTimeout"],
            result_path="$.error",
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
            prepare_extraction,
            check_extraction,
            transcribe,
            merge,
            enrich,
            write_results,
            mark_complete,
        ):
            on_failure(state)

        register_job.next(
            sfn.Choice(self, "IsDuplicate")
            .when(sfn.Condition.boolean_equals("$.job.duplicate", True), already_registered)
            .otherwise(prepare_extraction)
        )
        prepare_extraction.next(extract_audio)
        extract_audio.next(check_extraction)
        check_extraction.next(transcribe)
        transcribe.next(merge)
        merge.next(enrich)
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
            "Step Functions log delivery (logs:*LogDelivery*, DescribeResourcePolicies/LogGroups), X-Ray "
            "tracing (xray:PutTraceSegments, GetSamplingRules…) and the MediaConvert .sync integration "
            "(CreateJob, GetJob, CancelJob: job ids are assigned at CreateJob) only support Resource '*'.",
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
