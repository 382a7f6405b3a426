"""The model artifact builder: layout, content-addressed staging and reuse, where weights come from."""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest

from infra.model_artifact import (
    ARCHIVE_NAME,
    BUNDLED_REQUIREMENTS,
    DLC_PLATFORMS,
    DLC_PYTHON,
    ENTRY_POINT,
    _imported_modules,
    bundled_packages,
    code_files,
    prune_artifacts,
    stage_model_artifact,
    write_archive,
)
from infra.model_weights import ResolvedWeights, WeightsUnavailableError, content_digest, resolve_weights


def small_weights(path: Path, *, fill: bytes = b"\0") -> ResolvedWeights:
    """A stand-in CTranslate2 directory: the builder only copies files, it never loads them."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "config.json").write_text('{"alignment_heads": []}')
    (path / "model.bin").write_bytes(fill * 1024)
    (path / "vocabulary.txt").write_text("hello\n")
    (path / "notes.md").write_text("not shipped")
    (path / "optimizer.bin").write_bytes(b"not shipped either")
    return ResolvedWeights(path, "stand-in", "dir:" + content_digest(path))


@pytest.fixture
def cache(artifact_cache: Path, tmp_path: Path) -> Path:
    """An empty artifact cache of its own that shares the session's bundled packages (no new pip run)."""
    bundled_packages(
        artifact_cache, requirements=BUNDLED_REQUIREMENTS, python_version=DLC_PYTHON, platforms=DLC_PLATFORMS
    )
    own = tmp_path / "cache"
    own.mkdir()
    (own / "packages").symlink_to(artifact_cache / "packages", target_is_directory=True)
    return own


DIARIZATION_MODULES = ("__init__", "speech", "encoder", "embeddings", "clustering", "turns")


def test_the_inference_code_and_the_shared_modules_it_imports_are_shipped():
    shipped = [rel for rel, _ in code_files()]

    assert {
        "pipeline/__init__.py",
        "pipeline/asr/__init__.py",
        "pipeline/asr/inference/serving.py",
        "pipeline/asr/inference/failures.py",
        *(f"pipeline/asr/inference/diarization/{name}.py" for name in DIARIZATION_MODULES),
        "pipeline/asr/inference/speaker_segments.py",
        "pipeline/asr/inference/speaker_encoder.onnx",
        "shared/__init__.py",
        "shared/contract.py",
        "shared/errors.py",
        "shared/models.py",
        "shared/speakers.py",
        "shared/engine_settings.py",
        "shared/vocabulary.py",  # the endpoint reads the vocabulary and applies the corrections
        "shared/corrections.py",
    } <= set(shipped)
    assert not [rel for rel in shipped if rel.startswith(("pipeline/cloud", "pipeline/handlers", "postprocess"))]
    assert "shared/jobstore/__init__.py" not in shipped  # only what the package imports


def test_no_shipped_module_imports_pydantic_which_the_inference_image_lacks() -> None:
    # The readers of transcripts (shared/transcript_json.py, postprocess/document.py) use pydantic; the
    # inference package only writes transcripts, and must not reach them through shared/.
    shipped = [(rel, path) for rel, path in code_files() if rel.endswith(".py")]
    importing = [rel for rel, path in shipped if {"pydantic", "pydantic_core"} & {
        name.split(".")[0] for name in _imported_modules(path)
    }]  # fmt: skip
    assert importing == []
    assert "shared/transcript_json.py" not in {rel for rel, _ in shipped}


def test_the_archive_holds_weights_code_and_packages_without_requirements(cache: Path, tmp_path: Path):
    staged = stage_model_artifact(small_weights(tmp_path / "weights"), cache)

    with tarfile.open(staged.path) as tar:
        names = tar.getnames()
        entry = tar.extractfile("code/inference.py").read()  # type: ignore[union-attr]
    assert names[0] == "code/inference.py" and entry == ENTRY_POINT
    assert {"config.json", "model.bin", "vocabulary.txt"} <= set(names)
    assert not {"notes.md", "optimizer.bin"} & set(names)
    packaged = ("faster_whisper", "ctranslate2", "av", "onnxruntime", "imageio_ffmpeg")
    assert {f"code/packages/{name}/__init__.py" for name in packaged} <= set(names)
    with tarfile.open(staged.path) as tar:
        (ffmpeg,) = [m for m in tar.getmembers() if m.name.startswith("code/packages/imageio_ffmpeg/binaries/ffmpeg-")]
    assert ffmpeg.mode & 0o111, "the decoder must stay executable"
    assert "code/pipeline/asr/inference/speaker_encoder.onnx" in names
    assert not [n for n in names if n.endswith("requirements.txt")]  # the toolkit would pip-install it
    assert not [n for n in names if "__pycache__" in n or n.startswith("code/packages/bin/")]


