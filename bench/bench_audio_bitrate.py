"""Word error rate of the endpoint's engine at the AAC bit rates MediaConvert allows for mono 16 kHz.

The workflow's MediaConvert template encodes the audio the endpoint transcribes as AAC-LC, mono,
16 kHz, constant bit rate; MediaConvert accepts 8,000 … 28,000 bit/s for that combination. This
benchmark speaks the meeting script with espeak-ng for a few minutes, encodes it at each bit rate
with ffmpeg's AAC-LC encoder (MediaConvert's own encoder cannot run here: the numbers compare
rates, not encoders), and transcribes each file with the same Whisper tiny.en weights on the speech
engine (faster-whisper with the product settings: int8, beam 5, VAD, re-decoding).

WER is computed as in ``bench.bench_engines`` (numbers and addresses in one form).

    python -m bench.bench_audio_bitrate [--minutes 3] [--bitrates 12000,16000,28000] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from bench.bench_engines import WORK, spoken_wav, word_error_rate
from bench.report import replace_section
from shared.contract import AUDIO_BITRATE_BPS
from tests.support.speech import encode_like_mediaconvert

HEADING = "## Audio bit rate"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--bitrates", default="16000,24000,28000", help="comma-separated bit/s")
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    args = parser.parse_args()
    bitrates = [int(b) for b in args.bitrates.split(",")]

    WORK.mkdir(exist_ok=True)
    wav, reference = spoken_wav(args.minutes)
    from pipeline.asr.engine import load_engine
    from shared.config import OFFLINE_MODEL, Settings

    transcribe = load_engine(OFFLINE_MODEL, settings=Settings(home=WORK, model=OFFLINE_MODEL)).transcribe
    decoding = "the speech engine with the product settings (int8, beam 5, chunked, re-decoding)"
    rows = []
    duration = 0.0
    for bitrate in bitrates:
        audio = encode_like_mediaconvert(wav, WORK / f"{wav.stem}-{bitrate}.m4a", bitrate_bps=bitrate)
        started = time.perf_counter()
        transcript = transcribe(audio)
        seconds = time.perf_counter() - started
        duration = transcript.duration
        wer = word_error_rate(reference, transcript.text)
        size_per_hour = audio.stat().st_size / transcript.duration * 3600 / 1e6
        print(f"{bitrate} bit/s: WER {wer:.1%}, {size_per_hour:.1f} MB per hour, transcribed in {seconds:.0f} s")
        chosen = " (chosen)" if bitrate == AUDIO_BITRATE_BPS else ""
        rows.append(f"| {bitrate:,}{chosen} | {size_per_hour:.1f} | {wer:.1%} |")

    body = (
        f"`python -m bench.bench_audio_bitrate --minutes {args.minutes:g} --bitrates {args.bitrates} "
        "` — "
        f"{duration / 60:.1f} min of espeak-ng speech (the meeting script, repeated), encoded with ffmpeg's "
        f"AAC-LC encoder as mono 16 kHz at each constant bit rate, transcribed on Whisper tiny.en by {decoding}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}.\n\n"
        "| bit rate (bit/s) | MB per hour of audio | WER |\n|---:|---:|---:|\n" + "\n".join(rows) + "\n\n"
        "MediaConvert allows 8,000–28,000 bit/s for AAC-LC mono at 16 kHz (CBR). The template uses the lowest "
        "rate whose WER equals that of the highest allowed rate (`AUDIO_BITRATE_BPS` in `shared/contract.py`).\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


if __name__ == "__main__":
    main()
