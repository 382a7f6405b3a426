"""Audio for the speech engines: any container PyAV reads, decoded to 16 kHz mono float32.

PyAV needs no ffmpeg binary. The endpoint receives what the MediaConvert template writes (mono
16 kHz AAC-LC in an M4A container, ``shared.contract``); locally any audio or video file works.
:func:`stream_audio` decodes a file window by window, so memory holds a few minutes of samples
whatever the recording's length; :func:`decode_audio` decodes it whole (a request body).
Windows are cut at the quietest moment near their end (:func:`window_bounds`), between words.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.contract import SAMPLE_RATE
from shared.errors import (
    ClearscribeError,
    EmptyFileError,
    InvalidMediaError,
    MediaTooLongError,
    ModelUnavailableError,
    NoAudioStreamError,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["SAMPLE_RATE", "array_windows", "decode_audio", "stream_audio", "window_bounds"]


def decode_audio(source: bytes | bytearray | Path | str, *, max_seconds: float | None = None) -> np.ndarray:
    """Decode the first audio stream of any container PyAV reads to 16 kHz mono float32 samples.

    Raises ``EmptyFileError`` for empty input or a track without samples, ``NoAudioStreamError``
    for media without audio, ``MediaTooLongError`` past ``max_seconds`` and ``InvalidMediaError``
    for anything that does not decode.
    """
    import numpy as np

    pieces = list(_decoded_pieces(source, max_seconds=max_seconds))
    audio = np.concatenate(pieces).astype(np.float32, copy=False) if pieces else np.zeros(0, np.float32)
    if audio.size == 0:
        raise EmptyFileError(f"{_label(source)}: the audio track holds no samples")
    return audio


def stream_audio(
    source: bytes | bytearray | Path | str,
    *,
    window_s: float,
    search_s: float = 10.0,
    max_seconds: float | None = None,
) -> Iterator[tuple[float, np.ndarray]]:
    """``(offset in seconds, samples)`` windows of at most ``window_s`` seconds covering the whole
    audio, decoded as they are needed and cut as :func:`window_bounds` cuts them. Errors as
    :func:`decode_audio`."""
    import numpy as np

    window = max(int(window_s * SAMPLE_RATE), 1)
    buffered: list[np.ndarray] = []
    size = 0
    offset = 0
    for piece in _decoded_pieces(source, max_seconds=max_seconds):
        buffered.append(piece)
        size += piece.shape[0]
        if size <= window + int(search_s * SAMPLE_RATE):
            continue
        samples = np.concatenate(buffered)
        while samples.shape[0] > window:
            cut = _quiet_cut(samples, window=window, search_s=search_s)
            yield offset / SAMPLE_RATE, samples[:cut].copy()
            offset += cut
            samples = samples[cut:]
        buffered, size = [samples], samples.shape[0]
    rest = np.concatenate(buffered).astype(np.float32, copy=False) if buffered else np.zeros(0, np.float32)
    if offset == 0 and rest.size == 0:
        raise EmptyFileError(f"{_label(source)}: the audio track holds no samples")
    while rest.shape[0] > window:  # no more input: what is left may still hold two windows
        cut = _quiet_cut(rest, window=window, search_s=search_s)
        yield offset / SAMPLE_RATE, rest[:cut].copy()
        offset += cut
        rest = rest[cut:]
    if rest.size:
        yield offset / SAMPLE_RATE, rest


def array_windows(audio: np.ndarray, *, window_s: float, search_s: float = 10.0) -> Iterator[tuple[float, np.ndarray]]:
    """``(offset in seconds, samples)`` windows of decoded ``audio``, cut as :func:`stream_audio` cuts."""
    for lo, hi in window_bounds(audio, window_s=window_s, search_s=search_s):
        yield lo / SAMPLE_RATE, audio[lo:hi]


def _label(source: bytes | bytearray | Path | str) -> str:
    return f"{len(source)} bytes" if isinstance(source, bytes | bytearray) else Path(source).name


def _decoded_pieces(source: bytes | bytearray | Path | str, *, max_seconds: float | None) -> Iterator[np.ndarray]:
    """The samples of the first audio stream, frame by frame, as 16 kHz mono float32 arrays."""
    try:
        import av
    except ImportError as exc:  # pragma: no cover - depends on the host image
        raise ModelUnavailableError("audio decoding needs PyAV (pip install av)") from exc

    label = _label(source)
    if isinstance(source, bytes | bytearray):
        if not source:
            raise EmptyFileError("the request body is empty: send the audio bytes")
        handle: Any = io.BytesIO(bytes(source))
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidMediaError(f"{path.name}: no such audio file")
        if path.stat().st_size == 0:
            raise EmptyFileError(f"{path.name}: the file is empty")
        handle = str(path)

    try:
        with av.open(handle, mode="r") as container:
            if not container.streams.audio:
                raise NoAudioStreamError(f"{label}: the media has no audio stream")
            stream = container.streams.audio[0]
            if max_seconds is not None and stream.duration and stream.time_base:
                declared = float(stream.duration * stream.time_base)
                if declared > max_seconds:
                    raise MediaTooLongError(
                        f"{label}: {declared:.0f} s of audio exceeds the limit of {max_seconds:.0f} s"
                    )
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            decoded = 0
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    decoded += out.samples
                    yield out.to_ndarray().reshape(-1)
                if max_seconds is not None and decoded > max_seconds * SAMPLE_RATE:
                    raise MediaTooLongError(f"{label}: the audio exceeds the limit of {max_seconds:.0f} s")
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1)
    except ClearscribeError:
        raise
    except (av.FFmpegError, ValueError, EOFError) as exc:
        raise InvalidMediaError(f"{label}: not decodable audio ({type(exc).__name__})") from exc


def window_bounds(
    audio: np.ndarray, *, window_s: float, search_s: float = 10.0, frame_s: float = 0.1
) -> list[tuple[int, int]]:
    """Cut ``audio`` into windows of at most ``window_s`` seconds, each cut at the quietest
    ``frame_s`` frame within the last ``search_s`` seconds before the limit (between words, not
    inside one). Returns ``[(start, end), …]`` sample indices covering the whole array.
    """
    n = int(audio.shape[0])
    window = max(int(window_s * SAMPLE_RATE), 1)
    bounds: list[tuple[int, int]] = []
    start = 0
    while n - start > window:
        cut = start + _quiet_cut(audio[start:], window=window, search_s=search_s, frame_s=frame_s)
        bounds.append((start, cut))
        start = cut
    bounds.append((start, n))
    return bounds


def _quiet_cut(audio: np.ndarray, *, window: int, search_s: float, frame_s: float = 0.1) -> int:
    """Where to end a window of at most ``window`` samples at the start of ``audio``: the middle of
    the quietest ``frame_s`` frame within the last ``search_s`` seconds before the limit."""
    import numpy as np

    frame = max(int(frame_s * SAMPLE_RATE), 1)
    search = min(max(int(search_s * SAMPLE_RATE), frame), window)
    lo = window - search
    frames = (window - lo) // frame
    region = audio[lo : lo + frames * frame].reshape(frames, frame)
    quietest = int(np.argmin(np.sqrt(np.mean(np.square(region, dtype=np.float64), axis=1))))
    return lo + quietest * frame + frame // 2
