"""The synthesized ``model.tar.gz`` boots and transcribes the way SageMaker runs it, with no network.

The archive CDK staged for the model stack is unpacked into a fresh directory (SageMaker's
``/opt/ml/model``). A new interpreter then runs with no site packages and no project install
(``-I -S``): its ``sys.path`` is the artifact's ``code/`` (what the toolkit adds for
``SAGEMAKER_SUBMIT_DIRECTORY``) and a stand-in for the Deep Learning Container's own packages —
torch, transformers, numpy and what they depend on, linked from this virtual environment, and
nothing else (no PyAV: that must come from the artifact). The process runs in a network
namespace of its own (``unshare -n``), so nothing it does can reach a hub or an index; a negative
check proves the block holds. It calls ``model_fn``/``input_fn``/``predict_fn``/``output_fn`` of
``code/inference.py`` with the model's environment exactly as synthesized, on real speech encoded
like the MediaConvert template, and the transcript must say what was spoken. The stand-in and
the network block are the sandbox's (``infra.sandbox.inference_container``), which serves the
endpoint the same way.

The bundled packages are built for the container's CPython 3.12; this machine's interpreter is
3.11. Every bundled wheel with compiled code is checked to install on the container (CPython 3.12,
manylinux x86_64, glibc ≤ 2.35). To boot here, the same pinned requirements are then installed for
this interpreter and put in place of ``code/packages`` — checked to be the same distributions at
the same versions — since only PyAV has a stable-ABI wheel that serves both; everything else (the
code, the speaker encoder, the weights, the environment) is the synthesized artifact's own. The
model stack is synthesized with speaker labels on, so the boot tells speakers apart too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from infra.model_artifact import BUNDLED_REQUIREMENTS
from infra.sandbox.inference_container import dlc_stand_in, offline, packages_for_this_interpreter
from tests.infra.conftest import ModelAssembly
from tests.integration.inference.conftest import LONG_SCRIPT
from tests.support.scripts import heard
from tests.support.speech import encode_like_mediaconvert, speak_to_wav

pytestmark = pytest.mark.slow


# -- the network block -----------------------------------------------------------------------------
@pytest.fixture
def local_server() -> Iterator[int]:
    """A TCP server on 127.0.0.1 of this test's own network (accepts until the test ends)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.5)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
                connection.close()
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


CONNECT = "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5); print('connected')"


def test_the_network_block_holds(local_server: int) -> None:
    """The same connection that succeeds outside fails inside the block."""
    outside = subprocess.run([sys.executable, "-c", CONNECT, str(local_server)], capture_output=True, text=True)
    inside = subprocess.run(offline([sys.executable, "-c", CONNECT, str(local_server)]), capture_output=True, text=True)

    assert outside.returncode == 0 and outside.stdout.strip() == "connected"
    assert inside.returncode != 0 and "connected" not in inside.stdout
    assert "Error" in inside.stderr


# -- the boot ----------------------------------------------------------------------------------------
BOOT = r"""
import importlib.util, json, sys
code, model_dir, audio_path = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, code)  # what the toolkit does with SAGEMAKER_SUBMIT_DIRECTORY
import inference
model = inference.model_fn(model_dir)
with open(audio_path, "rb") as f:
    data = inference.input_fn(f.read(), "audio/mp4")
body = inference.output_fn(inference.predict_fn(data, model), "application/json")
modules = {name: sys.modules[name].__file__
           for name in ("av", "onnxruntime", "scipy", "torch", "transformers", "pipeline", "shared.models")}
print(json.dumps({"transcript": json.loads(body), "modules": modules,
                  "project_installed": importlib.util.find_spec("postprocess") is not None,
                  "strategy": model.engine.strategy, "batch_size": model.engine.batch_size}))
"""


def _wheels(packages: Path) -> dict[str, tuple[str, list[str]]]:
    """``{distribution: (version, wheel tags)}`` of what is installed in ``packages``."""
    found = {}
    for wheel in packages.glob("*.dist-info/WHEEL"):
        name, version = wheel.parent.name.removesuffix(".dist-info").rsplit("-", 1)
        tags = [line.split(":", 1)[1].strip() for line in wheel.read_text().splitlines() if line.startswith("Tag:")]
        found[canonicalize_name(name)] = (version, tags)
    return found


