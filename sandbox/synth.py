"""Synthesize the CDK app as ``cdk synth`` does, for the sandbox.

The CDK CLI runs the ``app`` command of ``cdk.json`` with the cloud assembly directory in
``CDK_OUTDIR`` and the context (``cdk.json``'s, then ``-c`` values) in ``CDK_CONTEXT_JSON``; so
does :func:`synthesize`, with no CLI and no network beyond what the app itself needs (the offline
model's artifact is built from packages on this machine, once, into the artifact cache).

The sandbox's context (:data:`SANDBOX_CONTEXT`): the bundled offline model (``offline-tiny.en``)
and a sweep that looks for a lost notification after two seconds, not five minutes. Only the
model stack's assets are built (``aws:cdk:bundling-stacks``): the Lambda code runs from this
installation, not from bundles.
Everything else is the deployment's own configuration.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from infra.stack_names import MODEL_STACK

REPO_ROOT = Path(__file__).resolve().parents[1]
CDK_JSON = REPO_ROOT / "cdk.json"
SANDBOX_CONTEXT: dict[str, Any] = {
    "clearscribe:model-id": "offline-tiny.en",
    # A lost notification is swept up after a few seconds, not minutes.
    "clearscribe:notification-grace-seconds": 2,
}


class SynthError(RuntimeError):
    """The app did not synthesize."""


def sandbox_context(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``cdk.json``'s context, the sandbox's, then ``overrides`` (what ``-c`` would add)."""
    cdk_json = json.loads(CDK_JSON.read_text(encoding="utf-8"))
    return {
        **cdk_json.get("context", {}),
        **SANDBOX_CONTEXT,
        "aws:cdk:bundling-stacks": [MODEL_STACK],
        **(overrides or {}),
    }


def app_command() -> list[str]:
    """The ``app`` command of ``cdk.json``, run with this interpreter."""
    command = shlex.split(json.loads(CDK_JSON.read_text(encoding="utf-8"))["app"])
    if command and Path(command[0]).name.startswith("python"):
        command[0] = sys.executable
    return command


def synthesize(outdir: Path, context: Mapping[str, Any] | None = None) -> Path:
    """Synthesize the app into ``outdir`` with :func:`sandbox_context` (plus ``context``);
    returns ``outdir``. ``SynthError`` carries the end of the app's error output."""
    outdir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "CDK_OUTDIR": str(outdir),
        "CDK_CONTEXT_JSON": json.dumps(sandbox_context(context)),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": os.environ.get(
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20"
        ),
    }
    done = subprocess.run(app_command(), cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not (outdir / "manifest.json").is_file():
        tail = [line for line in done.stderr.strip().splitlines() if line.strip()][-5:]
        raise SynthError("the CDK app did not synthesize: " + " | ".join(tail))
    return outdir
