"""Input validation and audio extraction with real ffmpeg on real (generated) media files."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest

from pipeline.local.media import extract_audio, is_silent, probe_media, resolve_ffmpeg
from shared import errors
from tests.support.speech import ffmpeg_exe, make_speech_video, make_video_without_audio, speak_to_wav

LIMITS = {"max_bytes": 50 * 1024**2, "max_duration_seconds": 3600}
TEXT = "This short recording checks that audio extraction works from start to finish."


@pytest.fixture(scope="module")
def speech_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_speech_video(TEXT, tmp_path_factory.mktemp("media") / "speech.mp4")


@pytest.mark.parametrize("suffix, codec", [(".mkv", "libopus"), (".webm", "libopus"), (".mov", "aac")])
def test_common_video_containers_are_accepted(tmp_path: Path, suffix: str, codec: str) -> None:
    from tests.support.speech import mux_video

    wav = speak_to_wav(TEXT, tmp_path / "s.wav")
    if suffix == ".webm":
        cmd = [
            ffmpeg_exe(),
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=s=64x64:r=5",
            "-i",
            str(wav),
            "-c:v",
            "libvpx-vp9",
            "-deadline",
            "realtime",
            "-c:a",
            codec,
            "-shortest",
            str(tmp_path / "v.webm"),
        ]
        subprocess.run(cmd, check=True, capture_output=True)
        video = tmp_path / "v.webm"
    else:
        video = mux_video(wav, tmp_path / f"v{suffix}", audio_codec=codec)
    info = probe_media(video, **LIMITS)
    assert info.has_video and info.duration_seconds > 2


@pytest.mark.parametrize("suffix, args", [(".mp3", ["-c:a", "libmp3lame"]), (".m4a", ["-c:a", "aac"]), (".wav", [])])
def test_audio_only_files_are_accepted(tmp_path: Path, suffix: str, args: list[str]) -> None:
    wav = speak_to_wav(TEXT, tmp_path / "s.wav")
    out = tmp_path / f"a{suffix}"
    subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(wav), *args, str(out)], check=True, capture_output=True)
    info = probe_media(out, **LIMITS)
    assert not info.has_video and info.duration_seconds > 2


def test_extraction_gives_16khz_mono_of_the_whole_recording(speech_mp4: Path, tmp_path: Path) -> None:
    info = probe_media(speech_mp4, **LIMITS)
    seen: list[float] = []
    duration = extract_audio(
        info, tmp_path / "a.wav", ffmpeg=resolve_ffmpeg(None), timeout_seconds=60, on_progress=seen.append
    )
    with wave.open(str(tmp_path / "a.wav")) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2)
    assert duration == pytest.approx(info.duration_seconds, abs=0.2)
    assert seen and max(seen) <= duration + 0.5
    assert not list(tmp_path.glob("*.partial"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(errors.SourceNotFoundError, match="no such file"):
        probe_media(tmp_path / "nope.mp4", **LIMITS)


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(errors.EmptyFileError, match="empty"):
        probe_media(tmp_path / "empty.mp4", **LIMITS)


def test_text_file_named_mp4(tmp_path: Path) -> None:
    (tmp_path / "notes.mp4").write_text("meeting notes, not a video\n" * 20)
    with pytest.raises(errors.InvalidMediaError) as info:
        probe_media(tmp_path / "notes.mp4", **LIMITS)
    assert info.value.code == "INVALID_MEDIA" and "notes.mp4" in info.value.message


def test_truncated_mp4(speech_mp4: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(speech_mp4.read_bytes()[: speech_mp4.stat().st_size // 2])
    with pytest.raises(errors.InvalidMediaError):
        probe_media(cut, **LIMITS)


def test_truncated_faststart_mp4_is_caught_at_extraction(speech_mp4: Path, tmp_path: Path) -> None:
    """moov first: the file opens, but half of the audio is missing."""
    faststart = tmp_path / "fast.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(speech_mp4), "-c", "copy", "-movflags", "+faststart", str(faststart)],
        check=True,
        capture_output=True,
    )
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(faststart.read_bytes()[: faststart.stat().st_size // 2])
    info = probe_media(cut, **LIMITS)
    with pytest.raises(errors.InvalidMediaError, match=r"truncated|decoded"):
        extract_audio(info, tmp_path / "a.wav", ffmpeg=resolve_ffmpeg(None), timeout_seconds=60)
    assert not (tmp_path / "a.wav").exists()


def test_video_without_audio(tmp_path: Path) -> None:
    with pytest.raises(errors.NoAudioStreamError, match="no audio stream"):
        probe_media(make_video_without_audio(tmp_path / "silent-film.mp4"), **LIMITS)


def test_size_and_duration_limits(speech_mp4: Path) -> None:
    with pytest.raises(errors.MediaTooLargeError):
        probe_media(speech_mp4, max_bytes=1000, max_duration_seconds=3600)
    with pytest.raises(errors.MediaTooLongError):
        probe_media(speech_mp4, max_bytes=10**9, max_duration_seconds=1)


def test_a_directory_is_not_media(tmp_path: Path) -> None:
    with pytest.raises(errors.InvalidMediaError, match="not a regular file"):
        probe_media(tmp_path, **LIMITS)


def test_configured_ffmpeg_that_does_not_exist() -> None:
    with pytest.raises(errors.AudioExtractionError, match="ffmpeg not found"):
        resolve_ffmpeg("/no/such/ffmpeg")


def two_track_mp4(speech: Path, out: Path, *, speech_track: int, default_track: int) -> Path:
    """An mp4 with two audio tracks: ``speech`` on track ``speech_track``, digital silence on the
    other, and the default disposition on ``default_track``."""
    silence = ["-f", "lavfi", "-t", "4", "-i", "anullsrc=r=16000:cl=mono"]
    inputs = [*silence, "-i", str(speech)] if speech_track == 1 else ["-i", str(speech), *silence]
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", *inputs, "-map", "0:a", "-map", "1:a", "-c:a", "aac",
         f"-disposition:a:{default_track}", "default", f"-disposition:a:{1 - default_track}", "0", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return out


@pytest.mark.parametrize(("speech_track", "default_track"), [(1, 0), (0, 1), (1, 1), (0, 0)])
def test_the_track_with_speech_is_transcribed_when_the_default_is_silent(
    tmp_path: Path, speech_track: int, default_track: int
) -> None:
    # A screen recording with the microphone on the second track; a silent default in either place.
    speech = speak_to_wav(TEXT, tmp_path / "s.wav")
    video = two_track_mp4(speech, tmp_path / "two.mp4", speech_track=speech_track, default_track=default_track)
    info = probe_media(video, **LIMITS)
    assert [t.number for t in info.tracks] == [default_track, 1 - default_track]

    extract_audio(info, tmp_path / "a.wav", ffmpeg=resolve_ffmpeg(None), timeout_seconds=60)

    assert not is_silent(tmp_path / "a.wav")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("a.wav")] == ["a.wav"]


def test_a_file_whose_tracks_are_all_silent_gives_the_default_track(tmp_path: Path) -> None:
    video = tmp_path / "quiet.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-t", "3", "-i", "anullsrc=r=16000:cl=mono",
         "-f", "lavfi", "-t", "5", "-i", "anullsrc=r=16000:cl=mono", "-map", "0:a", "-map", "1:a", "-c:a", "aac",
         str(video)],
        check=True, capture_output=True,
    )  # fmt: skip
    info = probe_media(video, **LIMITS)
    duration = extract_audio(info, tmp_path / "a.wav", ffmpeg=resolve_ffmpeg(None), timeout_seconds=60)
    assert is_silent(tmp_path / "a.wav") and duration == pytest.approx(3.0, abs=0.2)


@pytest.fixture(scope="module")
def webm_with_a_longer_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WebM (no per-stream durations) whose picture runs on for as long again after the speech ends."""
    folder = tmp_path_factory.mktemp("webm")
    speech = speak_to_wav(TEXT, folder / "s.wav")
    with wave.open(str(speech)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    out = folder / "screen.webm"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", f"color=s=64x64:r=5:d={2 * seconds:.1f}",
         "-i", str(speech), "-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    return out


def test_audio_that_ends_before_the_video_is_not_a_truncated_file(webm_with_a_longer_video: Path, tmp_path: Path):
    info = probe_media(webm_with_a_longer_video, **LIMITS)
    assert not info.tracks[0].own_duration  # WebM: the stated duration is the whole file's

    decoded = extract_audio(info, tmp_path / "a.wav", ffmpeg=resolve_ffmpeg(None), timeout_seconds=60)

    assert decoded < 0.6 * info.duration_seconds and not is_silent(tmp_path / "a.wav")


def test_a_truncated_webm_is_still_caught(webm_with_a_longer_video: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.webm"
    cut.write_bytes(webm_with_a_longer_video.read_bytes()[: webm_with_a_longer_video.stat().st_size // 3])
    info = probe_media(cut, **LIMITS)
    with pytest.raises(errors.InvalidMediaError, match="truncated"):
        extract_audio(info, tmp_path / "a.wav", ffmpeg=resolve_ffmpeg(None), timeout_seconds=60)
