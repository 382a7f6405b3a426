"""Input validation and audio extraction for the local pipeline.

``probe_media`` answers "is this decodable media with an audio stream, within limits?" using
PyAV (the FFmpeg libraries faster-whisper already ships), so no ffprobe is needed.
``extract_audio`` decodes the speech track to 16 kHz mono PCM WAV with the engine's own decoder
(``pipeline.asr.inference.audio.decode_to_wav``, the same ffmpeg build and arguments as the
endpoint), so a file gives the same samples here as on the endpoint.

A file with several audio tracks (a screen recording with the microphone on its own track, a
film with commentary) is transcribed from its default track; when that track is silent, from the
first track that is not.
"""

from __future__ import annotations

import os
import re
import shutil
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.asr.inference.audio import decode_to_wav, default_ffmpeg
from shared.contract import SAMPLE_RATE
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

# A decoded track shorter than this share of the container's stated duration is truncated.
MIN_DECODED_SHARE = 0.9
# A track whose RMS level stays below this (dBFS) holds no speech: an unplugged microphone's track.
SILENT_TRACK_DBFS = -60.0


@dataclass(frozen=True)
class AudioTrack:
    """One audio stream: its position among the file's audio streams (ffmpeg's ``0:a:N``).

    ``own_duration`` tells whether ``duration_seconds`` is the stream's own (mp4, mov) or the
    whole file's (Matroska and WebM store no per-stream duration), which includes a video track
    that may run longer than the audio.
    """

    number: int
    duration_seconds: float
    codec: str
    own_duration: bool = True


@dataclass(frozen=True)
class MediaInfo:
    path: Path
    size_bytes: int
    duration_seconds: float
    container: str
    audio_codec: str
    has_video: bool
    # The audio tracks in the order they are tried: the default track first.
    tracks: tuple[AudioTrack, ...]


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
        tracks = _tracks_in_preference_order(container, audio)
        duration = tracks[0].duration_seconds
        info = MediaInfo(
            path=path,
            size_bytes=size,
            duration_seconds=duration,
            container=container.format.name,
            audio_codec=tracks[0].codec,
            has_video=bool(container.streams.video),
            tracks=tracks,
        )
    if duration > max_duration_seconds:
        raise MediaTooLongError(f"{path}: {duration:.0f} s of audio is over the limit of {max_duration_seconds:.0f} s")
    return info


def _tracks_in_preference_order(container: object, streams: Sequence[Any]) -> tuple[AudioTrack, ...]:
    tracks = [
        AudioTrack(
            number=number,
            duration_seconds=_duration_seconds(container, stream),
            codec=stream.codec_context.name if stream.codec_context else "unknown",
            own_duration=bool(getattr(stream, "duration", None)),
        )
        for number, stream in enumerate(streams)
    ]
    default = next((n for n, stream in enumerate(streams) if _is_default(stream)), 0)
    return (tracks[default], *(t for t in tracks if t.number != default))


def _is_default(stream: Any) -> bool:
    import av

    disposition = getattr(stream, "disposition", None)
    return disposition is not None and bool(disposition & av.stream.Disposition.default)


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
    """The ffmpeg to run: the configured one (path or name on PATH), else the engine's own build."""
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise AudioExtractionError(f"ffmpeg not found: {configured!r}")
        return found
    return default_ffmpeg()


def extract_audio(
    media: MediaInfo,
    out_wav: Path,
    *,
    ffmpeg: str,
    timeout_seconds: float,
    on_progress: Callable[[float], None] | None = None,
) -> float:
    """Decode the speech track to 16 kHz mono 16-bit WAV at ``out_wav``; return its duration.

    The default audio track is used unless it is silent and another track is not. The file
    appears at ``out_wav`` only when complete. A decode that stops well short of the stated
    duration (a truncated or corrupt file) is an error, not a shorter transcript.
    """
    tracks = media.tracks
    out_wav.parent.mkdir(parents=True, exist_ok=True)
    partial = out_wav.with_name(out_wav.name + ".partial")
    fallback: tuple[Path, float] | None = None  # the default track, kept if every track is silent
    try:
        for track in tracks:
            candidate = partial.with_name(f"{partial.name}.{track.number}")
            try:
                decoded = _extract_track(media.path, track, candidate, ffmpeg, timeout_seconds, on_progress)
            except InvalidMediaError:
                if fallback is None:
                    raise
                continue  # a broken extra track does not fail a file whose default track decodes
            if len(tracks) == 1 or not is_silent(candidate):
                os.replace(candidate, out_wav)
                return decoded
            fallback = fallback or (candidate, decoded)
        assert fallback is not None
        os.replace(fallback[0], out_wav)
        return fallback[1]
    finally:
        for leftover in partial.parent.glob(f"{partial.name}.*"):
            leftover.unlink(missing_ok=True)


def _extract_track(
    path: Path,
    track: AudioTrack,
    out: Path,
    ffmpeg: str,
    timeout_seconds: float,
    on_progress: Callable[[float], None] | None,
) -> float:
    try:
        decoded = decode_to_wav(
            path, out, ffmpeg=ffmpeg, stream=track.number, timeout_seconds=timeout_seconds, on_progress=on_progress
        )
    except AudioExtractionTimeout:
        raise AudioExtractionTimeout(f"{path}: audio extraction took over {timeout_seconds:.0f} s") from None
    except EmptyFileError:
        decoded = 0.0
    stated = track.duration_seconds
    if stated > 1.0 and decoded < MIN_DECODED_SHARE * stated:
        # Without a duration of its own the audio may simply end before the video: the file is
        # truncated only if its packets, of any stream, stop short of the stated duration.
        reached = decoded if track.own_duration else max(decoded, demuxed_end_seconds(path))
        if reached < MIN_DECODED_SHARE * stated:
            out.unlink(missing_ok=True)
            raise InvalidMediaError(f"{path}: truncated or corrupt: decoded {reached:.1f} s of {stated:.1f} s")
    if decoded == 0.0:
        raise EmptyFileError(f"{path}: the audio track holds no samples")
    return decoded


def demuxed_end_seconds(path: Path) -> float:
    """Where the last packet of any stream ends, reading the container without decoding."""
    import av

    end = 0.0
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            for packet in container.demux():
                if packet.pts is not None and packet.time_base is not None:
                    end = max(end, float((packet.pts + (packet.duration or 0)) * packet.time_base))
    except (av.FFmpegError, ValueError):
        pass  # a damaged tail: what was read so far is the answer
    return end


def is_silent(wav_path: Path, *, threshold_dbfs: float = SILENT_TRACK_DBFS) -> bool:
    """True when the 16-bit WAV's RMS level is below ``threshold_dbfs`` (read in blocks)."""
    import numpy as np

    total, count = 0.0, 0
    with wave.open(str(wav_path), "rb") as wav:
        while frames := wav.readframes(SAMPLE_RATE * 60):
            samples = np.frombuffer(frames, dtype="<i2").astype(np.float64)
            total += float(np.dot(samples, samples))
            count += samples.size
    if count == 0:
        return True
    rms = (total / count) ** 0.5 / 32768.0
    return rms == 0.0 or 20 * np.log10(rms) < threshold_dbfs
