"""How much of a redacted value can still be heard in ``redacted.<ext>``, and what writing it costs.

Spoken calls with known values (names, phone and card numbers read digit by digit;
``tests/support/redaction_scripts.py``), each in its own espeak-ng voice, go through ``clearscribe run
--redact-media`` (the real CLI, offline-tiny.en). The speech engine alone (no PII detection) then transcribes
the original recording (the control: which values a listener hears) and ``redacted.mp4``; a value counts as
heard when one of its names, or four of its digits in a row, is in that transcript. Per recording: values
the clean transcript still shows (missed by PII detection: the media cannot hide what was not found),
values heard in the redacted recording (the target is 0), the share of the other words still heard, and
the redaction's time next to the whole run's.

``--long-minutes N`` also times the ffmpeg step alone on an N-minute recording with a span every two
seconds (hundreds of spans), as a check that it scales with the recording, not with the spans.

    python -m bench.bench_redacted_media [--write docs/benchmarks.md] [--long-minutes 10]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench.report import replace_section
from pipeline.asr.engine import load_engine
from pipeline.asr.inference.audio import default_ffmpeg
from pipeline.outputs.media_spans import MARGIN_SECONDS, TimeSpan
from pipeline.outputs.redacted_media import write_redacted_media
from shared.config import OFFLINE_MODEL, Settings
from tests.support.redaction_scripts import REDACTION_CALLS, heard_values, public_text, secret_values
from tests.support.scripts import heard
from tests.support.speech import ffmpeg_exe, make_speech_video

WORK = Path(__file__).with_name(".work") / "redacted-media"
HEADING = "## Redacted media"


def clearscribe_run(video: Path, fill: str) -> tuple[dict[str, object], float]:
    """One ``clearscribe run --redact-media`` in a fresh process: its JSON record and wall time."""
    exe = Path(sys.executable).with_name("clearscribe")
    started = time.perf_counter()
    proc = subprocess.run(
        [str(exe), "run", str(video), "--model", OFFLINE_MODEL, "--json", "--force", "--quiet",
         "--out", str(WORK / "out"), "--home", str(WORK / "home"), "--redact-media-with", fill],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(proc.stdout), time.perf_counter() - started


def long_recording(minutes: int) -> Path:
    out = WORK / f"long-{minutes}min.mp4"
    if not out.exists():
        seconds = minutes * 60
        subprocess.run(
            [ffmpeg_exe(), "-nostdin", "-v", "error", "-y",
             "-f", "lavfi", "-i", f"testsrc=size=320x240:rate=10:duration={seconds}",
             "-f", "lavfi", "-i", f"sine=frequency=300:sample_rate=44100:duration={seconds}",
             "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2", str(out)],
            check=True, capture_output=True,
        )  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    parser.add_argument("--fill", choices=("tone", "silence"), default="tone")
    parser.add_argument(
        "--long-minutes", type=int, default=0, help="also time the ffmpeg step on this long a recording"
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    engine = load_engine(OFFLINE_MODEL, settings=Settings(home=WORK / "home"))

    def text_of(media: Path) -> str:
        return " ".join(segment.text.strip() for segment in engine.transcribe(media).segments)

    rows, totals = [], {"values": 0, "control": 0, "missed": 0, "heard": 0, "redacted_heard": 0}
    for call in REDACTION_CALLS:
        video = WORK / f"{call.name}-{call.script.fingerprint}.mp4"
        if not video.exists():
            make_speech_video(call.script.spoken, video, voice=call.voice, words_per_minute=call.words_per_minute)
        record, wall = clearscribe_run(video, args.fill)
        outputs = record["outputs"]
        assert isinstance(outputs, dict)
        enriched = json.loads(Path(outputs["json"]).read_text(encoding="utf-8"))
        values = secret_values(call.script)
        original = text_of(video)
        control = heard_values(call.script, original)
        missed = heard_values(call.script, enriched["transcript"]["text"])
        again = text_of(Path(outputs["media"]))
        leaked = heard_values(call.script, again)
        leaked_redacted = [v for v in leaked if v not in missed]
        others = heard(public_text(call.script), again)
        others_before = heard(public_text(call.script), original)
        redact = enriched["timings"]["redact_media_seconds"]
        totals["values"] += len(values)
        totals["control"] += len(control)
        totals["missed"] += len(missed)
        totals["heard"] += len(leaked)
        totals["redacted_heard"] += len(leaked_redacted)
        print(
            f"{call.name}: heard again {leaked}; missed by PII detection {missed}; other words {others:.0%}", flush=True
        )
        rows.append(
            f"| {call.name} ({call.voice}) | {enriched['source']['duration_seconds']:.0f} s | {len(values)} | "
            f"{len(control)} | {len(missed)} | **{len(leaked)}** | {others_before:.0%} → {others:.0%} | "
            f"{redact:.2f} s | {wall:.1f} s | {redact / wall:.1%} |"
        )
    long_line = ""
    if args.long_minutes:
        media = long_recording(args.long_minutes)
        spans = [TimeSpan(t + 0.5, t + 1.3) for t in range(0, args.long_minutes * 60 - 2, 2)]
        started = time.perf_counter()
        write_redacted_media(media, spans, WORK / "long-out", ffmpeg=default_ffmpeg(), fill=args.fill)
        seconds = time.perf_counter() - started
        long_line = (
            f"\n\nThe ffmpeg step alone on a {args.long_minutes}-minute mp4 (320×240 video, stereo AAC at 44.1 kHz) "
            f"with {len(spans)} spans: {seconds:.1f} s ({seconds / (args.long_minutes * 60):.3f} × real time)."
        )
    heard_share = totals["heard"] / totals["control"] if totals["control"] else 0.0
    command = "python -m bench.bench_redacted_media" + (
        f" --long-minutes {args.long_minutes}" if args.long_minutes else ""
    )
    body = (
        f"`{command}` — {len(REDACTION_CALLS)} spoken calls (espeak-ng, one voice each) with {totals['values']} "
        "known values (names; phone, card and policy numbers read digit by digit), each through "
        f"`clearscribe run --redact-media --redact-media-with {args.fill}` (offline-tiny.en, margin "
        f"{MARGIN_SECONDS} s each side), then the original and `redacted.mp4` transcribed again by the "
        "speech engine alone (no PII detection). A value is *heard* when one of its names, or four of its "
        "digits in a row, is in that transcript. "
        f"{os.cpu_count()} cores shared with other work, Python {platform.python_version()}.\n\n"
        "| recording | length | values | heard in the original | missed by PII detection | heard in redacted.mp4 | "
        "other words heard | redaction | whole run | redaction's share |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n\n"
        f"**{totals['heard']} of the {totals['control']} values heard in the originals ({heard_share:.0%}) can "
        f"still be heard in the redacted recordings** (target 0): {totals['redacted_heard']} that the transcript "
        f"had redacted, {totals['heard'] - totals['redacted_heard']} that PII detection had missed. A value missed "
        f"by PII detection stays audible: the media hides what the transcript redacts, no more "
        f"({totals['missed']} of {totals['values']} here). *Other words heard* is the share of the words said "
        "outside the values that the engine hears in the original → in the redacted recording: what the tone and "
        "its margins cost the words next to a value. The redaction's time is the ffmpeg step; the whole run is "
        "the `clearscribe run` process, model loading included, on a machine shared with other work (hence the "
        "spread)." + long_line + "\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


if __name__ == "__main__":
    main()
