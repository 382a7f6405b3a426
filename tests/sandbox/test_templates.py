"""Template reading (``sandbox.templates``): intrinsic functions resolved to what a
deployment would return for them, as CloudFormation documents ``Ref`` and ``Fn::GetAtt`` per
resource type, and exports answered across the stacks of an assembly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sandbox.templates import CloudAssembly, Resolver, TemplateError

TEMPLATE: dict[str, Any] = {
    "Resources": {
        "InputBucket1A2B": {"Type": "AWS::S3::Bucket", "Properties": {}},
        "Named": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "given-name"}},
        "Topic9F": {"Type": "AWS::SNS::Topic", "Properties": {}},
        "StepFn": {"Type": "AWS::Lambda::Function", "Properties": {"Handler": "pipeline.handlers.x.handler"}},
    }
}


@pytest.fixture
def resolver() -> Resolver:
    return Resolver(TEMPLATE, region="eu-west-1", account="111122223333", values={"WorkingBucketName": "working"})


@pytest.mark.parametrize(
    "expression, expected",
    [
        ({"Ref": "InputBucket1A2B"}, "inputbucket1a2b"),
        ({"Ref": "Named"}, "given-name"),
        ({"Fn::GetAtt": ["Named", "Arn"]}, "arn:aws:s3:::given-name"),
        ({"Ref": "Topic9F"}, "arn:aws:sns:eu-west-1:111122223333:Topic9F"),
        ({"Fn::GetAtt": ["StepFn", "Arn"]}, "arn:aws:lambda:eu-west-1:111122223333:function:StepFn"),
        ({"Fn::Join": ["/", [{"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}]]}, "eu-west-1/111122223333"),
        ({"Fn::Sub": "s3://${Named}/x-${AWS::Region}-${!Literal}"}, "s3://given-name/x-eu-west-1-${Literal}"),
        ({"Fn::Sub": ["${B}/audio", {"B": {"Ref": "Named"}}]}, "given-name/audio"),
        ({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}, "b"),
        ({"Fn::ImportValue": "ClearscribeModel:ExportsOutputRefWorkingBucketName"}, "working"),
    ],
)
def test_intrinsics_resolve_as_deployed(resolver: Resolver, expression: dict[str, Any], expected: str) -> None:
    assert resolver.resolve(expression) == expected


def test_an_unknown_intrinsic_is_an_error_not_a_guess(resolver: Resolver) -> None:
    with pytest.raises(TemplateError, match="Fn::Transform"):
        resolver.resolve({"Fn::Transform": {"Name": "AWS::Include"}})


def _write_assembly(outdir: Path) -> None:
    producer = {
        "Resources": {"Data": {"Type": "AWS::S3::Bucket", "Properties": {}}},
        "Outputs": {"DataName": {"Value": {"Ref": "Data"}, "Export": {"Name": "Producer-DataName"}}},
    }
    consumer = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Handler": "pkg.mod.handler",
                    "Environment": {"Variables": {"BUCKET": {"Fn::ImportValue": "Producer-DataName"}}},
                },
            }
        },
        "Outputs": {"Where": {"Value": {"Fn::Join": ["", ["s3://", {"Fn::ImportValue": "Producer-DataName"}]]}}},
    }
    outdir.mkdir()
    (outdir / "Producer.template.json").write_text(json.dumps(producer))
    (outdir / "Consumer.template.json").write_text(json.dumps(consumer))
    stack = {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/us-west-2"}
    manifest = {
        "artifacts": {  # the consumer first: the reader must order stacks by their dependencies
            "Consumer": {
                **stack,
                "properties": {"templateFile": "Consumer.template.json"},
                "dependencies": ["Producer"],
            },
            "Producer": {**stack, "properties": {"templateFile": "Producer.template.json"}},
        }
    }
    (outdir / "manifest.json").write_text(json.dumps(manifest))


def test_an_assembly_answers_imports_from_the_stack_that_exports_them(tmp_path: Path) -> None:
    _write_assembly(tmp_path / "cdk.out")
    assembly = CloudAssembly(tmp_path / "cdk.out", account="444455556666")
    assert list(assembly.templates) == ["Producer", "Consumer"]
    assert assembly.region == "us-west-2"
    function = assembly.resource("AWS::Lambda::Function")
    assert function.properties["Environment"]["Variables"] == {"BUCKET": "data"}
    assert function.arn == "arn:aws:lambda:us-west-2:444455556666:function:Fn"
    assert assembly.outputs("Consumer") == {"Where": "s3://data"}


def test_a_directory_without_a_manifest_is_not_an_assembly(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"manifest\.json"):
        CloudAssembly(tmp_path)
