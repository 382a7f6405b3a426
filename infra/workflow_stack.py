"""Workflow stack: buckets, job and callback tables, MediaConvert template, step Lambdas, state
machine, trigger, the functions the endpoint's notifications and a schedule run, and alarms.

An upload to the input bucket (any S3 "Object Created", multipart completions included) whose
key matches the media filter starts one execution of the state machine with the EventBridge
event as its input, unchanged. EventBridge object keys are plain text (unlike S3 notification
keys, which are URL-encoded), so the event is not rewritten on the way. The endpoint's success
and error topics resume the paused transcription states (``ResumeTranscription``); a schedule runs
the sweep for notifications that never came (``SweepTranscriptions``).
"""

from __future__ import annotations

from typing import Any, Protocol

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infra.config import WorkflowConfig
from infra.constructs.alarms import WorkflowAlarms
from infra.constructs.async_endpoint import VARIANT_NAME
from infra.constructs.buckets import AccessLogBucket, SecureBucket
from infra.constructs.log_groups import log_group_with_retention
from infra.constructs.mediaconvert import AudioExtraction
from infra.constructs.nag import acknowledge
from infra.constructs.python_function import BundledPythonFunction
from infra.constructs.transcription_workflow import MediaConvertJobs, TranscriptionWorkflow, WorkflowTiming
from infra.network_stack import NetworkStack
from infra.workflow_steps import STEP_HANDLERS, STEPS, StepResources
from shared import contract
from shared.contract import AUDIO_PREFIX, MEDIA_SUFFIXES

JOB_STATUS_INDEX = "by-status"


class ModelResources(Protocol):
    """What the workflow needs from the model stack."""

    working_bucket: s3.IBucket
    data_key: kms.IKey
    endpoint_name: str
    endpoint_arn: str
    instance_type: str
    invocation_timeout_seconds: int
    #: The longest window of audio the endpoint finishes within the invocation timeout.
    max_audio_seconds: int
    #: The endpoint's speaker labels (``off``, ``auto`` or a count): a recording of several windows
    #: then has its speakers told apart as a whole, by one more request.
    speakers: str
    #: The endpoint's notification topics (every finished inference is announced on one).
    success_topic: sns.ITopic
    error_topic: sns.ITopic


def media_key_filters(prefix: str, suffixes: tuple[str, ...]) -> list[dict[str, Any]]:
    """EventBridge content filters on ``detail.object.key`` for media files.

    Without a prefix: case-insensitive suffix matches. With one: wildcard patterns
    ``<prefix>*<suffix>`` (wildcards are case sensitive, so the lower- and upper-case suffix).
    """
    if not prefix:
        return [{"suffix": {"equals-ignore-case": suffix}} for suffix in suffixes]
    escaped = prefix.replace("\\", "\\\\").replace("*", "\\*")
    patterns: list[str] = []
    for suffix in suffixes:
        for variant in (suffix.lower(), suffix.upper()):
            pattern = f"{escaped}*{variant}"
            if pattern not in patterns:
                patterns.append(pattern)
    return [{"wildcard": pattern} for pattern in patterns]


