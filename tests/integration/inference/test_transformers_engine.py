"""The transformers engine on real Whisper weights and real speech longer than one 30 s window."""

from __future__ import annotations

import re
from pathlib import Path

import jiwer
import numpy as np
import pytest

from pipeline.asr.inference.audio import decode_audio
from pipeline.asr.inference.decoding import LOOP_REPEATS, repetition_loops
from pipeline.asr.inference.engine import TransformersEngine, stop_at_loops
from shared.errors import UnsupportedLanguageError
from shared.models import Transcript
from tests.integration.inference.conftest import LONG_SCRIPT
from tests.support.scripts import MEETING, content_words, heard, sentences

pytestmark = pytest.mark.slow


def normalise(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]+", " ", text.lower()).strip()


def word_error_rate(hypothesis: str) -> float:
    return jiwer.wer(normalise(LONG_SCRIPT), normalise(hypothesis))


def assert_reaches_the_end(transcript: Transcript) -> None:
    assert transcript.duration > 60
    last = transcript.segments[-1]
    assert last.end >= transcript.duration - 8, "the transcript stops before the end of the recording"
    last_sentence = sentences(LONG_SCRIPT)[-1]
    tail = " ".join(s.text for s in transcript.segments[-2:])  # the sentence may be split over two segments
    assert heard(last_sentence, tail) >= 0.75, "the last sentence is not at the end"
    assert heard(content_words(last_sentence)[-1], last.text) == 1, "the last word is missing"
    starts = [s.start for s in transcript.segments]
    assert starts == sorted(starts)
    assert all(0 <= s.start <= s.end <= transcript.duration for s in transcript.segments)
    assert [s.id for s in transcript.segments] == list(range(len(transcript.segments)))


@pytest.fixture(scope="module")
def long_transcript(engine: TransformersEngine, long_speech_m4a: Path) -> Transcript:
    return engine.transcribe(long_speech_m4a)


def test_transcribes_the_whole_recording_not_just_the_first_30_seconds(long_transcript: Transcript):
    assert_reaches_the_end(long_transcript)
    assert word_error_rate(long_transcript.text) < 0.2
    assert long_transcript.engine == "transformers"
    assert long_transcript.model == "whisper-tiny.en"
    assert long_transcript.language == "en"


def test_segments_carry_sentence_level_timestamps(long_transcript: Transcript):
    # ~80 s of 20 sentences: sequential decoding yields many short segments, not one per 30 s chunk.
    assert len(long_transcript.segments) >= 10
    assert max(s.end - s.start for s in long_transcript.segments) < 15


def test_transcript_round_trips_through_the_shared_json(long_transcript: Transcript):
    assert Transcript.from_json(long_transcript.to_json()) == long_transcript


