"""The speaker corpus's scripts: drawn by seed, ranges apart, voices told apart, channels balanced.
(The audio is made in tests/e2e and by bench/bench_diarization.py.)"""

from __future__ import annotations

import collections

import pytest

from tests.support import speaker_corpus as corpus

DEV = corpus.generated("dev", 300)
TEST = corpus.generated("test")


def test_a_seed_always_gives_the_same_recording() -> None:
    assert corpus.generate(17, "dev") == corpus.generate(17, "dev")
    assert corpus.generate(17, "dev") != corpus.generate(18, "dev")


def test_seeds_belong_to_one_range() -> None:
    assert not set(corpus.DEV_SEEDS) & set(corpus.TEST_SEEDS)
    with pytest.raises(ValueError, match="not in the test range"):
        corpus.generate(3, "test")


def test_the_development_range_never_hears_a_test_only_voice_or_an_odd_shift() -> None:
    dev_voices = [v for script in DEV for v in script.voices.values()]
    assert not {v.family for v in dev_voices} & set(corpus.TEST_ONLY_VARIANTS)
    assert not {v.base.split("+")[0] for v in dev_voices} & set(corpus.TEST_ONLY_ACCENTS)
    assert all(v.shift % 2 == 0 for v in dev_voices)
    test_voices = [v for script in TEST for v in script.voices.values()]
    assert {v.family for v in test_voices} & set(corpus.TEST_ONLY_VARIANTS)
    assert any(v.shift % 2 for v in test_voices)


def test_parties_on_one_base_voice_are_shifted_apart() -> None:
    pairs = 0
    for script in DEV + TEST:
        voices = list(script.voices.values())
        for i, a in enumerate(voices):
            for b in voices[i + 1 :]:
                if a.family == b.family:
                    pairs += 1
                    assert abs(a.shift - b.shift) >= corpus.MIN_SHIFT_APART, script.name
    assert pairs > 20  # the neural voice and a shifted copy of it is a common pair


def test_every_channel_has_its_share_and_both_engines_speak() -> None:
    channels = collections.Counter(script.channel for script in TEST)
    assert set(channels) == set(corpus.CHANNELS) and len(set(channels.values())) == 1
    engines = collections.Counter(v.engine for script in DEV for v in script.voices.values())
    assert engines["piper"] > 0.3 * sum(engines.values()) and engines["espeak"] > 0.3 * sum(engines.values())


def test_conversations_have_two_to_four_parties_and_some_recordings_one() -> None:
    parties = collections.Counter(len(script.parties) for script in DEV)
    assert set(parties) == {1, 2, 3, 4}
    assert 0.05 < parties[1] / len(DEV) < 0.2
    assert {script.shape for script in DEV} == {"single", "back-and-forth", "monologues", "mixed"}


def test_every_party_says_enough_to_be_a_speaker_and_no_one_speaks_twice_in_a_row_at_first() -> None:
    for script in DEV:
        for party in script.parties:
            said = sum(len(line.text) for line in script.lines if line.party == party)
            assert said >= corpus.MIN_PARTY_SECONDS * 15 * script.speed, script.name
        assert set(script.parties) == set(script.voices)


def test_the_fast_channel_is_fast_with_short_pauses() -> None:
    fast = [script for script in DEV if script.channel == "fast"]
    assert all(script.speed >= 1.4 for script in fast)
    assert all(line.pause_after <= 0.25 for script in fast for line in script.lines)
    assert all(0.9 <= script.speed <= 1.1 for script in DEV if script.channel != "fast")
