"""``redacted.<ext>``: the recording itself with the audio of every redacted span replaced.

The output has the input's container (its suffix): video streams are copied untouched (``-c:v copy``),
every audio track is decoded, muted over the spans (``pipeline.outputs.media_spans``) and re-encoded in a
codec the container takes (:data:`AUDIO_CODECS`), with a 1 kHz tone in the muted stretches (or silence).
Subtitle and data streams are left out: they may carry the very words the audio no longer says.

How the audio is muted, robustly for any number of spans. The audio is cut into frames of
:data:`FRAME_SAMPLES` samples (``asetnsamples``), so frame ``n`` starts at ``n * FRAME_SAMPLES /
sample_rate`` seconds: the position in the decoded samples, the time base of the transcript's word
times (the engine's WAV starts at the first decoded sample, whatever the stream's start timestamp). A
``volume`` filter evaluated per frame sets every frame that overlaps a span to 0; a frame is a few
milliseconds, so a span is muted from at most one frame before it to at most one after. The tone is
``sine`` cut into the same frames, set to 0 in the gaps between spans, and added (``amix``). Spans are
written :data:`SPANS_PER_FILTER` to a ``volume`` filter, filters chained (a product of mutes is the mute
of the union), and the graph is read from a file, so hundreds of spans do not make a long command line.

The file appears under its name only when ffmpeg has written it whole (written beside it, then renamed).
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.outputs.media_spans import TimeSpan
from shared.errors import MediaRedactionError
from shared.log import get_logger

__all__ = [
    "AUDIO_CODECS",
    "REDACTED_STEM",
    "TONE_HZ",
    "audio_streams",
    "filter_graph",
    "redacted_media_name",
    "write_redacted_media",
]

log = get_logger("pipeline.outputs.redacted_media")

#: The redacted recording is ``redacted.<suffix of the input>``.
REDACTED_STEM = "redacted"
#: The audio codec (an ffmpeg encoder) each container suffix is written with.
AUDIO_CODECS = {
    **dict.fromkeys(("mp4", "m4v", "mov", "m4a", "3gp", "3g2", "aac", "ts", "mts", "m2ts", "flv", "mkv", "mka"), "aac"),
    **dict.fromkeys(("webm", "ogg", "oga", "opus"), "libopus"),
    "mp3": "libmp3lame",
    "avi": "libmp3lame",
    "wav": "pcm_s16le",
    "flac": "flac",
    **dict.fromkeys(("aif", "aiff"), "pcm_s16be"),
    **dict.fromkeys(("wma", "wmv", "asf"), "wmav2"),
}
#: Samples per frame of the muting filters (about 5 ms at 48 kHz).
FRAME_SAMPLES = 256
#: The replacement tone: frequency (Hz). Its level is ffmpeg's ``sine`` source level, 1/8 of full scale (−18 dBFS).
TONE_HZ = 1000
SPANS_PER_FILTER = 64
#: How long writing the redacted file may take before it is stopped.
REDACT_TIMEOUT_SECONDS = 3600.0


@dataclass(frozen=True)
class AudioStream:
    """One audio stream of the input: its number among the audio streams (``0:a:N``) and sample rate."""

    number: int
    sample_rate: int


def redacted_media_name(source: Path) -> str:
    """``redacted.<ext>`` for ``source``; ``MediaRedactionError`` for a container with no known audio codec."""
    suffix = source.suffix.lower().lstrip(".")
    if suffix not in AUDIO_CODECS:
        known = ", ".join(sorted(AUDIO_CODECS))
        raise MediaRedactionError(
            f"{source.name}: cannot write a redacted recording of a .{suffix or '(no suffix)'} file "
            f"(no audio codec known for that container); convert it to one of: {known}"
        )
    return f"{REDACTED_STEM}.{suffix}"


def audio_streams(source: Path) -> list[AudioStream]:
    """The audio streams of ``source`` with their sample rates (read by PyAV, without decoding)."""
    import av

    try:
        with av.open(str(source), metadata_errors="ignore") as container:
            return [
                AudioStream(number=n, sample_rate=int(stream.codec_context.sample_rate or 0))
                for n, stream in enumerate(container.streams.audio)
            ]
    except (av.FFmpegError, ValueError) as exc:
        raise MediaRedactionError(f"{source.name}: cannot be read for redaction ({type(exc).__name__})") from None


def _covered(spans: Sequence[TimeSpan]) -> str:
    """A sum that is non-zero for a frame overlapping any of ``spans`` (frame start in ``ld(0)``, end in ``ld(1)``)."""
    return "+".join(f"gt(ld(1),{s.start:.4f})*lt(ld(0),{s.end:.4f})" for s in spans)


def _mute_filters(spans: Sequence[TimeSpan]) -> list[str]:
    """``volume`` filters that set every frame overlapping one of ``spans`` to silence."""
    frame = f"st(0,n*{FRAME_SAMPLES}/sample_rate);st(1,ld(0)+{FRAME_SAMPLES}/sample_rate)"
    return [
        f"volume=eval=frame:volume='{frame};not({_covered(spans[i : i + SPANS_PER_FILTER])})'"
        for i in range(0, len(spans), SPANS_PER_FILTER)
    ]


def gaps_between(spans: Sequence[TimeSpan]) -> list[TimeSpan]:
    """What lies outside ``spans`` (sorted, disjoint), from 0 to past the last span's end."""
    gaps, cursor = [], 0.0
    for span in spans:
        if span.start > cursor:
            gaps.append(TimeSpan(cursor, span.start))
        cursor = max(cursor, span.end)
    gaps.append(TimeSpan(cursor, cursor + 10 * 365 * 86400.0))  # to the end, however long
    return gaps


