"""Decoding request bodies and files with PyAV, and cutting long audio between words."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path

import numpy as np
import pytest

from pipeline.asr.inference.audio import SAMPLE_RATE, array_windows, decode_audio, stream_audio, window_bounds
from shared.errors import EmptyFileError, InvalidMediaError, MediaTooLongError, NoAudioStreamError
from tests.support.speech import make_video_without_audio, mux_video


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


def test_decodes_mediaconvert_style_m4a_bytes_to_16k_mono_float(long_speech_m4a: Path, long_speech_wav: Path):
    audio = decode_audio(long_speech_m4a.read_bytes())

    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(audio.shape[0] / SAMPLE_RATE - wav_seconds(long_speech_wav)) < 0.2
    # Lossy AAC at a low bit rate overshoots peaks (beyond full scale, too): the loudness must match the source's.
    with wave.open(str(long_speech_wav)) as w:
        source = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32) / 32768
    source_rms, decoded_rms = (float(np.sqrt(np.mean(np.square(x)))) for x in (source, audio))
    assert source_rms > 0.01
    assert abs(decoded_rms - source_rms) < 0.1 * source_rms


def test_decodes_the_audio_track_of_a_video_file(long_speech_wav: Path, tmp_path: Path):
    video = mux_video(long_speech_wav, tmp_path / "talk.mp4")

    audio = decode_audio(video)

    assert abs(audio.shape[0] / SAMPLE_RATE - wav_seconds(long_speech_wav)) < 0.3


def test_empty_body_is_an_empty_file_error():
    with pytest.raises(EmptyFileError, match="empty"):
        decode_audio(b"")


def test_bytes_that_are_not_media_are_invalid_media():
    with pytest.raises(InvalidMediaError, match="not decodable"):
        decode_audio(b"this is a text file, not an audio recording" * 20)


def test_truncated_media_is_invalid_media(long_speech_m4a: Path):
    with pytest.raises(InvalidMediaError):
        decode_audio(long_speech_m4a.read_bytes()[:600])


def test_video_without_audio_stream_is_reported_as_such(tmp_path: Path):
    video = make_video_without_audio(tmp_path / "mute.mp4")

    with pytest.raises(NoAudioStreamError, match="no audio stream"):
        decode_audio(video.read_bytes())


def test_audio_longer_than_the_limit_is_rejected(long_speech_m4a: Path):
    with pytest.raises(MediaTooLongError, match="limit of 30 s"):
        decode_audio(long_speech_m4a.read_bytes(), max_seconds=30)


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


def test_a_file_streamed_window_by_window_is_the_file_decoded_whole(long_speech_m4a: Path):
    whole = decode_audio(long_speech_m4a)

    streamed = list(stream_audio(long_speech_m4a, window_s=20.0, search_s=5.0))

    assert len(streamed) >= 4 and all(w.shape[0] <= 20 * SAMPLE_RATE for _, w in streamed)
    assert [(o, w.shape[0]) for o, w in streamed] == [
        (o, w.shape[0]) for o, w in array_windows(whole, window_s=20.0, search_s=5.0)
    ]
    assert np.array_equal(np.concatenate([w for _, w in streamed]), whole)
    assert [o for o, _ in streamed][1:] == list(itertools.accumulate(w.shape[0] / SAMPLE_RATE for _, w in streamed))[
        :-1
    ]


def test_streaming_reports_bad_input_like_decoding_whole(tmp_path: Path, long_speech_m4a: Path):
    (tmp_path / "empty.m4a").write_bytes(b"")
    with pytest.raises(EmptyFileError):
        list(stream_audio(tmp_path / "empty.m4a", window_s=10))
    with pytest.raises(MediaTooLongError):
        list(stream_audio(long_speech_m4a, window_s=10, max_seconds=30))
