"""Recall and precision of the PII enricher on the labelled corpus ``tests/data/pii_corpus.txt``.

Each line is one ASR-style sentence; ``[[TYPE:text]]`` marks an expected span. A prediction is
correct when it overlaps an expected span of the same type. Character coverage says how much of
the expected characters the same-type predictions hide (what a leak would lower).

Run ``python -m tests.support.corpus_metrics`` to print the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.asr_corpus import LabelledSegment, parse_segment

CORPUS_PATH = Path(__file__).resolve().parents[1] / "data" / "pii_corpus.txt"
# One sentence and its expected spans, marked up as in the recognised-speech corpus.
LabelledSentence = LabelledSegment


@dataclass
class EntityScore:
    expected: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0
    chars: int = 0
    covered: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def coverage(self) -> float:
        return self.covered / self.chars if self.chars else 1.0


def load_corpus(path: Path = CORPUS_PATH) -> list[LabelledSentence]:
    lines = path.read_text("utf-8").splitlines()
    return [parse_segment(ln) for ln in lines if ln.strip() and not ln.startswith("#")]


Predictor = Callable[[str], Iterable[tuple[str, int, int]]]


def evaluate(corpus: list[LabelledSentence], predict: Predictor) -> dict[str, EntityScore]:
    """Per-entity scores of ``predict`` (text -> (type, start, end) spans) on ``corpus``."""
    scores: dict[str, EntityScore] = {}
    for sentence in corpus:
        predicted = list(predict(sentence.text))
        for kind, start, end in sentence.spans:
            score = scores.setdefault(kind, EntityScore())
            score.expected += 1
            same = [(s, e) for k, s, e in predicted if k == kind and s < end and e > start]
            score.found += bool(same)
            if not same:
                score.missed.append(sentence.text)
            wanted = [i for i in range(start, end) if not sentence.text[i].isspace()]
            score.chars += len(wanted)
            score.covered += sum(any(s <= i < e for s, e in same) for i in wanted)
        for kind, start, end in predicted:
            score = scores.setdefault(kind, EntityScore())
            score.predicted += 1
            hit = any(k == kind and s < end and e > start for k, s, e in sentence.spans)
            score.correct += hit
            if not hit:
                score.wrong.append(sentence.text)
    return scores


def overall_precision(scores: dict[str, EntityScore]) -> float:
    predicted = sum(s.predicted for s in scores.values())
    return sum(s.correct for s in scores.values()) / predicted if predicted else 1.0


def metrics_table(scores: dict[str, EntityScore]) -> str:
    """A Markdown table of per-entity recall, precision and coverage."""
    rows = ["| entity | expected | recall | predicted | precision | char coverage |", "|---|---:|---:|---:|---:|---:|"]
    for kind in sorted(scores):
        s = scores[kind]
        rows.append(
            f"| {kind} | {s.expected} | {s.recall:.3f} | {s.predicted} | {s.precision:.3f} | {s.coverage:.3f} |"
        )
    rows.append(f"| **overall precision** | | | | {overall_precision(scores):.3f} | |")
    return "\n".join(rows)


def pii_predictor() -> Predictor:
    from postprocess.pii import find_pii_in_text

    return lambda text: [(p.type, p.start, p.end) for p in find_pii_in_text(text)]


if __name__ == "__main__":
    import sys

    results = evaluate(load_corpus(), pii_predictor())
    print(metrics_table(results))
    if "-v" in sys.argv:
        for kind, s in sorted(results.items()):
            for text in s.missed:
                print("MISSED", kind, "|", text)
            for text in s.wrong:
                print("WRONG ", kind, "|", text)
