"""Reading synthesized CloudFormation templates as if they were deployed.

CDK writes properties as literals mixed with intrinsic functions (``Ref``, ``Fn::GetAtt``,
``Fn::Join``, ``Fn::Sub``, ``Fn::ImportValue`` …). :class:`Resolver` turns them into the values a
deployment would produce, with one naming rule for every resource CloudFormation would name
(:func:`physical_name`): a Lambda function is called by its logical id, a bucket by its
logical id in lower case, and so on, each returned in the form its ``Ref`` or ``Fn::GetAtt``
documents (a topic's ``Ref`` is its ARN, a bucket's its name).

Two uses:

* :class:`CloudAssembly`: a ``cdk.out`` directory. Every stack is read in deployment order and
  ``Fn::ImportValue`` is answered from the exports of the stacks before it; file assets (the
  model artifact) are found through the asset manifests.
* A single template (tests synthesize one stack with stand-ins for the others):
  :func:`definition_from_template` and friends resolve it alone; names the template cannot
  answer (imports from stacks that are not there) are looked up in ``values`` by exact name,
  then by the first key contained in the name (``{"WorkingBucketName": "working"}`` matches the
  export ``ClearscribeModel-WorkingBucketName``), else become a lower-case placeholder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The account moto (and so the sandbox) uses when none is given.
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"

PSEUDO_PARAMETERS = {
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::NoValue": "",
    "AWS::StackId": "",
}


class TemplateError(ValueError):
    """The template holds something this reader cannot resolve."""


def placeholder(name: str) -> str:
    """A lower-case, hyphenated name derived from ``name`` (63 characters at most)."""
    text = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return text[:63].rstrip("-") or "placeholder"


def physical_name(resource_type: str, logical_id: str) -> str:
    """The name CloudFormation would give the resource (a deterministic stand-in for its
    generated one): the logical id, lower-cased where the service wants lower case."""
    if resource_type in ("AWS::S3::Bucket", "AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig",
                         "AWS::SageMaker::Endpoint"):  # fmt: skip
        return placeholder(logical_id)
    return logical_id[:64]


def _arn(service: str, region: str, account: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def resource_reference(
    resource_type: str, logical_id: str, properties: Mapping[str, Any], *, region: str, account: str
) -> dict[str, str]:
    """What ``Ref`` (key ``""``) and each ``Fn::GetAtt`` attribute of a resource return, as
    documented per resource type (``Ref`` of a topic or state machine is its ARN, of a bucket,
    table or function its name)."""
    name_property = {
        "AWS::S3::Bucket": "BucketName",
        "AWS::DynamoDB::Table": "TableName",
        "AWS::Lambda::Function": "FunctionName",
        "AWS::SNS::Topic": "TopicName",
        "AWS::SQS::Queue": "QueueName",
        "AWS::StepFunctions::StateMachine": "StateMachineName",
        "AWS::IAM::Role": "RoleName",
        "AWS::Events::Rule": "Name",
        "AWS::Logs::LogGroup": "LogGroupName",
        "AWS::MediaConvert::JobTemplate": "Name",
        "AWS::SageMaker::Model": "ModelName",
        "AWS::SageMaker::EndpointConfig": "EndpointConfigName",
        "AWS::SageMaker::Endpoint": "EndpointName",
    }.get(resource_type)
    given = properties.get(name_property) if name_property else None
    name = given if isinstance(given, str) and given else physical_name(resource_type, logical_id)
    match resource_type:
        case "AWS::S3::Bucket":
            return {"": name, "Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com"}
        case "AWS::DynamoDB::Table":
            return {"": name, "Arn": _arn("dynamodb", region, account, f"table/{name}")}
        case "AWS::Lambda::Function":
            return {"": name, "Arn": _arn("lambda", region, account, f"function:{name}")}
        case "AWS::SNS::Topic":
            arn = _arn("sns", region, account, name)
            return {"": arn, "TopicArn": arn, "TopicName": name}
        case "AWS::SQS::Queue":
            url = f"https://sqs.{region}.amazonaws.com/{account}/{name}"
            return {"": url, "QueueUrl": url, "QueueName": name, "Arn": _arn("sqs", region, account, name)}
        case "AWS::StepFunctions::StateMachine":
            arn = _arn("states", region, account, f"stateMachine:{name}")
            return {"": arn, "Arn": arn, "Name": name}
        case "AWS::IAM::Role":
            return {"": name, "Arn": f"arn:aws:iam::{account}:role/{name}", "RoleId": placeholder(name)}
        case "AWS::KMS::Key":
            key_id = placeholder(logical_id)
            return {"": key_id, "KeyId": key_id, "Arn": _arn("kms", region, account, f"key/{key_id}")}
        case "AWS::Events::Rule":
            return {"": name, "Arn": _arn("events", region, account, f"rule/{name}")}
        case "AWS::Logs::LogGroup":
            return {"": name, "Arn": _arn("logs", region, account, f"log-group:{name}:*")}
        case "AWS::MediaConvert::JobTemplate":
            return {"": name, "Name": name, "Arn": _arn("mediaconvert", region, account, f"jobTemplates/{name}")}
        case "AWS::SageMaker::Model":
            arn = _arn("sagemaker", region, account, f"model/{name}")
            return {"": arn, "ModelName": name, "Arn": arn}
        case "AWS::SageMaker::EndpointConfig":
            arn = _arn("sagemaker", region, account, f"endpoint-config/{name}")
            return {"": arn, "EndpointConfigName": name, "Arn": arn}
        case "AWS::SageMaker::Endpoint":
            arn = _arn("sagemaker", region, account, f"endpoint/{name}")
            return {"": arn, "EndpointName": name, "Arn": arn}
    return {"": name}


def _lookup(name: str, values: Mapping[str, Any]) -> Any:
    if name in values:
        return values[name]
    for key, value in values.items():
        if key in name:
            return value
    return placeholder(name)


_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class Resolver:
    """Resolves the intrinsic functions of one template (see the module docstring).

    ``imports`` answers ``Fn::ImportValue`` (export name → value); names it does not know, and
    references to resources the template does not hold, are looked up in ``values``.
    ``function_arns`` overrides the ARN of Lambda functions by logical id.
    """

    def __init__(
        self,
        template: Mapping[str, Any],
        *,
        region: str = DEFAULT_REGION,
        account: str = DEFAULT_ACCOUNT,
        imports: Callable[[str], Any] | None = None,
        values: Mapping[str, Any] | None = None,
        function_arns: Mapping[str, str] | None = None,
    ) -> None:
        self.template = template
        self.resources: Mapping[str, Any] = template.get("Resources", {})
        self.region = region
        self.account = account
        self._imports = imports
        self.values = dict(values or {})
        self.function_arns = dict(function_arns or {})

    # -- references ------------------------------------------------------------------------
    def reference(self, logical_id: str, attribute: str = "") -> Any:
        """``Ref`` (``attribute=""``) or ``Fn::GetAtt`` of a resource, parameter or pseudo parameter."""
        if not attribute:
            if logical_id == "AWS::Region":
                return self.region
            if logical_id == "AWS::AccountId":
                return self.account
            if logical_id in PSEUDO_PARAMETERS:
                return PSEUDO_PARAMETERS[logical_id]
            parameter = self.template.get("Parameters", {}).get(logical_id)
            if parameter is not None and "Default" in parameter:
                return parameter["Default"]
        resource = self.resources.get(logical_id)
        if resource is None:
            return _lookup(f"{logical_id}.{attribute}" if attribute else logical_id, self.values)
        if resource.get("Type") == "AWS::Lambda::Function" and attribute == "Arn" and logical_id in self.function_arns:
            return self.function_arns[logical_id]
        key = f"{logical_id}.{attribute}" if attribute else logical_id
        if key in self.values:
            return self.values[key]
        properties = resource.get("Properties", {})
        # Names given as intrinsics (rare) are resolved first.
        named = {k: self.resolve(v) for k, v in properties.items() if k.endswith("Name") and isinstance(v, dict)}
        attributes = resource_reference(
            resource["Type"], logical_id, {**properties, **named}, region=self.region, account=self.account
        )
        # Attributes of resources the sandbox does not create (VPC ids …) get a stable stand-in.
        return attributes.get(attribute, placeholder(f"{logical_id}-{attribute}"))

    def import_value(self, name: str) -> Any:
        if self._imports is not None:
            try:
                return self._imports(name)
            except KeyError:
                pass
        return _lookup(name, self.values)

    # -- intrinsics ------------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic function inside it resolved (dicts and lists recursively)."""
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((name, arg),) = value.items()
            if name == "Ref" or name.startswith("Fn::"):
                return self._intrinsic(name, arg)
        return {key: self.resolve(item) for key, item in value.items()}

    def _intrinsic(self, name: str, arg: Any) -> Any:
        if name == "Ref":
            return self.reference(arg)
        if name == "Fn::GetAtt":
            logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return self.reference(logical_id, attribute)
        if name == "Fn::Join":
            separator, parts = arg
            return separator.join(str(self.resolve(part)) for part in self.resolve(parts))
        if name == "Fn::Sub":
            text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))
            return self._sub(text, variables)
        if name == "Fn::ImportValue":
            return self.import_value(self.resolve(arg))
        if name == "Fn::Select":
            index, items = arg
            return self.resolve(items)[int(self.resolve(index))]
        if name == "Fn::Split":
            separator, source = arg
            return str(self.resolve(source)).split(separator)
        raise TemplateError(f"unsupported intrinsic function {name}")

    def _sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            key = match.group(1)
            if key in variables:
                return str(variables[key])
            if "." in key and not key.startswith("AWS::"):
                logical_id, attribute = key.split(".", 1)
                return str(self.reference(logical_id, attribute))
            return str(self.reference(key))

        return _SUB_VARIABLE.sub(replace, text).replace("${!", "${")


