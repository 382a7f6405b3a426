"""Test-wide fixtures: a temporary clearscribe home, and speech fixtures made with espeak-ng."""

from __future__ import annotations

import os
from pathlib import Path

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
