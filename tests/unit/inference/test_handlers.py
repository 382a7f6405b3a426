"""The SageMaker handler functions, the failure body the workflow reads, and the packaged artifact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import numpy as np
import pytest

from infra.model_artifact import build_model_artifact
from pipeline import sagemaker_inference as inference
from pipeline.sagemaker_inference import (
    InferenceFailure,
    failure_body,
    input_fn,
    output_fn,
    read_failure,
)
from shared.errors import EmptyFileError, InvalidMediaError, TranscriptionError, UnsupportedLanguageError
from shared.models import Segment, Transcript
from tests.support.scripts import heard
from tests.unit.inference.conftest import SHORT_SCRIPT

TRANSCRIPT = Transcript(
    language="en",
    duration=12.5,
    segments=(
        Segment(id=0, start=0.0, end=4.2, text="First part."),
        Segment(id=1, start=4.2, end=12.5, text="Second part."),
    ),
    model="distil-whisper/distil-large-v3",
    engine="transformers",
)


@pytest.mark.parametrize(
    "content_type",
    ["audio/x-audio", "audio/mp4", "audio/x-m4a; codecs=mp4a.40.2", "AUDIO/MP4", "application/octet-stream", None],
)
def test_input_fn_decodes_audio_bodies(short_speech_m4a: Path, content_type: str | None):
    audio = input_fn(short_speech_m4a.read_bytes(), content_type)

    assert isinstance(audio, np.ndarray) and audio.dtype == np.float32
    assert 1.0 < audio.shape[0] / inference.SAMPLE_RATE < 6.0


def test_input_fn_refuses_non_audio_content_types(short_speech_m4a: Path):
    with pytest.raises(InferenceFailure) as info:
        input_fn(short_speech_m4a.read_bytes(), "application/json")

    body = json.loads(str(info.value))
    assert body["error"] == "InvalidMediaError" and body["code"] == "INVALID_MEDIA"
    assert "audio/x-audio" in body["message"]


@pytest.mark.parametrize(
    ("payload", "error", "code"),
    [(b"", "EmptyFileError", "EMPTY_FILE"), (b"\x00\x01garbage" * 64, "InvalidMediaError", "INVALID_MEDIA")],
)
def test_undecodable_or_empty_audio_fails_with_a_typed_json_body(payload: bytes, error: str, code: str):
    with pytest.raises(InferenceFailure) as info:
        input_fn(payload, "audio/x-audio")

    body = json.loads(str(info.value))
    assert (body["error"], body["code"]) == (error, code)
    assert body["message"]


def test_output_fn_returns_the_shared_transcript_json():
    raw = output_fn(TRANSCRIPT, "application/json; charset=utf-8")

    assert Transcript.from_json(raw) == TRANSCRIPT
    assert json.loads(raw)["segments"][1]["start"] == 4.2


def test_output_fn_refuses_other_accept_types():
    with pytest.raises(InferenceFailure, match="INVALID_MEDIA"):
        output_fn(TRANSCRIPT, "text/csv")


@pytest.mark.parametrize(
    "error",
    [
        EmptyFileError("the request body is empty"),
        UnsupportedLanguageError("appears to be in 'de'"),
        TranscriptionError("speech recognition failed (RuntimeError)"),
    ],
)
def test_read_failure_restores_the_typed_error_from_the_model_server_body(error):
    # What the Hugging Face model server writes to the async failure object around our message.
    server_body = json.dumps({"code": 400, "type": "InternalServerException", "message": failure_body(error)})

    for body in (failure_body(error), server_body, server_body.encode()):
        restored = read_failure(body)
        assert type(restored) is type(error)
        assert restored.code == error.code and restored.message == error.message


def test_read_failure_of_an_unknown_body_is_a_transcription_error():
    restored = read_failure(b"upstream request timeout")

    assert isinstance(restored, TranscriptionError)
    assert "upstream request timeout" in restored.message


def test_artifact_layout_is_deterministic(tmp_path: Path):
    first = build_model_artifact(tmp_path / "a")
    second = build_model_artifact(tmp_path / "b")

    assert first.read_bytes() == second.read_bytes()
    with tarfile.open(first) as tar:
        names = tar.getnames()
        requirements = tar.extractfile("code/requirements.txt").read().decode()  # type: ignore[union-attr]
    assert names[0] == "code/inference.py"
    assert {"code/shared/__init__.py", "code/shared/models.py", "code/shared/errors.py", "code/shared/log.py"} <= set(
        names
    )
    assert not any(n.endswith(".safetensors") for n in names)
    assert requirements.strip().startswith("av")


def test_artifact_with_wheels_installs_offline(tmp_path: Path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (wheels / "av-18.1.0-cp312-cp312-manylinux_2_28_x86_64.whl").write_bytes(b"stand-in wheel")

    with tarfile.open(build_model_artifact(tmp_path / "out", wheels_dir=wheels)) as tar:
        requirements = tar.extractfile("code/requirements.txt").read().decode()  # type: ignore[union-attr]
        names = tar.getnames()

    assert "code/wheels/av-18.1.0-cp312-cp312-manylinux_2_28_x86_64.whl" in names
    assert requirements.splitlines()[:2] == ["--no-index", "--find-links /opt/ml/model/code/wheels"]


CONTAINER_SCRIPT = r"""
import json, os, sys
model_dir, audio_path = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(model_dir, "code"))   # what the toolkit does
import inference, shared.models
assert inference.__file__.startswith(os.path.join(model_dir, "code")), inference.__file__
assert shared.models.__file__.startswith(os.path.join(model_dir, "code")), shared.models.__file__
model = inference.model_fn(model_dir)
with open(audio_path, "rb") as f:
    data = inference.input_fn(f.read(), "audio/x-audio")
prediction = inference.predict_fn(data, model)
sys.stdout.write(inference.output_fn(prediction, "application/json"))
"""


@pytest.mark.slow
def test_packaged_artifact_serves_a_request_in_a_clean_interpreter(
    tiny_en_dir: Path, short_speech_m4a: Path, tmp_path: Path
):
    archive = build_model_artifact(tmp_path / "artifact", weights_dir=tiny_en_dir)
    model_dir = tmp_path / "opt-ml-model"
    with tarfile.open(archive) as tar:
        tar.extractall(model_dir, filter="data")
    assert (model_dir / "config.json").is_file() and (model_dir / "model.safetensors").is_file()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "CLEARSCRIBE_"))}
    env.update(HF_HUB_OFFLINE="1", CLEARSCRIBE_MODEL_NAME="openai/whisper-tiny.en")

    # -I: no PYTHONPATH, no current directory, no user site: only code/ and installed packages.
    result = subprocess.run(
        [sys.executable, "-I", "-c", CONTAINER_SCRIPT, str(model_dir), str(short_speech_m4a)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    transcript = Transcript.from_json(result.stdout)
    assert transcript.model == "openai/whisper-tiny.en" and transcript.engine == "transformers"
    assert heard(SHORT_SCRIPT, transcript.text) >= 0.75
    assert transcript.segments[-1].end <= transcript.duration


def test_model_fn_reports_a_missing_model_as_a_typed_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(inference.ENV_MODEL_ID, str(tmp_path / "no-such-model"))

    with pytest.raises(InferenceFailure) as info:
        inference.model_fn(str(tmp_path))

    assert json.loads(str(info.value))["error"] == "ModelUnavailableError"


def test_invalid_media_error_is_what_the_workflow_sees_for_bad_uploads():
    assert issubclass(read_failure(failure_body(InvalidMediaError("x"))).__class__, InvalidMediaError)
