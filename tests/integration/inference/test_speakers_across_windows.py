"""Speakers across windows: a two-voice conversation three windows long, sent to the endpoint's
handlers as the workflow sends it (the windows unlabelled, one request for the recording's speaker
turns) and merged as MergeTranscripts merges, labels every segment exactly as a local run labels
the same audio — one person keeps one label across the window boundaries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pipeline.asr.inference.audio import decode_to_wav, wav_duration, wav_windows
from pipeline.asr.inference.decoding import WINDOW_SECONDS as READ_WINDOW_SECONDS
from pipeline.asr.inference.diarization import label_speakers
from pipeline.asr.inference.serving import input_fn, model_fn, predict_fn
from pipeline.asr.inference.windows import SPEAKERS_OFF, SPEAKERS_ONLY, merge_requests, plan_requests
from shared.models import Transcript
from shared.speakers import SpeakerSetting
from tests.support.conversations import dialogue, speak_conversation
from tests.support.speech import encode_like_mediaconvert

#: The shortest window the workflow allows: the conversation is three of them.
WINDOW = 60
#: Two voices taking turns for a little over two minutes.
CONVERSATION = dialogue("across-windows", {"A": "en-us+m3", "B": "en+f3"}, turns=22, seed=5)


class _Request:
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers

    def get_request_properties(self) -> dict[str, str]:
        return self.headers


class _Context:
    """The model server's request context, as far as the handlers read it."""

    def __init__(self, attributes: str) -> None:
        self.request_processor = [_Request({"X-Amzn-SageMaker-Custom-Attributes": attributes})]


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("across-windows")
    wav = speak_conversation(CONVERSATION).write_wav(root / "talk.wav")
    return encode_like_mediaconvert(wav, root / "talk.m4a")


def test_the_windows_and_the_speaker_request_give_the_labels_of_the_whole_recording(
    audio: Path, tiny_en_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARSCRIBE_SPEAKERS", "auto")
    monkeypatch.setenv("CLEARSCRIBE_WINDOW_SECONDS", str(WINDOW))  # the local run's windows
    model = model_fn(str(tiny_en_dir))
    whole = tmp_path / "whole.wav"
    decode_to_wav(audio, whole)
    plan = plan_requests(wav_duration(whole), WINDOW, speakers=True)
    assert [w.speakers for w in plan] == [SPEAKERS_OFF] * (len(plan) - 1) + [SPEAKERS_ONLY] and len(plan) >= 4

    answers: list[tuple[Any, Transcript]] = []
    for window in plan:
        answer = predict_fn(input_fn(audio.read_bytes(), "audio/mp4", _Context(window.attribute)), model)
        if window.speakers == SPEAKERS_ONLY:
            assert answer.segments == () and answer.speaker_turns
        else:
            assert answer.segments and all(s.speaker is None for s in answer.segments)
        answers.append((window, answer))
    cloud = merge_requests(answers)

    # clearscribe run: the same windows, then the whole transcript labelled.
    local = label_speakers(
        model.engine.transcribe_recording(whole),
        wav_windows(whole, window_s=READ_WINDOW_SECONDS),
        SpeakerSetting.parse("auto"),
    )
    assert [(s.start, s.end, s.text, s.speaker) for s in cloud.segments] == [
        (s.start, s.end, s.text, s.speaker) for s in local.segments
    ]
    assert cloud.speaker_turns == local.speaker_turns
    assert {s.speaker for s in cloud.segments} == {"S1", "S2"}


def test_speaker_turns_from_an_endpoint_that_labels_none_are_a_configuration_error(
    audio: Path, tiny_en_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.asr.inference.failures import InferenceFailure

    monkeypatch.setenv("CLEARSCRIBE_SPEAKERS", "off")
    model = model_fn(str(tiny_en_dir))
    request = input_fn(audio.read_bytes(), "audio/mp4", _Context("window=0.000-;speakers=only"))
    with pytest.raises(InferenceFailure, match="labels no speakers"):
        predict_fn(request, model)
    assert not request.wav.parent.exists()
