"""PII redaction on real recognition output (``tests/data/pii_asr_corpus.txt``), and how it is labelled.

The targets asserted here are the ones the tuned part meets; the held-out and unseen parts are
reported by ``python -m bench.bench_pii_asr`` (docs/benchmarks.md) and guarded against
regressions only.
"""

from __future__ import annotations

from collections import Counter

import pytest

from postprocess.config import EnrichmentConfig
from tests.support.asr_corpus import LabelledSegment, label_transcript, load_asr_corpus, mark_segment, parse_segment
from tests.support.pii_scripts import SCRIPTS, VOICES
from tests.support.scripts import Script
from tests.unit.postprocess.asr_metrics import Scores, evaluate, product_finder

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
    assert tuned.caught / tuned.expected >= 0.93
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
        "{CREDIT_CARD:four five three nine, one four eight zero}. Bye {PERSON:Callum}."
    )
    heard = [
        "Thank you manual. My name is Margaret Thornton,",
        "the card is 4539148, 0, 1480. Bye Calum.",
    ]
    labelled = label_transcript(script, heard)
    assert [mark_segment(s) for s in labelled] == [
        # "manual" for "Daniel" is not the name any more: not labelled
        "Thank you manual. My name is [[PERSON:Margaret Thornton]],",
        # the repeated digits belong to the card; "Calum" is the name as it was heard
        "the card is [[CREDIT_CARD:4539148, 0, 1480]]. Bye [[PERSON:Calum]].",
    ]
    assert all(isinstance(s, LabelledSegment) for s in labelled)
