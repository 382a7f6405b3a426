"""How much of a redacted value can still be heard in ``redacted.<ext>``, and what writing it costs.

Spoken calls with known values (names, phone and card numbers read digit by digit;
``tests/support/redaction_scripts.py``), each in its own espeak-ng voice, go through ``clearscribe run
--redact-media`` (the real CLI, offline-tiny.en, the tone); the same spans are also written with silence.
The speech engine alone (no PII detection) then transcribes the original recording (the control: which
values a listener hears) and both redacted ones; a value counts as heard when one of its names, or four of
its digits in a row, is in that transcript. Per recording: values the clean transcript still shows (missed
by PII detection: the media cannot hide what was not found), values heard in each redacted recording (the
target is 0), the share of the other words still heard, and the redaction's time next to the whole run's.

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
from pipeline.outputs.media_spans import MARGIN_SECONDS, REACH_SECONDS, TimeSpan, redacted_times
from pipeline.outputs.redacted_media import write_redacted_media
from postprocess.document import EnrichedTranscript
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
    parser.add_argument(
        "--long-minutes", type=int, default=0, help="also time the ffmpeg step on this long a recording"
    )
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    engine = load_engine(OFFLINE_MODEL, settings=Settings(home=WORK / "home"))

    def text_of(media: Path) -> str:
        return " ".join(segment.text.strip() for segment in engine.transcribe(media).segments)

    rows: list[str] = []
    totals = {
        "values": 0,
        "control": 0,
        "missed": 0,
        "tone": 0,
        "silence": 0,
        "tone_redacted": 0,
        "silence_redacted": 0,
        "margin_only": 0,
    }
    for call in REDACTION_CALLS:
        video = WORK / f"{call.name}-{call.script.fingerprint}.mp4"
        if not video.exists():
            make_speech_video(call.script.spoken, video, voice=call.voice, words_per_minute=call.words_per_minute)
        record, wall = clearscribe_run(video, "tone")
        outputs = record["outputs"]
        assert isinstance(outputs, dict)
        enriched = json.loads(Path(outputs["json"]).read_text(encoding="utf-8"))
        # the same spans with silence: the run's own function on the run's own enriched transcript
        spans = redacted_times(EnrichedTranscript.from_json(Path(outputs["json"]).read_bytes(), where="bench"))
        silent = write_redacted_media(video, spans, WORK / "silence", ffmpeg=default_ffmpeg(), fill="silence")
        # and with the margin alone, without reaching towards the neighbouring words: what the reach is for
        narrow = redacted_times(
            EnrichedTranscript.from_json(Path(outputs["json"]).read_bytes(), where="bench"), reach=0.0
        )
        margin_only = write_redacted_media(video, narrow, WORK / "margin", ffmpeg=default_ffmpeg(), fill="silence")
        values = secret_values(call.script)
        original = text_of(video)
        control = heard_values(call.script, original)
        missed = heard_values(call.script, enriched["transcript"]["text"])
        totals["values"] += len(values)
        totals["control"] += len(control)
        totals["missed"] += len(missed)
        said = public_text(call.script)
        cells = []
        for fill, media in (("tone", Path(outputs["media"])), ("silence", silent)):
            again = text_of(media)
            leaked = heard_values(call.script, again)
            totals[fill] += len(leaked)
            totals[f"{fill}_redacted"] += len([v for v in leaked if v not in missed])
            cells.append(f"**{len(leaked)}** | {heard(said, again):.0%}")
            print(f"{call.name}, {fill}: heard again {leaked}; missed by PII detection {missed}", flush=True)
        narrow_leaked = heard_values(call.script, text_of(margin_only))
        totals["margin_only"] += len(narrow_leaked)
        cells.append(str(len(narrow_leaked)))
        print(f"{call.name}, silence, margin only: heard again {narrow_leaked}", flush=True)
        redact = enriched["timings"]["redact_media_seconds"]
        rows.append(
            f"| {call.name} ({call.voice}) | {enriched['source']['duration_seconds']:.0f} s | {len(values)} | "
            f"{len(control)} | {len(missed)} | {heard(said, original):.0%} | {' | '.join(cells)} | "
            f"{redact:.2f} s | {wall:.1f} s | {redact / wall:.1%} |"
        )
    long_line = ""
    if args.long_minutes:
        media = long_recording(args.long_minutes)
        many = [TimeSpan(t + 0.5, t + 1.3) for t in range(0, args.long_minutes * 60 - 2, 2)]
        took = {}
        for spans in ([], many):
            started = time.perf_counter()
            write_redacted_media(media, spans, WORK / "long-out", ffmpeg=default_ffmpeg(), fill="tone")
            took[len(spans)] = time.perf_counter() - started
        real = args.long_minutes * 60
        long_line = (
            f"\n\nThe ffmpeg step alone on a {args.long_minutes}-minute mp4 (320×240 video, stereo AAC at 44.1 kHz), "
            f"with the tone: {took[len(many)]:.1f} s for {len(many)} spans ({took[len(many)] / real:.3f} × real "
            f"time), {took[0]:.1f} s for none ({took[0] / real:.3f} × real time)"
            + (
                ": the time goes to decoding and encoding the audio, not to the spans."
                if took[len(many)] < 1.5 * took[0]
                else "."
            )
        )
    command = "python -m bench.bench_redacted_media" + (
        f" --long-minutes {args.long_minutes}" if args.long_minutes else ""
    )
    why_reach = (
        " — word times and a margin alone are not enough: tiny.en may time a word of a name as said after it was"
        if totals["margin_only"]
        else ""
    )
    body = (
        f"`{command}` — {len(REDACTION_CALLS)} spoken calls (espeak-ng, one voice each) with {totals['values']} "
        "known values (names; phone, card and policy numbers read digit by digit), each through "
        "`clearscribe run --redact-media` (offline-tiny.en; margin "
        f"{MARGIN_SECONDS} s, reach towards the neighbouring words up to {REACH_SECONDS} s), and the same spans "
        "written with silence. The original and both redacted recordings are transcribed again by the speech "
        "engine alone (no PII detection). A value is *heard* when one of its names, or four of its digits in a "
        f"row, is in that transcript. {os.cpu_count()} cores shared with other work, Python "
        f"{platform.python_version()}.\n\n"
        "| recording | length | values | heard in the original | missed by PII detection | other words heard, "
        "original | heard, tone | other words, tone | heard, silence | other words, silence | heard, silence, "
        "margin only | redaction | whole run | redaction's share |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n\n"
        f"**Values heard in the originals that can still be heard in the redacted recordings: {totals['tone']} of "
        f"{totals['control']} with the tone, {totals['silence']} of {totals['control']} with silence** (target 0; "
        f"of them, {totals['tone_redacted']} and {totals['silence_redacted']} had been redacted in the transcript, "
        "the rest missed by PII detection). A value PII detection misses stays audible: the media hides what the "
        f"transcript redacts, no more ({totals['missed']} of {totals['values']} values missed here). *Other words* "
        "is the share of the words said outside the values that the engine hears: what the replaced stretches "
        "cost the words next to a value (the recogniser loses more of them around a tone than around silence). "
        f"*Margin only* writes the spans with the {MARGIN_SECONDS} s margin but without the reach towards the "
        f"neighbouring words, with silence: {totals['margin_only']} value(s) heard again{why_reach}. The "
        "redaction's time is the ffmpeg step of the run; the whole run is the `clearscribe run` process, model "
        "loading included, on a machine shared with other work (hence the spread)." + long_line + "\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


if __name__ == "__main__":
    main()
