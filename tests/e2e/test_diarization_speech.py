"""Speaker diarization on real speech: conversations spoken by espeak-ng voices (2 and 3 speakers,
male and female, different accents, short and long turns, a speaker coming back after a long
gap), one-speaker recordings, and recordings of the generated speaker corpus (the neural voice beside
espeak-ng, pitch-shifted copies of one voice, a phone line, noise, fast speech), scored against how
the turns were put together. The corpus's figures per channel are bench/bench_diarization.py's."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.asr.engine import load_engine
from pipeline.asr.inference.diarization import assign_speakers, diarize, load_speaker_encoder, speaker_at
from shared.config import OFFLINE_MODEL, Settings
from tests.support.conversations import (
    TEST_CONVERSATIONS,
    TEST_MONOLOGUES,
    Conversation,
    SpokenConversation,
    score_diarization,
    speak_conversation,
)
from tests.support.speaker_audio import spoken as spoken_script
from tests.support.speaker_corpus import generate

pytestmark = pytest.mark.slow

#: The product's target: at least 90% of the speech time attributed to the right speaker.
MIN_ACCURACY = 0.9


_SPOKEN: dict[str, SpokenConversation] = {}


def spoken(conversation: Conversation) -> SpokenConversation:
    """Each conversation is spoken once per test session."""
    if conversation.name not in _SPOKEN:
        _SPOKEN[conversation.name] = speak_conversation(conversation)
    return _SPOKEN[conversation.name]


@pytest.mark.parametrize("conversation", TEST_CONVERSATIONS, ids=lambda c: c.name)
def test_who_spoke_when_in_a_conversation(conversation: Conversation) -> None:
    talk = spoken(conversation)
    score = score_diarization(talk.reference, diarize(talk.audio, encoder=load_speaker_encoder()))
    assert score.found_speakers == len(conversation.speakers)
    assert score.accuracy >= MIN_ACCURACY


@pytest.mark.parametrize("monologue", TEST_MONOLOGUES, ids=lambda c: c.name)
def test_one_voice_is_exactly_one_speaker(monologue: Conversation) -> None:
    talk = spoken(monologue)
    turns = diarize(talk.audio, encoder=load_speaker_encoder())
    assert {label for *_, label in turns} == {"S1"}
    assert score_diarization(talk.reference, turns).accuracy >= 0.95  # the speech is covered, too


#: Development-range recordings (tuned on): the neural voice on a phone line beside an espeak-ng voice;
#: the neural voice and the same voice pitched down in noise (one speaker before the penalised count);
#: four parties talking fast with pauses of a quarter second or less.
CORPUS_SEEDS = (1, 8, 11)


@pytest.mark.parametrize("seed", CORPUS_SEEDS, ids=lambda seed: generate(seed, "dev").name)
def test_who_spoke_when_in_a_generated_recording(seed: int) -> None:
    talk = spoken_script(generate(seed, "dev"))
    score = score_diarization(talk.reference, diarize(talk.audio, encoder=load_speaker_encoder()))
    assert score.found_speakers == len(talk.script.parties)
    assert score.accuracy >= MIN_ACCURACY


def test_a_known_speaker_count_is_used() -> None:
    talk = spoken(TEST_CONVERSATIONS[3])  # three speakers
    score = score_diarization(talk.reference, diarize(talk.audio, speakers=3, encoder=load_speaker_encoder()))
    assert score.found_speakers == 3 and score.accuracy >= MIN_ACCURACY


def test_speech_regions_from_the_recogniser_vad_work_as_well() -> None:
    """The local engine already runs Silero VAD; its regions can replace the energy detector."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    talk = spoken(TEST_CONVERSATIONS[0])
    stamps = get_speech_timestamps(talk.audio, VadOptions(min_silence_duration_ms=300, speech_pad_ms=100))
    speech = [(s["start"] / 16000, s["end"] / 16000) for s in stamps]
    score = score_diarization(talk.reference, diarize(talk.audio, speech=speech, encoder=load_speaker_encoder()))
    assert score.found_speakers == 2 and score.accuracy >= MIN_ACCURACY


def test_transcript_segments_get_the_speaker_who_says_them(tmp_path: Path) -> None:
    """Real recognition output (sentence segments with word times, as the local engine gives them):
    nearly every recognised word ends up with the speaker who said it."""
    talk = spoken(TEST_CONVERSATIONS[0])
    engine = load_engine(OFFLINE_MODEL, settings=Settings(home=tmp_path, model=OFFLINE_MODEL))
    transcript = engine.transcribe(talk.write_wav(tmp_path / "talk.wav"))
    turns = diarize(talk.audio, encoder=load_speaker_encoder())
    pieces = assign_speakers(transcript.segments, turns)
    mapping = score_diarization(talk.reference, turns).mapping

    def truth(t: float) -> str | None:
        return next((s for a, b, s in talk.reference if a - 0.3 <= t <= b + 0.3), None)

    weighed = [(len(p.text.split()), mapping.get(p.speaker or ""), truth((p.start + p.end) / 2)) for p in pieces]
    right = sum(words for words, got, want in weighed if got == want)
    assert right / sum(words for words, _, _ in weighed) >= MIN_ACCURACY
    # No piece runs across a change of speaker: each of its words is said by its speaker.
    assert all(speaker_at(w.start, w.end, turns) == p.speaker for p in pieces for w in p.words)
    assert " ".join(p.text.strip() for p in pieces).split() == transcript.text.split()
