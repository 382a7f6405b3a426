"""The vocabulary on the real engine (Whisper tiny.en, espeak-ng speech): it reaches the decoder as
its prompt and makes it write terms it does not know; a vocabulary longer than the prompt holds is
cut to whole terms and logged without them; a long prompt still leaves a 30 s chunk its tokens."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from pipeline.asr.inference.engine import MAX_PROMPT_TOKENS, VOCABULARY_OPTION, WhisperEngine
from shared.corrections import Correction
from shared.engine_settings import EngineSettings
from shared.vocabulary import vocabulary_to_env
from tests.support.scripts import normalise_words
from tests.support.speech import speak_to_wav

SENTENCE = "Nakamura asked whether Okta can sign us in to Datadog as well."
TERMS = ("Nakamura", "Okta", "Datadog")


@pytest.fixture(scope="module")
def sentence_wav(speech_dir: Path) -> Path:
    return speak_to_wav(SENTENCE, speech_dir / "terms.wav")


def heard_terms(text: str) -> set[str]:
    words = normalise_words(text)
    return {term for term in TERMS if term.lower() in words}


def test_the_vocabulary_reaches_the_decoder_and_changes_what_it_writes(
    tiny_en_dir: Path, sentence_wav: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = WhisperEngine(str(tiny_en_dir), settings=EngineSettings())
    with_terms = WhisperEngine(str(tiny_en_dir), settings=EngineSettings(vocabulary=TERMS))
    calls: list[dict[str, Any]] = []
    decode = with_terms._batched.transcribe

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return decode(*args, **kwargs)

    monkeypatch.setattr(with_terms._batched, "transcribe", spy)

    without = plain.transcribe(sentence_wav).text
    with_vocabulary = with_terms.transcribe(sentence_wav).text

    assert calls and all(call[VOCABULARY_OPTION] == " Nakamura, Okta, Datadog" for call in calls)
    assert len(heard_terms(without)) <= 1, "the model alone does not know these terms"
    assert heard_terms(with_vocabulary) == set(TERMS)


def test_the_corrections_rewrite_what_the_engine_returns(tiny_en_dir: Path, sentence_wav: Path) -> None:
    rules = (Correction(("sign", "us", "in"), "log us in"), Correction(("asked",), "ASKED"))
    engine = WhisperEngine(str(tiny_en_dir), settings=EngineSettings(vocabulary=TERMS, corrections=rules))

    transcript = engine.transcribe(sentence_wav)

    assert "ASKED whether" in transcript.text and "log us in" in transcript.text and "sign" not in transcript.text
    words = [w.text.strip() for s in transcript.segments for w in s.words]
    assert words[words.index("log") : words.index("log") + 3] == ["log", "us", "in"]


def test_a_vocabulary_longer_than_the_prompt_keeps_whole_terms_and_logs_no_term(
    tiny_en_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    terms = tuple(f"Zyxqorp{i} Vantablix" for i in range(40))  # ~10 tokens a term
    with caplog.at_level(logging.INFO, logger="clearscribe.engine"):
        engine = WhisperEngine(str(tiny_en_dir), settings=EngineSettings(vocabulary=terms))

    assert engine.prompt is not None and 0 < engine.prompt_tokens <= MAX_PROMPT_TOKENS
    kept = engine.prompt.split(", ")
    assert kept == list(terms[: len(kept)]) and len(kept) < len(terms)
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert (warning.terms, warning.terms_used) == (len(terms), len(kept))  # type: ignore[attr-defined]
    assert "Zyxqorp" not in caplog.text


def test_a_full_prompt_leaves_thirty_second_chunks_their_tokens(tiny_en_dir: Path, long_speech_wav: Path) -> None:
    """80 s of speech in chunks of up to 30 s, each allowed 316 new tokens by the decoding policy: with a
    prompt of ~220 tokens the decoder's 448 would be exceeded unless the engine makes room."""
    terms = tuple(f"Zyxqorp{i} Vantablix" for i in range(40))
    engine = WhisperEngine(str(tiny_en_dir), settings=EngineSettings(vocabulary=terms))
    assert engine.prompt_tokens > MAX_PROMPT_TOKENS - 15

    transcript = engine.transcribe(long_speech_wav)

    assert "yellow submarine" in transcript.text.lower(), "the last sentence is still decoded"
    assert "Zyxqorp" not in transcript.text


def test_the_endpoint_reads_both_from_its_environment(
    tiny_en_dir: Path, sentence_wav: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the model stack sets on the SageMaker model reaches the endpoint's engine and its output."""
    from pipeline.asr.inference.serving import input_fn, model_fn, output_fn, predict_fn
    from shared.transcript_json import parse_transcript_json

    monkeypatch.setenv("CLEARSCRIBE_VOCABULARY", vocabulary_to_env(TERMS))
    monkeypatch.setenv("CLEARSCRIBE_CORRECTIONS", "datadog => Datadog APM; sign us in => log us in")

    model = model_fn(str(tiny_en_dir))
    request = input_fn(sentence_wav.read_bytes(), "audio/wav")
    transcript = parse_transcript_json(output_fn(predict_fn(request, model), "application/json"), where="output")

    assert model.engine.prompt == "Nakamura, Okta, Datadog"
    assert "Datadog APM" in transcript.text and "log us in" in transcript.text
    assert heard_terms(transcript.text) == set(TERMS)
