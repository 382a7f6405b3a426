"""PII redaction on the same calls recognised by different speech models.

The PII figures of ``bench.bench_pii_asr`` are for speech recognised by offline-tiny.en, the
default of ``clearscribe run``. This benchmark transcribes the same recordings (the test range of
generated calls by default, cached under ``bench/.work/pii-asr``) with each model given and runs
``find_pii`` with the default configuration over every transcript, so the figures side by side
differ only by recognition. Only totals are printed, as for the test range in ``bench_pii_asr``.

    python -m bench.bench_pii_by_model --model /path/to/ctranslate2-model [--model ...]
        [--seeds 100000:100150] [--write docs/benchmarks.md]

``--model`` takes what ``clearscribe run --model`` takes for the faster-whisper engine
(``offline-tiny.en`` is always measured first). Multilingual models decode English (the
``language`` setting's default). Each model's transcripts are cached next to the recordings,
named by the model.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench.bench_pii_asr import report, seed_range, test_recordings
from bench.report import replace_section
from shared.config import OFFLINE_MODEL
from tests.support.asr_corpus import WORK
from tests.support.asr_metrics import evaluate, product_finder
from tests.support.pii_generator import TEST_SEEDS

HEADING = "## PII by recognition model"


def labels(models: list[str]) -> list[str]:
    """A column name for each model: its directory's name, or the whole of what was given where
    two share that name ("/a/whisper-base", "/b/whisper-base")."""
    short = [Path(m).name or m for m in models]
    return [s if short.count(s) == 1 else m for s, m in zip(short, models, strict=True)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        action="append",
        default=[],
        required=True,
        help="a faster-whisper model (a CTranslate2 directory); may be given more than once",
    )
    parser.add_argument(
        "--seeds",
        type=seed_range,
        default=TEST_SEEDS,
        metavar="START:STOP",
        help=f"the generated calls to recognise (default: the test range {TEST_SEEDS.start}:{TEST_SEEDS.stop})",
    )
    parser.add_argument("--work", type=Path, default=WORK, help="where recordings and transcripts are cached")
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    args = parser.parse_args(argv)
    models = list(dict.fromkeys([OFFLINE_MODEL, *args.model]))  # each once, offline-tiny.en first
    find = product_finder()
    scores, counts = {}, {}
    for model, name in zip(models, labels(models), strict=True):
        recordings = test_recordings(args.seeds, args.work, None if model == OFFLINE_MODEL else model)
        scores[name] = evaluate(recordings, find)
        counts[name] = len(recordings)
    seeds = args.seeds
    body = (
        "`python -m bench.bench_pii_by_model --model …` — `find_pii` with the default configuration on the same "
        f"generated calls (seeds {seeds.start}–{seeds.stop - 1}, espeak-ng voices) recognised by each model "
        "(faster-whisper, as `clearscribe run` does). The values labelled differ between columns: a value "
        "recognition turned wholly into other words is not labelled (`tests/support/asr_corpus.py`), and the "
        "recall and precision are counted as in the section above.\n\n" + report(scores, counts)
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
