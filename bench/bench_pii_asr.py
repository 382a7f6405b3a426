"""PII redaction on recognised speech: recall per type, precision and over-redaction, development vs test.

Runs ``find_pii`` (the default configuration) over every recording of three corpora of recognised
speech (espeak-ng voices transcribed by offline-tiny.en as ``clearscribe run`` does; see
``tests.support.asr_corpus``) and reports them side by side:

- **dev**: the development range of generated calls, ``tests/data/pii_asr_dev.txt`` — read and
  tuned on;
- **test**: the test range of generated calls (``tests.support.pii_generator.TEST_SEEDS``, or the
  range given with ``--test-seeds``), spoken, transcribed and labelled here (cached under
  ``bench/.work/pii-asr``; a first run takes about 20 minutes on two cores). It includes voices,
  names, streets and towns the development range never uses. Only totals are printed: nobody
  reads it, nobody tunes on it;
- **scripted**: the fixed scripts of ``tests/data/pii_asr_corpus.txt``, all parts (all read);
- **fresh** (only with ``--fresh-seeds``): a block of generated calls beyond the development range,
  built like the test range and, like it, reported as totals only. It is scored once before a
  round of changes and once after, as a check that what the round did carries to calls nobody saw.

``tests.support.asr_metrics`` says how each figure is counted.

    python -m bench.bench_pii_asr [--write docs/benchmarks.md] [--test-seeds 100000:100150] [--fresh-seeds 700:800]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Literal

from bench.report import replace_section
from tests.support.asr_corpus import (
    CORPUS_PATH,
    DEV_CORPUS_PATH,
    WORK,
    Recording,
    build_generated,
    load_asr_corpus,
    write_asr_corpus,
)
from tests.support.asr_metrics import LEAKED_DIGITS, LONG_DIGITS, Scores, evaluate, product_finder
from tests.support.pii_generator import DEV_SEEDS, TEST_SEEDS, generated

HEADING = "## PII on recognised speech"
STRICT_HEADING = "## PII on recognised speech, strict policy"
TARGETS = {"recall": 0.99, "precision": 0.95, "long_leaks": 0, "over_redactions_per_recording": 1}
TEST_CORPUS_HEAD = ("# The test range of generated calls, built by bench.bench_pii_asr. Not to be read or tuned on.",)
MOST_HARMFUL = ("CREDIT_CARD", "PHONE_NUMBER", "US_SSN", "PERSON", "EMAIL_ADDRESS")


def report(scores: dict[str, Scores], recordings: dict[str, int]) -> str:
    parts = list(scores)
    kinds = sorted({k for s in scores.values() for k in s.by_type}, key=lambda k: (k not in MOST_HARMFUL, k))
    head = "| type | " + " | ".join(f"{p}: values | {p}: recall" for p in parts) + " |"
    rows = [head, "|---|" + "---:|---:|" * len(parts)]
    for kind in kinds:
        cells = []
        for part in parts:
            score = scores[part].by_type.get(kind)
            cells += [str(score.expected), f"{score.recall:.3f}"] if score else ["0", "–"]
        rows.append(f"| {kind} | " + " | ".join(cells) + " |")
    cells = []
    for part in parts:
        s = scores[part]
        cells += [str(s.expected), f"**{s.caught / max(s.expected, 1):.3f}**"]
    rows.append("| **all** | " + " | ".join(cells) + " |")
    summary = [
        "",
        "| | " + " | ".join(parts) + " | target |",
        "|---|" + "---:|" * len(parts) + "---|",
        "| recordings (without PII) | "
        + " | ".join(f"{recordings[p]} ({scores[p].clean_recordings})" for p in parts)
        + " | |",
        "| precision | " + " | ".join(f"{scores[p].precision:.3f}" for p in parts) + " | ≥ 0.95 |",
        "| over-redactions on recordings without PII (most on one) | "
        + " | ".join(f"{scores[p].over_redactions} ({scores[p].most_over_redactions})" for p in parts)
        + " | 0–1 per recording |",
        f"| values of {LONG_DIGITS}+ digits leaked ({LEAKED_DIGITS}+ digits visible) | "
        + " | ".join(f"{scores[p].long_leaks} of {scores[p].long_values}" for p in parts)
        + " | 0 |",
        f"| values of {LONG_DIGITS}+ digits with any digit visible | "
        + " | ".join(str(scores[p].long_touched) for p in parts)
        + " | |",
    ]
    return "\n".join(rows + summary)


def seed_range(text: str) -> range:
    start, _, stop = text.partition(":")
    return range(int(start), int(stop))


def test_recordings(
    seeds: range, work: Path, model: str | None = None, split: Literal["dev", "test"] = "test"
) -> list[Recording]:
    """The test range (or, with ``split="dev"``, a fresh block of development-like calls) spoken,
    transcribed (by ``model``, default offline-tiny.en; cached) and labelled; progress goes to
    stderr as counts only. The labelled corpus of the default model is kept next to the recordings
    (``test-START-STOP.txt``), unread."""
    recordings = []
    name = "test range" if split == "test" else "fresh block"
    for i, recording in enumerate(build_generated(generated(seeds, split), work, model), 1):
        recordings.append(recording)
        if i % 10 == 0 or i == len(seeds):
            print(f"{name}: {i} of {len(seeds)} recordings ready", file=sys.stderr, flush=True)
    if model is None:
        prefix = "test" if split == "test" else "fresh"
        write_asr_corpus(recordings, work / f"{prefix}-{seeds.start}-{seeds.stop}.txt", TEST_CORPUS_HEAD)
    return recordings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    parser.add_argument(
        "--test-seeds",
        type=seed_range,
        default=TEST_SEEDS,
        metavar="START:STOP",
        help=f"the seeds of the test range (default {TEST_SEEDS.start}:{TEST_SEEDS.stop})",
    )
    parser.add_argument(
        "--fresh-seeds",
        type=seed_range,
        metavar="START:STOP",
        help="also score a fresh block of generated calls beyond the development range (totals only)",
    )
    parser.add_argument("--work", type=Path, default=WORK, help="where recordings and transcripts are cached")
    parser.add_argument(
        "--pii-policy", choices=("standard", "strict"), default="standard", help="the PII policy to measure"
    )
    args = parser.parse_args(argv)
    if args.fresh_seeds and set(args.fresh_seeds) & (set(DEV_SEEDS) | set(args.test_seeds)):
        parser.error("the fresh block must lie outside the development and test ranges")
    corpora = {
        "dev": load_asr_corpus(DEV_CORPUS_PATH),
        "test": test_recordings(args.test_seeds, args.work),
        "scripted": load_asr_corpus(CORPUS_PATH),
    }
    if args.fresh_seeds:
        corpora["fresh"] = test_recordings(args.fresh_seeds, args.work, split="dev")
    find = product_finder(args.pii_policy)
    scores = {name: evaluate(recordings, find) for name, recordings in corpora.items()}
    counts = {name: len(recordings) for name, recordings in corpora.items()}
    seeds = args.test_seeds
    body = (
        f"`python -m bench.bench_pii_asr{' --pii-policy strict' if args.pii_policy == 'strict' else ''}` — "
        f"`find_pii` with the default configuration{', policy strict,' if args.pii_policy == 'strict' else ''} on "
        "recognised speech "
        "(espeak-ng voices transcribed by offline-tiny.en as `clearscribe run` does). **dev**: the development "
        f"range of generated calls (`tests/data/pii_asr_dev.txt`, read and tuned on); **test**: seeds "
        f"{seeds.start}–{seeds.stop - 1}, generated, spoken and transcribed by the benchmark, never read (it also "
        "uses voices, names, streets and towns the development range never does); **scripted**: the fixed "
        "scripts of `tests/data/pii_asr_corpus.txt`, all parts"
        + (
            f"; **fresh**: seeds {args.fresh_seeds.start}–{args.fresh_seeds.stop - 1}, development-like calls "
            "beyond the development range, built like the test range and never read"
            if args.fresh_seeds
            else ""
        )
        + ". Recall counts a value as caught when none of its "
        "digits, spelled characters or words of three or more letters stays visible; precision is the share of "
        "redactions that overlap a labelled value. A name is labelled where recognition wrote it as spoken, near "
        "it, or as a capitalised word in its place inside a sentence (`tests/support/asr_corpus.py`).\n\n"
        + report(scores, counts)
    )
    print(body)
    if args.write:
        replace_section(args.write, STRICT_HEADING if args.pii_policy == "strict" else HEADING, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
