"""The SageMaker Hugging Face inference container, stood in for on this machine.

The model artifact is unpacked into a directory of its own (the container's ``/opt/ml/model``)
and served by a worker process (:mod:`infra.sandbox.toolkit_worker`) that does what the
inference toolkit does with ``code/inference.py``: put ``code/`` first on ``sys.path``, import
the module ``SAGEMAKER_PROGRAM`` names, load the model with ``model_fn(model_dir)`` once, then
answer each request with ``input_fn`` → ``predict_fn`` → ``output_fn``.

The worker runs as the container would:

* **Only the container's packages.** The interpreter starts with no site packages and no
  environment (``-I -S``); its path is the artifact's ``code/`` and :func:`dlc_stand_in`, links to
  what the Deep Learning Container provides (torch, transformers, numpy and their
  dependencies) and nothing else — not this project, not PyAV. What the artifact lacks fails
  here as it would on the endpoint.
* **Exactly the model's environment** (``PrimaryContainer.Environment`` of the template).
* **No network** (the model runs with network isolation): in a network namespace of its own
  (``unshare -n``) where this machine allows it, else with sockets refused in the interpreter.

The artifact's ``code/packages`` are built for the container's CPython (3.12). On another
interpreter the compiled ones cannot load, so :func:`packages_for_this_interpreter` installs the
same distributions at the same versions for the interpreter at hand (checked) and the worker uses
them in their place; the code, the weights and the environment stay the artifact's own.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name


def shipped_distributions(packages: Path) -> dict[str, str]:
    """``{distribution: version}`` installed in ``packages`` (the artifact's ``code/packages``)."""
    found: dict[str, str] = {}
    for info in packages.glob("*.dist-info"):
        name, version = info.name.removesuffix(".dist-info").rsplit("-", 1)
        found[canonicalize_name(name)] = version
    return found


def packages_for_this_interpreter(packages: Path, cache_dir: Path) -> Path:
    """``packages`` when this interpreter is the container's CPython, else the same distributions
    at the same versions installed for this interpreter (built once into ``cache_dir``)."""
    from infra.model_artifact import DLC_PLATFORM, DLC_PYTHON, bundled_packages

    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if here == DLC_PYTHON:
        return packages
    shipped = shipped_distributions(packages)
    requirements = sorted(f"{name}=={version}" for name, version in shipped.items())
    local, _ = bundled_packages(cache_dir, requirements=requirements, python_version=here, platform=DLC_PLATFORM)
    if shipped_distributions(local) != shipped:
        raise RuntimeError(f"the packages for Python {here} differ from the artifact's: {sorted(shipped)}")
    return local


def default_cache_dir() -> Path:
    """Where the sandbox keeps what it builds once (packages for this interpreter)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "clearscribe" / "sandbox"


#: What the Hugging Face PyTorch inference container provides.
DLC_DISTRIBUTIONS = ("torch", "transformers", "numpy")

#: Python source that refuses every socket connection (prepended to a ``-c`` script).
SOCKET_GUARD = """
import socket
def _refuse(*args, **kwargs):
    raise OSError("network access is blocked: the model runs with network isolation")
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.getaddrinfo = _refuse
socket.create_connection = _refuse
"""


@cache
def unshare_works() -> bool:
    """Whether this machine lets a process have a network namespace of its own."""
    found = shutil.which("unshare")
    if found is None:
        return False
    return subprocess.run([found, "-n", "true"], capture_output=True, check=False).returncode == 0


def offline(argv: list[str]) -> list[str]:
    """``argv`` (a ``python … -c SCRIPT …`` command) with all network access blocked: in a network
    namespace of its own where this machine allows it, else with sockets refused in the interpreter."""
    if unshare_works():
        return ["unshare", "-n", "--", *argv]
    script = argv.index("-c") + 1
    return [*argv[:script], SOCKET_GUARD + argv[script], *argv[script + 1 :]]


def _closure(names: tuple[str, ...]) -> list[importlib.metadata.Distribution]:
    """The installed distributions ``names`` need (their requirements, recursively, markers applied)."""
    seen: dict[str, importlib.metadata.Distribution] = {}
    pending = list(names)
    while pending:
        name = canonicalize_name(pending.pop())
        if name in seen:
            continue
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        seen[name] = dist
        for raw in dist.requires or ():
            requirement = Requirement(raw)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return list(seen.values())


def dlc_stand_in(target: Path) -> Path:
    """A directory of links to the top-level modules (and metadata) of torch, transformers, numpy
    and their dependencies, as installed here: the container's packages, without anything the
    artifact must bring (PyAV included)."""
    target.mkdir(parents=True)
    for dist in _closure(DLC_DISTRIBUTIONS):
        if canonicalize_name(dist.metadata["Name"]) == "av":
            raise RuntimeError("the container stand-in must not provide PyAV: the artifact brings it")
        site = Path(str(dist.locate_file("")))
        for top in {Path(str(f)).parts[0] for f in dist.files or () if not str(f).startswith("..")}:
            if top in {"__pycache__", "bin"}:  # (dist-info kept: transformers reads package metadata)
                continue
            source = site / top
            if source.exists() and not (target / top).exists():
                (target / top).symlink_to(source)
    return target
