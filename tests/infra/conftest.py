"""Fixtures for the infrastructure tests: the model stack synthesized once with its real,
self-contained ``model.tar.gz`` (the offline model, the persistent artifact cache: tests/conftest.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.app import build_app
from infra.config import cdk_json_context


@dataclass(frozen=True)
class ModelAssembly:
    outdir: Path
    template: dict[str, Any]

    @property
    def model_properties(self) -> dict[str, Any]:
        (model,) = [r for r in self.template["Resources"].values() if r["Type"] == "AWS::SageMaker::Model"]
        return model["Properties"]

    @property
    def artifact(self) -> Path:
        """The ``model.tar.gz`` CDK staged for the model (the file asset the model's S3 URI names)."""
        manifest = json.loads((self.outdir / "ClearscribeModel.assets.json").read_text())
        uri = json.dumps(self.model_properties["PrimaryContainer"]["ModelDataSource"])
        (entry,) = [a for asset_hash, a in manifest["files"].items() if asset_hash in uri]
        return self.outdir / entry["source"]["path"]


@pytest.fixture(scope="session")
def model_assembly(tmp_path_factory: pytest.TempPathFactory, offline_model_context: dict[str, Any]) -> ModelAssembly:
    """All three stacks from cdk.json's context with the offline model and speaker labels on (so
    the endpoint runs everything it can run); only the model stack's asset is built (the Lambda
    packages are checked by test_app_synth)."""
    outdir = tmp_path_factory.mktemp("cdk-model")
    context = {
        **cdk_json_context(),
        **offline_model_context,
        "clearscribe:speakers": "auto",
        "aws:cdk:bundling-stacks": ["ClearscribeModel"],
    }
    build_app(context, outdir=str(outdir)).synth()
    return ModelAssembly(outdir, json.loads((outdir / "ClearscribeModel.template.json").read_text()))
