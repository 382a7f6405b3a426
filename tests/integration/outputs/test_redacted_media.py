"""``redacted.<ext>`` written by real ffmpeg: the spans silenced (or toned) to within a few milliseconds,
everything else untouched, the video's packets copied as they were, every container's codec, hundreds of
spans, and no partial file when it fails."""

from __future__ import annotations

import hashlib
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from pipeline.asr.inference.audio import decode_to_wav, default_ffmpeg
from pipeline.outputs.media_spans import TimeSpan
from pipeline.outputs.redacted_media import TONE_HZ, write_redacted_media
from shared.errors import MediaRedactionError
from tests.support.speech import ffmpeg_exe

VOICE_HZ = 300  # the "speech": a steady 300 Hz tone whose presence is measured
RATE = 16000
SPANS = [TimeSpan(1.0, 2.0), TimeSpan(3.0, 3.5)]
# The re-encoded audio may start a codec frame (1024 samples: 23 ms at 44.1 kHz) apart; muting is by
# frames of 256 samples. Levels are measured this far from every edge.
EDGE = 0.06


def make_source(out: Path, *, seconds: float = 5.0, video: bool = True, audio_delay: float = 0.0) -> Path:
    """A recording whose audio is a steady 300 Hz stereo tone at 44.1 kHz, ``audio_delay`` seconds after a
    video track (if any) starts; the container and codecs from ``out``'s suffix."""
    cmd = [ffmpeg_exe(), "-nostdin", "-v", "error", "-y"]
    if video:
        cmd += ["-f", "lavfi", "-i", f"testsrc=size=160x120:rate=10:duration={seconds + audio_delay}"]
    cmd += [
        "-itsoffset",
        str(audio_delay),
        "-f",
        "lavfi",
        "-i",
        f"sine=frequency={VOICE_HZ}:sample_rate=44100:duration={seconds}",
    ]
    if video:
        codec = ["libvpx", "-deadline", "realtime"] if out.suffix == ".webm" else ["libx264", "-preset", "ultrafast"]
        cmd += ["-map", "0:v", "-map", "1:a", "-c:v", *codec, "-pix_fmt", "yuv420p"]
    cmd += ["-ac", "2", str(out)]
    subprocess.run(cmd, check=True, capture_output=True)
    return out


