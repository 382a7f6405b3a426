"""cdk-nag acknowledgements, each with its reason, recorded so the docs can be checked against the code."""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from constructs import IConstruct


@dataclass(frozen=True)
class NagAcknowledgement:
    path: str
    rule: str
    reason: str


#: Every acknowledgement made while building the constructs of this process (path, rule, reason).
ACKNOWLEDGEMENTS: list[NagAcknowledgement] = []


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge an AwsSolutions finding on ``scope`` and its children.

    ``rule`` is the rule id, e.g. ``AwsSolutions-L1``. Rules that report one finding per item
    (IAM4, IAM5) must name the finding, e.g. ``AwsSolutions-IAM5[Resource::*]``: a bare rule id
    does not cover them.
    """
    if not rule.startswith("AwsSolutions-"):
        raise ValueError(f"not an AwsSolutions rule id: {rule}")
    if len(reason.strip()) < 20:
        raise ValueError(f"{rule}: an acknowledgement needs a real reason")
    for variant in dict.fromkeys((rule, _with_environment(scope, rule))):
        cdk.Validations.of(scope).acknowledge(cdk.Acknowledgment(id=f"AwsSolutions::{variant}", reason=reason))
    ACKNOWLEDGEMENTS.append(NagAcknowledgement(scope.node.path, rule, reason))


def _with_environment(scope: IConstruct, rule: str) -> str:
    """``rule`` as cdk-nag prints it when the stack's region/account/partition are literals.

    A finding written with ``<AWS::Region>`` (environment-agnostic stacks) then still matches when
    ``clearscribe:region`` pins the stacks to a region.
    """
    stack = cdk.Stack.of(scope)
    for placeholder, value in (
        ("<AWS::Partition>", stack.partition),
        ("<AWS::Region>", stack.region),
        ("<AWS::AccountId>", stack.account),
    ):
        if not cdk.Token.is_unresolved(value):
            rule = rule.replace(placeholder, value)
    return rule


def _render(value: object) -> str:
    """A resolved CloudFormation value the way cdk-nag prints it inside a finding id."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        ((name, arg),) = value.items()
        if name == "Ref":
            return f"<{arg}>"
        if name == "Fn::GetAtt":
            return f"<{arg[0]}.{arg[1]}>"
        if name == "Fn::ImportValue":
            return _render(arg)
        if name == "Fn::Join":
            separator, parts = arg
            return separator.join(_render(part) for part in parts)
    raise ValueError(f"cannot name a cdk-nag finding for {value!r}")


def resource_finding(scope: IConstruct, value: str) -> str:
    """The IAM5 finding id of a wildcard ``Resource`` value, e.g. ``AwsSolutions-IAM5[Resource::<B.Arn>/*]``."""
    return f"AwsSolutions-IAM5[Resource::{_render(cdk.Stack.of(scope).resolve(value))}]"
