"""Recordings longer than one window, transcribed as windows and merged: one plan for every host.

A recording longer than ``window_s`` is cut into the fewest windows of at most that length,
equal in length (:func:`plan_windows`). Each window is transcribed on its own — on AWS each is one
asynchronous invocation, so windows run on as many instances as there are; ``clearscribe run``
transcribes them one after another — and the transcripts are merged in order (:func:`merge_windows`).

**Cut at silence, from both sides alike.** A window's bounds are its planned bounds moved to the
quietest moment in the :data:`CUT_SEARCH_SECONDS` before them (:func:`cut_at`), found on the
decoded audio. The window before a boundary and the window after it both compute that cut from
the same samples, so they meet exactly there: no word is cut in two, nothing is transcribed twice,
and no audio falls between them. To find its cuts a window needs the audio up to its planned end
plus :data:`DECODE_MARGIN_SECONDS` (:func:`decode_until`), so the endpoint decodes no further than
that, and the samples around every cut are those of the whole recording decoded in one go.

**Speakers are told apart over the whole recording**, never per window: a window knows only its
own voices, and its "first speaker" need not be the next window's. With speaker labels on and more
than one window, :func:`plan_requests` adds one more request, the recording's speaker turns
(``speakers=only``), and the windows are transcribed without labels (``speakers=off``); the merge
assigns the turns to the merged segments (:mod:`pipeline.asr.inference.speaker_segments`), as a
local run labels its whole transcript.

Standard library and numpy only: the module ships in the model artifact.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from shared.contract import SAMPLE_RATE
from shared.models import Segment, Transcript

if TYPE_CHECKING:
    import numpy as np

#: How far before a planned boundary the cut may move, looking for the quietest 100 ms.
CUT_SEARCH_SECONDS = 10.0
#: Audio decoded past a window's planned end: the samples the cut looks at are then never the last
#: ones a decoder wrote (a resampler's flush can change those).
DECODE_MARGIN_SECONDS = 1.0
CUT_FRAME_SECONDS = 0.1
#: How a window travels in an asynchronous invocation's custom attributes: ``window=<start>-<end>``
#: in seconds, the end empty for the last window (to the end of the recording).
_ATTRIBUTE = re.compile(r"(?:^|[;,\s])window=(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)?(?:$|[;,\s])")
#: And what the request asks about speakers (:data:`SPEAKERS_OFF`, :data:`SPEAKERS_ONLY`).
_SPEAKERS_ATTRIBUTE = re.compile(r"(?:^|[;,\s])speakers=(off|only)(?:$|[;,\s])")
#: A window of a recording whose speakers another request tells apart: transcribe, do not label.
SPEAKERS_OFF = "off"
#: The request for the speaker turns of the whole recording (no words).
SPEAKERS_ONLY = "only"


@dataclass(frozen=True)
class Window:
    """A planned window: its number and planned bounds in seconds; ``end`` None for the last."""

    index: int
    start: float
    end: float | None
    #: None: transcribe and label as the endpoint is set up to; else :data:`SPEAKERS_OFF` or
    #: :data:`SPEAKERS_ONLY`.
    speakers: str | None = None

    @property
    def attribute(self) -> str:
        """The custom attributes an invocation carries for this window."""
        parts = [f"window={self.start:.3f}-{'' if self.end is None else f'{self.end:.3f}'}"]
        if self.speakers:
            parts.append(f"speakers={self.speakers}")
        return ";".join(parts)

    @property
    def is_whole_recording(self) -> bool:
        return self.start <= 0 and self.end is None

    @classmethod
    def from_attribute(cls, attributes: str | None) -> Window | None:
        """The window named in an invocation's custom attributes; None when there is none."""
        found = _ATTRIBUTE.search(attributes or "")
        if found is None:
            return None
        start, end = float(found.group(1)), found.group(2)
        speakers = _SPEAKERS_ATTRIBUTE.search(attributes or "")
        return cls(
            index=-1,
            start=start,
            end=None if end is None else float(end),
            speakers=None if speakers is None else speakers.group(1),
        )

    @classmethod
    def from_dict(cls, item: Mapping[str, Any]) -> Window:
        end = item.get("end")
        return cls(
            index=int(item["index"]),
            start=float(item["start"]),
            end=None if end is None else float(end),
            speakers=item.get("speakers") or None,
        )

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "start": self.start, "end": self.end, "speakers": self.speakers}


def plan_windows(duration: float, window_s: float) -> list[Window]:
    """The fewest windows of at most ``window_s`` seconds covering ``duration``, equal in length."""
    if window_s <= 2 * CUT_SEARCH_SECONDS:
        raise ValueError(f"a window must be longer than {2 * CUT_SEARCH_SECONDS:g} s")
    count = max(1, math.ceil(duration / window_s - 1e-9))
    length = duration / count
    bounds = [round(length * k, 3) for k in range(count)]
    return [Window(k, bounds[k], bounds[k + 1] if k + 1 < count else None) for k in range(count)]


