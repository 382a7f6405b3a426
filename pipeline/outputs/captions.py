"""SRT, WebVTT and plain-text renderings of an enriched transcript.

They are made from the CLEAN segments of the enriched transcript only (PII replaced, profanity
masked, ``postprocess.document.CleanSegment``), never from a raw transcript.

Caption cues are cut from the words' times to broadcast norms: at most :data:`MAX_LINES` lines of
:data:`CAPTION_LINE_WIDTH` characters, on screen for :data:`MIN_CUE_SECONDS` to
:data:`MAX_CUE_SECONDS`, never two at once. A cue ends at a pause in the speech, at the end of a
sentence or clause where it can, and before it grows too long. Segments without word times
(a transcript from text, an engine without them) get word times spread over the segment by
length. The segments of the enriched transcript stay as they are.

With speaker labels a cue never holds two speakers: a change of speaker ends it, and its text
starts with the speaker (``S1: …``, counted in the line width); WebVTT cues also carry the
speaker as a voice tag (``<v S1>``), and each line of the plain text starts with its segment's.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from postprocess.document import CleanSegment, EnrichedTranscript
from shared.models import Word

CAPTION_LINE_WIDTH = 42  # characters per caption line, a common broadcast guideline
MAX_LINES = 2
MIN_CUE_SECONDS = 1.0
MAX_CUE_SECONDS = 7.0
#: A pause in the speech this long ends a cue.
PAUSE_SECONDS = 1.0
_CLAUSE_END = (",", ";", ":", ".", "?", "!")


@dataclass(frozen=True)
class SpokenWord:
    """A clean word on its way to a cue, and who says it."""

    word: Word
    speaker: str | None = None

    @property
    def text(self) -> str:
        return self.word.text


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]  # the first starts with the speaker's prefix, when there is a speaker
    speaker: str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def _timestamp(seconds: float, separator: str) -> str:
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


# -- words -----------------------------------------------------------------------------------------
def segment_words(segment: CleanSegment) -> list[SpokenWord]:
    """The segment's clean words with their times: its own word times when they spell out its
    text, else its text's words with times spread over the segment by their length."""
    text = " ".join(segment.text.split())
    if not text:
        return []
    own = [replace(w, text=" ".join(w.text.split()), probability=None) for w in segment.words or ()]
    own = [w for w in own if w.text]
    if own and " ".join(w.text for w in own) == text:
        words = own
    else:
        tokens = text.split()
        weights = [len(t) + 1 for t in tokens]
        span = max(segment.end - segment.start, 0.0)
        words, at = [], segment.start
        for token, weight in zip(tokens, weights, strict=True):
            step = span * weight / sum(weights)
            words.append(Word(at, at + step, token))
            at += step
    width = CAPTION_LINE_WIDTH - len(speaker_prefix(segment.speaker))  # a word alone fits after the prefix
    return [SpokenWord(piece, segment.speaker) for word in words for piece in _fitting(word, width)]


def _fitting(word: Word, width: int = CAPTION_LINE_WIDTH) -> list[Word]:
    """A word longer than ``width``, cut into pieces that long sharing its time."""
    if len(word.text) <= width:
        return [word]
    pieces = textwrap.wrap(word.text, width, break_long_words=True)
    step = (word.end - word.start) / len(pieces)
    return [Word(word.start + i * step, word.start + (i + 1) * step, p) for i, p in enumerate(pieces)]


def speaker_prefix(speaker: str | None) -> str:
    """What a caption line or a text line starts with for ``speaker``: ``"S1: "`` (or nothing)."""
    return f"{speaker}: " if speaker else ""


def _lines(words: Sequence[str], prefix: str = "") -> tuple[str, ...] | None:
    """``prefix`` and ``words`` on at most :data:`MAX_LINES` lines of :data:`CAPTION_LINE_WIDTH`
    characters, balanced (the break that makes the longer line shortest); None when they do not fit."""
    text = prefix + " ".join(words)
    if len(text) <= CAPTION_LINE_WIDTH:
        return (text,)
    best: tuple[str, str] | None = None
    for i in range(1, len(words)):
        top, bottom = prefix + " ".join(words[:i]), " ".join(words[i:])
        fits = len(top) <= CAPTION_LINE_WIDTH and len(bottom) <= CAPTION_LINE_WIDTH
        if fits and (best is None or max(len(top), len(bottom)) < max(len(best[0]), len(best[1]))):
            best = (top, bottom)
    return best


