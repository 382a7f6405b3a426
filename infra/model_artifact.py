"""Build ``model.tar.gz`` for the SageMaker Hugging Face inference container.

Layout (what the toolkit expects under ``/opt/ml/model``)::

    code/inference.py        pipeline/sagemaker_inference.py (model_fn, input_fn, predict_fn, output_fn)
    code/shared/__init__.py  the parts of the project's ``shared`` package the module imports
    code/shared/models.py
    code/shared/errors.py
    code/shared/log.py
    code/requirements.txt    PyAV (the DLC has torch and transformers, not av)
    code/wheels/*.whl        optional: wheels installed offline (endpoints without internet)
    config.json, *.safetensors, tokenizer/processor files
                             optional: the model weights (endpoints without internet)

The toolkit puts ``code/`` first on ``sys.path``, so ``inference.py`` imports ``shared`` from
the copy next to it. The archive is deterministic (sorted entries, fixed mtimes and owners), so an
unchanged artifact keeps its asset hash and does not redeploy the endpoint.

``python -m infra.model_artifact wheels DIR`` downloads the wheels for ``wheels-dir``;
``python -m infra.model_artifact build OUT [--weights DIR] [--wheels DIR]`` builds the archive.
"""

from __future__ import annotations

import argparse
import gzip
import io
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
INFERENCE_MODULE = REPO_ROOT / "pipeline" / "sagemaker_inference.py"
SHARED_MODULES = ("models.py", "errors.py", "log.py")
ARCHIVE_NAME = "model.tar.gz"
#: Where SageMaker unpacks the artifact inside the container.
CONTAINER_MODEL_DIR = "/opt/ml/model"
#: PyAV: decodes the MediaConvert output (AAC in MP4/M4A) without an ffmpeg binary.
REQUIREMENTS = ("av>=14,<19",)
#: Interpreter and platform of the Hugging Face inference DLC (py312, x86_64 manylinux).
DLC_PYTHON = "3.12"
DLC_PLATFORM = "manylinux_2_28_x86_64"
_WEIGHT_FILES = (".json", ".safetensors", ".bin", ".txt", ".model", ".tiktoken")
_MTIME = 1_700_000_000


class ArtifactError(ValueError):
    """The inputs for the model artifact are missing or malformed."""


def requirements_text(*, offline_wheels: bool) -> str:
    lines = []
    if offline_wheels:
        lines += ["--no-index", f"--find-links {CONTAINER_MODEL_DIR}/code/wheels"]
    lines += list(REQUIREMENTS)
    return "\n".join(lines) + "\n"


def artifact_members(
    *, weights_dir: Path | None = None, wheels_dir: Path | None = None
) -> Iterator[tuple[str, bytes | Path]]:
    """``(archive path, content or source file)`` of every file of the artifact, in archive order."""
    yield "code/inference.py", INFERENCE_MODULE.read_bytes()
    yield "code/shared/__init__.py", b'"""Project models and errors shipped with the inference module."""\n'
    for name in SHARED_MODULES:
        yield f"code/shared/{name}", (REPO_ROOT / "shared" / name).read_bytes()
    wheels = sorted(wheels_dir.glob("*.whl")) if wheels_dir else []
    if wheels_dir and not wheels:
        raise ArtifactError(f"{wheels_dir}: no .whl files (python -m infra.model_artifact wheels {wheels_dir})")
    yield "code/requirements.txt", requirements_text(offline_wheels=bool(wheels)).encode()
    for wheel in wheels:
        yield f"code/wheels/{wheel.name}", wheel
    if weights_dir is not None:
        if not (weights_dir / "config.json").is_file():
            raise ArtifactError(f"{weights_dir}: not a Hugging Face model directory (no config.json)")
        for path in sorted(p for p in weights_dir.rglob("*") if p.is_file()):
            rel = path.relative_to(weights_dir)
            if rel.parts[0].startswith(".") or path.suffix not in _WEIGHT_FILES:
                continue
            yield rel.as_posix(), path


def build_model_artifact(out_dir: Path, *, weights_dir: Path | None = None, wheels_dir: Path | None = None) -> Path:
    """Write ``out_dir/model.tar.gz`` and return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / ARCHIVE_NAME
    tmp = target.with_suffix(".partial")
    # Weights barely compress: the fastest level saves minutes on a 1.5 GB checkpoint for a few percent.
    level = 1 if weights_dir is not None else 9
    with (
        tmp.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=_MTIME, compresslevel=level) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for name, source in artifact_members(
            weights_dir=Path(weights_dir) if weights_dir else None,
            wheels_dir=Path(wheels_dir) if wheels_dir else None,
        ):
            info = tarfile.TarInfo(name)
            info.size = len(source) if isinstance(source, bytes) else source.stat().st_size
            info.mtime = _MTIME
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if isinstance(source, bytes):
                tar.addfile(info, io.BytesIO(source))
            else:
                with source.open("rb") as handle:
                    tar.addfile(info, handle)
    tmp.replace(target)
    return target


def download_wheels(dest: Path) -> list[Path]:
    """Download the requirement wheels for the DLC's interpreter and platform (needs PyPI access)."""
    dest.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--only-binary=:all:",
            "--platform",
            DLC_PLATFORM,
            "--python-version",
            DLC_PYTHON,
            "--dest",
            str(dest),
            *REQUIREMENTS,
        ],
        check=True,
    )
    return sorted(dest.glob("*.whl"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.model_artifact", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build model.tar.gz into OUT")
    build.add_argument("out", type=Path)
    build.add_argument("--weights", type=Path, help="local Hugging Face model dir to ship")
    build.add_argument("--wheels", type=Path, help="dir of wheels to install offline")
    wheels = sub.add_parser("wheels", help="download the wheels of code/requirements.txt for the DLC")
    wheels.add_argument("dest", type=Path)
    args = parser.parse_args(argv)
    if args.command == "build":
        print(build_model_artifact(args.out, weights_dir=args.weights, wheels_dir=args.wheels))
    else:
        for wheel in download_wheels(args.dest):
            print(wheel)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