def levels(media: Path, scratch: Path) -> tuple[np.ndarray, np.ndarray]:
    """The 300 Hz and 1 kHz amplitude of ``media``'s audio (decoded by the engine's decoder) per 10 ms."""
    wav = decode_to_wav(media, scratch / f"{media.name}.wav") and scratch / f"{media.name}.wav"
    with wave.open(str(wav), "rb") as w:
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768
    step = RATE // 100
    frames = x[: len(x) // step * step].reshape(-1, step)
    t = np.arange(step) / RATE

    def at(hz: float) -> np.ndarray:
        return np.asarray(np.abs(frames @ np.exp(-2j * np.pi * hz * t)) * 2 / step)

    return at(VOICE_HZ), at(TONE_HZ)


def inside(t: float) -> bool:
    return any(s.start + EDGE <= t <= s.end - EDGE for s in SPANS)


def outside(t: float, end: float) -> bool:
    return all(t < s.start - EDGE or t > s.end + EDGE for s in SPANS) and EDGE < t < end - EDGE


def video_packets(media: Path) -> str:
    import av

    digest = hashlib.sha256()
    with av.open(str(media)) as container:
        for packet in container.demux(video=0):
            if packet.size:
                digest.update(bytes(packet))
                digest.update(str((packet.pts, packet.dts)).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def ffmpeg() -> str:
    return default_ffmpeg()


@pytest.mark.parametrize("fill", ["tone", "silence"])
def test_the_spans_are_replaced_and_nothing_else_changes(tmp_path: Path, ffmpeg: str, fill: str) -> None:
    source = make_source(tmp_path / "call.mp4", audio_delay=0.5)  # audio starting after the video: times still hold
    out = write_redacted_media(source, SPANS, tmp_path / "job", ffmpeg=ffmpeg, fill=fill)
    assert out == tmp_path / "job" / "redacted.mp4" and [p.name for p in out.parent.iterdir()] == ["redacted.mp4"]

    voice, tone = levels(out, tmp_path)
    times = np.arange(len(voice)) / 100
    assert voice[[inside(t) for t in times]].max() < 0.002  # the redacted "speech" is gone
    assert voice[[outside(t, 5.0) for t in times]].min() > 0.8 * np.median(voice)  # the rest is all there
    if fill == "tone":
        assert tone[[inside(t) for t in times]].min() > 0.08  # ffmpeg's sine: 1/8 of full scale
    else:
        assert tone[[inside(t) for t in times]].max() < 0.002
    assert tone[[outside(t, 5.0) for t in times]].max() < 0.002
    assert video_packets(out) == video_packets(source)


@pytest.mark.parametrize(
    "name, codec, video",
    [
        ("talk.mkv", "aac", True),
        ("talk.webm", "opus", True),
        ("talk.mov", "aac", True),
        ("voice.m4a", "aac", False),
        ("voice.mp3", "mp3", False),
        ("voice.wav", "pcm_s16le", False),
        ("voice.flac", "flac", False),
    ],
)
def test_each_container_keeps_its_kind_with_an_audio_codec_it_takes(
    tmp_path: Path, ffmpeg: str, name: str, codec: str, video: bool
) -> None:
    import av

    source = make_source(tmp_path / name, video=video, seconds=4.0)
    out = write_redacted_media(source, SPANS, tmp_path / "job", ffmpeg=ffmpeg)
    assert out.name == f"redacted{source.suffix}"
    with av.open(str(out)) as container:
        assert [s.codec_context.codec.canonical_name for s in container.streams.audio] == [codec]
        assert len(container.streams.video) == int(video)
    voice, _ = levels(out, tmp_path)
    times = np.arange(len(voice)) / 100
    assert voice[[inside(t) for t in times]].max() < 0.002
    assert voice[[outside(t, 4.0) for t in times]].min() > 0.05


def test_hundreds_of_spans_every_audio_track_and_no_subtitles(tmp_path: Path, ffmpeg: str) -> None:
    import av

    base = make_source(tmp_path / "base.mkv", seconds=30.0)
    subtitles = tmp_path / "words.srt"
    subtitles.write_text("1\n00:00:01,000 --> 00:00:03,000\nmy name is Anna Berg\n", encoding="utf-8")
    source = tmp_path / "two tracks.mkv"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-i", str(base), "-i", str(subtitles),
         "-map", "0:v", "-map", "0:a", "-map", "0:a", "-map", "1:s", "-c", "copy", str(source)],
        check=True, capture_output=True,
    )  # fmt: skip
    spans = [TimeSpan(round(0.1 + n * 0.075, 3), round(0.1 + n * 0.075 + 0.03, 3)) for n in range(390)]
    out = write_redacted_media(source, spans, tmp_path / "job", ffmpeg=ffmpeg, fill="silence")
    with av.open(str(out)) as container:
        assert len(container.streams.audio) == 2 and not container.streams.subtitles
    for track in (0, 1):
        wav = tmp_path / f"track{track}.wav"
        decode_to_wav(out, wav, stream=track)
        with wave.open(str(wav), "rb") as w:
            x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768
        for span in spans[::37]:  # a sample of them: the first and last tenth of each is left for frame rounding
            middle = x[int((span.start + 0.012) * RATE) : int((span.end - 0.012) * RATE)]
            assert np.abs(middle).max() < 0.002
        assert np.abs(x[int(29.5 * RATE) : int(29.9 * RATE)]).max() > 0.05  # after the last span, the "voice"


def test_a_failure_leaves_no_file_behind(tmp_path: Path, ffmpeg: str) -> None:
    source = tmp_path / "broken.mp4"
    source.write_bytes(make_source(tmp_path / "whole.mp4").read_bytes()[:-3000])  # the end cut off: moov lost
    with pytest.raises(MediaRedactionError) as caught:
        write_redacted_media(source, SPANS, tmp_path / "job", ffmpeg=ffmpeg)
    assert caught.value.code == "MEDIA_REDACTION_FAILED" and "broken.mp4" in caught.value.message
    assert not (tmp_path / "job").exists() or not any((tmp_path / "job").iterdir())

    plain = make_source(tmp_path / "take.mp4", video=False, seconds=2.0)
    odd = plain.rename(tmp_path / "take.xyz")
    with pytest.raises(MediaRedactionError, match=r"\.xyz"):
        write_redacted_media(odd, SPANS, tmp_path / "job2", ffmpeg=ffmpeg)
    assert not (tmp_path / "job2").exists()


def test_an_earlier_redacted_file_stays_whole_when_writing_it_again_fails(tmp_path: Path, ffmpeg: str) -> None:
    source = make_source(tmp_path / "call.mp4", seconds=3.0)
    out = write_redacted_media(source, SPANS, tmp_path / "job", ffmpeg=ffmpeg)
    before = out.read_bytes()
    source.write_bytes(b"not media any more")
    with pytest.raises(MediaRedactionError):
        write_redacted_media(source, SPANS, tmp_path / "job", ffmpeg=ffmpeg)
    assert out.read_bytes() == before and [p.name for p in out.parent.iterdir()] == ["redacted.mp4"]
