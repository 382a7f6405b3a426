"""`clearscribe run --speakers auto` end to end: a two-voice conversation and a one-voice
recording spoken by espeak-ng, through the installed console script, with the real speech model,
speaker encoder, enrichers and store: who says what in the segments, the captions, the speakers'
summary and `clearscribe show`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from postprocess.schema import load_enriched_schema
from tests.e2e.test_run_command import clearscribe
from tests.support.conversations import SpokenConversation, dialogue, monologue, speak_conversation
from tests.support.speech import mux_video

#: Short, so the suite stays fast: about 50 s of two voices taking turns, 25 s of one voice.
TWO_VOICES = dialogue("short-call", {"A": "en-us+m3", "B": "en+f3"}, turns=8, seed=1)
ONE_VOICE = monologue("short-talk", "en+f3", turns=4, seed=7)


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("speakers")
    talks = {c.name: speak_conversation(c) for c in (TWO_VOICES, ONE_VOICE)}
    videos = [mux_video(talk.write_wav(root / f"{name}.wav"), root / f"{name}.mp4") for name, talk in talks.items()]
    home = root / "home"
    proc = clearscribe("run", *map(str, videos), "--model", "offline-tiny.en", "--speakers", "auto", "--json",
                       home=home, check=True)  # fmt: skip
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return {"home": home, "talks": talks, "records": dict(zip(talks, records, strict=True))}


def outputs(labelled: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, str]]:
    files = labelled["records"][name]["outputs"]
    enriched = json.loads(Path(files["json"]).read_text("utf-8"))
    return enriched, {fmt: Path(path).read_text("utf-8") for fmt, path in files.items() if fmt != "json"}


def test_a_conversation_says_who_says_what(labelled: dict[str, Any]) -> None:
    enriched, _ = outputs(labelled, TWO_VOICES.name)
    talk: SpokenConversation = labelled["talks"][TWO_VOICES.name]
    segments = [s for s in enriched["transcript"]["segments"] if s["text"]]

    assert [s["id"] for s in enriched["speakers"]] == ["S1", "S2"]
    assert segments[0]["speaker"] == "S1" and {s["speaker"] for s in segments} == {"S1", "S2"}
    # Most words go to the voice that spoke them (each label stands for one reference voice).
    votes: dict[tuple[str, str], int] = {}
    for segment in segments:
        middle = (segment["start"] + segment["end"]) / 2
        truth = min(talk.reference, key=lambda t: max(t[0] - middle, middle - t[1], 0.0))[2]
        votes[segment["speaker"], truth] = votes.get((segment["speaker"], truth), 0) + len(segment["text"].split())
    mapping = {label: max("AB", key=lambda voice: votes.get((label, voice), 0)) for label in ("S1", "S2")}
    assert set(mapping.values()) == {"A", "B"}
    right = sum(n for (label, truth), n in votes.items() if mapping[label] == truth)
    assert right / sum(votes.values()) >= 0.9
    # Talk time and words per speaker add up to the conversation's.
    speakers = {s["id"]: s for s in enriched["speakers"]}
    talked = sum(s["talk_seconds"] for s in speakers.values())
    assert talked == pytest.approx(talk.speech_seconds, rel=0.15)
    assert sum(s["words"] for s in speakers.values()) == len(enriched["transcript"]["text"].split())
    assert enriched["timings"]["diarize_seconds"] > 0
    jsonschema.Draft202012Validator(load_enriched_schema()).validate(enriched)


def test_captions_name_the_speaker_of_every_cue(labelled: dict[str, Any]) -> None:
    _, files = outputs(labelled, TWO_VOICES.name)
    srt_texts = [block.splitlines()[2] for block in files["srt"].strip().split("\n\n")]
    vtt_texts = [block.splitlines()[1] for block in files["vtt"].split("\n\n")[1:] if block.strip()]

    assert all(t.startswith(("S1: ", "S2: ")) for t in srt_texts)
    assert {t[:4] for t in srt_texts} == {"S1: ", "S2: "}
    assert all(t.startswith(("<v S1>S1: ", "<v S2>S2: ")) for t in vtt_texts)
    assert all(line.startswith(("S1: ", "S2: ")) for line in files["txt"].splitlines())


def test_one_voice_is_one_speaker(labelled: dict[str, Any]) -> None:
    enriched, _ = outputs(labelled, ONE_VOICE.name)
    assert [s["id"] for s in enriched["speakers"]] == ["S1"]
    assert {s["speaker"] for s in enriched["transcript"]["segments"]} == {"S1"}
    assert enriched["speakers"][0]["words"] == len(enriched["transcript"]["text"].split())


def test_show_prints_each_speaker(labelled: dict[str, Any]) -> None:
    job_id = labelled["records"][TWO_VOICES.name]["job_id"]
    out = clearscribe("show", job_id, home=labelled["home"], check=True).stdout
    assert "speakers:   2" in out
    assert "S1   talks " in out and "S2   talks " in out and "sentiment " in out
