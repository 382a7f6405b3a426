"""Recall and precision on the labelled ASR-style corpus, against the product targets."""

from __future__ import annotations

import pytest

from postprocess.config import EnrichmentConfig
from tests.support.corpus_metrics import (
    EntityScore,
    evaluate,
    load_corpus,
    overall_precision,
    pii_predictor,
)

RECALL_TARGETS = {"EMAIL_ADDRESS": 0.95, "PHONE_NUMBER": 0.95, "CREDIT_CARD": 0.95, "US_SSN": 0.95, "PERSON": 0.9}
PRECISION_TARGET = 0.9
COVERAGE_TARGET = 0.95  # share of the expected characters hidden, for the recall-targeted types


@pytest.fixture(scope="module")
def scores(warm_pii: EnrichmentConfig) -> dict[str, EntityScore]:
    return evaluate(load_corpus(), pii_predictor())


def test_corpus_is_large_and_balanced() -> None:
    corpus = load_corpus()
    assert len(corpus) >= 300
    negatives = [s for s in corpus if not s.spans]
    assert len(negatives) >= 90
    kinds = [kind for s in corpus for kind, _, _ in s.spans]
    for kind in RECALL_TARGETS:
        assert kinds.count(kind) >= 30, kind


@pytest.mark.parametrize("entity", sorted(RECALL_TARGETS))
def test_recall_meets_target(scores: dict[str, EntityScore], entity: str) -> None:
    score = scores[entity]
    assert score.recall >= RECALL_TARGETS[entity], (entity, score.recall, score.missed)
    assert score.coverage >= COVERAGE_TARGET, (entity, score.coverage)


def test_overall_precision_meets_target(scores: dict[str, EntityScore]) -> None:
    wrong = {kind: s.wrong for kind, s in scores.items() if s.wrong}
    assert overall_precision(scores) >= PRECISION_TARGET, wrong


def test_hard_negatives_are_mostly_clean(scores: dict[str, EntityScore]) -> None:
    false_positives = sum(s.predicted - s.correct for s in scores.values())
    negatives = [s for s in load_corpus() if not s.spans]
    assert false_positives <= 0.05 * len(negatives)
