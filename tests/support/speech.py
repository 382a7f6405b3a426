"""Speech fixtures made at test time: espeak-ng speaks a known script, ffmpeg muxes it into media.

The reference text is what was spoken, so WER and leak checks have ground truth.
"""

from __future__ import annotations

import html
import shutil
import subprocess
from pathlib import Path


def ffmpeg_exe() -> str:
    """The system ffmpeg if present (it ships ffprobe too), else imageio-ffmpeg's static binary."""
    system = shutil.which("ffmpeg")
    if system:
        return system
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


PARAGRAPH_PAUSE_MS = 2500


def speak_to_wav(text: str, out: Path, *, voice: str = "en-us", words_per_minute: int = 150) -> Path:
    """Synthesize ``text`` to a WAV file with espeak-ng.

    Sentences get espeak's short pauses; paragraphs (separated by a blank line) are separated
    by a pause of ``PARAGRAPH_PAUSE_MS``, long enough for voice-activity detection to split there.
    """
    if shutil.which("espeak-ng") is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    out.parent.mkdir(parents=True, exist_ok=True)
    paragraphs = [html.escape(p.strip(), quote=False) for p in text.split("\n\n") if p.strip()]
    ssml = "<speak>" + f'<break time="{PARAGRAPH_PAUSE_MS}ms"/>'.join(paragraphs) + "</speak>"
    subprocess.run(
        ["espeak-ng", "-m", "-v", voice, "-s", str(words_per_minute), "-g", "6", "-w", str(out), "--stdin"],
        input=ssml.encode("utf-8"),
        check=True,
        capture_output=True,
    )
    return out


def mix_noise(clean: Path, out: Path, *, color: str = "pink", amplitude: float = 0.04, seed: int = 7) -> Path:
    """``clean`` speech with ``color`` noise (ffmpeg ``anoisesrc``: white, pink, brown …) mixed in."""
    noise = f"anoisesrc=color={color}:amplitude={amplitude}:sample_rate=22050:seed={seed}"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-i", str(clean), "-f", "lavfi", "-i", noise,
         "-filter_complex", "[0:a][1:a]amix=inputs=2:duration=first:normalize=0", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return out


def mux_video(audio: Path, out: Path, *, size: str = "320x240", video: bool = True, audio_codec: str = "aac") -> Path:
    """Mux ``audio`` with a generated colour video track into ``out`` (container from the suffix)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [ffmpeg_exe(), "-nostdin", "-v", "error", "-y"]
    if video:
        cmd += ["-f", "lavfi", "-i", f"color=c=navy:s={size}:r=10"]
    cmd += ["-i", str(audio)]
    if video:
        cmd += ["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    cmd += ["-c:a", audio_codec, "-shortest", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def make_speech_video(text: str, out: Path, *, voice: str = "en-us", words_per_minute: int = 150) -> Path:
    """A video (``out``'s container, e.g. .mp4) whose audio track speaks ``text``."""
    wav = out.with_suffix(".speech.wav")
    speak_to_wav(text, wav, voice=voice, words_per_minute=words_per_minute)
    try:
        return mux_video(wav, out)
    finally:
        wav.unlink(missing_ok=True)


def make_silence(out: Path, seconds: float, *, video: bool = True) -> Path:
    cmd = [ffmpeg_exe(), "-nostdin", "-v", "error", "-y"]
    if video:
        cmd += ["-f", "lavfi", "-i", f"color=c=black:s=160x120:r=10:d={seconds}"]
    cmd += ["-f", "lavfi", "-i", f"anullsrc=r=16000:cl=mono:d={seconds}"]
    if video:
        cmd += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    cmd += ["-c:a", "aac", "-shortest", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def make_video_without_audio(out: Path, seconds: float = 2.0) -> Path:
    subprocess.run(
        [
            ffmpeg_exe(),
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"color=c=red:s=160x120:r=10:d={seconds}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out


def encode_like_mediaconvert(source: Path, out: Path, *, bitrate_bps: int | None = None) -> Path:
    """The audio the workflow's MediaConvert template writes: mono AAC-LC at the contract's sample
    rate and constant bit rate (``shared.contract``), in an M4A container. ``bitrate_bps`` overrides
    the bit rate (the bit-rate benchmark compares several)."""
    from shared.contract import AUDIO_BITRATE_BPS, AUDIO_CHANNELS, SAMPLE_RATE

    subprocess.run(
        [
            ffmpeg_exe(),
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-i",
            str(source),
            "-vn",
            "-ac",
            str(AUDIO_CHANNELS),
            "-ar",
            str(SAMPLE_RATE),
            "-c:a",
            "aac",
            "-profile:a",
            "aac_low",
            "-b:a",
            str(bitrate_bps or AUDIO_BITRATE_BPS),
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out
