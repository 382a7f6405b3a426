"""Speaker diarization: accuracy per conversation and approach, and its cost next to recognition.

Accuracy. Conversations spoken by espeak-ng voices with known turns (tests/support/conversations.py):
the test conversations, the one-speaker recordings, and conversations with voices, accents and
speaker counts (1–4) drawn at random — material the thresholds were not chosen on. Every
approach gets the same speech regions (the energy detector) and the same encoder:

* ``chosen``: ``pipeline.asr.inference.diarization.diarize`` — 1.2 s windows every 0.8 s, context-averaged
  embeddings, agglomerative over-clustering, pruning, merging of groups more than 0.9 alike;
* ``spectral``: the same embeddings, pruning and refinement, but the groups and their number come
  from spectral clustering (top-20% neighbour affinity, normalised Laplacian, largest eigengap,
  k-means), one speaker when the best two-way split leaves centroids more than 0.9 alike;
* ``single cut``: the textbook recipe — average-linkage clustering of the window embeddings
  cut at cosine distance 0.3, nothing else;
* ``chosen, 0.6 s hop``: the chosen method with more overlap between windows (a third more
  encoder work);
* ``chosen, 1.6 s windows``: the chosen method on resemblyzer's native 1.6 s windows, 0.8 s hop.

Scores: speech-time accuracy (share of reference speech given to the right speaker under the best
one-to-one label mapping), DER (missed + false alarm + confusion over reference speech, no
collar) and whether the number of speakers is right.

Cost. A conversation of about ten minutes goes through faster-whisper ``offline-tiny.en``
exactly as ``clearscribe run`` transcribes (``WhisperEngine``: int8, beam 5, Silero VAD, 30 s
chunks decoded in batches) and through diarization exactly as ``clearscribe run --speakers auto``
runs it (``diarize_windows`` over the WAV streamed in 5-minute windows), each in a fresh process
(peak resident memory of that process), alternately.

    python -m bench.bench_diarization [--minutes 10] [--repeats 3] [--random 12] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.report import replace_section
from pipeline.asr.inference import diarization as d
from pipeline.asr.inference.audio import array_windows
from pipeline.asr.inference.decoding import WINDOW_SECONDS
from tests.support.conversations import (
    TEST_CONVERSATIONS,
    TEST_MONOLOGUES,
    Conversation,
    SpokenConversation,
    dialogue,
    random_conversations,
    score_diarization,
    speak_conversation,
)

WORK = Path(__file__).with_name(".work")
HEADING = "## Speaker diarization"
RANDOM_SEED = 2024
LONG_VOICES = {"A": "en-us+m3", "B": "en+f4", "C": "en-gb-scotland+m7"}


# -- approaches ---------------------------------------------------------------------------------


def _spectral_groups(embeddings: np.ndarray, k: int | None, max_k: int = 8) -> np.ndarray:
    from scipy.cluster.vq import kmeans2

    n = len(embeddings)
    if n < 3:
        return np.zeros(n, dtype=np.int64)
    similarity = np.clip(embeddings @ embeddings.T, 0.0, 1.0)
    keep = max(2, int(0.2 * n))
    affinity = np.zeros_like(similarity)
    rows = np.arange(n)[:, None]
    nearest = np.argsort(-similarity, axis=1)[:, :keep]
    affinity[rows, nearest] = similarity[rows, nearest]
    affinity = (affinity + affinity.T) / 2
    degree = affinity.sum(axis=1)
    scale = 1 / np.sqrt(np.maximum(degree, 1e-10))
    laplacian = np.eye(n) - scale[:, None] * affinity * scale[None, :]
    values, vectors = np.linalg.eigh(laplacian)
    if k is None:
        k = int(np.argmax(np.diff(values[: max_k + 1]))) + 1
    if k == 1:
        return np.zeros(n, dtype=np.int64)
    points = vectors[:, :k] / np.maximum(np.linalg.norm(vectors[:, :k], axis=1, keepdims=True), 1e-9)
    rng = np.random.default_rng(0)
    best: tuple[float, np.ndarray] | None = None
    for _ in range(10):
        centres, labels = kmeans2(points, k, minit="++", seed=rng)
        inertia = float(((points - centres[labels]) ** 2).sum())
        if best is None or inertia < best[0]:
            best = (inertia, labels.astype(np.int64))
    assert best is not None
    return best[1]


def _finish(windows: d._Windows, context: np.ndarray, reliable: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The chosen method's pruning and refinement, for an approach that only groups differently."""
    seconds = np.minimum(windows.lengths, d.HOP_SECONDS)[reliable]
    labels = d._prune(context[reliable], labels, seconds, keep_at_least=1)
    keys, centroids = d._centroids(context[reliable], labels)
    assigned = keys[np.argmax(windows.embeddings @ centroids.T, axis=1)]
    for _ in range(d.REFINE_ROUNDS):
        keys, centroids = d._centroids(windows.embeddings, assigned)
        assigned = keys[np.argmax(windows.embeddings @ centroids.T, axis=1)]
    return assigned


