"""Speaker diarization: accuracy per channel on the generated speaker corpus, and its cost next to recognition.

Accuracy. Recordings of the speaker corpus (``tests/support/speaker_corpus.py``: one to four parties,
espeak-ng and the piper neural voice, pitch and formant shifts, six channels), the development range
(tuned on) or the test range (never read: only these totals are reported). Two approaches side by side,
on the same speech regions and the same embeddings:

* ``chosen``: ``pipeline.asr.inference.diarization`` as it ships — the number of speakers from the
  penalised criterion (spread + price per speaker) with a minimum talk time;
* ``same-voice rule``: the rule it replaced — groups merged while their mean embeddings are more than
  0.9 alike (a fixed distance), otherwise the same.

Per channel: recordings with the right number of speakers, and the share of speech time given to the
right speaker (best one-to-one label mapping; missed speech counts as wrong), mean and lowest.

Cost. A ten-minute conversation (espeak-ng, three voices) goes through faster-whisper ``offline-tiny.en``
exactly as ``clearscribe run`` transcribes (``WhisperEngine``: int8, beam 5, Silero VAD, 30 s chunks
decoded in batches) and through diarization exactly as ``clearscribe run --speakers auto`` runs it
(``diarize_windows`` over the WAV read in 5-minute windows), each in a fresh process (peak resident
memory of that process), alternately; medians.

    python -m bench.bench_diarization [--range test|dev] [--count N] [--dev-count N] [--minutes 10]
                                      [--repeats 3] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.report import replace_section
from pipeline.asr.inference import diarization as d
from pipeline.asr.inference.decoding import WINDOW_SECONDS
from pipeline.asr.inference.diarization import clustering
from pipeline.asr.inference.diarization.embeddings import Windowing, Windows, embed_windows
from pipeline.asr.inference.diarization.turns import speaker_turns
from tests.support.conversations import dialogue, score_diarization, speak_conversation
from tests.support.speaker_audio import SpokenScript, spoken
from tests.support.speaker_corpus import CHANNELS, Range, generated

WORK = Path(__file__).with_name(".work")
HEADING = "## Speaker diarization"
LONG_VOICES = {"A": "en-us+m3", "B": "en+f4", "C": "en-gb-scotland+m7"}
SAME_VOICE_SIMILARITY = 0.9
#: The targets for speaker labels on by default (issue: speaker labels cheap and right enough).
COUNT_TARGET = 0.95
ACCURACY_TARGET = 0.90
COST_TARGET = 0.10


def same_voice_rule(windows: Windows) -> np.ndarray:
    """The rule the penalised criterion replaced: merge groups more than 0.9 alike."""
    context = clustering.with_context(windows)
    reliable = windows.lengths >= clustering.MIN_CLUSTERING_SECONDS
    if not reliable.any():
        reliable[:] = True
    embeddings = context[reliable]
    labels = clustering.overcluster(embeddings)
    labels = clustering.drop_small(embeddings, labels, np.minimum(windows.lengths, 1.0)[reliable], keep_at_least=1)
    while True:
        keys, means = clustering.centroids(embeddings, labels)
        if len(keys) == 1:
            break
        similarity = means @ means.T
        np.fill_diagonal(similarity, -np.inf)
        i, j = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        if similarity[i, j] <= SAME_VOICE_SIMILARITY:
            break
        labels[labels == keys[j]] = keys[i]
    keys, means = clustering.centroids(embeddings, labels)
    return keys[np.argmax(windows.embeddings @ means.T, axis=1)]


@dataclass(frozen=True)
class Approach:
    name: str
    cluster: Callable[[Windows], np.ndarray]


APPROACHES = (Approach("chosen", clustering.cluster), Approach("same-voice rule", same_voice_rule))


@dataclass
class Tally:
    right_count: int = 0
    accuracy: list[float] | None = None

    def add(self, right: bool, accuracy: float) -> None:
        self.right_count += right
        self.accuracy = [*(self.accuracy or []), accuracy]

    def cell(self) -> str:
        scores = self.accuracy or []
        n = len(scores)
        return (
            f"{self.right_count}/{n} ({self.right_count / n:.0%}) · "
            f"{statistics.mean(scores):.1%}, min {min(scores):.1%}"
            if n
            else "–"
        )


def accuracy(talks: list[SpokenScript]) -> dict[str, dict[str, Tally]]:
    """``{approach: {channel or "all": tally}}``."""
    encoder = d.load_speaker_encoder()
    tallies = {a.name: {c: Tally() for c in (*CHANNELS, "all")} for a in APPROACHES}
    for n, talk in enumerate(talks):
        features = d.speech_features([(0.0, talk.audio)])
        windows = embed_windows(features, Windowing(), encoder)
        for approach in APPROACHES:
            turns = speaker_turns(features, windows, approach.cluster(windows), encoder) if len(windows.spans) else []
            score = score_diarization(talk.reference, turns)
            right = score.found_speakers == score.reference_speakers
            for key in (talk.script.channel, "all"):
                tallies[approach.name][key].add(right, score.accuracy)
        print(f"{n + 1}/{len(talks)}", end="\r", file=sys.stderr, flush=True)
    return tallies


# -- cost ---------------------------------------------------------------------------------------


def child(task: str, wav: Path) -> dict[str, float]:
    """Run one measurement in a fresh process: seconds, and the process's peak resident memory."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_diarization", "--child", task, str(wav)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_child(task: str, wav: Path) -> None:
    started = time.perf_counter()
    result: dict[str, float] = {}
    if task == "asr":
        from pipeline.asr.engine import load_engine
        from shared.config import OFFLINE_MODEL, Settings

        engine = load_engine(OFFLINE_MODEL, settings=Settings(home=WORK, model=OFFLINE_MODEL))
        loaded = time.perf_counter()
        transcript = engine.transcribe(wav)
        result["words"] = len(transcript.text.split())
    else:  # as clearscribe run --speakers auto does it: the extracted audio read window by window
        from pipeline.asr.inference.audio import wav_windows

        d.load_speaker_encoder()
        loaded = time.perf_counter()
        turns = d.diarize_windows(wav_windows(wav, window_s=WINDOW_SECONDS))
        result["speakers"] = len({label for *_, label in turns})
    done = time.perf_counter()
    result |= {"load": loaded - started, "run": done - loaded, "peak_mb": peak_rss_mb()}
    print(json.dumps(result))


