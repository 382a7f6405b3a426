"""Custom vocabulary: how often domain terms are heard with and without it, and what it costs on
speech without those terms, with both ways of giving it to the decoder.

espeak-ng speaks two scripts full of product names, people's names and jargon (:data:`TUNE` and
:data:`HELD_OUT`, different terms and sentences) in two voices and speeds, and the meeting script
and the demo's sample meeting (no domain terms) in one. Whisper tiny.en (int8, beam 5, the default
chunked strategy and the sequential one) transcribes each recording without a vocabulary, and with
the vocabulary of every term of both scripts given as faster-whisper's ``hotwords`` and as its
``initial_prompt``.

* **term recall**: of the term occurrences spoken, the fraction found in the transcript (words
  compared lower-case without punctuation, a term as a run of words).
* **WER without the terms**: of the recordings without domain terms, against their scripts,
  numbers and e-mail addresses in one form (``bench.bench_engines.comparable_words``); and how many
  vocabulary terms appear in them (none were said).

The mechanism is chosen on the tune split only: the highest term recall summed over both
strategies. The WER without the terms must not grow by more than :data:`WER_TOLERANCE` with it
(the report says whether it did). The held-out split is reported.

    python -m bench.bench_vocabulary [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.bench_engines import word_error_rate
from bench.report import replace_section
from pipeline.asr.inference.engine import VOCABULARY_OPTION, WhisperEngine
from pipeline.asr.offline_models import offline_model_dir
from shared.config import OFFLINE_MODEL
from shared.engine_settings import EngineSettings
from tests.support.scripts import MEETING, normalise_words
from tests.support.speech import speak_to_wav

WORK = Path(__file__).with_name(".work") / "vocabulary"
RESULTS = WORK / "results.json"
HEADING = "## Custom vocabulary"
#: The WER without the terms may grow by at most this much (absolute) with the vocabulary set: about
#: three words of the ~330 spoken.
WER_TOLERANCE = 0.01
#: (espeak-ng voice, words per minute)
VOICES: tuple[tuple[str, int], ...] = (("en-us", 150), ("en-gb-scotland", 175))
PLAIN_VOICES = VOICES[:1]
DEMO_SCRIPT = Path(__file__).resolve().parents[1] / "demo" / "script.txt"
STRATEGIES = ("chunked", "sequential")
MECHANISMS = ("none", "hotwords", "initial_prompt")


@dataclass(frozen=True)
class Split:
    name: str
    terms: tuple[str, ...]
    sentences: tuple[str, ...]

    @property
    def text(self) -> str:
        """Paragraphs of three sentences: pauses long enough for the speech detector to cut."""
        groups = [self.sentences[i : i + 3] for i in range(0, len(self.sentences), 3)]
        return "\n\n".join(" ".join(group) for group in groups)


TUNE = Split(
    "tune",
    ("Kubernetes", "Grafana", "Priya Raman", "Terraform", "PostgreSQL", "Siobhan", "Zendesk", "Okta",
     "Kafka", "Jira", "Datadog", "Nakamura"),
    (
        "Priya Raman moved the billing service to Kubernetes last week.",
        "The Grafana dashboard shows the queue depth for every Kafka topic.",
        "Siobhan wrote the Terraform module for the new PostgreSQL cluster.",
        "Every Zendesk ticket now links to the matching Jira issue.",
        "Nakamura asked whether Okta can sign us in to Datadog as well.",
        "We pay for Datadog by the host, so Kubernetes nodes cost us twice.",
        "The Kafka consumers fell behind when PostgreSQL ran its vacuum.",
        "Okta sends the login events to Grafana through a small exporter.",
        "Please file a Jira ticket before you change the Terraform state.",
        "Priya Raman and Nakamura will review the Zendesk macros on Monday.",
        "Siobhan thinks the PostgreSQL replicas should move to Kubernetes too.",
        "The night shift watches Grafana and answers Zendesk in turns.",
    ),
)  # fmt: skip
HELD_OUT = Split(
    "held-out",
    ("Ansible", "Wojciech", "Elasticsearch", "Figma", "Chidi Okafor", "Redis", "Istio", "Tailscale",
     "Anjali Deshpande", "Cloudflare", "Vercel", "Sentry"),
    (
        "Wojciech rebuilt the search index in Elasticsearch over the weekend.",
        "Chidi Okafor shared the new onboarding screens in Figma.",
        "The Ansible playbook restarts Redis one node at a time.",
        "Anjali Deshpande wants Istio removed from the staging cluster.",
        "Our laptops reach the database through Tailscale now.",
        "Cloudflare caches the marketing site and Vercel builds it.",
        "Sentry caught the crash before any customer reported it.",
        "Wojciech and Anjali Deshpande disagree about the Redis eviction policy.",
        "The Figma file for the billing page is out of date.",
        "Chidi Okafor moved the error alerts from Sentry to the support channel.",
        "Istio adds a few milliseconds to every request, Elasticsearch included.",
        "Ansible also renews the certificates that Cloudflare checks.",
    ),
)  # fmt: skip
SPLITS = (TUNE, HELD_OUT)
VOCABULARY = TUNE.terms + HELD_OUT.terms


def term_words(term: str) -> list[str]:
    return normalise_words(term)


def occurrences(words: list[str], term: str) -> int:
    target = term_words(term)
    n = len(target)
    return sum(1 for i in range(len(words) - n + 1) if words[i : i + n] == target)


def term_recall(reference: str, hypothesis: str, terms: tuple[str, ...]) -> tuple[int, int]:
    """``(found, spoken)`` occurrences of ``terms``: each term found at most as often as it was said."""
    ref, hyp = normalise_words(reference), normalise_words(hypothesis)
    spoken = found = 0
    for term in terms:
        said = occurrences(ref, term)
        spoken += said
        found += min(said, occurrences(hyp, term))
    return found, spoken


def recording(name: str, text: str, voice: str, wpm: int) -> Path:
    digest = hashlib.sha256(f"{voice} {wpm} {text}".encode()).hexdigest()[:10]
    wav = WORK / f"{re.sub(r'[^a-z0-9]+', '-', name)}-{digest}.wav"
    if not wav.exists():
        speak_to_wav(text, wav, voice=voice, words_per_minute=wpm)
    return wav


@dataclass
class Result:
    strategy: str
    mechanism: str
    found: dict[str, int]
    spoken: dict[str, int]
    plain_wer: float
    plain_terms: int

    def recall(self, split: str) -> float:
        return self.found[split] / self.spoken[split]


def plain_scripts() -> list[tuple[str, str]]:
    """``(name, text)`` of the speech without domain terms: the meeting script and the demo's."""
    demo = "\n\n".join(p.replace("\n", " ") for p in DEMO_SCRIPT.read_text(encoding="utf-8").split("\n\n"))
    return [("meeting", MEETING.spoken), ("demo", demo)]


