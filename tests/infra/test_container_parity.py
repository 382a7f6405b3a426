"""The synthesized ``model.tar.gz`` served by the inference container's own software, with no network.

The container is stood in for by a clean virtual environment of the image's CPython holding exactly
the packages the image's Dockerfile pins (``infra/inference_image.py``: torch, transformers,
huggingface_hub, the SageMaker inference toolkit, the model server, numpy), built once
(``sandbox.inference_container.container_python``). Only the artifact is added: the archive
CDK staged for the model stack is unpacked as ``/opt/ml/model``, and the toolkit's own
``HuggingFaceHandlerService`` loads it and serves a real recording (encoded like the MediaConvert
template) in a network namespace of its own, with the model's environment as synthesized — but for
the device, since this machine has no GPU. The model stack is synthesized with speaker labels on,
so the request tells speakers apart too.

Bumping the image means bumping its pins; these tests then prove the new pair.
"""

from __future__ import annotations

import ast
import json
import re
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

from infra import inference_image
from infra.model_artifact import BUNDLED_REQUIREMENTS
from sandbox.inference_container import container_python, offline, without_gpu
from sandbox.sagemaker import EndpointError, InferenceContainer
from shared.contract import NUMPY_REQUIREMENT, TOKENIZERS_REQUIREMENT
from tests.infra.conftest import ModelAssembly
from tests.integration.inference.conftest import LONG_SCRIPT
from tests.support.scripts import heard
from tests.support.speech import encode_like_mediaconvert, speak_to_wav

pytestmark = pytest.mark.slow

#: Modules the model's code uses from the container: the toolkit has loaded them before it.
FROM_THE_TOOLKIT = {"numpy", "scipy", "tokenizers", "huggingface_hub", "tqdm"}
#: Imports the artifact's own code must never make.
FORBIDDEN_IMPORTS = {"torch", "transformers", "silero_vad", "torchaudio"}


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


# -- the artifact ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model_dir(model_assembly: ModelAssembly, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("opt-ml-model")
    with tarfile.open(model_assembly.artifact) as tar:
        tar.extractall(target, filter="data")
    return target


def _wheels(packages: Path) -> dict[str, tuple[str, list[str]]]:
    """``{distribution: (version, wheel tags)}`` of what is installed in ``packages``."""
    found = {}
    for wheel in packages.glob("*.dist-info/WHEEL"):
        name, version = wheel.parent.name.removesuffix(".dist-info").rsplit("-", 1)
        tags = [line.split(":", 1)[1].strip() for line in wheel.read_text().splitlines() if line.startswith("Tag:")]
        found[canonicalize_name(name)] = (version, tags)
    return found


def _fits_the_image(tag: str) -> bool:
    """Whether a wheel tag installs on the image: pure Python, or CPython 3.12 (or the stable ABI
    up to it), manylinux x86_64 with glibc ≤ 2.35 (Ubuntu 22.04)."""
    interpreter, abi, platform = tag.split("-")
    if abi == "none" and platform in ("any", "manylinux_2_28_x86_64", "manylinux2014_x86_64"):
        return interpreter.startswith("py3")
    version = re.fullmatch(r"cp3(\d+)", interpreter)
    glibc = re.fullmatch(r"manylinux_2_(\d+)_x86_64", platform.replace("manylinux2014", "manylinux_2_17"))
    return bool(
        version and glibc and int(glibc.group(1)) <= 35
        and ((abi == "abi3" and int(version.group(1)) <= 12) or (abi == "cp312" and version.group(1) == "12"))
    )  # fmt: skip


def test_the_artifact_carries_every_package_its_code_imports_built_for_the_image(model_dir: Path) -> None:
    wheels = _wheels(model_dir / "code" / "packages")

    assert set(wheels) == {canonicalize_name(Requirement(r).name) for r in BUNDLED_REQUIREMENTS}
    for name, (version, tags) in wheels.items():
        assert any(_fits_the_image(t) for t in tags), f"bundled {name} {tags} does not install on the image"
        assert f"{name}=={version}" in {str(Requirement(r)).replace("_", "-") for r in BUNDLED_REQUIREMENTS}


def test_the_artifacts_own_code_never_imports_torch_or_transformers(model_dir: Path) -> None:
    code = model_dir / "code"
    sources = [p for p in code.rglob("*.py") if "packages" not in p.relative_to(code).parts]
    imported: set[str] = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module.split(".")[0])

    assert sources and "faster_whisper" in imported
    assert not imported & FORBIDDEN_IMPORTS


def test_ctranslate2_needs_no_cuda_library_the_image_does_not_provide(model_dir: Path) -> None:
    # CTranslate2 links no CUDA library at build time; it opens them by name when it runs on a GPU.
    libraries = list((model_dir / "code" / "packages" / "ctranslate2.libs").glob("libctranslate2*.so*"))
    assert libraries, "the bundled CTranslate2 has no native library"
    names = set(re.findall(rb"lib(?:cu[a-z_]*|cudnn[a-z_]*|nccl|nvrtc[a-z_]*)\.so\.\d+", libraries[0].read_bytes()))

    assert {"libcublas.so.12", "libcuda.so.1"} <= {n.decode() for n in names}
    assert {n.decode() for n in names} <= set(inference_image.CUDA_LIBRARIES), "a CUDA library the image lacks"