def peak_rss_mb() -> float:
    """Peak resident memory of this process image. (getrusage's maximum would include the parent's
    memory at fork time: Linux carries it across exec.)"""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


def cost(minutes: float, repeats: int) -> tuple[list[tuple[str, str]], float]:
    long_talk = speak_conversation(
        dialogue(f"{minutes:g}-minute meeting", LONG_VOICES, turns=round(minutes * 10), seed=10)
    )
    wav = long_talk.write_wav(WORK / f"diarization-{minutes:g}min.wav")
    asr: list[dict[str, float]] = []
    dia: list[dict[str, float]] = []
    loads: list[float] = []
    for n in range(repeats):
        loads.append(os.getloadavg()[0])
        asr.append(child("asr", wav))
        dia.append(child("diarize", wav))
        print(
            f"run {n + 1}: ASR {asr[-1]['run']:.1f} s, diarization {dia[-1]['run']:.1f} s", file=sys.stderr, flush=True
        )

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    shares = [b["run"] / a["run"] for a, b in zip(asr, dia, strict=True)]
    share = statistics.median(shares)
    rows = [
        ("audio", f"{long_talk.duration / 60:.1f} min, 3 speakers ({long_talk.speech_seconds / 60:.1f} min of speech)"),
        ("ASR: faster-whisper offline-tiny.en as `clearscribe run` transcribes", f"{med(asr, 'run'):.1f} s"),
        ("diarization as `run --speakers auto` does it (`diarize_windows`)", f"{med(dia, 'run'):.1f} s"),
        ("**diarization / ASR time**", f"**{share:.1%}** (runs: {', '.join(f'{s:.1%}' for s in shares)})"),
        ("model load: ASR / speaker encoder", f"{med(asr, 'load'):.2f} s / {med(dia, 'load'):.2f} s"),
        (
            "peak memory of the process: ASR / diarization",
            f"{med(asr, 'peak_mb'):.0f} MB / {med(dia, 'peak_mb'):.0f} MB",
        ),
        ("1-minute load average before each pair of runs (2 cores)", ", ".join(f"{x:.1f}" for x in loads)),
    ]
    return rows, share


