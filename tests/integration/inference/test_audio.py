"""Decoding with the engine's one ffmpeg build, and cutting long audio between words."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path

import numpy as np
import pytest

from pipeline.asr.inference.audio import (
    SAMPLE_RATE,
    array_windows,
    decode_command,
    decode_to_wav,
    default_ffmpeg,
    is_engine_wav,
    read_wav,
    wav_windows,
    window_bounds,
)
from shared.errors import EmptyFileError, InvalidMediaError, MediaTooLongError
from tests.support.speech import make_video_without_audio, mux_video


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def test_decodes_mediaconvert_style_m4a_to_16k_mono(long_speech_m4a: Path, long_speech_wav: Path, tmp_path: Path):
    duration = decode_to_wav(long_speech_m4a, tmp_path / "audio.wav")
    audio = read_wav(tmp_path / "audio.wav")

    assert is_engine_wav(tmp_path / "audio.wav") and audio.dtype == np.float32 and audio.ndim == 1
    assert abs(duration - wav_seconds(long_speech_wav)) < 0.2 and duration == audio.shape[0] / SAMPLE_RATE
    # Lossy AAC at a low bit rate overshoots peaks: the loudness must match the source's.
    with wave.open(str(long_speech_wav)) as w:
        source = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768
    source_rms, decoded_rms = (float(np.sqrt(np.mean(np.square(x)))) for x in (source, audio))
    assert source_rms > 0.01
    assert abs(decoded_rms - source_rms) < 0.1 * source_rms


def test_decodes_the_audio_track_of_a_video_file(long_speech_wav: Path, tmp_path: Path):
    video = mux_video(long_speech_wav, tmp_path / "talk.mp4")

    assert abs(decode_to_wav(video, tmp_path / "audio.wav") - wav_seconds(long_speech_wav)) < 0.3


def test_the_same_file_decodes_to_the_same_bytes_every_time(long_speech_m4a: Path, tmp_path: Path):
    decode_to_wav(long_speech_m4a, tmp_path / "a.wav")
    decode_to_wav(long_speech_m4a, tmp_path / "b.wav")

    assert np.array_equal(read_wav(tmp_path / "a.wav"), read_wav(tmp_path / "b.wav"))


def test_every_host_decodes_with_the_packaged_ffmpeg_build():
    import imageio_ffmpeg

    ffmpeg = default_ffmpeg()

    assert Path(ffmpeg).parent == Path(imageio_ffmpeg.__file__).parent / "binaries"
    command = decode_command(ffmpeg, Path("in.m4a"), Path("out.wav"), stream=2)
    assert command[0] == ffmpeg and "0:a:2" in command and "pcm_s16le" in command


def test_an_empty_file_is_an_empty_file_error(tmp_path: Path):
    (tmp_path / "empty.m4a").write_bytes(b"")
    with pytest.raises(EmptyFileError, match="empty"):
        decode_to_wav(tmp_path / "empty.m4a", tmp_path / "audio.wav")


def test_bytes_that_are_not_media_are_invalid_media_and_no_path_is_named(tmp_path: Path):
    junk = tmp_path / "secret-folder" / "notes.m4a"
    junk.parent.mkdir()
    junk.write_bytes(b"this is a text file, not an audio recording" * 20)

    with pytest.raises(InvalidMediaError, match="could not be decoded") as info:
        decode_to_wav(junk, tmp_path / "audio.wav")
    assert "secret-folder" not in info.value.message
    assert not (tmp_path / "audio.wav").exists()


def test_truncated_media_is_invalid_media(long_speech_m4a: Path, tmp_path: Path):
    cut = tmp_path / "cut.m4a"
    cut.write_bytes(long_speech_m4a.read_bytes()[:600])
    with pytest.raises(InvalidMediaError):
        decode_to_wav(cut, tmp_path / "audio.wav")


def test_video_without_audio_stream_is_invalid_media(tmp_path: Path):
    video = make_video_without_audio(tmp_path / "mute.mp4")

    with pytest.raises(InvalidMediaError):
        decode_to_wav(video, tmp_path / "audio.wav")


def test_audio_longer_than_the_limit_is_rejected_without_decoding_it_all(long_speech_m4a: Path, tmp_path: Path):
    with pytest.raises(MediaTooLongError, match="limit of 30 s"):
        decode_to_wav(long_speech_m4a, tmp_path / "audio.wav", max_seconds=30)
    assert not (tmp_path / "audio.wav").exists()


def test_windows_cover_the_audio_and_cut_in_the_quiet_moment():
    rng = np.random.default_rng(7)
    audio = (0.3 * rng.standard_normal(100 * SAMPLE_RATE)).astype(np.float32)
    quiet_at = 55.0  # seconds: the only silence inside the search range before the 60 s limit
    audio[int(quiet_at * SAMPLE_RATE) : int((quiet_at + 0.3) * SAMPLE_RATE)] = 0.0

    bounds = window_bounds(audio, window_s=60, search_s=10)

    assert bounds[0][0] == 0 and bounds[-1][1] == audio.shape[0]
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    cut = bounds[0][1] / SAMPLE_RATE
    assert quiet_at <= cut <= quiet_at + 0.3
    assert all((hi - lo) <= 60 * SAMPLE_RATE for lo, hi in bounds)


def test_short_audio_is_one_window():
    audio = np.zeros(5 * SAMPLE_RATE, dtype=np.float32)

    assert window_bounds(audio, window_s=300) == [(0, audio.shape[0])]


def test_a_wav_read_window_by_window_is_the_wav_read_whole(long_speech_m4a: Path, tmp_path: Path):
    decode_to_wav(long_speech_m4a, tmp_path / "audio.wav")
    whole = read_wav(tmp_path / "audio.wav")

    windows = list(wav_windows(tmp_path / "audio.wav", window_s=20.0, search_s=5.0))

    assert len(windows) >= 4 and all(w.shape[0] <= 20 * SAMPLE_RATE for _, w in windows)
    assert [(o, w.shape[0]) for o, w in windows] == [
        (o, w.shape[0]) for o, w in array_windows(whole, window_s=20.0, search_s=5.0)
    ]
    assert np.array_equal(np.concatenate([w for _, w in windows]), whole)


def test_an_empty_wav_has_no_windows_but_an_error(tmp_path: Path):
    with wave.open(str(tmp_path / "empty.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
    with pytest.raises(EmptyFileError):
        list(wav_windows(tmp_path / "empty.wav", window_s=10))
    assert not is_engine_wav(tmp_path / "missing.wav")
