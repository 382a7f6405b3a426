"""The state machine definition (ASL) from a synthesized workflow template, ready to execute.

CDK writes ``DefinitionString`` as an ``Fn::Join`` of literal JSON and CloudFormation
intrinsics (Lambda ARNs, the working bucket name, ``AWS::Partition`` …).
:func:`definition_from_template` resolves those into plain values and returns the parsed
definition.

Lambda ARNs: every ``{"Fn::GetAtt": [<logical id>, "Arn"]}`` of an ``AWS::Lambda::Function``
becomes ``arn:aws:lambda:<region>:<account>:function:<logical id>`` unless ``function_arns`` maps
that logical id to something else. The handler module behind each function comes from the
function's ``Handler`` property (``pipeline.handlers.register_job.handler`` →
``pipeline.handlers.register_job``); :func:`lambda_handlers` returns that mapping
(logical id → module) and :func:`state_handlers` the one a test usually wants
(state name → module). To run the definition in moto, create one function per logical id (the
function *name* is the logical id) and dispatch each invocation to ``<module>.handler``::

    template = workflow_template_json(FAST_POLLING)          # tests/infra/fixtures_workflow.py
    definition = definition_from_template(template, values={"WorkingBucketName": "working"})
    for logical_id, module in lambda_handlers(template).items():
        ...  # create_function(FunctionName=logical_id, ...); route invocations to module.handler

Other values: ``Fn::ImportValue`` / ``Ref`` / ``Fn::GetAtt`` of anything else are looked up in
``values`` by exact name, then by the first key contained in the name (so
``{"WorkingBucketName": "working"}`` matches the export ``ClearscribeModel-WorkingBucketName``);
unmatched ones become a lower-case placeholder derived from the name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

PSEUDO_PARAMETERS = {
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NoValue": "",
}


def _resources(template: Mapping[str, Any]) -> Mapping[str, Any]:
    return template.get("Resources", {})


def state_machine_logical_id(template: Mapping[str, Any], stack_logical_prefix: str | None = None) -> str:
    """The logical id of the one state machine (whose id starts with ``stack_logical_prefix``, if given)."""
    found = [
        logical_id
        for logical_id, resource in _resources(template).items()
        if resource.get("Type") == "AWS::StepFunctions::StateMachine"
        and (stack_logical_prefix is None or logical_id.startswith(stack_logical_prefix))
    ]
    if len(found) != 1:
        raise LookupError(f"expected one state machine, found {found}")
    return found[0]


def lambda_handlers(template: Mapping[str, Any]) -> dict[str, str]:
    """Logical id of each ``AWS::Lambda::Function`` with a ``<module>.<function>`` handler → module."""
    handlers: dict[str, str] = {}
    for logical_id, resource in _resources(template).items():
        if resource.get("Type") != "AWS::Lambda::Function":
            continue
        handler = resource.get("Properties", {}).get("Handler")
        if isinstance(handler, str) and "." in handler and "/" not in handler:
            handlers[logical_id] = handler.rsplit(".", 1)[0]
    return handlers


def _placeholder(name: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:63] or "placeholder"


def _lookup(name: str, values: Mapping[str, str]) -> str:
    if name in values:
        return values[name]
    for key, value in values.items():
        if key in name:
            return value
    return _placeholder(name)


class _Resolver:
    def __init__(
        self,
        template: Mapping[str, Any],
        *,
        region: str,
        account: str,
        function_arns: Mapping[str, str],
        values: Mapping[str, str],
    ) -> None:
        self.resources = _resources(template)
        self.region = region
        self.account = account
        self.function_arns = function_arns
        self.values = values

    def function_arn(self, logical_id: str) -> str:
        if logical_id in self.function_arns:
            return self.function_arns[logical_id]
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{logical_id}"

    def resolve(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        if not isinstance(value, dict) or len(value) != 1:
            raise ValueError(f"unsupported intrinsic {value!r}")
        ((name, arg),) = value.items()
        if name == "Fn::Join":
            separator, parts = arg
            return separator.join(self.resolve(part) for part in parts)
        if name == "Ref":
            if arg == "AWS::Region":
                return self.region
            if arg == "AWS::AccountId":
                return self.account
            if arg in PSEUDO_PARAMETERS:
                return PSEUDO_PARAMETERS[arg]
            return _lookup(arg, self.values)
        if name == "Fn::GetAtt":
            logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            resource = self.resources.get(logical_id, {})
            if resource.get("Type") == "AWS::Lambda::Function" and attribute == "Arn":
                return self.function_arn(logical_id)
            return _lookup(f"{logical_id}.{attribute}", self.values)
        if name == "Fn::ImportValue":
            return _lookup(self.resolve(arg), self.values)
        if name == "Fn::Select":
            index, items = arg
            resolved = items if isinstance(items, list) else self.resolve_list(items)
            return self.resolve(resolved[int(index)])
        raise ValueError(f"unsupported intrinsic {name}")

    def resolve_list(self, value: Any) -> list[Any]:
        if isinstance(value, dict) and "Fn::Split" in value:
            separator, source = value["Fn::Split"]
            return self.resolve(source).split(separator)
        raise ValueError(f"unsupported list intrinsic {value!r}")


def definition_string_from_template(
    template: Mapping[str, Any],
    stack_logical_prefix: str | None = None,
    *,
    region: str = "us-east-1",
    account: str = "123456789012",
    function_arns: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
) -> str:
    """The resolved ``DefinitionString`` (a JSON string), see the module docstring."""
    logical_id = state_machine_logical_id(template, stack_logical_prefix)
    properties = _resources(template)[logical_id]["Properties"]
    resolver = _Resolver(
        template, region=region, account=account, function_arns=function_arns or {}, values=values or {}
    )
    return resolver.resolve(properties["DefinitionString"])


def definition_from_template(
    template: Mapping[str, Any],
    stack_logical_prefix: str | None = None,
    *,
    region: str = "us-east-1",
    account: str = "123456789012",
    function_arns: Mapping[str, str] | None = None,
    values: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The state machine definition as a dict, with every intrinsic resolved (see the module docstring)."""
    return json.loads(
        definition_string_from_template(
            template, stack_logical_prefix, region=region, account=account, function_arns=function_arns, values=values
        )
    )


def iter_states(definition: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Every state by name, including those inside Parallel branches and Map iterators."""
    found: dict[str, dict[str, Any]] = {}
    for name, state in definition["States"].items():
        found[name] = state
        for branch in state.get("Branches", []):
            found.update(iter_states(branch))
        for key in ("Iterator", "ItemProcessor"):
            if key in state:
                found.update(iter_states(state[key]))
    return found


def state_handlers(template: Mapping[str, Any], definition: Mapping[str, Any] | None = None) -> dict[str, str]:
    """State name → handler module, for every Task state that invokes one of the template's functions
    (with the default ARNs of :func:`definition_from_template`)."""
    definition = definition if definition is not None else definition_from_template(template)
    handlers = lambda_handlers(template)
    result: dict[str, str] = {}
    for name, state in iter_states(definition).items():
        resource = state.get("Resource", "")
        if state.get("Type") == "Task" and ":function:" in resource:
            logical_id = resource.rsplit(":function:", 1)[1]
            if logical_id in handlers:
                result[name] = handlers[logical_id]
    return result