def measure(
    model_dir: Path, strategy: str, mechanism: str, recordings: dict[str, list[Path]], plain: list[tuple[str, Path]]
) -> Result:
    settings = EngineSettings(strategy=strategy, vocabulary=() if mechanism == "none" else VOCABULARY)
    option = VOCABULARY_OPTION if mechanism == "none" else mechanism
    engine = WhisperEngine(str(model_dir), settings=settings, model_name=OFFLINE_MODEL, vocabulary_option=option)
    found: dict[str, int] = {}
    spoken: dict[str, int] = {}
    for split in SPLITS:
        found[split.name] = spoken[split.name] = 0
        for wav in recordings[split.name]:
            f, s = term_recall(split.text, engine.transcribe(wav).text, split.terms)
            found[split.name] += f
            spoken[split.name] += s
    references, hypotheses = [], []
    for text, wav in plain:
        references.append(text)
        hypotheses.append(engine.transcribe(wav).text)
    wer = word_error_rate("\n\n".join(references), "\n\n".join(hypotheses))
    inserted = sum(occurrences(normalise_words(h), term) for h in hypotheses for term in VOCABULARY)
    return Result(strategy, mechanism, found, spoken, wer, inserted)


def wer_change(results: list[Result], r: Result) -> float:
    """How much ``r``'s WER without the terms is above no vocabulary's with the same strategy."""
    baseline = next(b for b in results if b.strategy == r.strategy and b.mechanism == "none")
    return r.plain_wer - baseline.plain_wer


def choose(results: list[Result]) -> str:
    """The mechanism with the highest tune-split recall summed over the strategies (ties: the smaller
    WER change without the terms, then the earlier in :data:`MECHANISMS`)."""

    def score(mechanism: str) -> tuple[float, float, int]:
        runs = [r for r in results if r.mechanism == mechanism]
        return (
            sum(r.recall("tune") for r in runs),
            -sum(wer_change(results, r) for r in runs),
            -MECHANISMS.index(mechanism),
        )

    return max(MECHANISMS[1:], key=score)