def spectral(windows: d._Windows) -> np.ndarray:
    context = d._with_context(windows)
    reliable = windows.lengths >= d.MIN_CLUSTERING_WINDOW_SECONDS
    embeddings = context[reliable]
    labels = _finish(windows, context, reliable, _spectral_groups(embeddings, None))
    two = _spectral_groups(embeddings, 2)
    keys, centroids = d._centroids(embeddings, two)
    if len(keys) < 2 or float(centroids[0] @ centroids[1]) > d.SAME_SPEAKER_SIMILARITY:
        return np.zeros(len(windows.embeddings), dtype=np.int64)
    return labels


def single_cut(windows: d._Windows) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(windows.embeddings) < 2:
        return np.zeros(len(windows.embeddings), dtype=np.int64)
    tree = linkage(windows.embeddings.astype(np.float64), method="average", metric="cosine")
    return fcluster(tree, 0.3, criterion="distance").astype(np.int64)


def chosen(windows: d._Windows) -> np.ndarray:
    return d._cluster(windows, None)


@dataclass(frozen=True)
class Approach:
    name: str
    cluster: Callable[[d._Windows], np.ndarray]
    window: float = d.WINDOW_SECONDS
    hop: float = d.HOP_SECONDS


APPROACHES = (
    Approach("chosen", chosen),
    Approach("spectral", spectral),
    Approach("single cut", single_cut),
    Approach("chosen, 0.6 s hop", chosen, d.WINDOW_SECONDS, 0.6),
    Approach("chosen, 1.6 s windows", chosen, 1.6, 0.8),
)


@contextlib.contextmanager
def windowing(window: float, hop: float) -> Iterator[None]:
    saved = d.WINDOW_SECONDS, d.HOP_SECONDS
    d.WINDOW_SECONDS, d.HOP_SECONDS = window, hop
    try:
        yield
    finally:
        d.WINDOW_SECONDS, d.HOP_SECONDS = saved


def diarize_with(approach: Approach, audio: np.ndarray) -> tuple[list[d.SpeakerTurn], float]:
    """What ``diarize`` does, with the approach's clustering and windows; and the time it took."""
    started = time.perf_counter()
    with windowing(approach.window, approach.hop):
        regions = d.detect_speech(audio)
        windows = d._embed_windows(audio, regions, d.load_speaker_encoder())
        labels = d._smooth(approach.cluster(windows), windows.region)
        turns = d._turns(regions, windows, labels)
    return turns, time.perf_counter() - started


# -- accuracy -----------------------------------------------------------------------------------


def accuracy_rows(conversations: list[SpokenConversation]) -> tuple[list[str], dict[str, list[tuple[float, bool]]]]:
    rows = []
    totals: dict[str, list[tuple[float, bool]]] = {a.name: [] for a in APPROACHES}
    for talk in conversations:
        cells = []
        for approach in APPROACHES:
            turns, _ = diarize_with(approach, talk.audio)
            score = score_diarization(talk.reference, turns)
            right = score.found_speakers == score.reference_speakers
            totals[approach.name].append((score.accuracy, right))
            mark = "" if right else " ✗"
            cells.append(
                f"{score.accuracy:.1%} · {score.der:.1%} ({score.confusion:.1%}) · {score.found_speakers}{mark}"
            )
        conv = talk.conversation
        rows.append(f"| {conv.name} | {len(conv.speakers)} | {talk.duration:.0f} | " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)
    return rows, totals


# -- cost ---------------------------------------------------------------------------------------