def filter_graph(streams: Sequence[AudioStream], spans: Sequence[TimeSpan], *, fill: str) -> str:
    """The ``-filter_complex`` graph: each audio stream ``0:a:N`` muted over ``spans`` (and the tone
    added when ``fill`` is "tone") as output ``[aN]``."""
    chains = []
    for stream in streams:
        mute = ",".join([f"asetnsamples=n={FRAME_SAMPLES}:p=0", *_mute_filters(spans)])
        if fill == "tone" and spans:
            rate = stream.sample_rate or 48000
            tone = ",".join(
                [
                    f"sine=frequency={TONE_HZ}:sample_rate={rate}:samples_per_frame={FRAME_SAMPLES}",
                    *_mute_filters(gaps_between(spans)),
                ]
            )
            chains.append(f"[0:a:{stream.number}]{mute}[speech{stream.number}]")
            chains.append(f"{tone}[tone{stream.number}]")
            chains.append(
                f"[speech{stream.number}][tone{stream.number}]amix=inputs=2:duration=first:normalize=0[a{stream.number}]"
            )
        else:
            chains.append(f"[0:a:{stream.number}]{mute}[a{stream.number}]")
    return ";\n".join(chains) + "\n"


@functools.cache
def _graph_file_option(ffmpeg: str) -> str:
    """How this ffmpeg reads a filter graph from a file: ``-filter_complex_script`` (up to 7.x), or
    ``-/filter_complex`` (7.1 on; 8 removed the former)."""
    try:
        help_text = subprocess.run(
            [ffmpeg, "-hide_banner", "-h", "long"], capture_output=True, text=True, timeout=60, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MediaRedactionError(f"could not run ffmpeg ({type(exc).__name__})") from None
    return "-filter_complex_script" if "-filter_complex_script" in help_text else "-/filter_complex"


def redact_command(
    ffmpeg: str, source: Path, target: Path, graph_file: Path, streams: Sequence[AudioStream], codec: str
) -> list[str]:
    """The ffmpeg arguments that write ``target`` from ``source`` with the graph in ``graph_file``."""
    outputs = [arg for s in streams for arg in ("-map", f"[a{s.number}]")]
    return [
        ffmpeg, "-nostdin", "-hide_banner", "-v", "error", "-y",
        "-i", str(source),
        _graph_file_option(ffmpeg), str(graph_file),
        "-map", "0:v?", *outputs,
        "-c:v", "copy", "-c:a", codec, "-sn", "-dn",
        str(target),
    ]  # fmt: skip


def write_redacted_media(
    source: Path,
    spans: Sequence[TimeSpan],
    target_dir: Path,
    *,
    ffmpeg: str,
    fill: str = "tone",
    timeout_seconds: float = REDACT_TIMEOUT_SECONDS,
) -> Path:
    """Write ``target_dir/redacted.<ext>`` from ``source`` with ``spans`` replaced by ``fill`` ("tone" or
    "silence"); return its path. ``MediaRedactionError`` when it cannot be written; no partial file stays."""
    name = redacted_media_name(source)
    codec = AUDIO_CODECS[name.rsplit(".", 1)[1]]
    streams = audio_streams(source)
    if not streams:
        raise MediaRedactionError(f"{source.name}: has no audio stream to redact")
    target = target_dir / name
    target_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".partial-{name}")  # the same suffix: ffmpeg picks the container from it
    log.info(
        "writing the redacted recording",
        extra={"spans": len(spans), "seconds": round(sum(s.seconds for s in spans), 3), "fill": fill, "codec": codec},
    )
    with tempfile.TemporaryDirectory(prefix="clearscribe-redact-") as scratch:
        graph_file = Path(scratch) / "graph.txt"
        graph_file.write_text(filter_graph(streams, spans, fill=fill), encoding="utf-8")
        command = redact_command(ffmpeg, source, partial, graph_file, streams, codec)
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout_seconds, check=False)
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            raise MediaRedactionError(f"{source.name}: writing {name} took over {timeout_seconds:.0f} s") from None
        except OSError as exc:
            raise MediaRedactionError(f"could not run ffmpeg ({exc.strerror})") from None
        except BaseException:  # interrupted: subprocess.run has stopped ffmpeg
            partial.unlink(missing_ok=True)
            raise
    if proc.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        lines = proc.stderr.strip().splitlines()
        reason = lines[-1].replace(str(partial), name).replace(str(source), source.name) if lines else ""
        raise MediaRedactionError(
            f"{source.name}: ffmpeg could not write {name} ({reason or f'exit code {proc.returncode}'})"
        )
    os.replace(partial, target)
    return target
