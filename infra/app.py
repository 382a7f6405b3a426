"""The clearscribe CDK app: ``NetworkStack`` → ``ModelStack`` → ``WorkflowStack``.

Run by the CDK CLI from the repository root (``cdk.json``: ``python3 -m infra.app``; activate the
virtual environment first). Settings come from the ``clearscribe:*`` context keys (see
``infra/config.py`` and docs/deploy.md); ``clearscribe:nag`` (default true) runs the cdk-nag
AwsSolutions checks, which fail the synthesis on any unacknowledged finding.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from infra.config import AppConfig, ConfigError, cdk_json_context
from infra.dlc_images import UnknownDlcError
from infra.model_artifact import ArtifactError
from infra.model_stack import ModelStack
from infra.model_weights import WeightsUnavailableError
from infra.network_stack import NetworkStack
from infra.stack_names import MODEL_STACK, NETWORK_STACK, WORKFLOW_STACK
from infra.workflow_stack import WorkflowStack

__all__ = ["build_app", "cdk_json_context", "main", "stack_environment"]


def stack_environment(config: AppConfig) -> cdk.Environment | None:
    account = config.account or os.environ.get("CDK_DEFAULT_ACCOUNT")
    if config.region is None:
        return None
    return cdk.Environment(account=account, region=config.region)


def build_app(context: Mapping[str, Any] | None = None, *, outdir: str | None = None) -> cdk.App:
    """The app with its three stacks. ``context`` is added to what the CLI passes (tests pass all of it)."""
    app = cdk.App(context=dict(context) if context is not None else None, outdir=outdir)
    config = AppConfig.from_context(app.node)
    env = stack_environment(config)
    description = "clearscribe: recorded video to clean, enriched transcripts"

    network = NetworkStack(app, NETWORK_STACK, env=env, description=f"{description} (network)")
    model = ModelStack(app, MODEL_STACK, network=network, env=env)
    workflow = WorkflowStack(
        app, WORKFLOW_STACK, network=network, model=model, env=env, description=f"{description} (workflow)"
    )
    for stack in (network, model, workflow):
        cdk.Tags.of(stack).add("project", "clearscribe")
    if config.nag:
        cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


#: Problems of the settings or of this machine: reported as one line, without a traceback.
SETUP_ERRORS = (ConfigError, WeightsUnavailableError, ArtifactError, UnknownDlcError)


def main() -> None:
    try:
        build_app().synth()
    except SETUP_ERRORS as exc:
        print(f"clearscribe: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
