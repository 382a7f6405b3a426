"""The facts ``shared/contract.py`` holds are the ones the code and the docs use."""

from __future__ import annotations

import re
from pathlib import Path

import aws_cdk as cdk
import pytest

from infra.config import ConfigError, WorkflowConfig
from pipeline.cloud.events import check_media_key
from postprocess.config import EnrichmentConfig
from shared import contract
from shared.contract import AUDIO_SUFFIXES, MEDIA_SUFFIXES, VIDEO_SUFFIXES
from shared.errors import InvalidMediaError

DOCS = Path(__file__).resolve().parents[3] / "docs"


def documented_suffixes(kind: str) -> tuple[str, ...]:
    """The suffixes docs/operations.md lists after ``<kind>:`` in its "Accepted files" sentence."""
    text = " ".join((DOCS / "operations.md").read_text(encoding="utf-8").split())
    sentence = text[text.index("Accepted files are recognised by extension") :]
    match = re.search(rf"{kind}: `([^`]+)`", sentence)
    assert match, f"docs/operations.md lists no {kind} suffixes"
    return tuple(match.group(1).split())


def test_the_docs_list_exactly_the_accepted_suffixes() -> None:
    assert documented_suffixes("video") == VIDEO_SUFFIXES
    assert documented_suffixes("audio") == AUDIO_SUFFIXES


def test_no_other_doc_lists_a_suffix_set_of_its_own() -> None:
    for page in DOCS.glob("*.md"):
        assert "media-suffixes" not in page.read_text(encoding="utf-8"), page.name


@pytest.mark.parametrize("suffix", MEDIA_SUFFIXES)
def test_registration_accepts_every_listed_suffix_in_any_case(suffix: str) -> None:
    check_media_key(f"uploads/talk{suffix.upper()}")
    check_media_key(f"uploads/talk{suffix}")


@pytest.mark.parametrize("key", ["uploads/notes.txt", "uploads/talk.mp4.json", "uploads/mp4", "uploads/"])
def test_registration_refuses_what_is_not_listed(key: str) -> None:
    with pytest.raises(InvalidMediaError):
        check_media_key(key)


def test_every_enrichment_variable_the_stack_can_set_is_one_a_run_reads() -> None:
    values = {
        "CLEARSCRIBE_PII_ENTITIES": "PERSON",
        "CLEARSCRIBE_PII_SCORE_THRESHOLD": "0.9",
        "CLEARSCRIBE_PII_PLACEHOLDER": "mask",
        "CLEARSCRIBE_PII_MASK": "###",
        "CLEARSCRIBE_PII_RESIDUAL_SCAN": "off",
        "CLEARSCRIBE_PII_POLICY": "strict",
        "CLEARSCRIBE_PROFANITY_ALLOW": "hell",
        "CLEARSCRIBE_PROFANITY_DENY": "blimey",
    }
    assert set(values) == set(contract.ENV_ENRICHMENT)
    default = EnrichmentConfig.from_env({})
    for name, value in values.items():
        assert EnrichmentConfig.from_env({name: value}) != default, name


def test_enrichment_context_keys_become_the_enrichers_environment() -> None:
    app = cdk.App(
        context={
            "clearscribe:pii-entities": ["PERSON", "EMAIL_ADDRESS"],
            "clearscribe:pii-placeholder": "mask",
            "clearscribe:pii-policy": "strict",
        }
    )
    config = WorkflowConfig.from_context(app.node)
    assert dict(config.enrichment_environment) == {
        "CLEARSCRIBE_PII_ENTITIES": "PERSON,EMAIL_ADDRESS",
        "CLEARSCRIBE_PII_PLACEHOLDER": "mask",
        "CLEARSCRIBE_PII_POLICY": "strict",
    }
    with pytest.raises(ConfigError, match="enrichment setting"):
        WorkflowConfig.from_context(cdk.App(context={"clearscribe:pii-placeholder": "stars"}).node)
    with pytest.raises(ConfigError, match="enrichment setting"):
        WorkflowConfig.from_context(cdk.App(context={"clearscribe:pii-policy": "paranoid"}).node)


def test_a_local_install_pins_the_speech_engine_the_endpoint_runs() -> None:
    import tomllib

    from infra.model_artifact import BUNDLED_REQUIREMENTS

    pyproject = tomllib.loads((DOCS.parent / "pyproject.toml").read_text(encoding="utf-8"))
    local = {req.split("==")[0]: req for req in pyproject["project"]["optional-dependencies"]["local"] if "==" in req}
    engine = (*BUNDLED_REQUIREMENTS, contract.NUMPY_REQUIREMENT, contract.TOKENIZERS_REQUIREMENT)

    assert {req.split("==")[0]: req for req in engine}.items() <= local.items()