# -- cues --------------------------------------------------------------------------------------------
def caption_cues(segments: Iterable[CleanSegment]) -> list[Cue]:
    """The cues of the clean segments (see the module docstring)."""
    words = sorted(
        (w for seg in segments for w in segment_words(seg)), key=lambda w: w.word.start
    )  # segments are in time order already; words of one segment may not be
    groups: list[list[SpokenWord]] = []
    current: list[SpokenWord] = []
    for word in words:
        if current:
            pause = word.word.start - current[-1].word.end >= PAUSE_SECONDS
            turn = word.speaker != current[0].speaker
            too_long = max(word.word.end, current[-1].word.end) - current[0].word.start > MAX_CUE_SECONDS
            prefix = speaker_prefix(current[0].speaker)
            if pause or turn or too_long or _lines([w.text for w in [*current, word]], prefix) is None:
                rest = [] if pause or turn else _carry(current)
                groups.append(current[: len(current) - len(rest)])
                current = rest
        current.append(word)
    if current:
        groups.append(current)
    return _timed([g for g in groups if g])


def _carry(words: list[SpokenWord]) -> list[SpokenWord]:
    """The words after the last clause end in the second half of ``words``: they start the next cue
    rather than leave the clause's end alone there."""
    for i in range(len(words) - 1, len(words) // 2 - 1, -1):
        if words[i].text.endswith(_CLAUSE_END):
            return words[i + 1 :]
    return []


@dataclass(frozen=True)
class _Span:
    """A group of words about to become a cue."""

    start: float
    end: float
    texts: list[str]
    speaker: str | None


def _timed(groups: list[list[SpokenWord]]) -> list[Cue]:
    """Cues from word groups: one followed within :data:`MIN_CUE_SECONDS` by the next is joined to
    it when the text fits; then each is shown for at least :data:`MIN_CUE_SECONDS` where the next
    one leaves room, at most :data:`MAX_CUE_SECONDS`, and never overlapping."""
    spans = [_Span(g[0].word.start, max(w.word.end for w in g), [w.text for w in g], g[0].speaker) for g in groups]
    merged: list[_Span] = []
    for span in spans:
        if merged:
            last = merged[-1]
            cramped = span.start - last.start < MIN_CUE_SECONDS  # the last cue cannot stay up for a second
            joined = [*last.texts, *span.texts]
            same_speaker = span.speaker == last.speaker
            fits = _lines(joined, speaker_prefix(last.speaker)) is not None
            if cramped and same_speaker and span.end - last.start <= MAX_CUE_SECONDS and fits:
                merged[-1] = _Span(last.start, max(last.end, span.end), joined, last.speaker)
                continue
        merged.append(span)
    cues: list[Cue] = []
    for i, span in enumerate(merged):
        start = max(span.start, cues[-1].end) if cues else span.start
        following = merged[i + 1].start if i + 1 < len(merged) else float("inf")
        end = min(max(span.end, start + MIN_CUE_SECONDS), start + MAX_CUE_SECONDS)
        end = max(min(end, following), start + 0.001)
        prefix = speaker_prefix(span.speaker)
        lines = _lines(span.texts, prefix) or (prefix + " ".join(span.texts),)
        cues.append(Cue(round(start, 3), round(end, 3), lines, span.speaker))
    return cues


def render_srt(segments: Iterable[CleanSegment]) -> str:
    blocks = [
        f"{n}\n{_timestamp(cue.start, ',')} --> {_timestamp(cue.end, ',')}\n{cue.text}\n"
        for n, cue in enumerate(caption_cues(segments), start=1)
    ]
    return "\n".join(blocks)


def render_vtt(segments: Iterable[CleanSegment]) -> str:
    """WebVTT; a cue with a speaker is one voice span, ``<v S1>S1: …`` (the tag for players that
    style voices, the prefix for those that show only text)."""
    blocks = [
        f"{_timestamp(cue.start, '.')} --> {_timestamp(cue.end, '.')}\n"
        f"{f'<v {cue.speaker}>' if cue.speaker else ''}{cue.text}\n"
        for cue in caption_cues(segments)
    ]
    return "WEBVTT\n\n" + "\n".join(blocks)


def render_txt(enriched: EnrichedTranscript) -> str:
    """The clean transcript, one segment per line (after its speaker, ``S1: ``, when it has one)."""
    transcript = enriched.transcript
    lines = [speaker_prefix(s.speaker) + text for s in transcript.segments if (text := " ".join(s.text.split()))]
    if not lines and transcript.text:
        lines = [transcript.text]
    return "\n".join(lines) + ("\n" if lines else "")
