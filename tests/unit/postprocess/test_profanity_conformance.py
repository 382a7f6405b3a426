"""better_profanity itself and ``postprocess.profanity`` must censor every text identically."""

from __future__ import annotations

import itertools
import random
import time
from pathlib import Path

import pytest
from better_profanity import Profanity

from postprocess.profanity import ProfanityCensor, apply_censor, default_wordlist

CORPUS = Path(__file__).resolve().parents[2] / "data" / "profanity_corpus.txt"


def corpus_lines() -> list[str]:
    text = CORPUS.read_text("utf-8")
    return [line for line in text.split("\n") if line and not line.startswith("#")]


@pytest.fixture(scope="module")
def reference() -> Profanity:
    return Profanity()


@pytest.fixture(scope="module")
def censor() -> ProfanityCensor:
    return ProfanityCensor()


def fuzz_texts(count: int, seed: int) -> list[str]:
    """Texts mixing listed words, leetspeak variants, ordinary words and odd separators."""
    rng = random.Random(seed)
    listed = sorted(default_wordlist())
    leet = str.maketrans({"a": "@", "i": "1", "o": "0", "e": "3", "s": "$", "t": "7"})
    ordinary = ["hello", "class", "assess", "Scunthorpe", "shell", "I", "a", "the", "'quoted'", "naïve", "42"]
    separators = [" ", "  ", ", ", ".", "-", "_", "!", "?", " '", '" ', "\t", "/", "…", "*"]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 7)):
            word = rng.choice(listed) if rng.random() < 0.4 else rng.choice(ordinary)
            if rng.random() < 0.3:
                word = word.translate(leet)
            if rng.random() < 0.2:
                word = word.upper()
            parts.append(word)
            parts.append(rng.choice(separators))
        texts.append("".join(parts[:-1]) if rng.random() < 0.5 else "".join(parts))
    return texts


def test_corpus_is_censored_exactly_like_better_profanity(reference: Profanity, censor: ProfanityCensor) -> None:
    lines = corpus_lines()
    assert len(lines) >= 100
    expected = [reference.censor(ln) for ln in lines]
    assert [censor.censor(ln) for ln in lines] == expected
    assert sum(out != ln for out, ln in zip(expected, lines, strict=True)) >= 50  # it exercises censoring


def test_random_texts_are_censored_exactly_like_better_profanity(reference: Profanity, censor: ProfanityCensor) -> None:
    texts = fuzz_texts(300, seed=20240)
    assert [censor.censor(t) for t in texts] == [reference.censor(t) for t in texts]


def test_allow_and_deny_lists_match_better_profanity_whitelist_and_added_words() -> None:
    reference = Profanity()
    reference.load_censor_words(whitelist_words=["damn", "hell"])
    reference.add_censor_words(["frak", "smeg"])
    censor = ProfanityCensor(allow=["Damn", "hell"], deny=["FRAK", "smeg"])
    texts = [*corpus_lines(), "frak this smeg", "Fr@k it", "damn hell shit", "sm3g"]
    assert [censor.censor(t) for t in texts] == [reference.censor(t) for t in texts]


def test_spans_rebuild_the_censored_text(censor: ProfanityCensor, reference: Profanity) -> None:
    for line in corpus_lines():
        spans = censor.spans(line)
        assert all(0 <= s < e <= len(line) for s, e in spans)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
        assert apply_censor(line, spans) == reference.censor(line)


def test_is_many_times_faster_than_better_profanity(reference: Profanity, censor: ProfanityCensor) -> None:
    text = " ".join(fuzz_texts(60, seed=7))
    started = time.perf_counter()
    expected = reference.censor(text)
    reference_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ours = censor.censor(text)
    our_seconds = time.perf_counter() - started
    assert ours == expected
    assert our_seconds * 10 < reference_seconds  # the benchmark measures the real ratio (≥ 20×)