def _fits_dlc(tag: str) -> bool:
    """Whether a wheel tag installs on the DLC: pure Python, or CPython 3.12, manylinux x86_64 with glibc ≤ 2.35."""
    interpreter, abi, platform = tag.split("-")
    if abi == "none" and platform == "any":
        return True
    version = re.fullmatch(r"cp3(\d+)", interpreter)
    glibc = re.fullmatch(r"manylinux_2_(\d+)_x86_64", platform.replace("manylinux2014", "manylinux_2_17"))
    return bool(
        version and glibc and int(glibc.group(1)) <= 35
        and ((abi == "abi3" and int(version.group(1)) <= 12) or (abi == "cp312" and version.group(1) == "12"))
    )  # fmt: skip


@pytest.fixture(scope="module")
def model_dir(model_assembly: ModelAssembly, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("opt-ml-model")
    with tarfile.open(model_assembly.artifact) as tar:
        tar.extractall(target, filter="data")
    return target


def test_every_bundled_package_fits_the_container(model_dir: Path) -> None:
    wheels = _wheels(model_dir / "code" / "packages")

    assert set(wheels) == {canonicalize_name(Requirement(r).name) for r in BUNDLED_REQUIREMENTS}
    for name, (_, tags) in wheels.items():
        assert any(_fits_dlc(t) for t in tags), f"bundled {name} {tags} does not install on the DLC's CPython 3.12"


def bootable_here(model_dir: Path, cache: Path, target: Path) -> Path:
    """A copy of the unpacked artifact (weights linked, ``code/`` copied) whose ``code/packages`` are
    the same requirements installed for the interpreter running the test (see the module
    docstring; ``packages_for_this_interpreter`` checks they are the same distributions at the
    same versions)."""
    local = packages_for_this_interpreter(model_dir / "code" / "packages", cache)
    target.mkdir()
    for entry in model_dir.iterdir():
        if entry.name != "code":
            (target / entry.name).symlink_to(entry)
    shutil.copytree(
        model_dir / "code",
        target / "code",
        ignore=lambda folder, _: ["packages"] if folder == str(model_dir / "code") else [],
    )
    (target / "code" / "packages").symlink_to(local, target_is_directory=True)
    return target


def test_the_synthesized_artifact_boots_offline_and_transcribes(
    model_assembly: ModelAssembly, model_dir: Path, artifact_cache: Path, tmp_path: Path
) -> None:
    model_dir = bootable_here(model_dir, artifact_cache, tmp_path / "opt-ml-model")
    speech = encode_like_mediaconvert(speak_to_wav(LONG_SCRIPT, tmp_path / "talk.wav"), tmp_path / "talk.m4a")
    stand_in = dlc_stand_in(tmp_path / "dlc-site-packages")
    code = model_dir / "code"
    container_env = model_assembly.model_properties["PrimaryContainer"]["Environment"]
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path), **container_env}
    # The interpreter of this venv with no site (-S) and no environment (-I): stdlib, code/, the stand-in.
    launcher = f"import sys; sys.path.append({str(stand_in)!r}); exec(compile({BOOT!r}, 'boot', 'exec'))"

    result = subprocess.run(
        offline([sys.executable, "-I", "-S", "-c", launcher, str(code), str(model_dir), str(speech)]),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    modules = report["modules"]
    for bundled in ("av", "onnxruntime", "scipy"):  # from the artifact's packages, not the container's
        assert modules[bundled].startswith(str(code / "packages")), modules[bundled]
    assert modules["pipeline"].startswith(str(code)) and modules["shared.models"].startswith(str(code))
    assert modules["torch"].startswith(str(stand_in)) and modules["transformers"].startswith(str(stand_in))
    assert report["project_installed"] is False
    assert (report["strategy"], report["batch_size"]) == ("chunked", 16)  # the GPU settings, run on the CPU
    transcript = report["transcript"]
    assert transcript["model"] == container_env["CLEARSCRIBE_MODEL_NAME"] == "offline-tiny.en"
    assert transcript["duration"] > 60
    assert heard(LONG_SCRIPT, transcript["text"]) >= 0.85
    assert heard("the yellow submarine leaves at midnight", transcript["segments"][-1]["text"]) >= 0.5
    # Speaker labels were on: one voice, one speaker, on every segment and in the turns.
    assert container_env["CLEARSCRIBE_SPEAKERS"] == "auto"
    assert {s["speaker"] for s in transcript["segments"]} == {"S1"}
    assert {t["speaker"] for t in transcript["speaker_turns"]} == {"S1"}
