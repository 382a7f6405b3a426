"""Every function of the workflow, one :class:`StepSpec` each: the handler it runs, the bundle it is
packaged in, its memory and timeout, whether it runs outside the VPC, and what it may touch.

The state machine invokes the functions whose spec is a ``state``; the others run on events (the
endpoint's notifications, a schedule). :class:`infra.workflow_stack.WorkflowStack` makes one
Lambda function per spec and applies its grants; the state machine reads :data:`STEP_HANDLERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from infra.config import WorkflowConfig
from infra.constructs import access
from infra.constructs.lambda_bundling import LambdaBundle, pii_bundle, profanity_bundle, sentiment_bundle, steps_bundle
from shared.contract import AUDIO_PREFIX, FINDINGS_PREFIX, INFERENCE_FAILURE_PATH, INFERENCE_PREFIX

#: Where the enriched transcripts go in the output bucket.
TRANSCRIPTS_PREFIX = "transcripts/"


@dataclass(frozen=True)
class StepResources:
    """What the functions are granted access to."""

    job_table: dynamodb.ITable
    callback_table: dynamodb.ITable
    input_bucket: s3.IBucket
    input_prefix: str
    working_bucket: s3.IBucket
    output_bucket: s3.IBucket
    #: The MediaConvert job template the extraction's jobs are made from.
    template_arn: str
    endpoint_arn: str


#: One permission of one function, given what there is to access.
Grant = Callable[[iam.IGrantable, StepResources], None]


@dataclass(frozen=True)
class StepSpec:
    """One function of the workflow."""

    handler: str
    bundle: Callable[[], LambdaBundle]
    #: Which of the configured memory sizes it gets (``clearscribe:<kind>-memory-mb``).
    memory: Literal["step", "pii", "enricher"]
    timeout_seconds: int
    grants: tuple[Grant, ...]
    #: A task of the state machine (otherwise the function runs on events).
    state: bool = True
    #: Calls services the VPC has no endpoint for by default (MediaConvert, SageMaker Runtime, Step
    #: Functions): it runs outside the VPC unless the VPC has a route out (NAT gateways).
    outside_vpc: bool = False

    def memory_mb(self, config: WorkflowConfig) -> int:
        return {"step": config.step_memory_mb, "pii": config.pii_memory_mb, "enricher": config.enricher_memory_mb}[
            self.memory
        ]


# -- grants ----------------------------------------------------------------------------------------
def job_items(fn: iam.IGrantable, r: StepResources) -> None:
    access.job_items(fn, r.job_table)


def callback_items(*, write: bool, scan: bool = False) -> Grant:
    return lambda fn, r: access.callback_items(fn, r.callback_table, write=write, scan=scan)


def list_uploads(fn: iam.IGrantable, r: StepResources) -> None:
    """RegisterJob checks the event's key against the bucket (URL-encoded keys)."""
    access.list_objects(fn, r.input_bucket, r.input_prefix)


def read_job_template(fn: iam.IGrantable, r: StepResources) -> None:
    fn.grant_principal.add_to_principal_policy(
        iam.PolicyStatement(actions=["mediaconvert:GetJobTemplate"], resources=[r.template_arn])
    )


def invoke_endpoint(fn: iam.IGrantable, r: StepResources) -> None:
    fn.grant_principal.add_to_principal_policy(
        iam.PolicyStatement(actions=["sagemaker:InvokeEndpointAsync"], resources=[r.endpoint_arn])
    )


def list_working(prefix: str) -> Grant:
    return lambda fn, r: access.list_objects(fn, r.working_bucket, prefix)


def read_working(prefix: str, *, list_prefix: bool = False) -> Grant:
    return lambda fn, r: access.read_objects(fn, r.working_bucket, prefix, list_prefix=list_prefix)


def write_working(prefix: str) -> Grant:
    return lambda fn, r: access.write_objects(fn, r.working_bucket, prefix)