def table(tallies: dict[str, dict[str, Tally]]) -> str:
    names = [a.name for a in APPROACHES]
    out = "| channel | " + " | ".join(names) + " |\n|---|" + "---|" * len(names) + "\n"
    for channel in (*CHANNELS, "all"):
        label = f"**{channel}**" if channel == "all" else channel
        out += f"| {label} | " + " | ".join(tallies[n][channel].cell() for n in names) + " |\n"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--range", dest="split", choices=["test", "dev"], default="test")
    parser.add_argument(
        "--count", type=int, help="recordings from the start of the range (default: all of test, 120 of dev)"
    )
    parser.add_argument("--dev-count", type=int, default=0, help="also the development range's first N recordings")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-cost", action="store_true", help="accuracy only")
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "WAV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child[0], Path(args.child[1]))
        return

    WORK.mkdir(exist_ok=True)
    split: Range = args.split
    count = args.count or (None if split == "test" else 120)
    talks = [spoken(script) for script in generated(split, count)]
    tallies = accuracy(talks)
    hours = sum(t.duration for t in talks) / 3600
    body = (
        f"`python -m bench.bench_diarization --range {split}"
        + (f" --count {args.count}" if args.count else "")
        + (f" --dev-count {args.dev_count}" if args.dev_count else "")
        + f" --minutes {args.minutes:g} --repeats {args.repeats}` — {os.cpu_count()} cores, "
        f"Python {platform.python_version()}.\n\n"
        f"The {split} range of the speaker corpus: {len(talks)} recordings ({hours:.1f} h), one to four parties. "
        "Each cell: recordings with the right number of speakers · share of speech time given to the right "
        "speaker, mean and lowest.\n\n" + table(tallies)
    )
    chosen = tallies[APPROACHES[0].name]
    verdicts = []
    for channel in CHANNELS:
        tally = chosen[channel]
        n = len(tally.accuracy or [])
        if not n:
            continue
        counted, mean = tally.right_count / n, statistics.mean(tally.accuracy or [0.0])
        if counted < COUNT_TARGET:
            verdicts.append(f"{channel}: right count {counted:.0%} < {COUNT_TARGET:.0%}")
        if mean < ACCURACY_TARGET:
            verdicts.append(f"{channel}: speech time {mean:.1%} < {ACCURACY_TARGET:.0%}")
    body += (
        f"\nTargets on the {split} range (every channel: right count on at least {COUNT_TARGET:.0%} of recordings, "
        f"at least "
        f"{ACCURACY_TARGET:.0%} of speech time to the right speaker): "
        + ("met." if not verdicts else "**not met** — " + "; ".join(verdicts) + ".")
        + "\n"
    )
    if args.dev_count:
        dev = [spoken(script) for script in generated("dev", args.dev_count)]
        body += (
            f"\nThe development range (tuned on), its first {len(dev)} recordings "
            f"({sum(t.duration for t in dev) / 3600:.1f} h):\n\n" + table(accuracy(dev))
        )
    if not args.no_cost:
        rows, share = cost(args.minutes, args.repeats)
        body += (
            f"\nCost on a {args.minutes:g}-minute conversation, {args.repeats} alternating runs in fresh processes, "
            "medians:\n\n| measure | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n"
        )
        body += (
            f"\nCost target (at most {COST_TARGET:.0%} of the ASR time): "
            + ("met" if share <= COST_TARGET else f"**not met** ({share:.1%})")
            + ". The ASR here is Whisper tiny.en, the fastest model; with a slower one the share shrinks in "
            "proportion. Speaker labels are on by default only when every target is met; "
            + (
                "they are."
                if share <= COST_TARGET and not verdicts
                else "until then `--speakers auto` (or the CDK context key `clearscribe:speakers`) asks for them."
            )
            + "\n"
        )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


if __name__ == "__main__":
    main()
