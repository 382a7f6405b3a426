"""Deployment settings for the CDK app, read from CDK context (``cdk.json`` or ``-c key=value``).

Every key is prefixed ``clearscribe:``. Values given on the command line arrive as strings, so
each reader accepts the native JSON type or its string form (``"true"``, ``"2"``, ``'["a","b"]'``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from constructs import Node

from postprocess.config import EnrichmentConfig
from shared import contract

PREFIX = "clearscribe:"
CDK_JSON = Path(__file__).resolve().parents[1] / "cdk.json"


def cdk_json_context() -> dict[str, Any]:
    """The ``context`` block of ``cdk.json`` (what the CLI passes to the app), for tests and scripts."""
    return dict(json.loads(CDK_JSON.read_text())["context"])


class ConfigError(ValueError):
    """A context value has the wrong type or is out of range."""


def _raw(node: Node, key: str) -> Any:
    return node.try_get_context(PREFIX + key)


def context_bool(node: Node, key: str, default: bool) -> bool:
    value = _raw(node, key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes", "on"}:
        return True
    if text in {"false", "0", "no", "off"}:
        return False
    raise ConfigError(f"{PREFIX}{key}: expected a boolean, got {value!r}")


def context_int(node: Node, key: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    value = _raw(node, key)
    if value is None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{PREFIX}{key}: expected an integer, got {value!r}") from exc
    if number < minimum or (maximum is not None and number > maximum):
        raise ConfigError(f"{PREFIX}{key}: {number} is outside [{minimum}, {maximum}]")
    return number


def context_str(node: Node, key: str, default: str | None) -> str | None:
    value = _raw(node, key)
    if value is None or value == "":
        return default
    return str(value)


def context_str_list(node: Node, key: str, default: Sequence[str]) -> tuple[str, ...]:
    value = _raw(node, key)
    if value is None:
        return tuple(default)
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            value = json.loads(stripped)
        else:
            value = [part.strip() for part in stripped.split(",") if part.strip()]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{PREFIX}{key}: expected a list of strings, got {value!r}")
    return tuple(value)


@dataclass(frozen=True)
class AppConfig:
    """Where the stacks go and whether the cdk-nag AwsSolutions checks run."""

    nag: bool = True
    account: str | None = None
    region: str | None = None

    @classmethod
    def from_context(cls, node: Node) -> AppConfig:
        return cls(
            nag=context_bool(node, "nag", cls.nag),
            account=context_str(node, "account", None),
            region=context_str(node, "region", None),
        )


@dataclass(frozen=True)
class NetworkConfig:
    """The VPC. No NAT gateway by default: everything the workloads call has a VPC endpoint."""

    cidr: str = "10.40.0.0/16"
    availability_zones: tuple[str, ...] = ()
    max_azs: int = 2
    nat_gateways: int = 0
    flow_log_retention_days: int = 90
    #: Interface endpoints (service short names as in ``com.amazonaws.<region>.<name>``). None by
    #: default: the Lambdas in the VPC reach only S3 and DynamoDB (gateway endpoints), and SageMaker
    #: publishes the endpoint's notifications from outside the VPC.
    interface_endpoints: tuple[str, ...] = ()

    @classmethod
    def from_context(cls, node: Node) -> NetworkConfig:
        return cls(
            cidr=context_str(node, "vpc-cidr", cls.cidr) or cls.cidr,
            availability_zones=context_str_list(node, "availability-zones", ()),
            max_azs=context_int(node, "max-azs", cls.max_azs, minimum=1, maximum=6),
            nat_gateways=context_int(node, "nat-gateways", cls.nat_gateways, minimum=0, maximum=6),
            flow_log_retention_days=context_int(
                node, "flow-log-retention-days", cls.flow_log_retention_days, minimum=1
            ),
            interface_endpoints=context_str_list(node, "interface-endpoints", cls.interface_endpoints),
        )


@dataclass(frozen=True)
class WorkflowConfig:
    """Buckets, trigger, polling and Lambda sizing of the workflow stack."""

    input_prefix: str = ""
    poll_initial_seconds: int = contract.POLL_INITIAL_SECONDS
    poll_max_seconds: int = contract.POLL_MAX_SECONDS
    extraction_poll_budget_seconds: int = contract.EXTRACTION_POLL_BUDGET_SECONDS
    transcription_poll_budget_seconds: int = contract.TRANSCRIPTION_POLL_BUDGET_SECONDS
    state_machine_timeout_minutes: int = 0  # 0: both poll budgets plus one hour
    log_retention_days: int = 90
    log_level: str = "INFO"
    retain_data: bool = True
    pii_memory_mb: int = 2048
    enricher_memory_mb: int = 1024
    step_memory_mb: int = 1024
    #: The enrichment settings of the enricher functions, as the environment variables a local
    #: run reads (``CLEARSCRIBE_PII_*``); only the keys that are set, the rest take the defaults.
    enrichment_environment: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.poll_max_seconds < self.poll_initial_seconds:
            raise ConfigError("poll-max-seconds must be >= poll-initial-seconds")
        try:
            EnrichmentConfig.from_env(dict(self.enrichment_environment))
        except ValueError as exc:
            raise ConfigError(f"enrichment setting: {exc}") from None

    @property
    def state_machine_timeout_seconds(self) -> int:
        if self.state_machine_timeout_minutes:
            return self.state_machine_timeout_minutes * 60
        return self.extraction_poll_budget_seconds + self.transcription_poll_budget_seconds + 3600

    @classmethod
    def from_context(cls, node: Node) -> WorkflowConfig:
        return cls(
            input_prefix=context_str(node, "input-prefix", "") or "",
            poll_initial_seconds=context_int(node, "poll-initial-seconds", cls.poll_initial_seconds),
            poll_max_seconds=context_int(node, "poll-max-seconds", cls.poll_max_seconds),
            extraction_poll_budget_seconds=context_int(
                node, "extraction-poll-budget-seconds", cls.extraction_poll_budget_seconds, minimum=1
            ),
            transcription_poll_budget_seconds=context_int(
                node, "transcription-poll-budget-seconds", cls.transcription_poll_budget_seconds, minimum=1
            ),
            state_machine_timeout_minutes=context_int(node, "state-machine-timeout-minutes", 0),
            log_retention_days=context_int(node, "log-retention-days", cls.log_retention_days, minimum=1),
            log_level=(context_str(node, "log-level", cls.log_level) or cls.log_level).upper(),
            retain_data=context_bool(node, "retain-data", cls.retain_data),
            pii_memory_mb=context_int(node, "pii-memory-mb", cls.pii_memory_mb, minimum=128, maximum=10240),
            enricher_memory_mb=context_int(
                node, "enricher-memory-mb", cls.enricher_memory_mb, minimum=128, maximum=10240
            ),
            step_memory_mb=context_int(node, "step-memory-mb", cls.step_memory_mb, minimum=128, maximum=10240),
            enrichment_environment=enrichment_environment(node),
        )


#: List-valued enrichment settings (comma lists in the environment, lists or comma lists in context).
_LIST_SETTINGS = ("CLEARSCRIBE_PII_ENTITIES", "CLEARSCRIBE_PROFANITY_ALLOW", "CLEARSCRIBE_PROFANITY_DENY")


def enrichment_context_key(variable: str) -> str:
    """``CLEARSCRIBE_PII_ENTITIES`` → ``pii-entities`` (the context key is ``clearscribe:pii-entities``)."""
    return variable.removeprefix("CLEARSCRIBE_").lower().replace("_", "-")


def enrichment_environment(node: Node) -> tuple[tuple[str, str], ...]:
    """The ``clearscribe:pii-*`` / ``profanity-*`` context keys as the enrichers' environment: the
    variables of ``shared.contract.ENV_ENRICHMENT`` that a local run reads, lists as comma lists."""
    env = []
    for name in contract.ENV_ENRICHMENT:
        key = enrichment_context_key(name)
        if name in _LIST_SETTINGS:
            items = context_str_list(node, key, ())
            if items:
                env.append((name, ",".join(items)))
        elif (value := context_str(node, key, None)) is not None:
            env.append((name, value))
    return tuple(env)
