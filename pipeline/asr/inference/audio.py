"""Audio for the speech engine: one decoder on every host, windows read from its output.

:func:`decode_to_wav` runs one ffmpeg binary — the static build the ``imageio-ffmpeg`` package
ships, which the model artifact bundles and a local install depends on — to turn an audio stream
of any container into 16 kHz mono 16-bit PCM WAV, with the same arguments wherever it runs. So
the same input file gives the same samples to ``clearscribe run`` and to the endpoint (which
receives what the MediaConvert template writes, mono 16 kHz AAC in M4A), and the same samples give
the same words (:mod:`.engine`).

:func:`wav_windows` reads that WAV in windows of a few minutes without loading it whole (memory
holds one window whatever the recording's length), each cut at the quietest moment near its end
(:func:`window_bounds`), between words. :func:`array_windows` cuts samples already in memory the
same way.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import subprocess
import threading
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from shared.contract import AUDIO_CHANNELS, SAMPLE_RATE
from shared.errors import (
    AudioExtractionError,
    AudioExtractionTimeout,
    EmptyFileError,
    InvalidMediaError,
    MediaTooLongError,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "SAMPLE_RATE",
    "array_windows",
    "decode_to_wav",
    "default_ffmpeg",
    "is_engine_wav",
    "read_wav",
    "wav_duration",
    "wav_samples",
    "wav_windows",
    "window_bounds",
]

#: Audio decoding may take at most this long (a hung decoder is stopped, and the request fails).
DECODE_TIMEOUT_SECONDS = 3600.0


def default_ffmpeg() -> str:
    """The ffmpeg binary the ``imageio-ffmpeg`` package ships (the same build on every host).

    Only without that package is an ffmpeg on PATH used. A package whose binary cannot run is an
    error, never a quiet switch to another build (``imageio_ffmpeg.get_ffmpeg_exe`` would fall back
    to a conda or system ffmpeg, as the inference container has).
    """
    try:
        import imageio_ffmpeg
    except ImportError:
        found = shutil.which("ffmpeg")
        if found:
            return found
        raise AudioExtractionError("no ffmpeg: install imageio-ffmpeg or put ffmpeg on PATH") from None
    binaries = Path(imageio_ffmpeg.__file__).parent / "binaries"
    for candidate in sorted(binaries.glob("ffmpeg-*")):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise AudioExtractionError(f"the ffmpeg of imageio-ffmpeg is missing or not executable in {binaries}")


def decode_command(
    ffmpeg: str,
    source: Path,
    out_wav: Path,
    *,
    stream: int = 0,
    max_seconds: float | None = None,
    until: float | None = None,
) -> list[str]:
    """The ffmpeg arguments that decode audio stream ``stream`` of ``source`` to the engine's WAV
    (from the start, up to ``until`` seconds when given)."""
    stops = [s for s in (None if max_seconds is None else max_seconds + 1, until) if s is not None]
    limit = ["-t", f"{min(stops):.3f}"] if stops else []
    return [
        ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y",
        "-i", str(source),
        "-map", f"0:a:{stream}", "-vn", "-sn", "-dn", *limit,
        "-ac", str(AUDIO_CHANNELS), "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", "-f", "wav",
        "-progress", "pipe:1", "-nostats",
        str(out_wav),
    ]  # fmt: skip


def decode_to_wav(
    source: Path,
    out_wav: Path,
    *,
    ffmpeg: str | None = None,
    stream: int = 0,
    max_seconds: float | None = None,
    until: float | None = None,
    timeout_seconds: float = DECODE_TIMEOUT_SECONDS,
    on_progress: Callable[[float], None] | None = None,
) -> float:
    """Decode audio stream ``stream`` of ``source`` (from its start, up to ``until`` seconds when
    given) to 16 kHz mono 16-bit WAV at ``out_wav``; returns its duration in seconds.

    Raises ``EmptyFileError`` for an empty file or a track without samples, ``InvalidMediaError``
    for anything ffmpeg cannot decode (the message never names the file's path),
    ``MediaTooLongError`` past ``max_seconds`` and ``AudioExtractionTimeout`` past
    ``timeout_seconds``. Interrupted, ffmpeg is stopped and the partial WAV removed.
    """
    source, out_wav = Path(source), Path(out_wav)
    if not source.is_file():
        raise InvalidMediaError(f"{source.name}: no such audio file")
    if source.stat().st_size == 0:
        raise EmptyFileError(f"{source.name}: the file is empty")
    command = decode_command(
        ffmpeg or default_ffmpeg(), source, out_wav, stream=stream, max_seconds=max_seconds, until=until
    )
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise AudioExtractionError(f"could not run ffmpeg ({exc.strerror})") from exc
    try:
        stderr = _follow(proc, timeout_seconds, on_progress)
    except subprocess.TimeoutExpired as exc:
        out_wav.unlink(missing_ok=True)
        raise AudioExtractionTimeout(f"{source.name}: decoding the audio took over {timeout_seconds:.0f} s") from exc
    except BaseException:
        out_wav.unlink(missing_ok=True)  # interrupted: no partial raw audio is left behind
        raise
    if proc.returncode != 0 or not out_wav.is_file():
        out_wav.unlink(missing_ok=True)
        last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {proc.returncode}"
        raise InvalidMediaError(f"{source.name}: audio could not be decoded ({_without_path(last, source)})")
    duration = wav_duration(out_wav)
    if duration <= 0:
        out_wav.unlink(missing_ok=True)
        raise EmptyFileError(f"{source.name}: the audio track holds no samples")
    if max_seconds is not None and duration > max_seconds:
        out_wav.unlink(missing_ok=True)
        raise MediaTooLongError(f"{source.name}: the audio exceeds the limit of {max_seconds:.0f} s")
    return duration


def _follow(proc: subprocess.Popen[str], timeout_seconds: float, on_progress: Callable[[float], None] | None) -> str:
    """Wait for ``proc``, reporting ffmpeg's progress; its stderr. Killed after ``timeout_seconds``
    (then ``TimeoutExpired``) or when interrupted."""
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
    except BaseException:
        proc.kill()  # interrupted: stop ffmpeg before waiting for its output to close
        proc.wait()
        raise
    finally:
        timer.cancel()
        reader.join()
    if time.monotonic() >= deadline and proc.returncode != 0:
        raise subprocess.TimeoutExpired(proc.args, timeout_seconds)
    return "".join(errors)


def _without_path(message: str, path: Path) -> str:
    return message.replace(str(path), "input").strip()


# -- reading the WAV ---------------------------------------------------------------------------------
def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


def is_engine_wav(path: Path) -> bool:
    """Whether ``path`` is already the engine's audio: 16 kHz mono 16-bit PCM WAV."""
    try:
        with wave.open(str(path), "rb") as wav:
            return (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE)
    except (wave.Error, EOFError, OSError):
        return False


def _wav_samples(path: Path) -> np.ndarray:
    """The 16-bit samples of a mono WAV written by :func:`decode_to_wav`, memory-mapped."""
    import numpy as np

    with wave.open(str(path), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (1, 2, SAMPLE_RATE):
            raise InvalidMediaError(f"{Path(path).name}: not 16 kHz mono 16-bit WAV")
        frames = wav.getnframes()
    if frames == 0:
        return np.zeros(0, dtype="<i2")
    return np.memmap(path, dtype="<i2", mode="r", offset=_data_offset(Path(path)), shape=(frames,))


def _data_offset(path: Path) -> int:
    """Where the samples of a RIFF WAV file start (after its ``data`` chunk header)."""
    with path.open("rb") as handle:
        handle.seek(12)  # "RIFF", size, "WAVE"
        while header := handle.read(8):
            if len(header) < 8:
                break
            size = int.from_bytes(header[4:], "little")
            if header[:4] == b"data":
                return handle.tell()
            handle.seek(size + (size & 1), 1)
    raise InvalidMediaError(f"{path.name}: a WAV file without samples")


def read_wav(path: Path) -> np.ndarray:
    """The whole WAV as float32 samples in [-1, 1)."""
    import numpy as np

    return (_wav_samples(path).astype(np.float32)) / np.float32(32768.0)


def wav_windows(
    path: Path, *, window_s: float, search_s: float = 10.0, part: tuple[int, int] | None = None
) -> Iterator[tuple[float, np.ndarray]]:
    """``(offset in seconds, float32 samples)`` windows covering the whole WAV (or the samples
    ``part[0]:part[1]`` of it), cut as :func:`window_bounds` cuts them; only one window is in
    memory at a time. Offsets are the recording's."""
    import numpy as np

    samples = _wav_samples(path)
    first, last = part or (0, int(samples.shape[0]))
    if last <= first:
        raise EmptyFileError(f"{Path(path).name}: the audio holds no samples")
    for lo, hi in window_bounds(samples[first:last], window_s=window_s, search_s=search_s):
        yield (first + lo) / SAMPLE_RATE, samples[first + lo : first + hi].astype(np.float32) / np.float32(32768.0)


def wav_samples(path: Path) -> np.ndarray:
    """The 16-bit samples of the engine's WAV, memory-mapped (not read into memory)."""
    return _wav_samples(path)


def array_windows(audio: np.ndarray, *, window_s: float, search_s: float = 10.0) -> Iterator[tuple[float, np.ndarray]]:
    """``(offset in seconds, samples)`` windows of decoded ``audio``, cut as :func:`wav_windows` cuts."""
    for lo, hi in window_bounds(audio, window_s=window_s, search_s=search_s):
        yield lo / SAMPLE_RATE, audio[lo:hi]


def window_bounds(
    audio: np.ndarray, *, window_s: float, search_s: float = 10.0, frame_s: float = 0.1
) -> list[tuple[int, int]]:
    """Cut ``audio`` into windows of at most ``window_s`` seconds, each cut at the quietest
    ``frame_s`` frame within the last ``search_s`` seconds before the limit (between words, not
    inside one). Returns ``[(start, end), …]`` sample indices covering the whole array; 16-bit and
    float samples give the same cuts.
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
    region = np.asarray(audio[lo : lo + frames * frame], dtype=np.float64).reshape(frames, frame)
    quietest = int(np.argmin(np.sqrt(np.mean(np.square(region), axis=1))))
    return lo + quietest * frame + frame // 2


def release_freed_memory() -> None:
    """Hand the memory a window's decoding freed back to the operating system (glibc keeps freed
    blocks of the heap otherwise, and the process's footprint ratchets up window by window)."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)
