"""The one speech engine (faster-whisper) on real Whisper weights and real speech: whole recordings,
both strategies, loops, the language guard, and a device that cannot be had."""

from __future__ import annotations

import re
from pathlib import Path

import jiwer
import pytest

from pipeline.asr.inference.engine import WhisperEngine
from pipeline.asr.inference.loops import repetition_loops
from shared.config import OFFLINE_BASE, OFFLINE_MODEL
from shared.engine_settings import EngineSettings
from shared.errors import ModelUnavailableError, UnsupportedLanguageError
from shared.models import Transcript
from shared.transcript_json import parse_transcript_json
from tests.integration.inference.conftest import LONG_SCRIPT, SHORT_SCRIPT
from tests.support.scripts import MEETING, content_words, heard, sentences
from tests.support.speech import speak_to_wav

pytestmark = pytest.mark.slow

#: The same sentences in three other languages (espeak-ng's own voices for each).
FOREIGN = {
    "fr": "Bonjour à tous, merci d'être venus à cette réunion. Nous allons parler du budget de l'année "
    "prochaine et des nouveaux projets de l'équipe. La prochaine réunion aura lieu mardi.",
    "de": "Guten Morgen zusammen, vielen Dank, dass Sie zu diesem Treffen gekommen sind. Wir sprechen heute "
    "über das Budget für das nächste Jahr und die neuen Projekte. Das nächste Treffen ist am Dienstag.",
    "es": "Buenos días a todos, gracias por venir a esta reunión. Hoy vamos a hablar del presupuesto del "
    "próximo año y de los nuevos proyectos del equipo. La próxima reunión es el martes.",
}


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


@pytest.mark.parametrize("strategy", ["chunked", "sequential"])
def test_the_whole_recording_is_transcribed_not_just_the_first_30_seconds(
    tiny_en_dir: Path, long_speech_m4a: Path, strategy: str
) -> None:
    engine = WhisperEngine(str(tiny_en_dir), settings=EngineSettings(strategy=strategy), model_name=OFFLINE_MODEL)

    transcript = engine.transcribe(long_speech_m4a)

    assert_reaches_the_end(transcript)
    assert word_error_rate(transcript.text) < 0.2
    assert (transcript.engine, transcript.model, transcript.language) == ("faster-whisper", OFFLINE_MODEL, "en")
    assert len(transcript.segments) >= 10, "sentences, not one segment per 30 s chunk"
    assert parse_transcript_json(transcript.to_json(), where="transcript.json") == transcript


def test_progress_is_reported_per_window_up_to_the_end(
    engine: WhisperEngine, long_speech_m4a: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pipeline.asr.inference.engine.WINDOW_SECONDS", 30.0)
    done: list[float] = []

    transcript = engine.transcribe(long_speech_m4a, on_progress=done.append)

    assert len(done) >= 3
    assert done == sorted(done) and len(set(done)) == len(done)
    assert done[-1] == pytest.approx(transcript.duration, abs=0.01)
    assert_reaches_the_end(transcript)


@pytest.fixture(scope="module")
def card_read_out(speech_dir: Path) -> tuple[Path, list[str], str]:
    """``(wav, sentences, what is said after the card number)``: the opening sentence, the card
    number read out digit by digit, and everything the script says after it."""
    spoken = sentences(MEETING.spoken.replace("\n\n", " "))
    card_value = next(value for kind, value in MEETING.secrets if kind == "CREDIT_CARD")
    card = next(i for i, sentence in enumerate(spoken) if card_value in sentence)
    after = " ".join(spoken[card + 1 :])
    assert after, "the script must say something after the card number"
    wav = speak_to_wav(f"{spoken[0]} {spoken[card]} {after}", speech_dir / "repetitive.wav")
    return wav, spoken, after


@pytest.mark.parametrize("batch_size", [1, 4])
def test_a_digit_read_out_never_swallows_the_speech_after_it(
    tiny_en_dir: Path, card_read_out: tuple[Path, list[str], str], batch_size: int
) -> None:
    audio, spoken, after = card_read_out
    engine = WhisperEngine(str(tiny_en_dir), settings=EngineSettings(batch_size=batch_size))

    transcript = engine.transcribe(audio)

    assert not repetition_loops(transcript.text)
    assert heard(after, transcript.text) >= 0.8
    tail = " ".join(s.text for s in transcript.segments[-2:])
    assert heard(spoken[-1], tail) >= 0.75
    assert transcript.covered_seconds <= transcript.speech_seconds


# -- the language guard ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def foreign_speech(speech_dir: Path) -> dict[str, Path]:
    return {lang: speak_to_wav(text, speech_dir / f"{lang}.wav", voice=lang) for lang, text in FOREIGN.items()}


@pytest.mark.parametrize("language", sorted(FOREIGN))
def test_speech_clearly_in_another_language_fails_instead_of_being_transcribed(
    multilingual_engine: WhisperEngine, foreign_speech: dict[str, Path], language: str
) -> None:
    with pytest.raises(UnsupportedLanguageError, match=rf"'{language}'.*English only") as info:
        multilingual_engine.transcribe(foreign_speech[language])

    assert info.value.code == "UNSUPPORTED_LANGUAGE"


@pytest.mark.parametrize("voice", ["en-us", "en+f3", "en-gb-x-rp"])
def test_english_passes_the_guard_in_every_voice(
    multilingual_engine: WhisperEngine, speech_dir: Path, voice: str
) -> None:
    wav = speak_to_wav(SHORT_SCRIPT + " " + sentences(LONG_SCRIPT)[1], speech_dir / f"english-{voice}.wav", voice=voice)

    detected = multilingual_engine.detect_language(engine_audio(wav))
    transcript = multilingual_engine.transcribe(wav)

    assert detected is not None and detected[0] == "en" and detected[1] == detected[2] > 0.5
    assert heard(SHORT_SCRIPT, transcript.text) >= 0.8
    assert transcript.model == OFFLINE_BASE


def engine_audio(wav: Path):  # type: ignore[no-untyped-def]
    from pipeline.asr.inference.audio import decode_to_wav, read_wav

    engine_wav = wav.with_suffix(".16k.wav")
    decode_to_wav(wav, engine_wav)
    return read_wav(engine_wav)


def test_an_english_only_model_cannot_guess_and_does_not(engine: WhisperEngine, foreign_speech: dict[str, Path]):
    assert engine.detects_language is False
    assert engine.detect_language(engine_audio(foreign_speech["de"])) is None
    assert engine.transcribe(foreign_speech["de"]).segments  # transcribed, as English words


def test_silence_makes_no_language_guess(multilingual_engine: WhisperEngine) -> None:
    import numpy as np

    assert multilingual_engine.detect_language(np.zeros(5 * 16_000, dtype=np.float32)) is None


# -- settings and devices ---------------------------------------------------------------------------------
def test_cuda_that_cannot_be_had_is_a_clear_error_not_the_cpu(tiny_en_dir: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="CUDA"):
        WhisperEngine(str(tiny_en_dir), settings=EngineSettings(device="cuda"))
