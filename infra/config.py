"""Deployment settings for the CDK app, read from CDK context (``cdk.json`` or ``-c key=value``).

Every key is prefixed ``clearscribe:``. Values given on the command line arrive as strings, so
each reader accepts the native JSON type or its string form (``"true"``, ``"2"``, ``'["a","b"]'``).
"""

from __future__ import annotations

import json
import math
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


#: Standard workflows run for at most a year; the limits below are the services'.
STATE_MACHINE_MAX_SECONDS = 365 * 24 * 3600
#: ``RequestTTLSeconds`` of ``InvokeEndpointAsync``: 60 s … 6 h (SageMaker Runtime API reference).
MIN_REQUEST_TTL_SECONDS = 60
MAX_REQUEST_TTL_SECONDS = 6 * 3600


@dataclass(frozen=True)
class WorkflowConfig:
    """Buckets, trigger, budgets, windows, alarms and Lambda sizing of the workflow stack."""

    input_prefix: str = ""
    #: The longest recording the workflow takes; longer ones fail with RECORDING_TOO_LONG.
    max_duration_seconds: int = contract.MAX_DURATION_SECONDS
    #: Recordings longer than this are transcribed as windows, one invocation each.
    window_seconds: int = contract.WINDOW_SECONDS
    #: Windows of one recording the endpoint is given at once (its instances take them in parallel).
    window_concurrency: int = 4
    extraction_budget_seconds: int = contract.EXTRACTION_BUDGET_SECONDS
    #: One window's time in the endpoint's queue plus its processing (RequestTTLSeconds +
    #: InvocationTimeoutSeconds); the paused state waits that long plus the notification grace.
    transcription_budget_seconds: int = contract.TRANSCRIPTION_BUDGET_SECONDS
    #: How long the sweeper waits for a notification before it looks for the result itself.
    notification_grace_seconds: int = 300
    sweep_interval_minutes: int = 5
    #: The backlog alarm: requests queued with no instance for this long.
    backlog_alarm_minutes: int = 30
    state_machine_timeout_minutes: int = 0  # 0: the budgets of the longest recording plus one hour
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
        from shared.engine_settings import MIN_WINDOW_SECONDS

        if self.window_seconds < MIN_WINDOW_SECONDS:
            raise ConfigError(f"window-seconds must be at least {MIN_WINDOW_SECONDS}")
        try:
            EnrichmentConfig.from_env(dict(self.enrichment_environment))
        except ValueError as exc:
            raise ConfigError(f"enrichment setting: {exc}") from None

    @property
    def state_machine_timeout_seconds(self) -> int:
        """The whole execution's limit: extraction, then every window of the longest recording in
        rounds of ``window_concurrency`` each taking its whole budget, plus an hour."""
        if self.state_machine_timeout_minutes:
            return self.state_machine_timeout_minutes * 60
        windows = math.ceil(self.max_duration_seconds / self.window_seconds)
        rounds = math.ceil(windows / self.window_concurrency)
        per_window = self.transcription_budget_seconds + self.notification_grace_seconds
        return min(self.extraction_budget_seconds + rounds * per_window + 3600, STATE_MACHINE_MAX_SECONDS)

    def inference_budget(self, timeout: int, *, max_audio_seconds: int, instance_type: str) -> tuple[int, int]:
        """``(InvocationTimeoutSeconds, RequestTTLSeconds)`` of each window on an endpoint whose
        invocation timeout is ``timeout``: that timeout, and what is left of the transcription budget
        for the queue. ``ConfigError`` when they do not fit the endpoint."""
        ttl = self.transcription_budget_seconds - timeout
        if not MIN_REQUEST_TTL_SECONDS <= ttl <= MAX_REQUEST_TTL_SECONDS:
            raise ConfigError(
                f"transcription-budget-seconds ({self.transcription_budget_seconds}) minus the invocation timeout "
                f"({timeout}) is the time a window may queue (RequestTTLSeconds), which must be within "
                f"{MIN_REQUEST_TTL_SECONDS}..{MAX_REQUEST_TTL_SECONDS} s"
            )
        if self.window_seconds > max_audio_seconds:
            raise ConfigError(
                f"window-seconds ({self.window_seconds}) is longer than the endpoint finishes within its invocation "
                f"timeout ({max_audio_seconds} s on {instance_type}): use shorter windows"
            )
        return timeout, ttl

    @classmethod
    def from_context(cls, node: Node) -> WorkflowConfig:
        return cls(
            input_prefix=context_str(node, "input-prefix", "") or "",
            max_duration_seconds=context_int(node, "max-duration-seconds", cls.max_duration_seconds, minimum=1),
            window_seconds=context_int(node, "window-seconds", cls.window_seconds, minimum=1),
            window_concurrency=context_int(node, "window-concurrency", cls.window_concurrency, minimum=1, maximum=40),
            extraction_budget_seconds=context_int(
                node, "extraction-budget-seconds", cls.extraction_budget_seconds, minimum=60
            ),
            transcription_budget_seconds=context_int(
                node,
                "transcription-budget-seconds",
                cls.transcription_budget_seconds,
                minimum=120,
                maximum=MAX_REQUEST_TTL_SECONDS + 3600,
            ),
            notification_grace_seconds=context_int(
                node, "notification-grace-seconds", cls.notification_grace_seconds, minimum=0
            ),
            sweep_interval_minutes=context_int(node, "sweep-interval-minutes", cls.sweep_interval_minutes, minimum=1),
            backlog_alarm_minutes=context_int(node, "backlog-alarm-minutes", cls.backlog_alarm_minutes, minimum=1),
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