# -- one template ------------------------------------------------------------------------------
def resources_of_type(template: Mapping[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Logical id → resource, for every resource of ``resource_type``."""
    return {lid: r for lid, r in template.get("Resources", {}).items() if r.get("Type") == resource_type}


def state_machine_logical_id(template: Mapping[str, Any], stack_logical_prefix: str | None = None) -> str:
    """The logical id of the one state machine (whose id starts with ``stack_logical_prefix``, if given)."""
    found = [
        lid
        for lid in resources_of_type(template, "AWS::StepFunctions::StateMachine")
        if stack_logical_prefix is None or lid.startswith(stack_logical_prefix)
    ]
    if len(found) != 1:
        raise LookupError(f"expected one state machine, found {found}")
    return found[0]


def handler_module(handler: str) -> str:
    """The module of a Python Lambda handler string (``pkg.module.handler`` → ``pkg.module``)."""
    if "." not in handler or "/" in handler:
        raise TemplateError(f"{handler!r} is not a Python handler (<module>.<function>)")
    return handler.rsplit(".", 1)[0]


def lambda_handlers(template: Mapping[str, Any]) -> dict[str, str]:
    """Logical id of each ``AWS::Lambda::Function`` with a ``<module>.<function>`` handler → module."""
    handlers: dict[str, str] = {}
    for logical_id, resource in resources_of_type(template, "AWS::Lambda::Function").items():
        handler = resource.get("Properties", {}).get("Handler")
        if isinstance(handler, str) and "." in handler and "/" not in handler:
            handlers[logical_id] = handler_module(handler)
    return handlers


def definition_from_template(
    template: Mapping[str, Any],
    stack_logical_prefix: str | None = None,
    *,
    region: str = DEFAULT_REGION,
    account: str = DEFAULT_ACCOUNT,
    function_arns: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The state machine definition as a dict, with every intrinsic resolved. Each Lambda ARN
    names its function by logical id unless ``function_arns`` says otherwise."""
    logical_id = state_machine_logical_id(template, stack_logical_prefix)
    resolver = Resolver(template, region=region, account=account, function_arns=function_arns, values=values)
    return json.loads(str(resolver.resolve(template["Resources"][logical_id]["Properties"]["DefinitionString"])))


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
    """State name → handler module, for every Task state that invokes one of the template's
    functions (with the default ARNs of :func:`definition_from_template`)."""
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


# -- a cloud assembly --------------------------------------------------------------------------
@dataclass(frozen=True)
class Resource:
    """One resource of a stack, with its properties resolved."""

    stack: str
    logical_id: str
    type: str
    properties: dict[str, Any]
    #: ``Ref`` (key ``""``) and the ``Fn::GetAtt`` attributes.
    reference: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The physical name (what ``Ref`` returns for named resources, else the last ARN part)."""
        ref = self.reference.get("", "")
        for attribute in ("Name", "TopicName", "ModelName", "EndpointConfigName", "EndpointName", "QueueName"):
            if attribute in self.reference:
                return self.reference[attribute]
        return ref

    @property
    def arn(self) -> str:
        for attribute in ("Arn", "TopicArn"):
            if attribute in self.reference:
                return self.reference[attribute]
        return self.reference.get("", "")


class CloudAssembly:
    """The stacks of a ``cdk.out`` directory, resolved as one deployment into ``account``."""

    def __init__(self, outdir: Path | str, *, account: str = DEFAULT_ACCOUNT) -> None:
        self.outdir = Path(outdir)
        manifest_path = self.outdir / "manifest.json"
        if not manifest_path.is_file():
            raise TemplateError(f"{self.outdir} is not a CDK cloud assembly (no manifest.json)")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        self.account = account
        self.templates: dict[str, dict[str, Any]] = {}
        self.regions: dict[str, str] = {}
        self.asset_manifests: dict[str, Path] = {}
        artifacts = manifest.get("artifacts", {})
        for name, artifact in _deployment_order(artifacts):
            if artifact.get("type") != "aws:cloudformation:stack":
                continue
            properties = artifact.get("properties", {})
            stack_name = properties.get("stackName", name)
            self.templates[stack_name] = json.loads((self.outdir / properties["templateFile"]).read_text("utf-8"))
            region = str(artifact.get("environment", "")).rsplit("/", 1)[-1]
            self.regions[stack_name] = region if region and not region.startswith("unknown") else DEFAULT_REGION
            for dependency in artifact.get("dependencies", []):
                if artifacts.get(dependency, {}).get("type") == "cdk:asset-manifest":
                    file = artifacts[dependency]["properties"]["file"]
                    self.asset_manifests[stack_name] = self.outdir / file
        self._exports: dict[str, tuple[str, Any]] = {}
        for stack_name, template in self.templates.items():
            for output in template.get("Outputs", {}).values():
                export = output.get("Export", {}).get("Name")
                if export is not None:
                    self._exports[str(Resolver(template).resolve(export))] = (stack_name, output["Value"])
        self.resolvers = {
            stack_name: Resolver(template, region=self.regions[stack_name], account=account, imports=self.export)
            for stack_name, template in self.templates.items()
        }

    @property
    def region(self) -> str:
        regions = set(self.regions.values())
        if len(regions) != 1:
            raise TemplateError(f"the stacks go to several regions: {sorted(regions)}")
        return regions.pop()

    def export(self, name: str) -> Any:
        """The value of the export ``name`` (raises ``KeyError`` if no stack exports it)."""
        stack_name, value = self._exports[name]
        return self.resolvers[stack_name].resolve(value)

    def resources(self, resource_type: str, stack: str | None = None) -> list[Resource]:
        """Every resource of ``resource_type`` (in ``stack``, if given), its properties resolved."""
        found = []
        for stack_name, template in self.templates.items():
            if stack is not None and stack_name != stack:
                continue
            resolver = self.resolvers[stack_name]
            for logical_id, resource in resources_of_type(template, resource_type).items():
                properties = resolver.resolve(resource.get("Properties", {}))
                reference = resource_reference(
                    resource_type, logical_id, properties, region=resolver.region, account=self.account
                )
                found.append(Resource(stack_name, logical_id, resource_type, properties, reference))
        return found

    def resource(self, resource_type: str, stack: str | None = None) -> Resource:
        """The one resource of ``resource_type`` (in ``stack``)."""
        found = self.resources(resource_type, stack)
        if len(found) != 1:
            raise TemplateError(f"expected one {resource_type}, found {[r.logical_id for r in found]}")
        return found[0]

    def outputs(self, stack: str) -> dict[str, str]:
        """The stack's outputs (key → resolved value), as ``describe-stacks`` would list them."""
        resolver = self.resolvers[stack]
        return {key: str(resolver.resolve(o["Value"])) for key, o in self.templates[stack].get("Outputs", {}).items()}

    def stack_with(self, resource_type: str) -> str:
        """The name of the stack that holds a resource of ``resource_type``."""
        stacks = {r.stack for r in self.resources(resource_type)}
        if len(stacks) != 1:
            raise TemplateError(f"expected one stack holding a {resource_type}, found {sorted(stacks)}")
        (found,) = stacks
        return found

    def file_asset(self, s3_uri: str) -> Path:
        """The local file CDK staged for the file asset published at ``s3_uri``."""
        for manifest_path in self.asset_manifests.values():
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            for entry in manifest.get("files", {}).values():
                for destination in entry.get("destinations", {}).values():
                    bucket = destination["bucketName"].replace("${AWS::AccountId}", self.account)
                    bucket = bucket.replace("${AWS::Region}", destination.get("region", DEFAULT_REGION))
                    if s3_uri == f"s3://{bucket}/{destination['objectKey']}":
                        return self.outdir / entry["source"]["path"]
        raise TemplateError(f"no file asset of the assembly is published at {s3_uri}")


def _deployment_order(artifacts: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Artifacts ordered so that each comes after its dependencies."""
    ordered: list[tuple[str, Any]] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in artifacts:
            return
        seen.add(name)
        for dependency in artifacts[name].get("dependencies", []):
            visit(dependency)
        ordered.append((name, artifacts[name]))

    for name in artifacts:
        visit(name)
    return ordered