def write_transcripts(fn: iam.IGrantable, r: StepResources) -> None:
    access.write_objects(fn, r.output_bucket, TRANSCRIPTS_PREFIX)


# The functions that resume paused states run outside the VPC, so they may list what the endpoint
# wrote and read its failure objects, never a transcript (the state machine's grant: the stack).
_RESUME = (list_working(INFERENCE_PREFIX), read_working(f"{INFERENCE_FAILURE_PATH}/"))
_ENRICH = (read_working(INFERENCE_PREFIX), write_working(FINDINGS_PREFIX))

#: Every function, by its state's (or its own) name, in the state machine's order.
STEPS: Mapping[str, StepSpec] = {
    "RegisterJob": StepSpec("pipeline.handlers.register_job", steps_bundle, "step", 30, (job_items, list_uploads)),
    "PrepareAudioExtraction": StepSpec(
        "pipeline.handlers.prepare_audio_extraction",
        steps_bundle,
        "step",
        60,
        (job_items, read_job_template),
        outside_vpc=True,
    ),
    "CheckAudioExtraction": StepSpec(
        "pipeline.handlers.check_audio_extraction",
        steps_bundle,
        "step",
        60,
        (job_items, read_working(AUDIO_PREFIX, list_prefix=True)),
    ),
    "TranscribeWindow": StepSpec(
        "pipeline.handlers.transcribe_window",
        steps_bundle,
        "step",
        60,
        (callback_items(write=True), invoke_endpoint),  # keeps its task token, then invokes
        outside_vpc=True,
    ),
    "MergeTranscripts": StepSpec(
        "pipeline.handlers.merge_transcripts",
        steps_bundle,
        "step",
        300,
        (job_items, read_working(INFERENCE_PREFIX), write_working(INFERENCE_PREFIX)),
    ),
    "RedactPII": StepSpec("pipeline.handlers.redact_pii", pii_bundle, "pii", 600, _ENRICH),
    "FilterProfanity": StepSpec("pipeline.handlers.filter_profanity", profanity_bundle, "enricher", 300, _ENRICH),
    "AnalyzeSentiment": StepSpec("pipeline.handlers.analyze_sentiment", sentiment_bundle, "enricher", 300, _ENRICH),
    "WriteResults": StepSpec(
        "pipeline.handlers.write_results",
        steps_bundle,
        "step",
        300,
        (job_items, read_working(INFERENCE_PREFIX), read_working(FINDINGS_PREFIX), write_transcripts),
    ),
    "MarkComplete": StepSpec("pipeline.handlers.mark_complete", steps_bundle, "step", 30, (job_items,)),
    "MarkFailed": StepSpec("pipeline.handlers.mark_failed", steps_bundle, "step", 30, (job_items,)),
    # On the endpoint's notifications, and on a schedule (the sweep for the ones that never came).
    "ResumeTranscription": StepSpec(
        "pipeline.handlers.resume_transcription",
        steps_bundle,
        "step",
        120,
        (callback_items(write=False), *_RESUME),
        state=False,
        outside_vpc=True,
    ),
    "SweepTranscriptions": StepSpec(
        "pipeline.handlers.sweep_transcriptions",
        steps_bundle,
        "step",
        300,
        (callback_items(write=False, scan=True), *_RESUME),
        state=False,
        outside_vpc=True,
    ),
}

#: The contract of the handler Lambdas the state machine invokes: state name → handler module.
STEP_HANDLERS: Mapping[str, str] = {name: spec.handler for name, spec in STEPS.items() if spec.state}
#: The functions that run outside the states: on the endpoint's notifications, and on a schedule.
EVENT_HANDLERS: Mapping[str, str] = {name: spec.handler for name, spec in STEPS.items() if not spec.state}
OUTSIDE_VPC: tuple[str, ...] = tuple(name for name, spec in STEPS.items() if spec.outside_vpc)
