"""Input validation and audio extraction (ffmpeg) for the local pipeline.

``probe_media`` answers "is this decodable media with an audio stream, within limits?" using
PyAV (the FFmpeg libraries faster-whisper already ships), so no ffprobe is needed.
``extract_audio`` runs an ffmpeg binary to produce 16 kHz mono PCM WAV, the input Whisper wants.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shared.errors import (
    AudioExtractionError,
    AudioExtractionTimeout,
    EmptyFileError,
    InvalidMediaError,
    MediaTooLargeError,
    MediaTooLongError,
    NoAudioStreamError,
    SourceNotFoundError,
)

SAMPLE_RATE = 16_000
# A decoded track shorter than this share of the container's stated duration is truncated.
MIN_DECODED_SHARE = 0.9


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    size_bytes: int
    duration_seconds: float
    container: str
    audio_codec: str
    has_video: bool


def probe_media(path: Path, *, max_bytes: int, max_duration_seconds: float) -> MediaInfo:
    """Check ``path`` is non-empty, decodable media with an audio stream, within the limits."""
    import av  # PyAV, a dependency of faster-whisper

    if not path.exists():
        raise SourceNotFoundError(f"{path}: no such file")
    if not path.is_file():
        raise InvalidMediaError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size == 0:
        raise EmptyFileError(f"{path}: file is empty")
    if size > max_bytes:
        raise MediaTooLargeError(f"{path}: {size} bytes is over the limit of {max_bytes} bytes")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidMediaError(f"{path}: not a decodable audio or video file ({_reason(exc)})") from exc
    with container:
        audio = container.streams.audio
        if not audio:
            raise NoAudioStreamError(f"{path}: has no audio stream")
        stream = audio[0]
        duration = _duration_seconds(container, stream)
        codec = stream.codec_context.name if stream.codec_context else "unknown"
        info = MediaInfo(
            path=path,
            size_bytes=size,
            duration_seconds=duration,
            container=container.format.name,
            audio_codec=codec,
            has_video=bool(container.streams.video),
        )
    if duration > max_duration_seconds:
        raise MediaTooLongError(f"{path}: {duration:.0f} s of audio is over the limit of {max_duration_seconds:.0f} s")
    return info


def _duration_seconds(container: object, stream: object) -> float:
    if getattr(stream, "duration", None) and getattr(stream, "time_base", None):
        return float(stream.duration * stream.time_base)  # type: ignore[attr-defined]
    if getattr(container, "duration", None):
        return float(container.duration) / 1_000_000  # type: ignore[attr-defined]
    return 0.0


def _reason(exc: Exception) -> str:
    text = str(exc)
    # PyAV messages end with the file name; keep only the reason.
    text = re.sub(r":\s*'[^']*'\s*$", "", text)
    return text.strip() or type(exc).__name__


def resolve_ffmpeg(configured: str | None) -> str:
    """The ffmpeg to run: the configured one (path or name on PATH), else imageio-ffmpeg's binary."""
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise AudioExtractionError(f"ffmpeg not found: {configured!r}")
        return found
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - guarded by packaging
        system = shutil.which("ffmpeg")
        if system:
            return system
        raise AudioExtractionError("no ffmpeg: install imageio-ffmpeg or set CLEARSCRIBE_FFMPEG") from exc
    return imageio_ffmpeg.get_ffmpeg_exe()


def extract_audio(
    media: MediaInfo,
    out_wav: Path,
    *,
    ffmpeg: str,
    timeout_seconds: float,
    on_progress: Callable[[float], None] | None = None,
) -> float:
    """Decode the first audio stream to 16 kHz mono 16-bit WAV at ``out_wav``; return its duration.

    The file appears at ``out_wav`` only when complete. A decode that stops well short of the
    stated duration (a truncated or corrupt file) is an error, not a shorter transcript.
    """
    out_wav.parent.mkdir(parents=True, exist_ok=True)
    partial = out_wav.with_name(out_wav.name + ".partial")
    cmd = [
        ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y",
        "-i", str(media.path),
        "-map", "0:a:0", "-vn", "-sn", "-dn",
        "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", "-f", "wav",
        "-progress", "pipe:1", "-nostats",
        str(partial),
    ]  # fmt: skip
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise AudioExtractionError(f"could not run ffmpeg ({exc.strerror})") from exc
    try:
        stderr = _follow_progress(proc, timeout_seconds, on_progress)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.wait()
        partial.unlink(missing_ok=True)
        raise AudioExtractionTimeout(f"{media.path}: audio extraction took over {timeout_seconds:.0f} s") from exc
    if proc.returncode != 0 or not partial.exists():
        partial.unlink(missing_ok=True)
        first = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {proc.returncode}"
        raise InvalidMediaError(f"{media.path}: audio could not be decoded ({_strip_path(first, media.path)})")
    decoded = wav_duration(partial)
    if media.duration_seconds > 1.0 and decoded < MIN_DECODED_SHARE * media.duration_seconds:
        partial.unlink(missing_ok=True)
        raise InvalidMediaError(
            f"{media.path}: truncated or corrupt: decoded {decoded:.1f} s of {media.duration_seconds:.1f} s"
        )
    os.replace(partial, out_wav)
    return decoded


def _follow_progress(
    proc: subprocess.Popen[str], timeout_seconds: float, on_progress: Callable[[float], None] | None
) -> str:
    import threading
    import time

    errors: list[str] = []
    reader = threading.Thread(target=lambda: errors.append(proc.stderr.read() if proc.stderr else ""))
    reader.start()
    deadline = time.monotonic() + timeout_seconds
    timer = threading.Timer(timeout_seconds, proc.kill)
    timer.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and on_progress and value.isdigit():
                on_progress(int(value) / 1_000_000)
        proc.wait()
    finally:
        timer.cancel()
        reader.join()
    if time.monotonic() >= deadline and proc.returncode != 0:
        raise subprocess.TimeoutExpired(proc.args, timeout_seconds)
    return "".join(errors)


def _strip_path(message: str, path: Path) -> str:
    return message.replace(str(path), "input").strip()


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())