def test_progress_is_reported_per_window_up_to_the_end(
    engine: TransformersEngine, long_speech_m4a: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(engine, "window_s", 30.0)
    monkeypatch.setattr(engine, "num_beams", 1)  # windows and progress, not accuracy: greedy is enough
    done: list[float] = []

    transcript = engine.transcribe(long_speech_m4a, on_progress=done.append)

    assert len(done) >= 3
    assert done == sorted(done) and len(set(done)) == len(done)
    assert done[-1] == pytest.approx(transcript.duration, abs=0.01)
    assert_reaches_the_end(transcript)
    assert word_error_rate(transcript.text) < 0.25


def test_chunked_strategy_also_reaches_the_end(tiny_en_dir: Path, long_speech_m4a: Path):
    chunked = TransformersEngine(str(tiny_en_dir), strategy="chunked", chunk_length_s=30, batch_size=2)

    transcript = chunked.transcribe(long_speech_m4a)

    assert transcript.duration > 60
    assert heard(sentences(LONG_SCRIPT)[-1], transcript.text) >= 0.75
    assert word_error_rate(transcript.text) < 0.25


def test_english_only_checkpoint_makes_no_language_guess(engine: TransformersEngine):
    assert engine._is_multilingual() is False
    assert engine._generate_kwargs() == {"num_beams": 5}


@pytest.mark.parametrize(
    ("detected", "rejected"),
    [(("de", 0.93), True), (("en", 0.97), False), (("fr", 0.31), False)],
)
def test_non_english_audio_is_flagged_instead_of_transcribed(
    engine: TransformersEngine,
    short_speech_m4a: Path,
    monkeypatch: pytest.MonkeyPatch,
    detected: tuple[str, float],
    rejected: bool,
):
    monkeypatch.setattr(engine, "_is_multilingual", lambda: True)
    monkeypatch.setattr(engine, "detect_language", lambda audio: detected)
    monkeypatch.setattr(engine, "_generate_kwargs", lambda: {"num_beams": 1})

    if rejected:
        with pytest.raises(UnsupportedLanguageError, match=r"'de'.*English only") as info:
            engine.transcribe(short_speech_m4a)
        assert info.value.code == "UNSUPPORTED_LANGUAGE"
    else:
        assert engine.transcribe(short_speech_m4a).text


def test_invalid_long_form_settings_are_refused(tiny_en_dir: Path):
    with pytest.raises(ValueError, match="strategy"):
        TransformersEngine(str(tiny_en_dir), strategy="truncate")
    with pytest.raises(ValueError, match="30"):
        TransformersEngine(str(tiny_en_dir), chunk_length_s=45)


def test_language_detection_scores_language_tokens_on_real_weights(
    engine: TransformersEngine, long_speech_m4a: Path, monkeypatch: pytest.MonkeyPatch
):
    # The English-only vocabulary still holds the language tokens: give the generation config the
    # mapping a multilingual checkpoint carries, and the detector runs its real forward pass.
    tokenizer = engine._pipe.tokenizer
    lang_to_id = {f"<|{code}|>": tokenizer.convert_tokens_to_ids(f"<|{code}|>") for code in ("en", "de", "fr")}
    monkeypatch.setattr(engine._pipe.model.generation_config, "lang_to_id", lang_to_id, raising=False)

    language, probability = engine.detect_language(decode_audio(long_speech_m4a))

    assert language in {"en", "de", "fr"}
    assert 1 / 3 <= probability <= 1.0  # the winner of three
    assert engine.detect_language(np.zeros(5 * 16_000, dtype=np.float32)) is None  # silence: no guess


@pytest.fixture(scope="module")
def card_read_out(speech_dir: Path) -> tuple[Path, list[str], str]:
    """``(wav, sentences, what is said after the card number)``: the opening sentence, the card
    number read out digit by digit, and everything the script says after it."""
    from tests.support.speech import speak_to_wav

    spoken = sentences(MEETING.spoken.replace("\n\n", " "))
    card_value = next(value for kind, value in MEETING.secrets if kind == "CREDIT_CARD")
    card = next(i for i, sentence in enumerate(spoken) if card_value in sentence)
    after = " ".join(spoken[card + 1 :])
    assert after, "the script must say something after the card number"
    wav = speak_to_wav(f"{spoken[0]} {spoken[card]} {after}", speech_dir / "repetitive.wav")
    return wav, spoken, after


def test_a_repetition_loop_does_not_swallow_the_speech_after_it(engine: TransformersEngine, card_read_out):
    # Spelled-out digit runs send Whisper into "1-1-1-1-..." loops; without the temperature fallback
    # the loop runs to the token limit and the sentences after the card number are lost.
    audio, spoken, after = card_read_out

    transcript = engine.transcribe(audio)

    assert heard(after, transcript.text) >= 0.8
    # ... and where it was said: at the end, not squeezed into a loop's timestamps.
    assert transcript.segments[-1].end >= transcript.duration - 3
    tail = " ".join(s.text for s in transcript.segments[-2:])  # the sentence may be split in two
    assert heard(spoken[-1], tail) >= 0.75


def test_the_same_audio_gives_the_same_transcript(engine: TransformersEngine, card_read_out):
    # The digit run fails the checks at temperature 0, so the fallback samples; the seed makes it repeatable.
    audio, _, _ = card_read_out
    assert engine.transcribe(audio).segments == engine.transcribe(audio).segments


def test_the_chunked_path_cuts_a_digit_loop_out_and_keeps_the_speech_after_it(tiny_en_dir: Path, card_read_out):
    # tiny.en decodes this card number into "4-1-1-1-..." loops on every try, in the first pass
    # (inside a chunk of good text, where the compression ratio misses it) and clip by clip.
    audio, spoken, after = card_read_out
    chunked = TransformersEngine(str(tiny_en_dir), strategy="chunked", batch_size=2)

    transcript = chunked.transcribe(audio)

    assert not repetition_loops(transcript.text)
    assert heard(after, transcript.text) >= 0.8
    tail = " ".join(s.text for s in transcript.segments[-2:])
    assert heard(spoken[-1], tail) >= 0.75
    card = next(s for s in transcript.segments if "card" in s.text.lower())
    # what was not transcribed is said, and it lies between the card cue and the speech after it
    assert all(card.start <= w.start for w in transcript.warnings)
    assert transcript.covered_seconds <= transcript.speech_seconds


def test_a_decode_stops_once_its_tokens_loop() -> None:
    import torch

    stop = stop_at_loops()
    prompt = [50257, 50362, 314, 1101, 257]
    loop = [*prompt, 604, *([12, 16] * LOOP_REPEATS)]  # " 4" then "-" "1" over and over
    card = [*prompt, 604, *([12, 16] * 15), 13]  # a card number read out: fifteen ones, then "."
    batch = torch.tensor([loop, card[: len(loop)] + [13] * (len(loop) - len(card))])
    scores = torch.zeros(2, 10)
    assert stop(batch, scores).tolist() == [True, False]
    assert stop(torch.tensor([[*prompt, *([7] * (LOOP_REPEATS - 1))]]), scores).tolist() == [False]
    assert stop(torch.tensor([[*prompt, *([7, 8, 9] * LOOP_REPEATS)]]), scores).tolist() == [True]


def test_speech_the_first_pass_loses_is_decoded_again_clip_by_clip(
    engine: TransformersEngine, short_speech_m4a: Path, monkeypatch: pytest.MonkeyPatch
):
    # The shared decoding policy, here on the transformers engine: a first pass with no words over
    # speech is decoded again; if that gives nothing either, the transcript says so.
    from tests.integration.inference.conftest import SHORT_SCRIPT

    monkeypatch.setattr(engine, "_decode_window", lambda samples, speech: [])

    repaired = engine.transcribe(short_speech_m4a)

    assert heard(SHORT_SCRIPT, repaired.text) >= 0.9 and repaired.warnings == ()
    assert repaired.segments[0].words, "clips are decoded with word times"
    assert repaired.covered_seconds >= 0.95 * repaired.speech_seconds > 2

    monkeypatch.setattr(engine, "_decode_clips", lambda samples, clips: [])
    lost = engine.transcribe(short_speech_m4a)

    assert lost.segments == () and lost.covered_seconds == 0
    assert [w.code for w in lost.warnings] == ["SPEECH_NOT_TRANSCRIBED"]
    assert lost.warnings[0].end - lost.warnings[0].start == pytest.approx(lost.speech_seconds, abs=0.01)
