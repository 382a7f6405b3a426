"""``clearscribe run --redact-media``, proven by ear: a spoken call with names, a phone and a card number
goes through the CLI, and its ``redacted.mp4`` is transcribed again by the speech engine alone (no PII
detection after it). None of the values may be heard in that second transcript, while the words said
around them still are, with the tone and with silence; the same engine on the original recording hears the
values (so the check can fail)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.asr.engine import SpeechEngine, load_engine
from pipeline.asr.inference.audio import default_ffmpeg
from pipeline.outputs.media_spans import redacted_times
from pipeline.outputs.redacted_media import write_redacted_media
from postprocess.document import EnrichedTranscript
from shared.config import OFFLINE_MODEL, Settings
from tests.e2e.test_run_command import clearscribe
from tests.support.redaction_scripts import REDACTION_CALLS, heard_values, number_runs, public_text, secret_values
from tests.support.scripts import heard, normalise_words
from tests.support.speech import make_speech_video

CALL = REDACTION_CALLS[0]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> SpeechEngine:
    """The speech engine alone, as ``clearscribe run`` loads it: its transcripts have no PII detection."""
    return load_engine(OFFLINE_MODEL, settings=Settings(home=tmp_path_factory.mktemp("engine")))


def text_of(engine: SpeechEngine, media: Path) -> str:
    return " ".join(segment.text.strip() for segment in engine.transcribe(media).segments)


@pytest.fixture(scope="module")
def job(tmp_path_factory: pytest.TempPathFactory, engine: SpeechEngine) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("redacted")
    video = make_speech_video(CALL.script.spoken, root / "support call.mp4", voice=CALL.voice)
    proc = clearscribe("run", str(video), "--model", OFFLINE_MODEL, "--json", "--out", str(root / "out"),
                       "--redact-media", "--redact-media-profanity", home=root / "home", check=True)  # fmt: skip
    record = json.loads(proc.stdout)
    # The same spans with silence instead of the tone (what --redact-media-with silence writes): silence
    # hides less from a recogniser than a tone does, so it is the harder test of the spans.
    enriched = EnrichedTranscript.from_json(Path(record["outputs"]["json"]).read_bytes(), where="enriched.json")
    silent = write_redacted_media(
        video, redacted_times(enriched, profanity=True), root / "silence", ffmpeg=default_ffmpeg(), fill="silence"
    )
    return {
        "record": record,
        "proc": proc,
        "video": video,
        "enriched": json.loads(Path(record["outputs"]["json"]).read_text(encoding="utf-8")),
        "original": text_of(engine, video),
        "tone": text_of(engine, Path(record["outputs"]["media"])),
        "silence": text_of(engine, silent),
    }


def test_the_redacted_recording_is_written_beside_the_outputs(job: dict[str, Any]) -> None:
    import av

    media = Path(job["record"]["outputs"]["media"])
    assert job["record"]["status"] == "COMPLETE"
    assert media.name == "redacted.mp4" and media.parent == Path(job["record"]["outputs"]["json"]).parent
    assert not [p.name for p in media.parent.iterdir() if p.name.startswith(".")]  # no partial file left
    with av.open(str(media)) as out, av.open(str(job["video"])) as source:
        assert [s.type for s in out.streams] == [s.type for s in source.streams]
        assert abs(float(out.duration or 0) - float(source.duration or 0)) / 1e6 < 0.2
    assert job["enriched"]["timings"]["redact_media_seconds"] > 0
    report = Path(job["record"]["outputs"]["html"]).read_text(encoding="utf-8")
    assert 'src="redacted.mp4"' in report and 'href="redacted.mp4#t=' in report


def test_the_original_lets_one_hear_the_values_and_the_transcript_redacted_them(job: dict[str, Any]) -> None:
    values = secret_values(CALL.script)
    assert heard_values(CALL.script, job["original"]) == values, "the control: the engine hears every value"
    assert heard_values(CALL.script, job["enriched"]["transcript"]["text"]) == []
    assert sum(job["enriched"]["pii"]["counts"].values()) >= len(values) - 1  # two numbers may share one span


@pytest.mark.parametrize("fill", ["tone", "silence"])
def test_no_redacted_value_can_be_heard_in_the_redacted_recording(job: dict[str, Any], fill: str) -> None:
    again = job[fill]
    assert heard_values(CALL.script, again) == []
    assert number_runs(again) == [], "the call says no number outside its values"
    assert "shit" not in normalise_words(again)  # profanity was asked to go too


@pytest.mark.parametrize("fill", ["tone", "silence"])
def test_the_words_around_the_values_are_still_heard(job: dict[str, Any], fill: str) -> None:
    said = public_text(CALL.script)
    assert heard(said, job[fill]) >= 0.85
    for sentence in ("thank you for calling the support line", "confirm the order tomorrow afternoon",
                     "the final word of this call is pineapple"):  # fmt: skip
        assert sentence in " ".join(normalise_words(job[fill])), sentence


def test_the_log_holds_no_value(job: dict[str, Any]) -> None:
    log = job["proc"].stderr
    assert "writing the redacted recording" in log
    assert heard_values(CALL.script, log) == []
    assert not re.search(r"margaret|wilson|okafor", log, flags=re.IGNORECASE)


def test_a_container_it_cannot_write_fails_at_once_with_its_code(tmp_path: Path) -> None:
    odd = make_speech_video("A short note.", tmp_path / "note.mp4").rename(tmp_path / "note.xyz")
    proc = clearscribe("run", str(odd), "--model", OFFLINE_MODEL, "--json", "--redact-media", home=tmp_path / "home")
    record = json.loads(proc.stdout)
    assert proc.returncode == 1 and record["status"] == "FAILED"
    assert record["error"]["code"] == "MEDIA_REDACTION_FAILED" and ".xyz" in record["error"]["message"]
    assert record["outputs"] is None