def plan_requests(duration: float, window_s: float, *, speakers: bool) -> list[Window]:
    """The requests a recording is sent to the endpoint in: its windows (:func:`plan_windows`) and,
    with speaker labels on and more than one window, the request for the recording's speaker turns,
    the windows then unlabelled."""
    windows = plan_windows(duration, window_s)
    if not speakers or len(windows) == 1:
        return windows
    unlabelled = [replace(w, speakers=SPEAKERS_OFF) for w in windows]
    return [*unlabelled, Window(len(windows), 0.0, None, speakers=SPEAKERS_ONLY)]


def decode_until(window: Window) -> float | None:
    """How far the audio must be decoded to transcribe ``window`` (None: to the end)."""
    if window.end is None or window.speakers == SPEAKERS_ONLY:
        return None
    return window.end + DECODE_MARGIN_SECONDS


def cut_at(audio: np.ndarray, seconds: float) -> int:
    """The sample where a window boundary planned at ``seconds`` falls: the middle of the quietest
    100 ms in the :data:`CUT_SEARCH_SECONDS` before it (16-bit or float samples give the same)."""
    import numpy as np

    frame = int(CUT_FRAME_SECONDS * SAMPLE_RATE)
    end = min(round(seconds * SAMPLE_RATE), int(audio.shape[0]))
    start = max(0, end - int(CUT_SEARCH_SECONDS * SAMPLE_RATE))
    frames = (end - start) // frame
    if frames < 1:
        return end
    region = np.asarray(audio[end - frames * frame : end], dtype=np.float64).reshape(frames, frame)
    quietest = int(np.argmin(np.mean(np.square(region), axis=1)))
    return end - frames * frame + quietest * frame + frame // 2


def window_bounds(audio: np.ndarray, window: Window) -> tuple[int, int]:
    """``(first sample, end sample)`` of ``window`` in ``audio`` (decoded from the recording's start
    at least up to :func:`decode_until`); the whole of ``audio`` for :data:`SPEAKERS_ONLY`."""
    if window.speakers == SPEAKERS_ONLY:
        return 0, int(audio.shape[0])
    first = 0 if window.start <= 0 else cut_at(audio, window.start)
    last = int(audio.shape[0]) if window.end is None else cut_at(audio, window.end)
    return first, max(first, last)


# -- merging ---------------------------------------------------------------------------------------
def merge_windows(transcripts: Sequence[Transcript]) -> Transcript:
    """The transcripts of consecutive windows (times already the recording's) as one transcript:
    segments in order and numbered again, coverage added up, warnings kept. A segment that starts
    before the previous window's last segment ended (a window whose cut moved past speech the one
    before it had already transcribed) is dropped, so nothing is said twice."""
    if not transcripts:
        raise ValueError("no window transcripts to merge")
    if len(transcripts) == 1:
        return transcripts[0]
    segments: list[Segment] = []
    for transcript in transcripts:
        reached = segments[-1].end if segments else 0.0
        for segment in transcript.segments:
            if segments and segment.start < reached - 1e-6:
                continue
            segments.append(replace(segment, id=len(segments)))
    first = transcripts[0]
    turns = [t for transcript in transcripts for t in transcript.speaker_turns or ()]
    return Transcript(
        language=first.language,
        duration=max(t.duration for t in transcripts),
        segments=tuple(segments),
        model=first.model,
        engine=first.engine,
        speech_seconds=_sum(t.speech_seconds for t in transcripts),
        covered_seconds=_sum(t.covered_seconds for t in transcripts),
        warnings=tuple(w for t in transcripts for w in t.warnings),
        speaker_turns=tuple(turns) if any(t.speaker_turns is not None for t in transcripts) else None,
    )


def merge_requests(results: Sequence[tuple[Window, Transcript]]) -> Transcript:
    """What :func:`plan_requests` planned, answered: the windows' transcripts merged in order
    (:func:`merge_windows`) and, when one request was for the speaker turns of the whole recording,
    those turns given to the merged segments (``with_speakers``: what a local run does with its
    whole transcript)."""
    from pipeline.asr.inference.speaker_segments import with_speakers

    ordered = sorted(results, key=lambda pair: pair[0].index)
    merged = merge_windows([t for w, t in ordered if w.speakers != SPEAKERS_ONLY])
    for window, answer in ordered:
        if window.speakers == SPEAKERS_ONLY:
            if answer.speaker_turns is None:
                raise ValueError("the speaker request's answer holds no speaker turns")
            merged = with_speakers(merged, answer.speaker_turns)
    return merged


def _sum(values: Iterable[float | None]) -> float | None:
    items = list(values)
    if any(v is None for v in items):
        return None
    return round(sum(v for v in items if v is not None), 3)
