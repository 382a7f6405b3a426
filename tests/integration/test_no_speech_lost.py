"""No detected speech without words, on the real engine (offline tiny.en, espeak-ng speech): a first
pass that loses speech is decoded again, and speech that still has no words completes the job
with a warning in the enriched JSON, the job record, `clearscribe show` and the terminal —
never as a silent empty transcript. Failures are injected at the engine's decode seams."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from pipeline.asr.engine import load_engine
from pipeline.asr.inference.decoding import Decoded
from pipeline.asr.inference.engine import WhisperEngine
from pipeline.cli.main import main
from postprocess.schema import load_enriched_schema
from shared.config import OFFLINE_MODEL, Settings
from shared.jobstore.sqlite import SQLiteJobStore
from shared.models import SPEECH_NOT_TRANSCRIBED
from tests.support.scripts import heard, sentences
from tests.support.speech import make_speech_video, speak_to_wav

pytestmark = pytest.mark.slow

# A read-out number with the same digit over and over (what sends decoding into a loop), then
# two sentences after a pause: the speech a runaway decode of the first part would swallow.
SCRIPT = (
    "Last week a customer read out the card number four one one one, one one one one, one one one one, "
    "one one one one. Please remember that support tickets must never contain private details."
    "\n\nThat is everything for today, and the final word of this meeting is lighthouse."
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> WhisperEngine:
    loaded = load_engine(OFFLINE_MODEL, settings=Settings(home=tmp_path_factory.mktemp("home")))
    assert isinstance(loaded, WhisperEngine)
    return loaded


@pytest.fixture(scope="module")
def wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return speak_to_wav(SCRIPT, tmp_path_factory.mktemp("speech") / "card.wav")


def test_a_first_pass_that_yields_nothing_over_speech_is_decoded_again(
    engine: WhisperEngine, wav: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "_decode_window", lambda audio, speech: [])

    transcript = engine.transcribe(wav)

    assert heard(SCRIPT, transcript.text) >= 0.9
    assert transcript.warnings == ()
    assert transcript.covered_seconds >= 0.95 * transcript.speech_seconds > 20


def test_a_runaway_first_pass_no_longer_swallows_the_speech_after_it(
    engine: WhisperEngine, wav: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worst a loop does: after the opening words, "1." to the end of the window.
    def runaway(audio, speech):
        end = audio.shape[0] / 16_000
        return [Decoded(0.0, 4.0, "Last week a customer read out the card number"), Decoded(4.0, end, "1. " * 80)]

    monkeypatch.setattr(engine, "_decode_window", runaway)

    transcript = engine.transcribe(wav)

    for sentence in sentences(SCRIPT.replace("\n\n", " "))[1:]:
        assert heard(sentence, transcript.text) >= 0.75, f"{sentence!r} is missing"
    assert "1. 1. 1." not in transcript.text
    assert transcript.segments[0].text == "Last week a customer read out the card number"  # a good segment stays
    assert all(0 <= s.start <= s.end <= transcript.duration for s in transcript.segments)


def test_the_same_recording_gives_the_same_transcript(engine: WhisperEngine, wav: Path) -> None:
    first = engine.transcribe(wav)
    assert engine.transcribe(wav) == first
    tail = " ".join(s.text for s in first.segments[-2:])  # clips may split the sentence at a pause
    assert heard(sentences(SCRIPT)[-1], tail) >= 0.75


def test_speech_that_stays_without_words_completes_with_a_warning_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(WhisperEngine, "_decode_window", lambda self, audio, speech: [])
    monkeypatch.setattr(WhisperEngine, "_decode_clips", lambda self, audio, clips: [])
    video = make_speech_video(SCRIPT, tmp_path / "card.mp4")
    home = tmp_path / "home"

    status = main(["run", str(video), "--model", OFFLINE_MODEL, "--home", str(home)])
    terminal = capsys.readouterr().out

    assert status == 0 and "COMPLETE" in terminal
    assert "WARNING:    0:0" in terminal and SPEECH_NOT_TRANSCRIBED in terminal
    (record,) = SQLiteJobStore(Settings(home=home).jobs_db).list_jobs()
    assert record.status.value == "COMPLETE"
    warnings = record.summary["warnings"]
    assert warnings and all(w["code"] == SPEECH_NOT_TRANSCRIBED for w in warnings)
    assert record.summary["covered_seconds"] == 0 and record.summary["speech_seconds"] > 20

    enriched = json.loads(Path(record.outputs["json"]).read_text("utf-8"))
    jsonschema.validate(enriched, load_enriched_schema())
    assert enriched["transcript"]["text"] == "" and enriched["transcript"]["warnings"] == warnings
    assert "gave no words" in Path(record.outputs["html"]).read_text("utf-8")

    assert main(["show", record.job_id, "--home", str(home)]) == 0
    shown = capsys.readouterr().out
    assert SPEECH_NOT_TRANSCRIBED in shown and "speech:" in shown
