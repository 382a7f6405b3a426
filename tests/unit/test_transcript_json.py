"""Reading a Transcript JSON: the engine's own output round-trips, other tools' shapes are read, and a
wrong shape fails with INVALID_TRANSCRIPT naming the field, never its value and never as an empty transcript."""

from __future__ import annotations

import json

import pytest

from shared.errors import InvalidTranscriptError
from shared.models import Segment, Transcript, TranscriptWarning, Word
from shared.transcript_json import parse_transcript, parse_transcript_json


def invalid(raw: str) -> str:
    with pytest.raises(InvalidTranscriptError) as info:
        parse_transcript_json(raw, where="call.json")
    assert info.value.code == "INVALID_TRANSCRIPT"
    assert info.value.message.startswith("call.json: not a Transcript JSON: ")
    return info.value.message


def test_the_engines_transcript_reads_back_as_it_was_written() -> None:
    transcript = Transcript(
        language="en",
        duration=9.0,
        model="distil-large-v3",
        segments=(
            Segment(0, 0.0, 4.0, "Hello there.", (Word(0.0, 1.0, " Hello", 0.9), Word(1.0, 4.0, " there."))),
            Segment(1, 4.0, 9.0, "Bye.", speaker="S2"),
        ),
        speech_seconds=8.5,
        covered_seconds=8.0,
        warnings=(TranscriptWarning.untranscribed_speech(8.0, 8.5),),
        speaker_turns=((0.0, 4.0, "S1"), (4.0, 9.0, "S2")),
    )
    assert parse_transcript_json(transcript.to_json(), where="t.json") == transcript


def test_another_tools_transcript_is_read_with_defaults() -> None:
    whisper = {
        "text": " Hi. Bye.",
        "segments": [
            {"seek": 0, "start": 0, "end": 2.5, "text": " Hi.", "tokens": [1, 2], "avg_logprob": -0.2,
             "words": [{"word": " Hi.", "start": 0.0, "end": 2.5, "probability": 0.8}]},
            {"start": 2.5, "end": 4, "text": " Bye."},
        ],
    }  # fmt: skip
    transcript = parse_transcript(whisper, where="whisper.json")
    assert [s.id for s in transcript.segments] == [0, 1]
    assert transcript.segments[0].words == (Word(0.0, 2.5, " Hi.", 0.8),)
    assert (transcript.language, transcript.duration, transcript.model, transcript.engine) == (
        "en",
        4.0,
        "unknown",
        "unknown",
    )
    assert transcript.speaker_turns is None and transcript.speech_seconds is None


def test_an_object_without_segments_is_not_an_empty_transcript() -> None:
    assert "segments: Field required" in invalid('{"transcript": {"segments": "oops"}}')


@pytest.mark.parametrize(
    ("raw", "named"),
    [
        ('{"segments": "oops"}', "segments: Input should be a valid array"),
        ('{"segments": [{"start": 0, "end": 1, "text": 5}]}', "segments[0].text: Input should be a valid string"),
        ('{"segments": [{"start": 0, "end": 1, "text": "a"}, {"end": 2, "text": "b"}]}',
         "segments[1].start: Field required"),
        ('{"segments": [{"start": 0, "end": 1, "text": "a", "words": [{"start": "0", "end": 1}]}]}',
         "segments[0].words[0].start: Input should be a valid number"),
        ('{"segments": [], "speaker_turns": [{"start": 0, "end": 1}]}', "speaker_turns[0].speaker: Field required"),
        ('{"segments": [], "duration": "long"}', "duration: Input should be a valid number"),
        ("[1, 2, 3]", "(the document): Input should be an object"),
        ('{"segments": [', "Invalid JSON"),
    ],
)  # fmt: skip
def test_a_wrong_shape_names_the_field(raw: str, named: str) -> None:
    assert named in invalid(raw)


def test_the_message_never_quotes_the_value() -> None:
    secret = "my card is 4111 1111 1111 1111"
    message = invalid(json.dumps({"segments": [{"start": secret, "end": 1, "text": secret}]}))
    assert "4111" not in message and "segments[0].start" in message and "(and 0 more)" not in message
    message = invalid(json.dumps({"segments": [{"start": 0, "end": 1, "text": ["Anna"]}, {"text": "Anna"}]}))
    assert "Anna" not in message and "(and 2 more)" in message
