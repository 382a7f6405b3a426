"""How well PII redaction holds on recognised speech: ``tests/data/pii_asr_corpus.txt``.

Every recording of the corpus is one transcript (its segments in order); ``find_pii`` runs on
the whole of it, as in the product. For every labelled value:

- **caught**: none of its identifying pieces (digits, spelled letters, words of three or more
  letters other than "dot", "at", "com"…) is left visible — the recall reported;
- **found**: some redaction overlaps it;
- **typed**: a redaction of its own type overlaps it.

Precision is the share of redactions that overlap a labelled value; on the recordings without PII
every redaction is an over-redaction. A value of 7 or more digits with four or more of its digits
left visible is a leak of the kind the product must never have (how many show any digit at all is
reported too).

    python -m tests.support.asr_metrics [-v] [--split tuned|held-out|unseen|dev] [CORPUS]

(``tests/data/pii_asr_dev.txt`` is the development range of generated calls; the test range is
never written out: ``python -m bench.bench_pii_asr`` reports its totals.)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.asr_corpus import CORPUS_PATH, Recording, load_asr_corpus, units

# Pieces of a value that identify nothing on their own (words that join its characters or
# announce them: "plus 4 4 …", "9, 1, number 8, 1, …", "double" left over from "double oh").
CONNECTORS = frozenset(
    {"dot", "not", "at", "and", "the", "of", "underscore", "dash", "hyphen", "slash", "point", "is", "to", "com",
     "net", "org", "co", "uk", "it", "its", "my", "or", "plus", "number", "double", "triple"}
)  # fmt: skip
LONG_DIGITS = 7
LEAKED_DIGITS = 4

# (segment index, start, end, type) of a redaction in one recording.
Redaction = tuple[int, int, int, str]
Finder = Callable[[Recording], Sequence[Redaction]]


@dataclass
class TypeScore:
    expected: int = 0
    caught: int = 0
    found: int = 0
    typed: int = 0
    leaks: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.caught / self.expected if self.expected else 1.0


@dataclass
class Scores:
    by_type: dict[str, TypeScore] = field(default_factory=dict)
    predicted: int = 0
    correct: int = 0
    over_redactions: int = 0  # redactions on recordings without PII
    clean_recordings: int = 0
    most_over_redactions: int = 0  # on any one recording without PII
    long_leaks: int = 0  # values of 7+ digits with a group's worth (4) of their digits visible
    long_touched: int = 0  # values of 7+ digits with any digit visible
    long_values: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def expected(self) -> int:
        return sum(s.expected for s in self.by_type.values())

    @property
    def caught(self) -> int:
        return sum(s.caught for s in self.by_type.values())


def identifying_units(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of the pieces of a labelled value that identify something."""
    return [
        (u.start, u.end)
        for u in units(text)
        if u.key not in CONNECTORS and (u.key.isdigit() or len(u.key) == 1 or len(u.key) >= 3)
    ]


def product_finder(policy: str = "standard") -> Finder:
    """``find_pii`` over a recording's segments, as the product runs it (with the given PII policy)."""
    from postprocess.config import EnrichmentConfig
    from postprocess.pii import find_pii
    from shared.models import Segment, Transcript

    config = EnrichmentConfig(pii_policy=policy)  # type: ignore[arg-type]

    def find(recording: Recording) -> list[Redaction]:
        segments = tuple(
            Segment(id=i, start=float(i), end=float(i + 1), text=s.text) for i, s in enumerate(recording.segments)
        )
        transcript = Transcript(language="en", duration=float(len(segments)), segments=segments, model="tiny.en")
        return [(s.segment, s.start, s.end, s.type) for s in find_pii(transcript, config).spans]

    return find


def evaluate(recordings: Iterable[Recording], find: Finder) -> Scores:
    scores = Scores()
    for recording in recordings:
        redactions = list(find(recording))
        if not recording.has_pii:
            scores.clean_recordings += 1
            scores.over_redactions += len(redactions)
            scores.most_over_redactions = max(scores.most_over_redactions, len(redactions))
        for index, segment in enumerate(recording.segments):
            mine = [(s, e, t) for i, s, e, t in redactions if i == index]
            for kind, start, end in segment.spans:
                score = scores.by_type.setdefault(kind, TypeScore())
                score.expected += 1
                value = segment.text[start:end]
                pieces = [(start + s, start + e) for s, e in identifying_units(value)]
                visible = [(s, e) for s, e in pieces if not any(rs <= s and e <= re_ for rs, re_, _ in mine)]
                overlapping = [t for rs, re_, t in mine if rs < end and re_ > start]
                score.caught += not visible
                score.found += bool(overlapping)
                score.typed += kind in overlapping
                if visible:
                    shown = " ".join(segment.text[s:e] for s, e in visible)
                    score.leaks.append(f"{recording.name}: {segment.text[start:end]!r} shows {shown!r}")
                if len(re.sub(r"\D", "", value)) >= LONG_DIGITS:
                    shown_digits = sum(segment.text[s:e].isdigit() for s, e in visible)
                    scores.long_values += 1
                    scores.long_touched += shown_digits > 0
                    scores.long_leaks += shown_digits >= LEAKED_DIGITS
            for rs, re_, kind in mine:
                scores.predicted += 1
                hit = any(s < re_ and e > rs for _, s, e in segment.spans)
                scores.correct += hit
                if not hit:
                    scores.wrong.append(f"{recording.name}: {kind} {segment.text[rs:re_]!r} in {segment.text!r}")
    return scores


def table(scores: Scores) -> str:
    """A Markdown table of recall per type, then precision and over-redaction."""
    rows = ["| type | values | recall (caught) | found | typed as labelled |", "|---|---:|---:|---:|---:|"]
    for kind in sorted(scores.by_type):
        s = scores.by_type[kind]
        rows.append(f"| {kind} | {s.expected} | {s.recall:.3f} | {s.found} | {s.typed} |")
    rows.append(f"| **all** | {scores.expected} | {scores.caught / max(scores.expected, 1):.3f} | | |")
    rows += [
        "",
        f"Precision {scores.precision:.3f} ({scores.correct} of {scores.predicted} redactions on labelled values); "
        f"over-redactions on the {scores.clean_recordings} recordings without PII: {scores.over_redactions} "
        f"(at most {scores.most_over_redactions} on one); "
        f"values of {LONG_DIGITS}+ digits leaked ({LEAKED_DIGITS} or more of their digits visible): "
        f"{scores.long_leaks} of {scores.long_values} (any digit visible: {scores.long_touched}).",
    ]
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=CORPUS_PATH)
    parser.add_argument("-v", "--verbose", action="store_true", help="list leaks and wrong redactions")
    parser.add_argument(
        "--split", choices=("tuned", "held-out", "unseen", "dev"), action="append", help="only this part"
    )
    args = parser.parse_args(argv)
    recordings = load_asr_corpus(args.corpus)
    find = product_finder()
    for split in args.split or list(dict.fromkeys(r.split for r in recordings)):
        part = [r for r in recordings if r.split == split]
        scores = evaluate(part, find)
        print(f"\n### {split} ({len(part)} recordings)\n")
        print(table(scores))
        if args.verbose:
            for kind, s in sorted(scores.by_type.items()):
                for leak in s.leaks:
                    print("LEAK ", kind, "|", leak)
            for wrong in scores.wrong:
                print("WRONG", wrong)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