def test_an_unchanged_model_is_staged_once_and_reused(cache: Path, tmp_path: Path):
    weights = small_weights(tmp_path / "weights")
    first = stage_model_artifact(weights, cache)
    inode = first.path.stat().st_ino

    again = stage_model_artifact(weights, cache)
    changed = stage_model_artifact(small_weights(tmp_path / "weights", fill=b"\1"), cache)

    assert not first.reused
    assert again.reused and again.path == first.path and again.digest == first.digest
    assert again.path.stat().st_ino == inode  # the same file, not written again
    assert not changed.reused and changed.digest != first.digest
    assert first.path.parent.parent == cache / "artifacts" == changed.path.parent.parent


def test_archives_are_byte_for_byte_deterministic(tmp_path: Path):
    members = [("code/inference.py", ENTRY_POINT), ("config.json", b"{}")]
    write_archive(tmp_path / "a.tar.gz", iter(members))
    write_archive(tmp_path / "b.tar.gz", iter(members))

    assert (tmp_path / "a.tar.gz").read_bytes() == (tmp_path / "b.tar.gz").read_bytes()
    assert not list(tmp_path.glob(".*"))  # no partial file left behind


def test_only_the_newest_staged_archives_are_kept(tmp_path: Path):
    root = tmp_path / "artifacts"
    for age, name in enumerate(["newest", "newer", "older", "oldest"]):
        (root / name).mkdir(parents=True)
        (root / name / ARCHIVE_NAME).write_bytes(b"x")
        os.utime(root / name / ARCHIVE_NAME, (1_700_000_000 - age * 60, 1_700_000_000 - age * 60))

    removed = prune_artifacts(root, keep=3)

    assert [p.name for p in removed] == ["oldest"]
    assert sorted(p.name for p in root.iterdir()) == ["newer", "newest", "older"]


def test_a_cached_hub_model_is_packaged_without_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A snapshot in the Hugging Face cache layout (refs/<revision> → snapshots/<commit>) is found with
    the hub unreachable; the commit identifies its content."""
    from huggingface_hub import constants

    commit = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--acme--whisper-small-test"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    small_weights(repo / "snapshots" / commit)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    weights = resolve_weights("acme/whisper-small-test", revision="main", weights_dir=None, cache_dir=tmp_path)

    assert weights.path == repo / "snapshots" / commit
    assert weights.identity == f"hub:acme/whisper-small-test@{commit}"
    assert [p.name for p in weights.files()] == ["config.json", "model.bin", "vocabulary.txt"]


def test_an_uncached_hub_model_offline_names_the_ways_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "empty"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    with pytest.raises(WeightsUnavailableError) as info:
        resolve_weights("distil-whisper/distil-large-v3-ct2", revision="main", weights_dir=None, cache_dir=tmp_path)

    message = str(info.value)
    assert "\n" not in message and str(tmp_path / "empty") in message
    assert "clearscribe:weights-dir" in message and "clearscribe:model-id=offline-tiny.en" in message


def test_a_weights_dir_must_be_a_ctranslate2_model(tmp_path: Path):
    (tmp_path / "config.json").write_text("{}")  # a Hugging Face checkpoint has one, but no model.bin
    with pytest.raises(WeightsUnavailableError, match="not a CTranslate2 Whisper model directory"):
        resolve_weights("any", revision="main", weights_dir=str(tmp_path), cache_dir=tmp_path)
    weights = resolve_weights(
        "my/model", revision="main", weights_dir=str(small_weights(tmp_path / "w").path), cache_dir=tmp_path
    )
    assert weights.name == "my/model" and weights.identity.startswith("dir:")
