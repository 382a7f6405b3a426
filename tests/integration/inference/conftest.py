"""Fixtures for the inference tests: real Whisper weights (tiny.en, and multilingual base for the
language guard), real speech.

The speech is synthesised with espeak-ng and encoded as MediaConvert produces it for the
endpoint: mono 16 kHz AAC in an M4A container.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.asr.offline_models import offline_model_dir
from shared.config import OFFLINE_BASE, OFFLINE_MODEL
from tests.support.speech import encode_like_mediaconvert, speak_to_wav

#: About 80 s of speech: the last sentence is far beyond the first 30 s window.
LONG_SCRIPT = (
    "Welcome to the quarterly planning meeting. First we review the budget for the coming year. "
    "The marketing team asked for more time to finish the campaign. Sales grew in every region except "
    "the north. We will hire two engineers for the data platform. The office move is planned for the "
    "spring. Please send your travel requests before the end of the month. Customer support answered "
    "most tickets within one day. The new website launches next week. Security training is mandatory "
    "for everyone. We discussed the roadmap for the mobile application. Testing will start in early "
    "March. The finance team will publish the report on Friday. Our partners in Canada signed the new "
    "contract. Thank you all for joining today. The next meeting is on the second Tuesday of April. "
    "Remember to update your project status every Monday. Questions can go to the operations channel. "
    "The design review moves to Thursday afternoon. Finally, the yellow submarine leaves at midnight."
)
SHORT_SCRIPT = "The weather is nice today and the sun is shining."


@pytest.fixture(scope="session")
def tiny_en_dir() -> Path:
    return offline_model_dir(OFFLINE_MODEL)


@pytest.fixture(scope="session")
def base_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Whisper base (multilingual), joined once into the pytest cache."""
    cache_plugin = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    cache = Path(cache_plugin.mkdir("whisper-models")) if cache_plugin else tmp_path_factory.mktemp("models")
    return offline_model_dir(OFFLINE_BASE, cache)


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def long_speech_wav(speech_dir: Path) -> Path:
    return speak_to_wav(LONG_SCRIPT, speech_dir / "long.wav")


@pytest.fixture(scope="session")
def long_speech_m4a(long_speech_wav: Path, speech_dir: Path) -> Path:
    return encode_like_mediaconvert(long_speech_wav, speech_dir / "long.m4a")


@pytest.fixture(scope="session")
def short_speech_m4a(speech_dir: Path) -> Path:
    wav = speak_to_wav(SHORT_SCRIPT, speech_dir / "short.wav")
    return encode_like_mediaconvert(wav, speech_dir / "short.m4a")


@pytest.fixture(scope="session")
def engine(tiny_en_dir: Path):
    from pipeline.asr.inference.engine import WhisperEngine

    return WhisperEngine(str(tiny_en_dir), model_name=OFFLINE_MODEL)


@pytest.fixture(scope="session")
def multilingual_engine(base_dir: Path):
    from pipeline.asr.inference.engine import WhisperEngine

    return WhisperEngine(str(base_dir), model_name=OFFLINE_BASE)
