"""PII redaction on real recognition output, how it is labelled, and how the generated calls are made.

Two corpora: the scripted calls (``tests/data/pii_asr_corpus.txt``; the targets asserted are the
ones its tuned part meets, its other parts guarded against regressions) and the development range
of generated calls (``tests/data/pii_asr_dev.txt``; guarded against regressions). The figures
that count come from the test range, which ``python -m bench.bench_pii_asr`` builds and reports
(docs/benchmarks.md) and no test reads.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from postprocess.config import EnrichmentConfig
from postprocess.pii.core.quantities import luhn_valid
from postprocess.pii.core.spoken import normalize_spoken_numbers
from shared.config import OFFLINE_MODEL
from tests.support.asr_corpus import (
    DEV_CORPUS_PATH,
    LabelledSegment,
    label_transcript,
    load_asr_corpus,
    mark_segment,
    parse_segment,
    transcript_cache,
)
from tests.support.asr_metrics import Scores, evaluate, product_finder
from tests.support.pii_generator import (
    DEV_SEEDS,
    FIRST_NAMES,
    LAST_NAMES,
    TEST_ONLY_VOICES,
    TEST_SEEDS,
    Generated,
    Say,
    aba_routing,
    aba_valid,
    card_number,
    generate,
    generated,
    iban,
    iban_valid,
    number_words,
    year_words,
)
from tests.support.pii_scripts import SCRIPTS, VOICES
from tests.support.scripts import Script

SPOKEN_TYPES = (
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "BANK_ACCOUNT_NUMBER", "BANK_ROUTING",
    "PIN", "PASSWORD", "LOCATION", "PASSPORT_NUMBER", "DRIVER_ID", "LICENSE_PLATE", "UK_NINO", "POSTAL_CODE",
    "DATE_OF_BIRTH", "IP_ADDRESS", "IBAN_CODE", "SWIFT_CODE",
)  # fmt: skip


@pytest.fixture(scope="module")
def scores(warm_pii: EnrichmentConfig) -> dict[str, Scores]:
    recordings = load_asr_corpus()
    find = product_finder()
    splits = ("tuned", "held-out", "unseen")
    return {split: evaluate([r for r in recordings if r.split == split], find) for split in splits}


@pytest.fixture(scope="module")
def development(warm_pii: EnrichmentConfig) -> Scores:
    return evaluate(load_asr_corpus(DEV_CORPUS_PATH), product_finder())


def test_the_development_range_is_recognition_of_every_seed_in_many_voices() -> None:
    recordings, calls = load_asr_corpus(DEV_CORPUS_PATH), generated(DEV_SEEDS)
    assert [(r.script, r.voice) for r in recordings] == [(c.script.name, c.voice.name) for c in calls]
    assert {r.split for r in recordings} == {"dev"} and len({c.voice.voice for c in calls}) >= 10
    kinds = Counter(kind for r in recordings for s in r.segments for kind, _, _ in s.spans)
    for kind in SPOKEN_TYPES:
        assert kinds[kind] >= 10, kind
    assert sum(not r.has_pii for r in recordings) == len([s for s in DEV_SEEDS if s % 6 == 0])


def test_the_development_range_does_not_regress(development: Scores) -> None:
    assert development.long_leaks <= 4  # values read out so garbled that no run of 7 digits is left
    assert development.caught / development.expected >= 0.935
    assert development.precision >= 0.938
    assert development.over_redactions <= development.clean_recordings and development.most_over_redactions <= 2
    for kind, least in (
        ("CREDIT_CARD", 0.955),
        ("PHONE_NUMBER", 0.98),
        ("US_SSN", 0.935),
        ("PERSON", 0.925),
        ("EMAIL_ADDRESS", 0.935),
        ("LOCATION", 0.91),
        ("IP_ADDRESS", 0.94),
        ("USERNAME", 0.815),
        ("PASSWORD", 0.85),
        ("POSTAL_CODE", 0.83),
        ("SWIFT_CODE", 0.84),
        ("PIN", 0.895),
        ("DATE_OF_BIRTH", 0.93),
        ("LICENSE_PLATE", 0.90),
        ("UK_NINO", 0.92),
        ("BANK_ROUTING", 0.95),
        ("BANK_ACCOUNT_NUMBER", 0.965),
        ("ID_NUMBER", 0.93),
    ):
        assert development.by_type[kind].recall >= least, (kind, development.by_type[kind].leaks)


def test_the_corpus_is_real_recognition_of_many_voices_with_every_kind_of_pii() -> None:
    recordings = load_asr_corpus()
    assert len({r.voice for r in recordings}) >= 8
    assert any(v.noise for v in VOICES) and len({v.voice.split("+")[0] for v in VOICES}) >= 5
    assert {r.split for r in recordings} == {"tuned", "held-out", "unseen"}
    assert len(recordings) == len(SCRIPTS) * len(VOICES)
    kinds = Counter(kind for r in recordings for s in r.segments for kind, _, _ in s.spans)
    for kind in SPOKEN_TYPES:
        assert kinds[kind] >= 10, kind
    assert sum(not r.has_pii for r in recordings) >= 3 * len(VOICES) - 2


def test_the_tuned_part_meets_the_targets_it_was_tuned_to(scores: dict[str, Scores]) -> None:
    tuned = scores["tuned"]
    assert tuned.long_leaks == 0 and tuned.long_touched == 0
    assert tuned.precision >= 0.95
    assert tuned.over_redactions <= tuned.clean_recordings  # 0–1 per recording without PII
    assert tuned.caught / tuned.expected >= 0.96
    for kind in ("CREDIT_CARD", "PHONE_NUMBER", "US_SSN", "EMAIL_ADDRESS", "UK_NINO", "DATE_OF_BIRTH"):
        assert tuned.by_type[kind].recall >= 0.99, (kind, tuned.by_type[kind].leaks)


@pytest.mark.parametrize("split", ["held-out", "unseen"])
def test_recordings_not_tuned_on_do_not_regress(scores: dict[str, Scores], split: str) -> None:
    part = scores[split]
    assert part.long_leaks <= 1
    assert part.caught / part.expected >= 0.85
    assert part.precision >= 0.9
    assert part.most_over_redactions <= 4


def test_labels_round_trip_through_the_corpus_markup() -> None:
    line = "My name is [[PERSON:Margaret Thornton]], card [[CREDIT_CARD:4539, 1480]]."
    segment = parse_segment(line)
    assert segment.text == "My name is Margaret Thornton, card 4539, 1480."
    assert mark_segment(segment) == line


def test_spans_are_carried_onto_recognised_text_by_alignment() -> None:
    script = Script(
        "Thanks {PERSON:Daniel}. My name is {PERSON:Margaret Thornton}, the card is "
        "{CREDIT_CARD:four five three nine, one four eight zero}. Bye {PERSON:Callum}. "
        "This is {PERSON:Poppy}. {PERSON:Jerome} here."
    )
    heard = [
        "Thank you manual. My name is Margaret Thornton,",
        "the card is 4539148, 0, 1480. Bye Calum.",
        "This is Bobby. General here.",
    ]
    labelled = label_transcript(script, heard)
    assert [mark_segment(s) for s in labelled] == [
        # "manual" for "Daniel" is not the name any more: not labelled
        "Thank you manual. My name is [[PERSON:Margaret Thornton]],",
        # the repeated digits belong to the card; "Calum" is the name as it was heard
        "the card is [[CREDIT_CARD:4539148, 0, 1480]]. Bye [[PERSON:Calum]].",
        # a capitalised word in the name's place inside a sentence reads as a name; one that opens
        # a sentence is capitalised for that alone
        "This is [[PERSON:Bobby]]. General here.",
    ]
    assert all(isinstance(s, LabelledSegment) for s in labelled)


# -- the generated corpus ---------------------------------------------------------------------------
def _spoken_values(calls: list[Generated], kind: str) -> list[str]:
    return [value for call in calls for k, value in call.script.script.secrets if k == kind]


def _digits(spoken: str) -> str:
    return re.sub(r"\D", "", normalize_spoken_numbers(spoken).text)


def test_each_model_s_transcripts_are_kept_apart_next_to_the_recording(tmp_path: Path) -> None:
    wav = tmp_path / "gen-000001-en-us-150-0123456789abcdef.wav"
    default = wav.with_suffix(".segments.json")
    assert transcript_cache(wav) == transcript_cache(wav, OFFLINE_MODEL) == default  # the committed corpora's
    others = {transcript_cache(wav, m) for m in ("/models/whisper-base", "/other/whisper-base", "small.en")}
    assert len(others) == 3 and default not in others
    assert all(p.parent == tmp_path and p.name.startswith(wav.stem) for p in others)


def test_a_seed_always_gives_the_same_call_and_voice() -> None:
    assert generate(7) == generate(7)
    assert generate(7).script.script.marked != generate(8).script.script.marked


def test_the_development_and_test_ranges_never_meet() -> None:
    assert not set(DEV_SEEDS) & set(TEST_SEEDS)
    assert generate(TEST_SEEDS.start).split == "test" and generate(DEV_SEEDS.start).split == "dev"


def test_the_test_range_draws_voices_and_names_the_development_range_never_uses() -> None:
    dev, test = generated(DEV_SEEDS), generated(TEST_SEEDS)
    dev_voices = {c.voice.voice for c in dev}
    assert not dev_voices & set(TEST_ONLY_VOICES)
    assert {c.voice.voice for c in test} & set(TEST_ONLY_VOICES)
    held_back = {name for i, name in enumerate(FIRST_NAMES) if i % 3 == 2} - set(LAST_NAMES)
    dev_names = {word for value in _spoken_values(dev, "PERSON") for word in value.split()}
    test_names = {word for value in _spoken_values(test, "PERSON") for word in value.split()}
    assert not dev_names & held_back and test_names & held_back
    assert len(dev_voices) >= 10 and any(c.voice.noise for c in dev)
    assert {c.voice.words_per_minute for c in dev} <= set(range(130, 201))


def test_generated_card_numbers_are_luhn_valid_in_every_way_they_are_read() -> None:
    numbers = [_digits(v) for v in _spoken_values(generated(DEV_SEEDS), "CREDIT_CARD")]
    whole = [n for n in numbers if len(n) >= 13]
    assert len(whole) >= 30
    assert all(luhn_valid(n) for n in whole), [n for n in whole if not luhn_valid(n)]


def test_generated_bank_codes_carry_valid_check_digits() -> None:
    rng = random.Random(1)
    assert all(aba_valid(aba_routing(rng)) for _ in range(200))
    assert all(iban_valid(iban(rng)) for _ in range(200))
    assert iban_valid("GB82WEST12345698765432") and not iban_valid("GB83WEST12345698765432")
    assert aba_valid("021000021") and not aba_valid("021000022")
    brands = {card_number(rng)[0] for _ in range(300)}
    assert {"Visa", "Mastercard", "American Express"} <= brands


def test_numbers_are_said_as_people_say_them() -> None:
    assert number_words(212) == "two hundred twelve"
    assert number_words(1250, british=True) == "one thousand two hundred and fifty"
    assert year_words(1979) == "nineteen seventy nine" and year_words(2003) == "two thousand and three"
    assert Say("oh", doubles=True).digits("07700") == "oh double seven double oh"
    assert Say(pairs=True).group("4539") == "forty five thirty nine"
    assert _digits(Say(pairs=True).grouped("4539148034364712", (4, 4, 4, 4))) == "4539148034364712"


def test_scripts_without_pii_are_full_of_harmless_numbers() -> None:
    meetings = [c for c in generated(DEV_SEEDS) if not c.script.has_pii]
    assert len(meetings) >= 20
    for call in meetings:
        assert call.script.script.secrets == []
        assert len(re.findall(r"\b(?:one|two|three|four|five|six|seven|eight|nine)\b", call.script.script.spoken)) >= 8
