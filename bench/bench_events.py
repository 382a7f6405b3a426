"""The event-driven workflow in the sandbox: state transitions, how soon each stage follows the one
before it, and what windows across instances make of a long recording's wall time.

The synthesized app (offline model, windows of ``--window`` seconds) is stood up in the sandbox
(``sandbox``) and a spoken recording several windows long is uploaded ``--runs`` times.
From each execution's history and the emulators' records it measures:

* **state transitions**: the states entered, against what the cost model computes from the
  definition (``FIXED_TRANSITIONS + TRANSITIONS_PER_WINDOW × windows``), and that figure for a
  one-hour recording in the default windows;
* **delays**: from MediaConvert's job ending (its ``Timing.FinishTime``) to the state that waited
  on it ending, and from the endpoint's notification of a window (its ``eventTime``) to that
  window's paused state ending — the time the events take to resume the workflow;
* **per-window time**: the endpoint's processing time of each window (one instance, one request at
  a time: a window starts when it was received or when the one before it ended), per second of
  audio; from it, the wall time of a four-hour recording in the default 20-minute windows with
  N instances, computed, against one instance.

    python -m bench.bench_events [--runs 3] [--window 60] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.report import replace_section

HEADING = "## Event-driven workflow"
#: Instances compared for the four-hour recording.
INSTANCES = (1, 2, 4, 8)
FOUR_HOURS = 4 * 3600


def _timestamp(value: Any) -> float:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()


def _exits(history: list[dict[str, Any]], state: str) -> list[dict[str, Any]]:
    return [e for e in history if e["type"].endswith("StateExited") and e["stateExitedEventDetails"]["name"] == state]


def measure(runs: int, window_s: int) -> dict[str, Any]:
    from pipeline.outputs import cost
    from sandbox.executions import execution_history
    from sandbox.run import Sandbox
    from sandbox.synth import synthesize
    from sandbox.templates import CloudAssembly
    from tests.sandbox.recordings import LONG
    from tests.support.speech import make_speech_video

    work = Path(tempfile.mkdtemp(prefix="clearscribe-bench-events-"))
    video = make_speech_video(LONG.script.spoken, work / "long.mp4", voice=LONG.voice,
                              words_per_minute=LONG.words_per_minute)  # fmt: skip
    assembly = synthesize(work / "cdk.out", {"clearscribe:window-seconds": window_s})
    transitions: list[tuple[int, int]] = []
    extraction_delays: list[float] = []
    window_delays: list[float] = []
    per_audio_second: list[float] = []
    windows_per_run = 0
    with Sandbox(CloudAssembly(assembly), work / "deployment") as sandbox:
        sfn, mediaconvert = sandbox.client("stepfunctions"), sandbox.client("mediaconvert")
        (endpoint,) = sandbox.endpoints.values()
        for run in range(runs):
            copy = work / f"long-{run}.mp4"
            copy.write_bytes(video.read_bytes())
            submission = sandbox.submit(copy)
            report = sandbox.outcome(submission, work / "out", timeout=1800)
            if report.status != "COMPLETE":
                raise SystemExit(f"run {run}: the job ended {report.status}: {report.error}")
            history = execution_history(sfn, submission.executions[0])
            (planned,) = [json.loads(e["stateExitedEventDetails"]["output"])["audio"]["windows"]
                          for e in _exits(history, "CheckAudioExtraction")]  # fmt: skip
            windows_per_run = len(planned)
            entered = sum(1 for e in history if e["type"].endswith("StateEntered"))
            transitions.append((entered, cost.FIXED_TRANSITIONS + cost.TRANSITIONS_PER_WINDOW * len(planned)))

            (extracted,) = _exits(history, "ExtractAudio")
            job = json.loads(extracted["stateExitedEventDetails"]["output"])["extraction"]["job"]["Job"]
            finished = mediaconvert.get_job(Id=job["Id"])["Job"]["Timing"]["FinishTime"]
            extraction_delays.append(_timestamp(extracted["timestamp"]) - _timestamp(finished))

            results = sorted(
                (r for r in endpoint.results if r["inferenceId"].startswith(f"{report.job_id}.w")),
                key=lambda r: _timestamp(r["eventTime"]),
            )
            resumed = {
                json.loads(e["stateExitedEventDetails"]["output"])["window_index"]: _timestamp(e["timestamp"])
                for e in _exits(history, "TranscribeWindow")
            }
            previous_end = 0.0
            for result in results:
                index = int(result["inferenceId"].rsplit(".w", 1)[1])
                notified = _timestamp(result["eventTime"])
                window_delays.append(resumed[index] - notified)
                started = max(_timestamp(result["receivedTime"]), previous_end)
                window = planned[index]
                length = (window["end"] if window["end"] is not None else _duration(copy)) - window["start"]
                per_audio_second.append((notified - started) / length)
                previous_end = notified
            print(f"run {run}: {entered} transitions, extraction +{extraction_delays[-1]:.2f} s, "
                  f"windows +{statistics.median(window_delays[-len(results):]):.2f} s", flush=True)  # fmt: skip
    return {
        "runs": runs,
        "window_s": window_s,
        "windows": windows_per_run,
        "transitions": transitions,
        "hour_transitions": cost.FIXED_TRANSITIONS + cost.TRANSITIONS_PER_WINDOW * math.ceil(3600 / 1200),
        "extraction_delays": extraction_delays,
        "window_delays": window_delays,
        "per_audio_second": statistics.median(per_audio_second),
    }


def _duration(path: Path) -> float:
    import av

    with av.open(str(path)) as container:
        return float(container.duration or 0) / 1e6


def four_hours(per_audio_second: float, *, window_s: int = 1200, concurrency: int = 4) -> list[tuple[int, float]]:
    """``(instances, wall seconds of the transcription)`` for four hours in ``window_s`` windows."""
    windows = math.ceil(FOUR_HOURS / window_s)
    per_window = per_audio_second * window_s
    return [(n, math.ceil(windows / min(n, concurrency)) * per_window) for n in INSTANCES]


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s, {max(values):.2f} s"


def render(m: dict[str, Any]) -> str:
    counted = sorted({c for c, _ in m["transitions"]})
    computed = sorted({c for _, c in m["transitions"]})
    wall = four_hours(m["per_audio_second"])
    wall8 = four_hours(m["per_audio_second"], concurrency=8)
    one = wall[0][1]
    rows = "\n".join(
        f"| {n} | {t / 60:.0f} min | {t / one:.2f} | {t8 / 60:.0f} min | {t8 / one:.2f} |"
        for (n, t), (_, t8) in zip(wall, wall8, strict=True)
    )
    ext, win = m["extraction_delays"], m["window_delays"]
    return f"""`python -m bench.bench_events --runs {m["runs"]} --window {m["window_s"]} --write docs/benchmarks.md`:
