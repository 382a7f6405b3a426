"""PII redaction on recognised speech: recall per type, precision and over-redaction, by part.

Runs ``find_pii`` (the default configuration) over every recording of the recognised-speech corpus
``tests/data/pii_asr_corpus.txt`` (espeak-ng voices reading ``tests/support/pii_scripts.py``,
transcribed by offline-tiny.en; rebuild it with ``python -m tests.support.asr_corpus``) and reports
the tuned, held-out and unseen parts side by side (``tests.unit.postprocess.asr_metrics`` says how
each figure is counted).

    python -m bench.bench_pii_asr [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.report import replace_section
from tests.support.asr_corpus import CORPUS_PATH, load_asr_corpus
from tests.unit.postprocess.asr_metrics import LEAKED_DIGITS, LONG_DIGITS, Scores, evaluate, product_finder

HEADING = "## PII on recognised speech"
SPLITS = ("tuned", "held-out", "unseen")
TARGETS = {"recall": 0.99, "precision": 0.95, "long_leaks": 0, "over_redactions_per_recording": 1}


def report(scores: dict[str, Scores], recordings: dict[str, int]) -> str:
    splits = [s for s in SPLITS if s in scores]
    kinds = sorted({k for s in scores.values() for k in s.by_type})
    head = "| type | " + " | ".join(f"{s}: values | {s}: recall" for s in splits) + " |"
    rows = [head, "|---|" + "---:|---:|" * len(splits)]
    for kind in kinds:
        cells = []
        for split in splits:
            score = scores[split].by_type.get(kind)
            cells += [str(score.expected), f"{score.recall:.3f}"] if score else ["0", "–"]
        rows.append(f"| {kind} | " + " | ".join(cells) + " |")
    cells = []
    for split in splits:
        s = scores[split]
        cells += [str(s.expected), f"**{s.caught / max(s.expected, 1):.3f}**"]
    rows.append("| **all** | " + " | ".join(cells) + " |")
    summary = [
        "",
        "| | " + " | ".join(splits) + " | target |",
        "|---|" + "---:|" * len(splits) + "---|",
        "| recordings (without PII) | "
        + " | ".join(f"{recordings[s]} ({scores[s].clean_recordings})" for s in splits)
        + " | |",
        "| precision | " + " | ".join(f"{scores[s].precision:.3f}" for s in splits) + " | ≥ 0.95 |",
        "| over-redactions on recordings without PII (most on one) | "
        + " | ".join(f"{scores[s].over_redactions} ({scores[s].most_over_redactions})" for s in splits)
        + " | 0–1 per recording |",
        f"| values of {LONG_DIGITS}+ digits leaked ({LEAKED_DIGITS}+ digits visible) | "
        + " | ".join(f"{scores[s].long_leaks} of {scores[s].long_values}" for s in splits)
        + " | 0 |",
        f"| values of {LONG_DIGITS}+ digits with any digit visible | "
        + " | ".join(str(scores[s].long_touched) for s in splits)
        + " | |",
    ]
    return "\n".join(rows + summary)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_PATH)
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    args = parser.parse_args(argv)
    recordings = load_asr_corpus(args.corpus)
    find = product_finder()
    scores, counts = {}, {}
    for split in SPLITS:
        part = [r for r in recordings if r.split == split]
        if part:
            scores[split] = evaluate(part, find)
            counts[split] = len(part)
    body = (
        "`python -m bench.bench_pii_asr` — `find_pii` with the default configuration on every recording of "
        "`tests/data/pii_asr_corpus.txt`. Recall counts a value as caught when none of its digits, spelled "
        "characters or words of three or more letters stays visible; precision is the share of redactions "
        "that overlap a labelled value.\n\n" + report(scores, counts)
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
