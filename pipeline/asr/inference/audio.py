"""Audio for the inference engine: any container PyAV reads, decoded to 16 kHz mono float32.

PyAV needs no ffmpeg binary. The endpoint receives what the MediaConvert template writes (mono
16 kHz AAC-LC in an M4A container, ``shared.contract``); locally any audio or video file works.
"""

from __future__ import annotations

import io
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

__all__ = ["SAMPLE_RATE", "decode_audio", "window_bounds"]


def decode_audio(source: bytes | bytearray | Path | str, *, max_seconds: float | None = None) -> np.ndarray:
    """Decode the first audio stream of any container PyAV reads to 16 kHz mono float32 samples.

    Raises ``EmptyFileError`` for empty input or a track without samples, ``NoAudioStreamError``
    for media without audio, ``MediaTooLongError`` past ``max_seconds`` and ``InvalidMediaError``
    for anything that does not decode.
    """
    import numpy as np

    try:
        import av
    except ImportError as exc:  # pragma: no cover - depends on the host image
        raise ModelUnavailableError("audio decoding needs PyAV (pip install av)") from exc

    if isinstance(source, bytes | bytearray):
        if not source:
            raise EmptyFileError("the request body is empty: send the audio bytes")
        handle: Any = io.BytesIO(bytes(source))
        label = f"{len(source)} bytes"
    else:
        path = Path(source)
        if not path.is_file():
            raise InvalidMediaError(f"{path.name}: no such audio file")
        if path.stat().st_size == 0:
            raise EmptyFileError(f"{path.name}: the file is empty")
        handle = str(path)
        label = path.name

    pieces: list[np.ndarray] = []
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
                    pieces.append(out.to_ndarray().reshape(-1))
                    decoded += out.samples
                if max_seconds is not None and decoded > max_seconds * SAMPLE_RATE:
                    raise MediaTooLongError(f"{label}: the audio exceeds the limit of {max_seconds:.0f} s")
            for out in resampler.resample(None):
                pieces.append(out.to_ndarray().reshape(-1))
    except ClearscribeError:
        raise
    except (av.FFmpegError, ValueError, EOFError) as exc:
        raise InvalidMediaError(f"{label}: not decodable audio ({type(exc).__name__})") from exc
    audio = np.concatenate(pieces).astype(np.float32, copy=False) if pieces else np.zeros(0, np.float32)
    if audio.size == 0:
        raise EmptyFileError(f"{label}: the audio track holds no samples")
    return audio


def window_bounds(
    audio: np.ndarray, *, window_s: float, search_s: float = 10.0, frame_s: float = 0.1
) -> list[tuple[int, int]]:
    """Cut ``audio`` into windows of at most ``window_s`` seconds, each cut at the quietest
    ``frame_s`` frame within the last ``search_s`` seconds before the limit (between words, not
    inside one). Returns ``[(start, end), …]`` sample indices covering the whole array.
    """
    import numpy as np

    n = int(audio.shape[0])
    window = max(int(window_s * SAMPLE_RATE), 1)
    frame = max(int(frame_s * SAMPLE_RATE), 1)
    search = min(max(int(search_s * SAMPLE_RATE), frame), window)
    bounds: list[tuple[int, int]] = []
    start = 0
    while n - start > window:
        limit = start + window
        lo = limit - search
        frames = (limit - lo) // frame
        region = audio[lo : lo + frames * frame].reshape(frames, frame)
        quietest = int(np.argmin(np.sqrt(np.mean(np.square(region, dtype=np.float64), axis=1))))
        cut = lo + quietest * frame + frame // 2
        bounds.append((start, cut))
        start = cut
    bounds.append((start, n))
    return bounds