the sandbox, a spoken recording of {m["windows"]} windows of {m["window_s"]} s uploaded {m["runs"]} times
(offline-tiny.en on this machine's CPU; {platform.machine()}, Python {platform.python_version()}).

| measure | value | target |
|---|---|---|
| state transitions per execution, counted in the history | {", ".join(map(str, counted))} | — |
| the same, computed from the definition ({m["windows"]} windows) | {", ".join(map(str, computed))} | equal |
| computed for one hour in 20-minute windows | {m["hour_transitions"]} | ≤ 30 |
| MediaConvert job ended → its state ended (median, max) | {_spread(ext)} | ≤ 5 s |
| window's notification → its paused state resumed (median, max of {len(win)}) | {_spread(win)} | ≤ 5 s |

The first delay is the `.sync` integration noticing the job's end (the sandbox's emulation checks
every half second, as moto does its own; the service's own latency is AWS's). The second is SNS
delivering the notification to `ResumeTranscription` and its `SendTaskSuccess`, including the
function's cold start on the first window.

**A four-hour recording across instances**, computed from the endpoint's measured processing time
per second of audio here ({m["per_audio_second"]:.3f} s, tiny.en on this CPU; a GPU instance's is its own, see
"GPU"): 12 windows of 20 minutes, each on whichever instance is free; with the default
`window-concurrency` 4, and with 8.

| instances | transcription, concurrency 4 | of one instance | concurrency 8 | of one instance |
|---|---|---|---|---|
{rows}

Up to the concurrency, N instances take about 1/N of one instance's time (rounded up to whole
rounds of windows: 12 windows on 8 instances are two rounds, not 1.5); beyond it, more instances
wait. The sandbox itself runs one instance, so this is computed, not observed.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="uploads of the recording (3)")
    parser.add_argument("--window", type=int, default=60, help="window length of the synthesized app, seconds (60)")
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    args = parser.parse_args()
    body = render(measure(args.runs, args.window))
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


if __name__ == "__main__":
    main()
