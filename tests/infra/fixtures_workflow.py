"""Workflow-stack test fixtures: a stand-in for the model stack and app builders.

The stand-in exposes what :class:`infra.workflow_stack.ModelResources` asks for (a KMS-encrypted
working bucket, its key, an endpoint name/ARN, its instance type, invocation timeout and longest
recording, two SNS topics) so the network and workflow stacks
can be synthesized and checked on their own. Bundling is skipped (``aws:cdk:bundling-stacks: []``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template
from constructs import Construct

from infra.config import cdk_json_context
from infra.network_stack import NetworkStack
from infra.workflow_stack import WorkflowStack

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

STAND_IN_ENDPOINT_NAME = "clearscribe-stand-in-endpoint"
STAND_IN_MAX_AUDIO_SECONDS = 2880
SKIP_BUNDLING = {"aws:cdk:bundling-stacks": []}
#: Context with short budgets (for executing the definition in moto: a lost result fails in seconds).
SHORT_BUDGETS = {
    "clearscribe:extraction-budget-seconds": 60,
    "clearscribe:transcription-budget-seconds": 3660,
    "clearscribe:notification-grace-seconds": 0,
}


class StandInModelStack(cdk.Stack):
    """The model stack's interface with none of its machinery."""

    def __init__(self, scope: Construct, construct_id: str, *, network: NetworkStack, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.network = network
        self.data_key = kms.Key(self, "DataKey", enable_key_rotation=True)
        self.working_bucket = s3.Bucket(
            self,
            "WorkingBucket",
            encryption=s3.BucketEncryption.KMS,
            encryption_key=self.data_key,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
        )
        self.endpoint_name = STAND_IN_ENDPOINT_NAME
        self.endpoint_arn = self.format_arn(service="sagemaker", resource="endpoint", resource_name=self.endpoint_name)
        self.instance_type = "ml.m5.xlarge"
        self.speakers = "off"
        self.invocation_timeout_seconds = 3600
        self.max_audio_seconds = STAND_IN_MAX_AUDIO_SECONDS
        self.success_topic = sns.Topic(self, "Success", enforce_ssl=True, master_key=self.data_key)
        self.error_topic = sns.Topic(self, "Error", enforce_ssl=True, master_key=self.data_key)
        cdk.Validations.of(self).acknowledge(
            cdk.Acknowledgment(id="AwsSolutions::AwsSolutions-S1", reason="Test stand-in for the model stack.")
        )


@dataclass
class WorkflowApp:
    app: cdk.App
    network: NetworkStack
    model: StandInModelStack
    workflow: WorkflowStack

    def template(self, stack: cdk.Stack | None = None) -> Template:
        return Template.from_stack(stack or self.workflow)

    def template_json(self, stack: cdk.Stack | None = None) -> dict[str, Any]:
        return self.template(stack).to_json()


def build_workflow_app(
    context: Mapping[str, Any] | None = None, *, bundling: bool = False, nag: bool = False, outdir: str | None = None
) -> WorkflowApp:
    """cdk.json context + ``context``; network, stand-in model and workflow stacks."""
    merged: dict[str, Any] = {**cdk_json_context(), "clearscribe:nag": nag}
    if not bundling:
        merged.update(SKIP_BUNDLING)
    merged.update(context or {})
    app = cdk.App(context=merged, outdir=outdir)
    network = NetworkStack(app, "ClearscribeNetwork")
    model = StandInModelStack(app, "ClearscribeModel", network=network)
    workflow = WorkflowStack(app, "ClearscribeWorkflow", network=network, model=model)
    if nag:
        from cdk_nag import AwsSolutionsChecks

        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return WorkflowApp(app, network, model, workflow)


def workflow_template_json(context: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The synthesized workflow template (for :func:`sandbox.templates.definition_from_template`).

    ``workflow_template_json(SHORT_BUDGETS)`` gives a definition whose waits give up within a minute.
    """
    return build_workflow_app(context).template_json()
