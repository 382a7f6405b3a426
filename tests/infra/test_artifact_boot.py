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

The bundled PyAV is built for the container's CPython 3.12; this machine's interpreter is 3.11.
PyAV publishes ``abi3`` wheels (stable ABI from CPython 3.11 on), so the one archive serves both:
the test checks that the bundled wheel's tag fits CPython 3.12 on manylinux as well as the
interpreter running it, and fails — rather than testing something else — if that stops holding.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.tags import sys_tags

from infra.sandbox.inference_container import dlc_stand_in, offline
from tests.infra.conftest import ModelAssembly
from tests.support.scripts import heard
from tests.support.speech import encode_like_mediaconvert, speak_to_wav
from tests.unit.inference.conftest import LONG_SCRIPT

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
modules = {name: sys.modules[name].__file__ for name in ("av", "torch", "transformers", "pipeline", "shared.models")}
print(json.dumps({"transcript": json.loads(body), "modules": modules,
                  "project_installed": importlib.util.find_spec("postprocess") is not None,
                  "strategy": model.strategy, "batch_size": model.batch_size}))
"""


def _wheel_tags(packages: Path, name: str) -> list[str]:
    (wheel,) = packages.glob(f"{name}-*.dist-info/WHEEL")
    return [line.split(":", 1)[1].strip() for line in wheel.read_text().splitlines() if line.startswith("Tag:")]


def _fits_dlc(tag: str) -> bool:
    """Whether a wheel tag installs on the DLC: CPython 3.12, manylinux x86_64 with glibc ≤ 2.35."""
    interpreter, abi, platform = tag.split("-")
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


def test_the_bundled_pyav_fits_the_container_and_this_interpreter(model_dir: Path) -> None:
    tags = _wheel_tags(model_dir / "code" / "packages", "av")
    here = {str(t) for t in sys_tags()}

    assert any(_fits_dlc(t) for t in tags), f"bundled PyAV {tags} does not install on the DLC's CPython 3.12"
    assert set(tags) & here, f"bundled PyAV {tags} cannot be loaded by this interpreter: the boot test cannot run it"


def test_the_synthesized_artifact_boots_offline_and_transcribes(
    model_assembly: ModelAssembly, model_dir: Path, tmp_path: Path
) -> None:
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
    assert modules["av"].startswith(str(code / "packages")), modules["av"]  # PyAV from the artifact
    assert modules["pipeline"].startswith(str(code)) and modules["shared.models"].startswith(str(code))
    assert modules["torch"].startswith(str(stand_in)) and modules["transformers"].startswith(str(stand_in))
    assert report["project_installed"] is False
    assert (report["strategy"], report["batch_size"]) == ("chunked", 16)  # the GPU settings, run on the CPU
    transcript = report["transcript"]
    assert transcript["model"] == container_env["CLEARSCRIBE_MODEL_NAME"] == "offline-tiny.en"
    assert transcript["duration"] > 60
    assert heard(LONG_SCRIPT, transcript["text"]) >= 0.85
    assert heard("the yellow submarine leaves at midnight", transcript["segments"][-1]["text"]) >= 0.5