def long_conversation(minutes: float) -> Conversation:
    return dialogue(f"{minutes:g}-minute meeting", LONG_VOICES, turns=round(minutes * 10), seed=10)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--random", type=int, default=12, help="conversations with random voices")
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "WAV"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child[0], Path(args.child[1]))
        return

    WORK.mkdir(exist_ok=True)
    conversations = [*TEST_CONVERSATIONS, *TEST_MONOLOGUES, *random_conversations(args.random, seed=RANDOM_SEED)]
    spoken = [speak_conversation(c) for c in conversations]
    rows, totals = accuracy_rows(spoken)

    long_talk = speak_conversation(long_conversation(args.minutes))
    wav = long_talk.write_wav(WORK / f"diarization-{args.minutes:g}min.wav")
    long_score = score_diarization(
        long_talk.reference, d.diarize_windows(array_windows(long_talk.audio, window_s=WINDOW_SECONDS))
    )
    asr: list[dict[str, float]] = []
    dia: list[dict[str, float]] = []
    loads: list[float] = []
    for n in range(args.repeats):
        loads.append(os.getloadavg()[0])
        asr.append(child("asr", wav))
        dia.append(child("diarize", wav))
        print(f"run {n + 1}: ASR {asr[-1]['run']:.1f} s, diarization {dia[-1]['run']:.1f} s", flush=True)

    def med(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in runs)

    shares = [b["run"] / a["run"] for a, b in zip(asr, dia, strict=True)]
    share = statistics.median(shares)
    names = [a.name for a in APPROACHES]
    header = "| conversation | speakers | seconds | " + " | ".join(names) + " |\n"
    header += "|---|---:|---:|" + "---:|" * len(names) + "\n"
    summary = []
    fixed = len(TEST_CONVERSATIONS) + len(TEST_MONOLOGUES)
    for label, pick in (("test conversations", slice(0, fixed)), ("random voices", slice(fixed, None))):
        cells = []
        for name in names:
            scores = totals[name][pick]
            if not scores:
                continue
            accuracy = [a for a, _ in scores]
            cells.append(
                f"min {min(accuracy):.1%}, mean {statistics.mean(accuracy):.1%}, "
                f"count right {sum(r for _, r in scores)}/{len(scores)}"
            )
        if cells:
            summary.append(f"| **{label}** | | | " + " | ".join(cells) + " |")
    verdict = "on by default" if share <= 0.15 else "off by default"
    cost = [
        ("audio", f"{long_talk.duration / 60:.1f} min, 3 speakers ({long_talk.speech_seconds / 60:.1f} min of speech)"),
        (
            "ASR: faster-whisper offline-tiny.en (int8, beam 5, VAD, batched 30 s chunks), transcribe",
            f"{med(asr, 'run'):.1f} s",
        ),
        ("diarization as `run --speakers auto` does it (`diarize_windows`)", f"{med(dia, 'run'):.1f} s"),
        ("**diarization / ASR time**", f"**{share:.1%}** (runs: {', '.join(f'{s:.1%}' for s in shares)})"),
        ("model load: ASR / speaker encoder", f"{med(asr, 'load'):.2f} s / {med(dia, 'load'):.2f} s"),
        (
            "peak memory of the process: ASR / diarization",
            f"{med(asr, 'peak_mb'):.0f} MB / {med(dia, 'peak_mb'):.0f} MB",
        ),
        (
            "accuracy on this recording (5-minute windows, as `run` streams it)",
            f"{long_score.accuracy:.1%}, DER {long_score.der:.1%}, {long_score.found_speakers} speakers found",
        ),
    ]
    body = (
        f"`python -m bench.bench_diarization --minutes {args.minutes:g} --repeats {args.repeats} "
        f"--random {args.random}` — {os.cpu_count()} cores, Python {platform.python_version()}.\n\n"
        "Each cell: speech-time accuracy (best label mapping) · DER, no collar (of which confusion: "
        "speech given to the wrong speaker) · speakers found (✗: wrong count). The rest of the DER "
        "is the energy speech detector's: pauses inside a turn are speech in the reference.\n\n"
        + header
        + "\n".join(rows + summary)
        + "\n\n"
        f"Cost on a {long_talk.duration / 60:.0f}-minute conversation, {args.repeats} alternating runs "
        f"in fresh processes (1-minute load average before each: {', '.join(f'{x:.1f}' for x in loads)}), "
        "medians:\n\n| measure | value |\n|---|---|\n"
        + "\n".join(f"| {k} | {v} |" for k, v in cost)
        + f"\n\nThe rule is to diarize by default unless it costs more than 15% of the ASR time: "
        f"{share:.1%} — {verdict} (`clearscribe run --speakers auto` or `N`, the CDK context key "
        "`clearscribe:speakers`). The ASR here is Whisper tiny.en, the fastest model; the share "
        "shrinks in proportion with a slower one (distil-large-v3, the default, has no offline "
        "weights to measure here).\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


if __name__ == "__main__":
    main()
