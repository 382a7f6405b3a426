"""What each PII rule earns: every rule switched off in turn, on every range of recognised speech.

Every rule of the PII engine has an id (``postprocess/data/pii_rules.tsv``). This benchmark runs
``find_pii`` with the default configuration over the ranges of ``bench.bench_pii_asr`` — **dev**
(read and tuned on), **test** and, with ``--fresh-seeds``, a **fresh** block (never read: totals
only), **scripted** — once with every rule on, then once with each rule off, and reports for each
rule and range what removing it changes:

- **values**: labelled values caught with the rule and missed without it (its true positives, as
  far as no other rule catches the same value);
- **hits**: redactions overlapping a labelled value that go with it;
- **wrong**: redactions overlapping no labelled value that go with it (its false positives).

A rule is **needed** when removing it loses more than ``NOISE`` values on some range, or adds more
than ``NOISE`` wrong redactions on some range (a filter); otherwise no range needs it, and it is a
candidate for deletion. spaCy's analysis of each text is computed once and reused across runs
(the rules never change the text spaCy sees), so a run costs only the rules. Results are kept in
``bench/.work/pii-rules.jsonl`` and a later run resumes from them (``--again`` starts over).

    python -m bench.bench_pii_rules [--ranges dev,test,scripted] [--fresh-seeds 700:800]
        [--rules ID,...] [--write docs/benchmarks.md]
    python -m bench.bench_pii_rules --size     # lines and regexes of the PII code
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.bench_pii_asr import seed_range, test_recordings
from bench.report import replace_section
from tests.support.asr_corpus import CORPUS_PATH, DEV_CORPUS_PATH, WORK, Recording, load_asr_corpus
from tests.support.asr_metrics import Scores, evaluate, product_finder
from tests.support.pii_generator import TEST_SEEDS

HEADING = "## PII rules"
NOISE = 1
RESULTS = WORK.parent / "pii-rules.jsonl"
ROOT = Path(__file__).resolve().parents[1]
PII_CODE = ROOT / "postprocess" / "pii"
_RE_CALLS = frozenset({"compile", "search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split"})


def code_size(package: Path = PII_CODE) -> dict[str, int]:
    """Lines of the PII code (its Python files; data files excluded) and its regexes: every call of
    ``re.compile``, ``re.search``, ``re.match``, … in it (a pattern built from data counts once)."""
    lines = regexes = 0
    for path in sorted(package.rglob("*.py")):
        source = path.read_text("utf-8")
        lines += len(source.splitlines())
        for node in ast.walk(ast.parse(source)):
            func = node.func if isinstance(node, ast.Call) else None
            if (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "re"
                and func.attr in _RE_CALLS
            ):
                regexes += 1
    return {"lines": lines, "regexes": regexes}


def totals(scores: Scores) -> dict[str, int]:
    return {
        "values": scores.expected,
        "caught": scores.caught,
        "hits": scores.correct,
        "wrong": scores.predicted - scores.correct,
        "long_leaks": scores.long_leaks,
    }


@contextmanager
def nlp_reused() -> Iterator[None]:
    """spaCy's analysis of each text computed once for all runs (the rules do not change it)."""
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    original = SpacyNlpEngine.process_text
    done: dict[str, Any] = {}

    def process_text(self: Any, text: str, language: str) -> Any:
        if text not in done:
            done[text] = original(self, text, language)
        return done[text]

    SpacyNlpEngine.process_text = process_text  # type: ignore[method-assign]
    try:
        yield
    finally:
        SpacyNlpEngine.process_text = original  # type: ignore[method-assign]


def measure(ranges: dict[str, list[Recording]], find: Callable[[Recording], Any], rule: str | None) -> dict[str, Any]:
    from postprocess.pii.core.rules import rules_off

    with rules_off([rule] if rule else []):
        return {name: totals(evaluate(recordings, find)) for name, recordings in ranges.items()}


def needed(base: dict[str, Any], without: dict[str, Any]) -> bool:
    """Whether some range loses more than ``NOISE`` values, or gains more than ``NOISE`` wrong
    redactions, without the rule."""
    return any(
        base[r]["caught"] - without[r]["caught"] > NOISE or without[r]["wrong"] - base[r]["wrong"] > NOISE for r in base
    )


