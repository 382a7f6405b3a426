"""The SageMaker handler functions and the failure body the workflow reads back."""

from __future__ import annotations

import json
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from pipeline.asr.inference import serving
from pipeline.asr.inference.audio import SAMPLE_RATE, is_engine_wav, wav_duration
from pipeline.asr.inference.failures import InferenceFailure, failure_body, read_failure
from pipeline.asr.inference.serving import (
    LoadedModel,
    RequestAudio,
    input_fn,
    model_fn,
    output_fn,
    predict_fn,
    use_bundled_packages,
)
from shared.errors import EmptyFileError, InvalidMediaError, TranscriptionError, UnsupportedLanguageError
from shared.models import Segment, Transcript
from shared.speakers import SpeakerSetting
from shared.transcript_json import parse_transcript_json
from tests.integration.inference.conftest import SHORT_SCRIPT
from tests.support.scripts import heard

TRANSCRIPT = Transcript(
    language="en",
    duration=12.5,
    segments=(
        Segment(id=0, start=0.0, end=4.2, text="First part."),
        Segment(id=1, start=4.2, end=12.5, text="Second part."),
    ),
    model="distil-whisper/distil-large-v3-ct2",
)


@pytest.mark.parametrize(
    "content_type",
    ["audio/x-audio", "audio/mp4", "audio/x-m4a; codecs=mp4a.40.2", "AUDIO/MP4", "application/octet-stream", None],
)
def test_input_fn_decodes_audio_bodies_to_the_engines_wav(short_speech_m4a: Path, content_type: str | None):
    request = input_fn(short_speech_m4a.read_bytes(), content_type)
    try:
        assert isinstance(request, RequestAudio) and is_engine_wav(request.wav)
        assert 1.0 < wav_duration(request.wav) < 6.0
        assert sorted(p.name for p in request.wav.parent.iterdir()) == ["audio.wav"]  # the body is not kept
    finally:
        request.discard()
    assert not request.wav.parent.exists()


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

    assert parse_transcript_json(raw, where="inference output") == TRANSCRIPT
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


@pytest.mark.slow
def test_the_handlers_serve_a_request_on_packaged_weights(
    tiny_en_dir: Path, short_speech_m4a: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("CLEARSCRIBE_MODEL_NAME", "openai/whisper-tiny.en")
    monkeypatch.setenv("CLEARSCRIBE_STRATEGY", "chunked")
    monkeypatch.setenv("CLEARSCRIBE_BATCH_SIZE", "4")
    monkeypatch.setenv("CLEARSCRIBE_BEAM_SIZE", "2")
    monkeypatch.setenv("CLEARSCRIBE_SPEAKERS", "auto")

    model = model_fn(str(tiny_en_dir))
    request = input_fn(short_speech_m4a.read_bytes(), "audio/mp4")
    transcript = parse_transcript_json(
        output_fn(predict_fn(request, model), "application/json"), where="inference output"
    )

    settings = model.engine.settings
    assert (settings.strategy, settings.batch_size, settings.beam_size, settings.device) == ("chunked", 4, 2, "cpu")
    assert settings.compute_type == "int8"
    assert transcript.model == "openai/whisper-tiny.en" and transcript.engine == "faster-whisper"
    assert not request.wav.parent.exists(), "the request's raw audio outlives it"
    assert heard(SHORT_SCRIPT, transcript.text) >= 0.75
    # The same invocation told the speakers apart: one voice, on every segment and in the turns.
    assert {s.speaker for s in transcript.segments} == {"S1"}
    assert transcript.speaker_turns and {label for *_, label in transcript.speaker_turns} == {"S1"}


@pytest.mark.parametrize("value", ["lots", "0", "21"])
def test_a_bad_speaker_setting_fails_at_model_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv("CLEARSCRIBE_SPEAKERS", value)
    with pytest.raises(InferenceFailure) as info:
        model_fn(str(tmp_path))

    body = json.loads(str(info.value))
    assert body["error"] == "ConfigInvalidError" and "CLEARSCRIBE_SPEAKERS" in body["message"]


def test_without_speaker_labels_the_transcript_is_returned_as_decoded(tmp_path: Path):
    class Decoded:
        def transcribe_window(self, wav: Path, window: object) -> Transcript:
            return TRANSCRIPT

    model = LoadedModel(Decoded(), SpeakerSetting.parse("off"))  # type: ignore[arg-type]
    request = RequestAudio(_silent_wav(tmp_path / "request" / "audio.wav"))

    assert predict_fn(request, model) is TRANSCRIPT
    assert not request.wav.parent.exists()


def _silent_wav(path: Path) -> Path:
    path.parent.mkdir()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(np.zeros(SAMPLE_RATE, dtype="<i2").tobytes())
    return path


def test_model_fn_without_packaged_weights_is_a_typed_failure(tmp_path: Path):
    with pytest.raises(InferenceFailure) as info:
        model_fn(str(tmp_path))

    body = json.loads(str(info.value))
    assert body["error"] == "ModelUnavailableError" and "no CTranslate2 weights" in body["message"]


def test_a_gpu_that_cannot_be_used_fails_model_load_instead_of_the_cpu(
    tiny_en_dir: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("CLEARSCRIBE_DEVICE", "cuda")
    monkeypatch.setenv("CLEARSCRIBE_COMPUTE_TYPE", "float16")
    with pytest.raises(InferenceFailure) as info:
        model_fn(str(tiny_en_dir))

    body = json.loads(str(info.value))
    assert body["code"] == "MODEL_UNAVAILABLE" and "no usable CUDA device" in body["message"]


def test_bundled_packages_come_before_the_containers_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "path", ["/opt/conda/lib/python3.12/site-packages"])
    assert use_bundled_packages(tmp_path) is None  # no bundled packages: nothing added
    (tmp_path / "packages").mkdir()

    assert use_bundled_packages(tmp_path) == tmp_path / "packages"
    use_bundled_packages(tmp_path)
    assert sys.path == [str(tmp_path / "packages"), "/opt/conda/lib/python3.12/site-packages"]
    assert (serving.CODE_DIR / "pipeline" / "asr" / "inference" / "serving.py").is_file()  # the code/ layout


def test_invalid_media_error_is_what_the_workflow_sees_for_bad_uploads():
    assert issubclass(read_failure(failure_body(InvalidMediaError("x"))).__class__, InvalidMediaError)
