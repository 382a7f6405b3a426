"""Log groups with a retention given in days, as the ``*-retention-days`` context keys give it."""

from __future__ import annotations

from functools import cache

import aws_cdk as cdk
from aws_cdk import aws_logs as logs
from constructs import Construct


@cache
def retention_periods() -> dict[int, logs.RetentionDays]:
    """Days → ``logs.RetentionDays``, read from CDK itself (the enum's members carry names, not days)."""
    stack = cdk.Stack(cdk.App(), "RetentionProbe")
    periods: dict[int, logs.RetentionDays] = {}
    for member in logs.RetentionDays:
        if member is logs.RetentionDays.INFINITE:
            continue
        group = logs.LogGroup(stack, member.name, retention=member)
        cfn = group.node.default_child
        assert isinstance(cfn, logs.CfnLogGroup)
        periods[int(stack.resolve(cfn.retention_in_days))] = member
    return dict(sorted(periods.items()))


def retention(days: int) -> logs.RetentionDays:
    """The ``RetentionDays`` of ``days``; ``ValueError`` for a period CloudWatch Logs does not offer."""
    periods = retention_periods()
    if days not in periods:
        raise ValueError(f"log retention {days} days is not one CloudWatch Logs accepts: {sorted(periods)}")
    return periods[days]


def log_group_with_retention(
    scope: Construct,
    construct_id: str,
    *,
    days: int,
    removal_policy: cdk.RemovalPolicy,
    name: str | None = None,
) -> logs.LogGroup:
    return logs.LogGroup(
        scope, construct_id, retention=retention(days), removal_policy=removal_policy, log_group_name=name
    )