def report(base: dict[str, Any], runs: dict[str, dict[str, Any]], table: dict[str, str]) -> str:
    names = list(base)
    head = "| rule | what it does | " + " | ".join(f"{n}: values · hits · wrong" for n in names) + " | needed |"
    rows = [head, "|---|---|" + "---:|" * len(names) + "---|"]
    for rule, without in sorted(runs.items()):
        cells = []
        for n in names:
            b, w = base[n], without[n]
            cells.append(f"{b['caught'] - w['caught']} · {b['hits'] - w['hits']} · {b['wrong'] - w['wrong']}")
        rows.append(
            f"| `{rule}` | {table.get(rule, '')} | "
            + " | ".join(cells)
            + f" | {'yes' if needed(base, without) else 'no'} |"
        )
    return "\n".join(rows)


def load_results(path: Path) -> tuple[dict[str, Any] | None, dict[str, dict[str, Any]]]:
    base, runs = None, {}
    if path.exists():
        for line in path.read_text("utf-8").splitlines():
            record = json.loads(line)
            if record["rule"] is None:
                base = record["res"]
            else:
                runs[record["rule"]] = record["res"]
    return base, runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ranges", default="dev,test,scripted", help="comma list of dev, test, scripted")
    parser.add_argument("--fresh-seeds", type=seed_range, metavar="START:STOP", help="also a fresh block (totals)")
    parser.add_argument("--rules", help="comma list of rule ids (default: every rule)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where results are kept and resumed from")
    parser.add_argument("--again", action="store_true", help="measure everything again")
    parser.add_argument("--size", action="store_true", help="print the lines and regexes of the PII code and stop")
    parser.add_argument("--work", type=Path, default=WORK, help="where recordings and transcripts are cached")
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    args = parser.parse_args(argv)
    if args.size:
        print(json.dumps(code_size()))
        return 0
    from postprocess.pii.core.rules import rule_table

    table = rule_table()
    rules = args.rules.split(",") if args.rules else list(table)
    ranges: dict[str, list[Recording]] = {}
    for name in args.ranges.split(","):
        if name == "dev":
            ranges[name] = load_asr_corpus(DEV_CORPUS_PATH)
        elif name == "scripted":
            ranges[name] = load_asr_corpus(CORPUS_PATH)
        elif name == "test":
            ranges[name] = test_recordings(TEST_SEEDS, args.work)
        else:
            parser.error(f"unknown range {name!r}")
    if args.fresh_seeds:
        ranges["fresh"] = test_recordings(args.fresh_seeds, args.work, split="dev")
    base, runs = (None, {}) if args.again else load_results(args.results)
    if base is not None and set(base) != set(ranges):
        base, runs = None, {}  # other ranges: start over
    find = product_finder()
    args.results.parent.mkdir(parents=True, exist_ok=True)
    with nlp_reused():
        if base is None:
            base = measure(ranges, find, None)
            args.results.write_text(json.dumps({"rule": None, "res": base}) + "\n", "utf-8")
        for i, rule in enumerate(r for r in rules if r not in runs):
            runs[rule] = measure(ranges, find, rule)
            with args.results.open("a", encoding="utf-8") as out:
                out.write(json.dumps({"rule": rule, "res": runs[rule]}) + "\n")
            print(f"{i + 1}: {rule}", file=sys.stderr, flush=True)
    size = code_size()
    unneeded = sorted(r for r, w in runs.items() if not needed(base, w))
    body = (
        "`python -m bench.bench_pii_rules` — every rule of the PII engine switched off in turn, `find_pii` with the "
        "default configuration on each range of `bench.bench_pii_asr` (test and fresh: totals only). Each cell: "
        "**values** caught with the rule and missed without it · **hits** (redactions on labelled values) that go "
        "with it · **wrong** redactions (on no labelled value) that go with it. A rule is needed when removing it "
        f"loses more than {NOISE} value, or adds more than {NOISE} wrong redaction, on some range.\n\n"
        f"PII code now: {size['lines']} lines, {size['regexes']} regexes (`python -m bench.bench_pii_rules --size`). "
        f"Rules no range needs: {len(unneeded)} of {len(runs)}.\n\n" + report(base, runs, table)
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
