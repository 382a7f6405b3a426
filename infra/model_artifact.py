"""Build ``model.tar.gz`` for the SageMaker Hugging Face inference container, self-contained.

Layout (what the toolkit expects under ``/opt/ml/model``)::

    model.bin, config.json, tokenizer.json, vocabulary.*   the CTranslate2 weights (infra/model_weights.py)
    code/inference.py            one line: re-exports model_fn, input_fn, predict_fn, output_fn
    code/pipeline/asr/inference/ the inference package, whole (and the __init__.py above it), with
                                 the speaker encoder (speaker_encoder.onnx) diarization runs
    code/shared/…                the modules of ``shared/`` the package imports (found by reading its imports)
    code/packages/…              every package the code imports — faster-whisper, CTranslate2, PyAV,
                                 onnxruntime, imageio-ffmpeg (the decoder binary) — built for the container's
                                 Python 3.12 on manylinux x86_64; the package puts it first on sys.path. Only
                                 what the inference toolkit itself has loaded before the model's code runs
                                 comes from the container: numpy, scipy, tokenizers, huggingface_hub, tqdm
                                 (checked by tests/infra/test_container_parity.py)

There is no ``code/requirements.txt``: the toolkit would pip-install it at start-up, which fails
without egress. With weights and packages inside, the model runs with network isolation.

**Staging.** Everything is built under a persistent cache directory (``clearscribe:artifact-cache-dir``,
default ``~/.cache/clearscribe/model-artifacts``), content-addressed: the bundled packages by
requirement and platform, the archive by the digest of everything it holds. An unchanged model
and unchanged code give the same archive, which is reused (not rebuilt, not copied to a temporary
directory) and keeps its CDK asset hash, so the endpoint is not redeployed. Only the newest
:data:`KEEP_ARTIFACTS` archives are kept. The archive is deterministic (sorted entries, fixed
mtimes and owners).

``python -m infra.model_artifact [--model-id ID] [--weights-dir DIR]`` builds (or finds) it and
prints its path.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import hashlib
import io
import os
import shutil
import tarfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from infra import inference_image
from infra.model_weights import ResolvedWeights, resolve_weights
from infra.packaging import pip_install_for_platform
from shared.contract import (
    AV_REQUIREMENT,
    BUNDLED_PACKAGES_DIR,
    CTRANSLATE2_REQUIREMENT,
    DEFAULT_MODEL_ID,
    FASTER_WHISPER_REQUIREMENT,
    IMAGEIO_FFMPEG_REQUIREMENT,
    ONNXRUNTIME_REQUIREMENT,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
INFERENCE_PACKAGE = "pipeline.asr.inference"
#: The project packages the inference package may import from (everything else is third party).
PROJECT_ROOTS = ("pipeline", "shared")
ENTRY_POINT = b"from pipeline.asr.inference.serving import input_fn, model_fn, output_fn, predict_fn  # noqa: F401\n"
ARCHIVE_NAME = "model.tar.gz"
#: Interpreter and platform of the inference container (py312, Ubuntu 22.04 x86_64).
DLC_PYTHON = inference_image.PYTHON
DLC_PLATFORMS = inference_image.PLATFORMS
#: Every package the inference code imports that the container's toolkit has not loaded before it,
#: installed without dependencies: the rest (numpy, scipy, tokenizers, huggingface_hub, tqdm) is
#: already imported when the model's code runs, so a bundled copy could never load
#: (``shared.contract``), and the other requirements are for tools the engine never runs
#: (CTranslate2's converters, onnxruntime's).
BUNDLED_REQUIREMENTS = (
    FASTER_WHISPER_REQUIREMENT,
    CTRANSLATE2_REQUIREMENT,
    AV_REQUIREMENT,
    ONNXRUNTIME_REQUIREMENT,
    IMAGEIO_FFMPEG_REQUIREMENT,
)
#: Files of the inference package that are not Python but ship with it (the speaker encoder).
PACKAGE_DATA = ("*.onnx",)
BUILDER_VERSION = "4"  # bump when the layout changes, so staged archives are rebuilt
KEEP_ARTIFACTS = 3
_MTIME = 1_700_000_000


class ArtifactError(ValueError):
    """The inputs for the model artifact are missing or malformed."""


@dataclass(frozen=True)
class StagedArtifact:
    path: Path
    digest: str
    reused: bool


# -- the inference code ---------------------------------------------------------------------------
def _module_file(name: str) -> Path | None:
    base = REPO_ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported_modules(path: Path) -> set[str]:
    """Absolute module names ``path`` imports (at any depth, lazy imports included)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def code_files() -> list[tuple[str, Path]]:
    """``(path under code/, source file)`` of the inference package (its data files included) and
    its project imports."""
    package_dir = REPO_ROOT.joinpath(*INFERENCE_PACKAGE.split("."))
    pending = sorted(package_dir.glob("*.py"))
    files: dict[str, Path] = {
        data.relative_to(REPO_ROOT).as_posix(): data for pattern in PACKAGE_DATA for data in package_dir.glob(pattern)
    }
    while pending:
        path = pending.pop()
        rel = path.relative_to(REPO_ROOT).as_posix()
        if rel in files:
            continue
        files[rel] = path
        parts = path.relative_to(REPO_ROOT).parts
        for depth in range(1, len(parts)):  # the packages above it
            init = REPO_ROOT.joinpath(*parts[:depth], "__init__.py")
            if init.is_file() and init.relative_to(REPO_ROOT).as_posix() not in files:
                pending.append(init)
        for name in _imported_modules(path):
            if name.split(".")[0] not in PROJECT_ROOTS:
                continue
            found = _module_file(name)
            if found is None:
                continue  # an attribute imported from a module (``from shared.errors import X``)
            if not (found.is_relative_to(package_dir) or found.is_relative_to(REPO_ROOT / "shared")):
                raise ArtifactError(f"{rel} imports {name}, which the model artifact does not ship")
            pending.append(found)
    return sorted(files.items())


