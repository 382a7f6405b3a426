from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.asr.engine import load_engine, resolve_model_dir
from shared.config import DEFAULT_MODEL, OFFLINE_MODEL, Settings
from shared.errors import ModelUnavailableError


def test_the_offline_model_is_the_bundled_tiny_en_weights() -> None:
    path, name = resolve_model_dir(OFFLINE_MODEL)
    assert name == OFFLINE_MODEL
    assert (Path(path) / "model.bin").is_file() and (Path(path) / "tokenizer.json").is_file()


def test_a_local_model_directory_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"x")
    assert resolve_model_dir(str(tmp_path)) == (str(tmp_path.resolve()), tmp_path.name)


def test_a_directory_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match=r"no model\.bin"):
        resolve_model_dir(str(tmp_path))


def test_an_unknown_model_name_lists_the_alternatives() -> None:
    with pytest.raises(ModelUnavailableError) as info:
        resolve_model_dir("whisper-gigantic")
    assert OFFLINE_MODEL in info.value.message and DEFAULT_MODEL in info.value.message


def test_the_default_model_offline_fails_with_a_clear_message(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))  # an empty cache
    with pytest.raises(ModelUnavailableError) as info:
        load_engine(DEFAULT_MODEL, settings=Settings(home=tmp_path))
    assert DEFAULT_MODEL in info.value.message and f"--model {OFFLINE_MODEL}" in info.value.message