def table(results: list[Result], split: str) -> str:
    lines = [
        f"| strategy | vocabulary | term recall, {split} | WER without the terms | change | terms heard there |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for r in results:
        mechanism = "none" if r.mechanism == "none" else f"`{r.mechanism}`"
        lines.append(
            f"| {r.strategy} | {mechanism} | {r.recall(split):.1%} ({r.found[split]}/{r.spoken[split]}) "
            f"| {r.plain_wer:.3f} | {wer_change(results, r):+.3f} | {r.plain_terms} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    parser.add_argument("--strategies", nargs="+", choices=STRATEGIES, default=list(STRATEGIES))
    parser.add_argument(
        "--report-only",
        action="store_true",
        help=f"write the report from the last run's {RESULTS.name}, measure nothing",
    )
    args = parser.parse_args()
    if args.report_only:
        saved = [Result(**r) for r in json.loads(RESULTS.read_text(encoding="utf-8"))]
        plain_words = len(PLAIN_VOICES) * sum(len(normalise_words(text)) for _, text in plain_scripts())
        report(saved, plain_words=plain_words, write=args.write)
        return

    WORK.mkdir(parents=True, exist_ok=True)
    recordings = {
        split.name: [recording(split.name, split.text, voice, wpm) for voice, wpm in VOICES] for split in SPLITS
    }
    plain = [(text, recording(name, text, voice, wpm)) for name, text in plain_scripts() for voice, wpm in PLAIN_VOICES]
    model_dir = offline_model_dir(OFFLINE_MODEL)
    results = []
    for strategy in args.strategies:
        for mechanism in MECHANISMS:
            results.append(measure(model_dir, strategy, mechanism, recordings, plain))
            r = results[-1]
            print(
                f"{strategy:10} {mechanism:14} tune {r.recall('tune'):.3f} held-out {r.recall('held-out'):.3f} "
                f"WER without the terms {r.plain_wer:.3f}, terms heard there {r.plain_terms}",
                flush=True,
            )
    RESULTS.write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")
    report(results, plain_words=sum(len(normalise_words(text)) for text, _ in plain), write=args.write)


def report(results: list[Result], *, plain_words: int, write: Path | None) -> None:
    chosen = choose(results)
    changes = {r.strategy: wer_change(results, r) for r in results if r.mechanism == chosen}
    verdicts = ", ".join(
        f"{strategy} {change:+.3f} ({'within' if change <= WER_TOLERANCE else '**beyond**'} it)"
        for strategy, change in changes.items()
    )
    voices = ", ".join(f"{voice} at {wpm} wpm" for voice, wpm in VOICES)

    def held_out(strategy: str, mechanism: str) -> str:
        (r,) = [r for r in results if (r.strategy, r.mechanism) == (strategy, mechanism)]
        return f"{r.recall('held-out'):.0%}"

    seq = {r.mechanism: wer_change(results, r) for r in results if r.strategy == "sequential" and r.mechanism != "none"}
    chunked_cost = (
        "without costing the speech that does not hold the terms anything"
        if changes.get("chunked", 0.0) <= 0
        else f"with the WER without the terms {changes['chunked']:+.3f}"
    )
    sequential_cost = (
        "but any prompt there made the decoding of the ordinary speech worse (WER "
        + ", ".join(f"{change:+.3f} with `{m}`" for m, change in seq.items())
        + "): use a vocabulary with the sequential strategy only where the terms matter more than that"
        if seq and all(change > WER_TOLERANCE for change in seq.values())
        else "and the WER without the terms changed by "
        + ", ".join(f"{change:+.3f} with `{m}`" for m, change in seq.items())
    )
    inserted = sum(r.plain_terms for r in results if r.mechanism != "none")
    body = f"""\
```sh
python -m bench.bench_vocabulary --write docs/benchmarks.md
```

Conditions: Whisper `{OFFLINE_MODEL}` only (int8, beam 5, {platform.machine()}, 2 cores shared with other
work), no other model was run. Two scripts of 12 sentences, each with 12 domain terms of its own
(product names, people's names, jargon; {len(VOCABULARY)} terms in all, most said several times),
spoken by espeak-ng in two voices ({voices}); the meeting script and the demo's sample meeting, which
hold none of the terms, in the first ({plain_words} words). The vocabulary holds all {len(VOCABULARY)}
terms. Term recall: the share of the terms' spoken occurrences found in the transcript (lower case,
without punctuation). WER without the terms: numbers and e-mail addresses in one form on both sides;
"terms heard there" counts vocabulary terms written where none was said. The mechanism was chosen on
the tune split (the highest term recall over both strategies); the held-out split's terms and
sentences were not looked at while choosing. The WER without the terms may not grow by more than
{WER_TOLERANCE} (about three words of these {plain_words}).

Held-out split (the figures to expect):

{table(results, "held-out")}

Tune split (what the choice was made on):

{table(results, "tune")}

**Chosen: `{chosen}`** (`VOCABULARY_OPTION` in `pipeline/asr/inference/engine.py`). Its WER change
without the terms against the tolerance of {WER_TOLERANCE}: {verdicts}. With the default strategy,
`chunked`, the two mechanisms are one: faster-whisper's batched decoder puts an `initial_prompt`
where it puts `hotwords`, before every chunk (the same tokens, the same words), and the vocabulary
took held-out term recall from {held_out("chunked", "none")} to {held_out("chunked", chosen)},
{chunked_cost}. With `sequential` decoding, `initial_prompt` reaches only the first 30 s window and
finds fewer terms than `hotwords`, which prompts every window; {sequential_cost}. Vocabulary terms
written into speech that did not say them: {inserted}.
"""
    print(body)
    if write:
        replace_section(write, HEADING, body)


if __name__ == "__main__":
    main()