# -- bundled packages -------------------------------------------------------------------------------
def bundled_packages(
    cache_dir: Path, *, requirements: Sequence[str], python_version: str, platforms: Sequence[str]
) -> tuple[Path, str]:
    """``(directory, key)`` of ``requirements`` installed for ``python_version``/``platforms``, built once."""
    key = hashlib.sha256("\0".join((BUILDER_VERSION, python_version, *platforms, *requirements)).encode()).hexdigest()
    root = cache_dir / "packages"
    final = root / key[:24]
    if (final / ".complete").is_file():
        return final, key
    root.mkdir(parents=True, exist_ok=True)
    partial = root / f".{key[:24]}.{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    pip_install_for_platform(partial, requirements, python_version=python_version, platform=platforms, no_deps=True)
    for cache in [p for p in partial.rglob("__pycache__") if p.is_dir()]:
        shutil.rmtree(cache)
    shutil.rmtree(partial / "bin", ignore_errors=True)  # console scripts: nothing runs them in the container
    (partial / ".complete").write_text("\n".join(requirements) + "\n")
    try:
        partial.rename(final)
    except OSError:  # another synthesis finished the same packages first
        shutil.rmtree(partial, ignore_errors=True)
    return final, key


# -- the archive ------------------------------------------------------------------------------------
def artifact_members(weights: ResolvedWeights, packages: Path) -> Iterator[tuple[str, bytes | Path]]:
    """``(archive path, content or source file)`` of every file of the artifact, in archive order."""
    yield "code/inference.py", ENTRY_POINT
    for rel, path in code_files():
        yield f"code/{rel}", path
    for path in sorted(p for p in packages.rglob("*") if p.is_file() and p.name != ".complete"):
        yield f"code/{BUNDLED_PACKAGES_DIR}/{path.relative_to(packages).as_posix()}", path
    files = weights.files()
    if not {"model.bin", "config.json"} <= {p.name for p in files}:
        raise ArtifactError(f"{weights.path}: not a CTranslate2 Whisper model directory (model.bin, config.json)")
    for path in files:
        yield path.name, path


def _digest(weights: ResolvedWeights, packages_key: str) -> str:
    digest = hashlib.sha256(f"{BUILDER_VERSION}\0{weights.identity}\0{packages_key}\0".encode())
    digest.update(ENTRY_POINT)
    for rel, path in code_files():
        digest.update(rel.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def write_archive(target: Path, members: Iterator[tuple[str, bytes | Path]]) -> None:
    """A deterministic tar.gz of ``members`` at ``target`` (written aside, then renamed into place)."""
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    # Weights barely compress: the fastest level saves minutes on a 1.5 GB checkpoint for a few percent.
    with (
        partial.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=_MTIME, compresslevel=1) as gz,
        tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for name, source in members:
            info = tarfile.TarInfo(name)
            info.size = len(source) if isinstance(source, bytes) else source.stat().st_size
            info.mtime = _MTIME
            info.mode = 0o755 if not isinstance(source, bytes) and os.access(source, os.X_OK) else 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            if isinstance(source, bytes):
                tar.addfile(info, io.BytesIO(source))
            else:
                with source.open("rb") as handle:
                    tar.addfile(info, handle)
    partial.replace(target)


def stage_model_artifact(
    weights: ResolvedWeights,
    cache_dir: Path,
    *,
    python_version: str = DLC_PYTHON,
    platforms: Sequence[str] = DLC_PLATFORMS,
    requirements: Sequence[str] = BUNDLED_REQUIREMENTS,
) -> StagedArtifact:
    """The archive for ``weights`` and the current inference code, built unless already staged."""
    cache_dir = Path(cache_dir)
    packages, packages_key = bundled_packages(
        cache_dir, requirements=requirements, python_version=python_version, platforms=platforms
    )
    digest = _digest(weights, packages_key)
    target = cache_dir / "artifacts" / digest[:24] / ARCHIVE_NAME
    reused = target.is_file()
    if reused:
        target.touch()  # the newest are kept
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_archive(target, artifact_members(weights, packages))
    prune_artifacts(cache_dir / "artifacts", keep=KEEP_ARTIFACTS)
    return StagedArtifact(target, digest, reused)


def prune_artifacts(root: Path, *, keep: int) -> list[Path]:
    """Remove all but the ``keep`` most recently used staged archives; returns what was removed."""
    staged = sorted(
        (p for p in root.iterdir() if (p / ARCHIVE_NAME).is_file()),
        key=lambda p: (p / ARCHIVE_NAME).stat().st_mtime,
        reverse=True,
    )
    for old in staged[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return staged[keep:]


def main(argv: list[str] | None = None) -> int:
    from infra.model_config import default_artifact_cache_dir

    parser = argparse.ArgumentParser(prog="python -m infra.model_artifact", description=__doc__.split("\n")[0])
    parser.add_argument("--model-id", default=DEFAULT_MODEL_ID, help="hub id, offline-tiny.en or offline-base")
    parser.add_argument("--revision", default="main", help="hub branch, tag or commit")
    parser.add_argument("--weights-dir", help="a local CTranslate2 model directory to ship instead")
    parser.add_argument("--cache-dir", type=Path, default=default_artifact_cache_dir())
    args = parser.parse_args(argv)
    weights = resolve_weights(
        args.model_id, revision=args.revision, weights_dir=args.weights_dir, cache_dir=args.cache_dir
    )
    print(stage_model_artifact(weights, args.cache_dir).path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