# -- served by the toolkit ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(model_assembly: ModelAssembly, model_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    scratch = tmp_path_factory.mktemp("container-scratch")
    container = InferenceContainer(
        model_dir=model_dir,
        environment=without_gpu(model_assembly.model_properties["PrimaryContainer"]["Environment"]),
        python=container_python(),
        log_path=scratch / "container.log",
        scratch=scratch,
    )
    container.start()
    yield container
    container.stop()


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("speech")
    return encode_like_mediaconvert(speak_to_wav(LONG_SCRIPT, folder / "talk.wav"), folder / "talk.m4a")


def test_the_toolkit_serves_a_recording_with_the_images_packages_and_no_network(
    served: InferenceContainer, model_assembly: ModelAssembly, model_dir: Path, speech: Path
) -> None:
    ok, body = served.invoke(speech, "audio/mp4", "application/json", timeout=900)

    assert ok, body[-2000:]
    transcript = json.loads(body)
    environment = model_assembly.model_properties["PrimaryContainer"]["Environment"]
    assert transcript["model"] == environment["CLEARSCRIBE_MODEL_NAME"] == "offline-tiny.en"
    assert transcript["engine"] == "faster-whisper"
    assert transcript["duration"] > 60
    assert heard(LONG_SCRIPT, transcript["text"]) >= 0.85
    assert heard("the yellow submarine leaves at midnight", transcript["segments"][-1]["text"]) >= 0.5
    # Speaker labels were on: one voice, one speaker, on every segment and in the turns.
    assert environment["CLEARSCRIBE_SPEAKERS"] == "auto"
    assert {s["speaker"] for s in transcript["segments"]} == {"S1"}
    assert {t["speaker"] for t in transcript["speaker_turns"]} == {"S1"}


def test_what_the_model_loaded_came_from_the_artifact_or_the_toolkit(
    served: InferenceContainer, model_dir: Path, speech: Path
) -> None:
    served.invoke(speech, "audio/mp4", "application/json", timeout=900)  # everything it uses is loaded
    origins = served.module_origins()
    code = str(model_dir / "code")
    site = str(container_python().parent.parent)

    for bundled in ("faster_whisper", "ctranslate2", "av", "onnxruntime", "imageio_ffmpeg"):
        assert origins[bundled].startswith(f"{code}/packages/"), (bundled, origins[bundled])
    for own in ("pipeline", "shared", "inference"):
        assert origins[own].startswith(code) and not origins[own].startswith(f"{code}/packages/")
    for toolkit in FROM_THE_TOOLKIT:
        assert origins[toolkit].startswith(site), (toolkit, origins[toolkit])
    assert "postprocess" not in origins  # nothing of the project beyond the artifact


def test_a_bad_request_is_the_model_servers_400_with_the_typed_error(served: InferenceContainer, tmp_path: Path):
    body = tmp_path / "not-audio.bin"
    body.write_bytes(b"this is a text file, not an audio recording" * 20)

    ok, response = served.invoke(body, "audio/mp4", "application/json", timeout=300)

    assert not ok
    answer = json.loads(response)
    assert answer["code"] == 400 and json.loads(answer["message"])["code"] == "INVALID_MEDIA"


def test_a_gpu_deployment_without_a_usable_gpu_fails_to_load_instead_of_using_the_cpu(
    model_assembly: ModelAssembly, model_dir: Path, tmp_path: Path
) -> None:
    environment = model_assembly.model_properties["PrimaryContainer"]["Environment"]
    assert (environment["CLEARSCRIBE_DEVICE"], environment["CLEARSCRIBE_COMPUTE_TYPE"]) == ("cuda", "float16")
    container = InferenceContainer(
        model_dir=model_dir,
        environment=environment,
        python=container_python(),
        log_path=tmp_path / "container.log",
        scratch=tmp_path,
    )

    with pytest.raises(EndpointError, match="no usable CUDA device"):
        container.start()
    log = (tmp_path / "container.log").read_text()
    assert sum('"code": "MODEL_UNAVAILABLE"' in line for line in log.splitlines()) == 1


def test_the_image_loads_the_numpy_and_tokenizers_a_local_install_pins() -> None:
    # The toolkit has imported them before the model's code: the endpoint computes its features with
    # the image's numpy, so a local run must have the same to give the same words.
    pins = (NUMPY_REQUIREMENT, TOKENIZERS_REQUIREMENT)
    pinned = {Requirement(r).name: str(Requirement(r).specifier)[2:] for r in pins}
    script = f"import importlib.metadata as m, json; print(json.dumps({{n: m.version(n) for n in {sorted(pinned)}}}))"
    done = subprocess.run([str(container_python()), "-I", "-c", script], capture_output=True, text=True, check=True)

    assert json.loads(done.stdout) == pinned
