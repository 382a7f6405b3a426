"""Re-decoding of troubled stretches: which stretches, how they are cut, and that a runaway
decode no longer costs the speech after it (real tiny.en weights on espeak-ng speech)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.asr.engine import FasterWhisperEngine
from pipeline.asr.redecode import SAMPLE_RATE, Decoded, clips, redecode_troubled, troubled_stretches
from shared.config import OFFLINE_MODEL, Settings
from tests.support.scripts import heard, sentences
from tests.support.speech import speak_to_wav

# A read-out number with the same digit over and over (what sends decoding into a loop), then
# two sentences after a pause: the speech a runaway decode of the first part would swallow.
SCRIPT = (
    "Last week a customer read out the card number four one one one, one one one one, one one one one, "
    "one one one one. Please remember that support tickets must never contain private details."
    "\n\nThat is everything for today, and the final word of this meeting is lighthouse."
)


def seg(start: float, end: float, text: str = "words", temperature: float = 0.0) -> Decoded:
    return Decoded(start, end, text, temperature)


def test_a_first_pass_without_fallback_has_no_troubled_stretch() -> None:
    assert troubled_stretches([seg(0, 4), seg(4, 9)], duration=10) == []


def test_a_troubled_stretch_runs_to_where_decoding_at_temperature_0_resumes() -> None:
    segments = [seg(0, 4), seg(4, 20, "1.", 0.6), seg(20, 22, "1.", 0.6), seg(25, 30), seg(30, 31, "x", 1.0)]
    assert troubled_stretches(segments, duration=40) == [(4, 25), (30, 40)]


def test_a_troubled_stretch_never_reaches_past_the_recording() -> None:
    assert troubled_stretches([seg(50, 83.3, "1.", 0.8)], duration=78) == [(50, 78)]


def test_speech_pieces_too_short_to_decode_alone_join_their_neighbour() -> None:
    assert clips([(0, 0.4), (0.6, 5), (5.2, 9), (9.3, 9.8)]) == [(0, 5), (5.2, 9.8)]
    assert clips([(3, 3.5)]) == [(3, 3.5)]
    assert clips([]) == []


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> FasterWhisperEngine:
    return FasterWhisperEngine(OFFLINE_MODEL, settings=Settings(home=tmp_path_factory.mktemp("home")))


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory):
    from faster_whisper import decode_audio

    wav = speak_to_wav(SCRIPT, tmp_path_factory.mktemp("speech") / "card.wav")
    return wav, decode_audio(str(wav), sampling_rate=SAMPLE_RATE)


def test_a_runaway_decode_no_longer_swallows_the_speech_after_it(engine: FasterWhisperEngine, recording) -> None:
    # A first pass as sampled fallback decoding leaves it at its worst: after the opening words,
    # "1." segments to beyond the end of the recording, and the last two sentences gone.
    _, audio = recording
    duration = audio.shape[0] / SAMPLE_RATE
    runaway = [seg(0.0, 4.0, "Last week a customer read out the card number", 0.8)]
    runaway += [seg(t, t + 1.0, "1.", 0.8) for t in range(4, int(duration) + 5)]

    repaired = redecode_troubled(runaway, audio, duration, lambda pieces: engine._decode_clips(audio, pieces))

    text = " ".join(s.text for s in repaired)
    for sentence in sentences(SCRIPT.replace("\n\n", " "))[1:]:
        assert heard(sentence, text) >= 0.75, f"{sentence!r} is missing from {text!r}"
    assert sum(s.text == "1." for s in repaired) <= 1
    assert all(0 <= s.start <= s.end <= duration for s in repaired)
    assert [s.start for s in repaired] == sorted(s.start for s in repaired)


def test_segments_decoded_at_temperature_0_are_kept_as_they_are(engine: FasterWhisperEngine, recording) -> None:
    _, audio = recording
    duration = audio.shape[0] / SAMPLE_RATE
    good = [seg(0.0, 8.0, "kept as decoded"), seg(8.0, 30.0, "1. 1.", 0.6)]

    repaired = redecode_troubled(good, audio, duration, lambda pieces: engine._decode_clips(audio, pieces))

    assert repaired[0] == good[0]
    assert all(s.start >= 8.0 for s in repaired[1:]) and "1. 1." not in [s.text for s in repaired]


def test_the_same_recording_gives_the_same_transcript(engine: FasterWhisperEngine, recording) -> None:
    # The read-out number makes decoding fall back to sampling; the seed makes that repeatable.
    wav, _ = recording
    first, second = engine.transcribe(Path(wav)), engine.transcribe(Path(wav))
    assert first.segments == second.segments
    assert heard(sentences(SCRIPT)[-1], first.segments[-1].text) >= 0.75
