"""The PII policy on the command line: ``--pii-policy standard|strict`` and ``CLEARSCRIBE_PII_POLICY``;
the policy is part of a job's identity (a strict run is not the standard run done again)."""

from __future__ import annotations

import pytest

from pipeline.cli.main import _enrichment_config, build_parser
from pipeline.local.identity import output_settings
from postprocess.config import EnrichmentConfig


def policy_for(command: str, *args: str) -> str:
    target = "in.mp4" if command == "run" else "in.txt"
    return _enrichment_config(build_parser().parse_args([command, target, *args])).pii_policy


@pytest.mark.parametrize("command", ["run", "enrich"])
def test_the_flag_and_the_environment_choose_the_policy(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLEARSCRIBE_PII_POLICY", raising=False)
    assert policy_for(command) == "standard"
    assert policy_for(command, "--pii-policy", "strict") == "strict"
    monkeypatch.setenv("CLEARSCRIBE_PII_POLICY", "strict")
    assert policy_for(command) == "strict"
    assert policy_for(command, "--pii-policy", "standard") == "standard"


def test_an_unknown_policy_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["run", "in.mp4", "--pii-policy", "lax"])
    assert exit_info.value.code == 2


def test_the_policy_is_part_of_the_job_identity() -> None:
    standard = output_settings("enrich", EnrichmentConfig())
    strict = output_settings("enrich", EnrichmentConfig(pii_policy="strict"))
    assert standard != strict