class WorkflowStack(cdk.Stack):
    """Everything that turns an upload into an enriched transcript, except the model endpoint."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        network: NetworkStack,
        model: ModelResources,
        config: WorkflowConfig | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.config = config = config or WorkflowConfig.from_context(self.node)
        removal = cdk.RemovalPolicy.RETAIN if config.retain_data else cdk.RemovalPolicy.DESTROY
        working_bucket = self._import_working_bucket(model)

        # -- data at rest ------------------------------------------------------------------
        self.data_key = kms.Key(
            self,
            "DataKey",
            description="clearscribe: uploads, enriched transcripts and job records",
            enable_key_rotation=True,
            removal_policy=removal,
        )
        self.access_logs = AccessLogBucket(self, "AccessLogs", expire_after_days=365, removal_policy=removal).bucket
        self.input_bucket: s3.IBucket = SecureBucket(
            self,
            "Input",
            key=self.data_key,
            access_logs=self.access_logs,
            log_prefix="input/",
            removal_policy=removal,
            event_bridge=True,
        ).bucket
        self.output_bucket: s3.IBucket = SecureBucket(
            self,
            "Output",
            key=self.data_key,
            access_logs=self.access_logs,
            log_prefix="output/",
            removal_policy=removal,
        ).bucket
        self.job_table = dynamodb.Table(
            self,
            "JobTable",
            partition_key=dynamodb.Attribute(name="job_id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.data_key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            deletion_protection=config.retain_data,
            removal_policy=removal,
        )
        self.job_table.add_global_secondary_index(
            index_name=JOB_STATUS_INDEX,
            partition_key=dynamodb.Attribute(name="status", type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name="updated_at", type=dynamodb.AttributeType.STRING),
            projection_type=dynamodb.ProjectionType.ALL,
        )
        #: Task tokens of paused TranscribeWindow states, by inference id (pipeline.cloud.callbacks).
        self.callback_table = dynamodb.Table(
            self,
            "CallbackTable",
            partition_key=dynamodb.Attribute(name="inference_id", type=dynamodb.AttributeType.STRING),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.CUSTOMER_MANAGED,
            encryption_key=self.data_key,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            time_to_live_attribute="expires_at",
            removal_policy=cdk.RemovalPolicy.DESTROY,  # work in flight only: nothing to keep
        )
        budget = config.inference_budget(
            model.invocation_timeout_seconds,
            max_audio_seconds=model.max_audio_seconds,
            instance_type=model.instance_type,
        )

        # -- audio extraction ----------------------------------------------------------------
        self.audio_extraction = AudioExtraction(
            self,
            "AudioExtraction",
            input_bucket=self.input_bucket,
            working_bucket=working_bucket,
            audio_prefix=AUDIO_PREFIX,
            input_prefix=config.input_prefix,
        )

        # -- step functions ------------------------------------------------------------------
        environment = {
            contract.ENV_JOB_TABLE: self.job_table.table_name,
            contract.ENV_WORKING_BUCKET: working_bucket.bucket_name,
            contract.ENV_OUTPUT_BUCKET: self.output_bucket.bucket_name,
            contract.ENV_MEDIACONVERT_TEMPLATE: self.audio_extraction.template_name,
            contract.ENV_MEDIACONVERT_ROLE_ARN: self.audio_extraction.role.role_arn,
            contract.ENV_ENDPOINT_NAME: model.endpoint_name,
            contract.ENV_ENDPOINT_INSTANCE_TYPE: model.instance_type,
            contract.ENV_CALLBACK_TABLE: self.callback_table.table_name,
            contract.ENV_MAX_DURATION_SECONDS: str(config.max_duration_seconds),
            contract.ENV_WINDOW_SECONDS: str(config.window_seconds),
            contract.ENV_SPEAKERS: model.speakers,
            contract.ENV_INVOCATION_TIMEOUT_SECONDS: str(budget[0]),
            contract.ENV_REQUEST_TTL_SECONDS: str(budget[1]),
            contract.ENV_NOTIFICATION_GRACE_SECONDS: str(config.notification_grace_seconds),
            contract.ENV_PII_MEMORY_MB: str(config.pii_memory_mb),
            contract.ENV_ENRICHER_MEMORY_MB: str(config.enricher_memory_mb),
            contract.ENV_LAMBDA_LOG_LEVEL: config.log_level,
            # The enrichers read the same settings as a local run (only the ones set in context).
            **dict(config.enrichment_environment),
        }
        self.step_functions: dict[str, BundledPythonFunction] = {}
        for state, spec in STEPS.items():
            in_vpc = not spec.outside_vpc or network.egress_subnets is not None
            subnets = (
                network.egress_subnets
                if spec.outside_vpc and network.egress_subnets is not None
                else network.workload_subnets
            )
            # The function's own trace segments go to X-Ray from inside it: without a route out
            # (no NAT, no xray interface endpoint) Powertools' tracer is switched off there; the
            # invocation segments that Lambda records itself are kept either way.
            traces_leave = not in_vpc or network.egress_subnets is not None or "xray" in network.interface_endpoints
            self.step_functions[state] = BundledPythonFunction(
                self,
                f"{state}Fn",
                bundle=spec.bundle(),
                handler_module=spec.handler,
                description=f"clearscribe {state} ({spec.handler})",
                memory_mb=spec.memory_mb(config),
                timeout=cdk.Duration.seconds(spec.timeout_seconds),
                environment=environment if traces_leave else {**environment, "POWERTOOLS_TRACE_DISABLED": "true"},
                vpc=network.vpc if in_vpc else None,
                subnets=subnets if in_vpc else None,
                security_group=network.lambda_security_group if in_vpc else None,
                log_retention_days=config.log_retention_days,
                removal_policy=cdk.RemovalPolicy.DESTROY,
            )
        resources = StepResources(
            job_table=self.job_table,
            callback_table=self.callback_table,
            input_bucket=self.input_bucket,
            input_prefix=config.input_prefix,
            working_bucket=working_bucket,
            output_bucket=self.output_bucket,
            template_arn=self.audio_extraction.template_arn,
            endpoint_arn=model.endpoint_arn,
        )
        for state, spec in STEPS.items():
            for grant in spec.grants:
                grant(self.step_functions[state].function, resources)

        # -- state machine -------------------------------------------------------------------
        state_machine_logs = log_group_with_retention(
            self,
            "StateMachineLogs",
            days=config.log_retention_days,
            removal_policy=cdk.RemovalPolicy.DESTROY,
            # The /aws/vendedlogs/ prefix keeps log delivery from growing the account's
            # CloudWatch Logs resource policy (size-limited) with every log group.
            name=f"/aws/vendedlogs/states/{self.stack_name}",
        )
        self.workflow = TranscriptionWorkflow(
            self,
            "Workflow",
            functions={state: self.step_functions[state].function for state in STEP_HANDLERS},
            working_bucket_name=working_bucket.bucket_name,
            mediaconvert=MediaConvertJobs(
                template_name=self.audio_extraction.template_name, role_arn=self.audio_extraction.role.role_arn
            ),
            timing=WorkflowTiming(
                extraction_budget_seconds=config.extraction_budget_seconds,
                window_wait_seconds=config.transcription_budget_seconds + config.notification_grace_seconds,
                window_concurrency=config.window_concurrency,
                state_machine_timeout=cdk.Duration.seconds(config.state_machine_timeout_seconds),
            ),
            log_group=state_machine_logs,
        )
        self.state_machine: sfn.StateMachine = self.workflow.state_machine

        # -- events that resume the workflow ---------------------------------------------------
        resume = self.step_functions["ResumeTranscription"].function
        for topic in (model.success_topic, model.error_topic):
            topic.add_subscription(subscriptions.LambdaSubscription(resume))
        sweeper = self.step_functions["SweepTranscriptions"].function
        self.sweep_rule = events.Rule(
            self,
            "SweepRule",
            description="clearscribe: resolve transcriptions whose notification never came",
            schedule=events.Schedule.rate(cdk.Duration.minutes(config.sweep_interval_minutes)),
            targets=[targets.LambdaFunction(sweeper, retry_attempts=2)],
        )
        for fn in (resume, sweeper):
            self.state_machine.grant_task_response(fn)

        # -- trigger -------------------------------------------------------------------------
        self.trigger_dead_letters = sqs.Queue(
            self,
            "TriggerDeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        acknowledge(
            self.trigger_dead_letters,
            "AwsSolutions-SQS3",
            "This queue is the dead-letter queue of the upload rule's target; it has none of its own.",
        )
        self.upload_rule = events.Rule(
            self,
            "UploadRule",
            description="clearscribe: a media file was uploaded to the input bucket",
            event_pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created"],
                detail={
                    "bucket": {"name": [self.input_bucket.bucket_name]},
                    "object": {"key": media_key_filters(config.input_prefix, MEDIA_SUFFIXES)},
                },
            ),
            targets=[
                targets.SfnStateMachine(
                    self.state_machine,
                    dead_letter_queue=self.trigger_dead_letters,
                    retry_attempts=20,
                    max_event_age=cdk.Duration.hours(24),
                )
            ],
        )

        # Executions that time out, are aborted or fail outside a Catch (States.Runtime, a MarkFailed
        # that itself failed) may never record their failure: the same function receives their
        # status change, so their jobs still end FAILED (it changes nothing for a job that has ended).
        self.unfinished_execution_rule = events.Rule(
            self,
            "UnfinishedExecutionRule",
            description="clearscribe: mark the job of a failed, timed-out or aborted execution FAILED",
            event_pattern=events.EventPattern(
                source=["aws.states"],
                detail_type=["Step Functions Execution Status Change"],
                detail={
                    "status": ["FAILED", "TIMED_OUT", "ABORTED"],
                    "stateMachineArn": [self.state_machine.state_machine_arn],
                },
            ),
            targets=[
                targets.LambdaFunction(
                    self.step_functions["MarkFailed"].function,
                    dead_letter_queue=self.trigger_dead_letters,
                    retry_attempts=20,
                    max_event_age=cdk.Duration.hours(24),
                )
            ],
        )

        # Deliveries of the unfinished-execution events that MarkFailed could not take are kept.
        self.unrecorded_failures = sqs.Queue(
            self,
            "UnrecordedFailures",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=cdk.Duration.days(14),
        )
        acknowledge(
            self.unrecorded_failures,
            "AwsSolutions-SQS3",
            "This queue is the on-failure destination of MarkFailed's asynchronous invocations; "
            "it has none of its own.",
        )
        self.step_functions["MarkFailed"].function.configure_async_invoke(
            on_failure=destinations.SqsDestination(self.unrecorded_failures), retry_attempts=2
        )

        # -- alarms ----------------------------------------------------------------------------
        self.alarms = WorkflowAlarms(
            self,
            "Alarms",
            state_machine=self.state_machine,
            dead_letter_queues=(self.trigger_dead_letters, self.unrecorded_failures),
            mark_failed=self.step_functions["MarkFailed"].function,
            endpoint_name=model.endpoint_name,
            variant_name=VARIANT_NAME,
            backlog_minutes=config.backlog_alarm_minutes,
            key=self.data_key,
        )

        # -- outputs -------------------------------------------------------------------------
        cdk.CfnOutput(self, "InputBucketName", value=self.input_bucket.bucket_name)
        cdk.CfnOutput(self, "OutputBucketName", value=self.output_bucket.bucket_name)
        cdk.CfnOutput(self, "JobTableName", value=self.job_table.table_name)
        cdk.CfnOutput(self, "StateMachineArn", value=self.state_machine.state_machine_arn)
        cdk.CfnOutput(self, "OperationsTopicArn", value=self.alarms.topic.topic_arn)

    def _import_working_bucket(self, model: ModelResources) -> s3.IBucket:
        """The model stack's working bucket, referenced through an export with a fixed name.

        A named export keeps the policy resources (``<export>/audio/*`` …) independent of the
        model stack's logical ids, so their cdk-nag acknowledgements are stable.
        """
        owner = cdk.Stack.of(model.working_bucket)
        if owner is self:
            return model.working_bucket
        name = owner.export_value(model.working_bucket.bucket_name, name=f"{owner.stack_name}-WorkingBucketName")
        return s3.Bucket.from_bucket_attributes(self, "WorkingBucket", bucket_name=name, encryption_key=model.data_key)
