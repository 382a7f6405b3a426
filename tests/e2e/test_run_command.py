"""`clearscribe run` end to end: real speech (espeak-ng), real ffmpeg, real Whisper weights,
real enrichers, a real SQLite store — through the installed console script."""

from __future__ import annotations

import functools
import itertools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import jiwer
import jsonschema
import pytest

from tests.support.scripts import (
    MEETING,
    content_words,
    covered_reference,
    heard,
    normalise_words,
    sentences,
    spoken_digits,
)
from tests.support.speech import make_silence, make_speech_video, make_video_without_audio

# Measured with offline-tiny.en on the MEETING script: 0.000–0.008 over three runs. The bound
# leaves room for a few words heard differently, not for a pipeline that drops or invents text
# (a missed placeholder alone costs one substitution per spoken word of the value).
MAX_CLEAN_WER = 0.1
NUMBER_WORDS = "zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|hundred|thousand"
SHORT_TEXT = "Quick status update. The new search page is fast and everyone likes it."


def clearscribe(*args: str, home: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("clearscribe")
    env = {**os.environ, "CLEARSCRIBE_LOG_LEVEL": "DEBUG"}
    proc = subprocess.run([str(exe), *args, "--home", str(home)], capture_output=True, text=True, env=env, timeout=900)
    if check and proc.returncode != 0:
        raise AssertionError(f"clearscribe {args} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `run --json` over a real meeting recording, odd file names and every bad-input kind."""
    root = tmp_path_factory.mktemp("e2e")
    inputs = root / "inputs"
    inputs.mkdir()
    meeting = make_speech_video(MEETING.spoken, inputs / "meeting.mp4")
    odd = make_speech_video(SHORT_TEXT, inputs / "team sync ü #2 (final).mp4")
    (inputs / "empty.mp4").write_bytes(b"")
    (inputs / "notes.mp4").write_text("agenda: budget, hiring, roadmap\n" * 50)
    (inputs / "truncated.mp4").write_bytes(meeting.read_bytes()[: meeting.stat().st_size // 3])
    make_video_without_audio(inputs / "no-audio.mp4")
    make_silence(inputs / "silence.mp4", 8.0)
    names = ["meeting.mp4", "empty.mp4", "notes.mp4", "truncated.mp4", "no-audio.mp4", "silence.mp4",
             "missing.mp4", odd.name]  # fmt: skip
    home = root / "home"
    proc = clearscribe("run", *[str(inputs / n) for n in names], "--model", "offline-tiny.en", "--json",
                       home=home)  # fmt: skip
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return {"proc": proc, "home": home, "inputs": inputs, "by_name": dict(zip(names, lines, strict=True))}


def _enriched(record: dict[str, Any]) -> dict[str, Any]:
    return json.loads(Path(record["outputs"]["json"]).read_text(encoding="utf-8"))


def test_a_batch_reports_every_input_and_exits_non_zero_when_any_failed(batch: dict[str, Any]) -> None:
    assert batch["proc"].returncode == 1
    for record in batch["by_name"].values():
        assert set(record) >= {"job_id", "status", "error", "outputs"}
        assert record["status"] in ("COMPLETE", "FAILED")
        assert (record["error"] is None) == (record["status"] == "COMPLETE")


@pytest.mark.parametrize(
    "name, code",
    [
        ("empty.mp4", "EMPTY_FILE"),
        ("notes.mp4", "INVALID_MEDIA"),
        ("truncated.mp4", "INVALID_MEDIA"),
        ("no-audio.mp4", "NO_AUDIO_STREAM"),
        ("missing.mp4", "SOURCE_NOT_FOUND"),
    ],
)
def test_bad_inputs_fail_with_a_code_a_message_and_a_recorded_status(batch: dict[str, Any], name: str, code: str):
    record = batch["by_name"][name]
    assert record["status"] == "FAILED" and record["outputs"] is None
    assert record["error"]["code"] == code and name in record["error"]["message"]
    shown = json.loads(clearscribe("show", record["job_id"], "--json", home=batch["home"], check=True).stdout)
    assert shown["status"] == "FAILED" and shown["error"] == record["error"]
    assert all("ended_at" in times for times in shown["stages"].values())
    # the one-line human error names the file
    human = clearscribe("run", str(batch["inputs"] / name), "--model", "offline-tiny.en", home=batch["home"])
    assert human.returncode == 1 and name in human.stderr and code in human.stderr


def test_silence_gives_an_empty_transcript_not_invented_words(batch: dict[str, Any]) -> None:
    record = batch["by_name"]["silence.mp4"]
    assert record["status"] == "COMPLETE"
    enriched = _enriched(record)
    assert enriched["transcript"]["text"] == "" and enriched["transcript"]["segments"] == []
    assert Path(record["outputs"]["txt"]).read_text() == ""


def test_file_names_with_spaces_unicode_and_hash_are_processed(batch: dict[str, Any]) -> None:
    record = batch["by_name"]["team sync ü #2 (final).mp4"]
    assert record["status"] == "COMPLETE"
    assert heard(SHORT_TEXT, _enriched(record)["transcript"]["text"]) >= 0.75


def test_the_clean_text_matches_the_clean_reference(batch: dict[str, Any]) -> None:
    text = _enriched(batch["by_name"]["meeting.mp4"])["transcript"]["text"]
    error = jiwer.wer(" ".join(normalise_words(MEETING.clean_reference)), " ".join(normalise_words(text)))
    assert error <= MAX_CLEAN_WER, f"WER {error:.3f}"


def test_the_whole_recording_is_transcribed_to_the_very_end(batch: dict[str, Any]) -> None:
    enriched = _enriched(batch["by_name"]["meeting.mp4"])
    segments = enriched["transcript"]["segments"]
    assert enriched["source"]["duration_seconds"] > 60
    assert segments[-1]["end"] >= enriched["source"]["duration_seconds"] - 5
    last_sentence = sentences(MEETING.clean_reference)[-1]
    tail = " ".join(seg["text"] for seg in segments[-2:])  # the sentence may be split over two segments
    assert heard(last_sentence, tail) >= 0.75, "the last sentence is not at the end"
    assert heard(content_words(last_sentence)[-1], segments[-1]["text"]) == 1, "the last word is missing"


def test_no_pii_value_or_swear_word_reaches_any_output_file_store_or_log(batch: dict[str, Any]) -> None:
    record = batch["by_name"]["meeting.mp4"]
    texts = {fmt: Path(path).read_text(encoding="utf-8").lower() for fmt, path in record["outputs"].items()}
    with sqlite3.connect(batch["home"] / "jobs.sqlite3") as conn:
        texts["job store"] = " ".join(str(row) for row in conn.execute("SELECT * FROM jobs")).lower()
    texts["log"] = batch["proc"].stderr.lower()
    secret_words = MEETING.secret_words
    windows = {digits[i : i + 7] for digits in MEETING.secret_numbers for i in range(len(digits) - 6)}
    assert secret_words or windows, "the script has nothing that could leak"
    for where, text in texts.items():
        for word in secret_words:
            assert not re.search(rf"\b{word}\b", text), f"{word!r} leaked into {where}"
        digits = re.sub(r"[\s,.\-()]", "", text)
        for window in windows:
            assert window not in digits, f"a phone or card number leaked into {where}"
        assert not re.search(rf"\b(?:(?:{NUMBER_WORDS})\W+){{6,}}", text), f"spoken digits leaked into {where}"


def expected_placeholder_types() -> list[str]:
    """The script's PII types whose placeholder must show. Values read out as long digit runs (a
    card number) are left to the leak test: tiny.en now and then loops on such a run and its
    fallback drops it altogether, and what was not transcribed has nothing to redact."""
    long_runs = {kind for kind, value in MEETING.secrets if len(spoken_digits(value)) >= 12}
    return [kind for kind in MEETING.pii_types if kind not in long_runs]


def test_placeholders_mark_what_was_removed(batch: dict[str, Any]) -> None:
    enriched = _enriched(batch["by_name"]["meeting.mp4"])
    text = enriched["transcript"]["text"]
    for kind in expected_placeholder_types():
        assert f"<{kind}>" in text
        assert enriched["pii"]["counts"][kind] >= 1
    assert enriched["profanity"]["count"] >= sum(kind == "PROFANITY" for kind, _ in MEETING.secrets)
    for entity in enriched["pii"]["entities"]:
        assert text[entity["start"] : entity["end"]] == f"<{entity['type']}>"


@functools.cache
def vader_compound(text: str) -> float:
    """VADER itself on the words that were spoken: the oracle for the pipeline's labels."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer().polarity_scores(text)["compound"]


def test_sentiment_labels_follow_what_was_said(batch: dict[str, Any]) -> None:
    # The segments carrying the most positive and most negative sentences of the script, and its
    # closing one, are labelled as VADER labels what was said in them. Recognition sometimes merges
    # sentences into one segment, so "what was said" is the stretch of the script the segment holds.
    segments = _enriched(batch["by_name"]["meeting.mp4"])["transcript"]["segments"]
    spoken = [sentence for sentence in sentences(MEETING.spoken) if content_words(sentence)]
    for sentence in {max(spoken, key=vader_compound), min(spoken, key=vader_compound), spoken[-1]}:
        carrier = max(segments, key=lambda seg: heard(sentence, seg["text"]))
        assert heard(sentence, carrier["text"]) >= 0.6, f"no segment carries {sentence!r}"
        compound = vader_compound(covered_reference(MEETING.spoken, carrier["text"]))
        if min(abs(compound - 0.05), abs(compound + 0.05)) < 0.03:
            continue  # on a threshold: one misheard word may tip it either way
        expected = "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"
        assert carrier["sentiment"]["label"] == expected, (sentence, carrier["sentiment"])


def test_every_output_validates_against_the_published_schema(batch: dict[str, Any]) -> None:
    schema = json.loads(Path("postprocess/enriched-transcript.v1.json").read_text())
    for record in batch["by_name"].values():
        if record["status"] == "COMPLETE":
            jsonschema.validate(_enriched(record), schema)


def test_speakers_are_not_labelled_unless_asked_for(batch: dict[str, Any]) -> None:
    enriched = _enriched(batch["by_name"]["meeting.mp4"])
    assert "speakers" not in enriched and "diarize_seconds" not in enriched["timings"]
    assert not [s for s in enriched["transcript"]["segments"] if "speaker" in s]


def test_captions_carry_the_clean_text_in_readable_cues(batch: dict[str, Any]) -> None:
    record = batch["by_name"]["meeting.mp4"]
    srt = Path(record["outputs"]["srt"]).read_text()
    vtt = Path(record["outputs"]["vtt"]).read_text()
    assert all(f"<{kind}>" in srt + vtt for kind in expected_placeholder_types()) and vtt.startswith("WEBVTT")
    cues = [block.splitlines() for block in srt.strip().split("\n\n")]
    times = [re.findall(r"(\d+):(\d+):(\d+),(\d+)", cue[1]) for cue in cues]
    seconds = [[int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000 for h, m, s, ms in pair] for pair in times]
    assert all(1 <= len(cue[2:]) <= 2 and all(len(line) <= 42 for line in cue[2:]) for cue in cues)
    assert all(0 < end - start <= 7 for start, end in seconds)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(seconds)), "cues overlap"
    clean = _enriched(record)["transcript"]["text"]
    assert " ".join(line for cue in cues for line in cue[2:]) == clean


def test_running_the_same_file_again_reports_the_existing_job(batch: dict[str, Any], tmp_path: Path) -> None:
    record = batch["by_name"]["meeting.mp4"]
    renamed = tmp_path / "copy of meeting.mp4"
    shutil.copy(batch["inputs"] / "meeting.mp4", renamed)
    again = clearscribe("run", str(renamed), "--model", "offline-tiny.en", "--json", home=batch["home"], check=True)
    line = json.loads(again.stdout)
    assert line["job_id"] == record["job_id"] and line["reused"] is True
    assert line["outputs"] == record["outputs"]
    listing = json.loads(clearscribe("jobs", "--json", home=batch["home"], check=True).stdout)
    assert [j["job_id"] for j in listing].count(record["job_id"]) == 1


def test_force_processes_again_as_a_new_attempt(batch: dict[str, Any]) -> None:
    record = batch["by_name"]["team sync ü #2 (final).mp4"]
    path = batch["inputs"] / "team sync ü #2 (final).mp4"
    forced = clearscribe("run", str(path), "--model", "offline-tiny.en", "--json", "--force", home=batch["home"],
                         check=True)  # fmt: skip
    assert json.loads(forced.stdout)["reused"] is False
    shown = json.loads(clearscribe("show", record["job_id"][:12], "--json", home=batch["home"], check=True).stdout)
    assert shown["attempt"] == 2 and shown["status"] == "COMPLETE"


def test_query_commands_read_the_same_store(batch: dict[str, Any]) -> None:
    home = batch["home"]
    failed = json.loads(clearscribe("jobs", "--status", "failed", "--json", home=home, check=True).stdout)
    assert failed and all(j["status"] == "FAILED" and j["error"]["code"] for j in failed)
    assert set(failed[0]) == {"job_id", "status", "source", "created_at", "updated_at", "error"}
    record = batch["by_name"]["meeting.mp4"]
    srt = clearscribe("transcript", record["job_id"], "--format", "srt", home=home, check=True).stdout
    assert srt == Path(record["outputs"]["srt"]).read_text()
    human = clearscribe("show", record["job_id"], home=home, check=True).stdout
    assert "COMPLETE" in human and "transcribing" in human and "PERSON" in human
    missing = clearscribe("show", "job-does-not-exist", home=home)
    assert missing.returncode == 1 and "JOB_NOT_FOUND" in missing.stderr


@pytest.mark.slow
def test_a_recording_in_another_language_fails_with_its_own_code_and_english_completes(tmp_path: Path) -> None:
    # A multilingual model tells the language; French espeak-ng speech is not transcribed into English words.
    french = make_speech_video(
        "Bonjour à tous, merci d'être venus à cette réunion. Nous allons parler du budget de l'année prochaine.",
        tmp_path / "réunion.mp4",
        voice="fr",
    )
    english = make_speech_video(SHORT_TEXT, tmp_path / "meeting.mp4")
    home = tmp_path / "home"

    proc = clearscribe("run", str(french), str(english), "--model", "offline-base", "--json", home=home)

    assert proc.returncode == 1
    failed, done = (json.loads(line) for line in proc.stdout.splitlines())
    assert failed["status"] == "FAILED" and failed["error"]["code"] == "UNSUPPORTED_LANGUAGE"
    assert "'fr'" in failed["error"]["message"] and "UNSUPPORTED_LANGUAGE" in proc.stderr
    assert done["status"] == "COMPLETE" and heard(SHORT_TEXT, _enriched(done)["transcript"]["text"]) >= 0.75
    assert _enriched(done)["model"] == {"name": "offline-base", "engine": "faster-whisper"}
