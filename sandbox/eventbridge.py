"""EventBridge as the workflow uses it: the event S3 sends, and the rules that route it.

S3 buckets with EventBridge enabled (``NotificationConfiguration.EventBridgeConfiguration`` in the
template) send an "Object Created" event for every new object, as
:func:`pipeline.cloud.events.object_created_event` builds it. :class:`EventRule` is an
``AWS::Events::Rule`` of the templates; its pattern is matched with moto's implementation of
EventBridge's pattern language (prefix, suffix, ``equals-ignore-case``, ``wildcard`` …), and an
event it matches goes, unchanged, to each target.
A rule with a ``ScheduleExpression`` instead (:class:`ScheduleRule`) sends its targets the
"Scheduled Event" at its rate.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.templates import CloudAssembly


def envelope(
    detail_type: str, source: str, resources: list[str], detail: dict[str, Any], *, region: str, account: str
) -> dict[str, Any]:
    """An event as EventBridge delivers it: ``detail`` in the envelope every event shares."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type,
        "source": source,
        "account": account,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "region": region,
        "resources": resources,
        "detail": detail,
    }


@dataclass(frozen=True)
class EventRule:
    name: str
    pattern: Mapping[str, Any]
    targets: tuple[Mapping[str, Any], ...]
    enabled: bool = True

    def matches(self, event: Mapping[str, Any]) -> bool:
        from moto.events.models import EventPattern

        return self.enabled and EventPattern.load(json.dumps(self.pattern)).matches_event(dict(event))  # type: ignore[arg-type]

    @property
    def target_arns(self) -> list[str]:
        return [str(target["Arn"]) for target in self.targets]


def event_rules(assembly: CloudAssembly) -> list[EventRule]:
    """The rules of the assembly that match events (on the default event bus)."""
    return [
        EventRule(
            name=rule.name,
            pattern=rule.properties.get("EventPattern") or {},
            targets=tuple(rule.properties.get("Targets") or ()),
            enabled=rule.properties.get("State", "ENABLED") == "ENABLED",
        )
        for rule in assembly.resources("AWS::Events::Rule")
        if rule.properties.get("EventBusName", "default") == "default" and "EventPattern" in rule.properties
    ]


_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class ScheduleRule:
    """An ``AWS::Events::Rule`` with a ``rate(…)`` schedule."""

    name: str
    arn: str
    every_seconds: float
    targets: tuple[Mapping[str, Any], ...]

    def event(self, *, region: str, account: str) -> dict[str, Any]:
        """The event each target receives when the schedule fires."""
        return envelope("Scheduled Event", "aws.events", [self.arn], {}, region=region, account=account)


def schedule_rules(assembly: CloudAssembly) -> list[ScheduleRule]:
    """The enabled rules of the assembly that run on a ``rate(…)`` schedule (``cron(…)`` is not
    emulated: a ``ValueError`` names the rule)."""
    rules = []
    for rule in assembly.resources("AWS::Events::Rule"):
        expression = rule.properties.get("ScheduleExpression")
        if not expression or rule.properties.get("State", "ENABLED") != "ENABLED":
            continue
        found = _RATE.match(str(expression))
        if found is None:
            raise ValueError(f"rule {rule.name}: schedule {expression!r} is not emulated (only rate(…))")
        unit = found.group(2).rstrip("s")
        rules.append(
            ScheduleRule(
                name=rule.name,
                arn=rule.arn,
                every_seconds=int(found.group(1)) * _UNIT_SECONDS[unit],
                targets=tuple(rule.properties.get("Targets") or ()),
            )
        )
    return rules


def eventbridge_buckets(assembly: CloudAssembly) -> set[str]:
    """The buckets that send their object events to EventBridge."""
    return {
        bucket.name
        for bucket in assembly.resources("AWS::S3::Bucket")
        if ((bucket.properties.get("NotificationConfiguration") or {}).get("EventBridgeConfiguration") or {}).get(
            "EventBridgeEnabled"
        )
    }
