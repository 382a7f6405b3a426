"""The SageMaker Hugging Face inference container, stood in for on this machine.

The model artifact is unpacked into a directory of its own (the container's ``/opt/ml/model``)
and served by a worker process (:mod:`sandbox.toolkit_worker`) that runs the inference
toolkit itself: ``HuggingFaceHandlerService`` puts ``code/`` first on ``sys.path``, imports the
module ``SAGEMAKER_PROGRAM`` names, calls ``model_fn`` once and, for each request, ``input_fn`` →
``predict_fn`` → ``output_fn``, exactly as in the endpoint.

The worker runs as the container would:

* **The container's packages, at the container's versions.** :func:`container_python` builds (once)
  a virtual environment of the image's CPython with exactly the packages ``infra/inference_image.py``
  pins (torch, transformers, huggingface_hub, the toolkit, the model server, numpy), and nothing
  of this project. The artifact's ``code/packages`` are built for that Python, so they load as they
  do on the endpoint. What the artifact lacks fails here as it would there.
* **Exactly the model's environment** (``PrimaryContainer.Environment`` of the template), but for
  the device: this machine has no GPU, so a model that asks for CUDA runs on the CPU with the CPU's
  compute type (:func:`without_gpu`).
* **No network** (the model runs with network isolation): in a network namespace of its own
  (``unshare -n``) where this machine allows it, else with sockets refused in the interpreter.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from infra import inference_image
from shared.contract import ENV_COMPUTE_TYPE, ENV_DEVICE
from shared.engine_settings import COMPUTE_TYPES


class ContainerEnvironmentError(RuntimeError):
    """The container's Python environment cannot be built on this machine."""


def default_cache_dir() -> Path:
    """Where the sandbox keeps what it builds once (the container's Python environment)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "clearscribe" / "sandbox"


def find_python(version: str = inference_image.PYTHON) -> str:
    """A CPython ``version`` interpreter on this machine: on PATH, or one pyenv installed."""
    found = shutil.which(f"python{version}")
    if found:
        return found
    pattern = str(Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions" / f"{version}.*")
    for root in sorted(glob.glob(pattern), reverse=True):
        candidate = Path(root) / "bin" / f"python{version}"
        if candidate.is_file():
            return str(candidate)
    raise ContainerEnvironmentError(
        f"the inference container runs CPython {version}, which this machine lacks: install python{version} "
        "(or a pyenv version of it) to serve the model artifact as the endpoint does"
    )


def container_python(cache_dir: Path | None = None) -> Path:
    """The interpreter of a virtual environment holding the image's pinned packages (built once,
    keyed by the pins; a few minutes and a few GB the first time: torch is the image's CUDA build)."""
    root = (cache_dir or default_cache_dir()) / "container"
    key = hashlib.sha256("\0".join((inference_image.PYTHON, *inference_image.PINS)).encode()).hexdigest()[:16]
    venv = root / f"py{inference_image.PYTHON}-{key}"
    python = venv / "bin" / "python"
    if (venv / ".complete").is_file():
        return python
    root.mkdir(parents=True, exist_ok=True)
    partial = root / f".{venv.name}.{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        subprocess.run([find_python(), "-m", "venv", str(partial)], check=True)
        # The image's own torch build (2.6.0) is older than this machine's pip cap: no constraint file.
        env = {**os.environ, "PIP_CONSTRAINT": "", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
        subprocess.run(
            [str(partial / "bin" / "python"), "-m", "pip", "install", "--quiet", *inference_image.PINS],
            check=True,
            env=env,
        )
        (partial / ".complete").write_text("\n".join(inference_image.PINS) + "\n")
        # A venv's scripts name its own path: it is used only through bin/python, which works moved.
        partial.rename(venv)
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise ContainerEnvironmentError(f"the container's packages did not install (exit {exc.returncode})") from exc
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return python


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


def without_gpu(environment: Mapping[str, str]) -> dict[str, str]:
    """The model's environment for a machine without a GPU: a model that asks for CUDA runs on the
    CPU instead, with the CPU's compute type; every other setting (batch size, beam width, strategy)
    stays the deployment's. (On the endpoint a missing GPU fails ``model_fn``; here the sandbox has
    none to offer.)"""
    env = dict(environment)
    if env.get(ENV_DEVICE) == "cuda":
        env[ENV_DEVICE] = "cpu"
        env[ENV_COMPUTE_TYPE] = COMPUTE_TYPES["cpu"][0]
    return env


def main() -> int:
    """``python -m sandbox.inference_container``: build the container's environment (once) and
    print its interpreter."""
    try:
        print(container_python())
    except ContainerEnvironmentError as exc:
        print(f"clearscribe: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
