"""Captions cut from word times to broadcast norms: ≤ 2 lines of ≤ 42 characters, 1–7 s on screen,
no overlaps, every clean word once and in order; SRT/VTT syntax; the plain-text rendering."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.outputs.captions import (
    CAPTION_LINE_WIDTH,
    MAX_CUE_SECONDS,
    MAX_LINES,
    MIN_CUE_SECONDS,
    caption_cues,
    render_srt,
    render_txt,
    render_vtt,
)


def timed(start: float, words: list[tuple[float, float, str]]) -> dict[str, Any]:
    return {
        "start": start,
        "end": words[-1][1],
        "text": " ".join(w for _, _, w in words),
        "words": [{"start": s, "end": e, "text": f" {w}"} for s, e, w in words],
    }


SEGMENTS = [
    {"id": 0, "start": 0.0, "end": 2.5, "text": "Hello <PERSON>."},
    {"id": 1, "start": 2.5, "end": 3661.042, "text": "   "},
    {"id": 2, "start": 3600.0, "end": 3604.5, "text": "A short line at the hour."},
]


def test_srt_numbers_cues_from_one_and_uses_comma_milliseconds() -> None:
    blocks = render_srt(SEGMENTS).strip().split("\n\n")
    assert len(blocks) == 2  # the blank segment is dropped
    assert blocks[0].splitlines() == ["1", "00:00:00,000 --> 00:00:02,500", "Hello <PERSON>."]
    assert blocks[1].splitlines()[:2] == ["2", "01:00:00,000 --> 01:00:04,500"]


def test_vtt_has_header_and_dot_milliseconds() -> None:
    assert render_vtt(SEGMENTS).startswith("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello <PERSON>.\n")


def test_a_long_segment_becomes_several_readable_cues_cut_at_its_words() -> None:
    words = "Now let us talk about the release on Friday, because everyone was angry and I hate how badly it went."
    segment = timed(10.0, [(10.0 + 0.4 * i, 10.0 + 0.4 * i + 0.35, w) for i, w in enumerate(words.split())])

    cues = caption_cues([segment])

    assert len(cues) >= 2
    assert cues[0].start == 10.0
    assert all(len(c.lines) <= MAX_LINES and all(len(ln) <= CAPTION_LINE_WIDTH for ln in c.lines) for c in cues)
    assert " ".join(" ".join(c.lines) for c in cues) == words
    assert cues[0].lines[-1].endswith("Friday,")  # the first cue ends at the clause, not mid-phrase


def test_a_pause_in_the_speech_ends_a_cue() -> None:
    segment = timed(0.0, [(0.0, 0.4, "Yes."), (3.0, 3.4, "Then"), (3.4, 3.9, "again.")])
    cues = caption_cues([segment])
    assert [(c.start, c.text) for c in cues] == [(0.0, "Yes."), (3.0, "Then again.")]
    assert cues[0].end == MIN_CUE_SECONDS  # shown for a second, though said in 0.4 s


def test_short_cues_join_their_neighbour_rather_than_flash() -> None:
    cues = caption_cues([timed(0.0, [(0.0, 0.3, "Right.")]), timed(0.35, [(0.35, 0.7, "Okay.")])])
    assert [c.text for c in cues] == ["Right. Okay."] and cues[0].end - cues[0].start >= MIN_CUE_SECONDS


def test_words_that_do_not_spell_the_clean_text_are_not_used() -> None:
    # Clean words are rewritten with the segment text; words that no longer match it (raw ones)
    # never reach a caption: the clean text is spread over the segment instead.
    segment = {"start": 0.0, "end": 4.0, "text": "Call <PERSON> now.", "words": [{"start": 0, "end": 4, "text": "raw"}]}
    (cue,) = caption_cues([segment])
    assert cue.text == "Call <PERSON> now." and (cue.start, cue.end) == (0.0, 4.0)


word_text = st.text(alphabet="abcdefghij<>,.", min_size=1, max_size=14)


@st.composite
def transcripts(draw: st.DrawFn) -> list[dict[str, Any]]:
    segments, at = [], 0.0
    for _ in range(draw(st.integers(1, 6))):
        words = []
        for _ in range(draw(st.integers(1, 30))):
            at += draw(st.floats(0.0, 2.5))
            length = draw(st.floats(0.0, 1.5))
            words.append((round(at, 3), round(at + length, 3), draw(word_text)))
            at += length
        segment = timed(words[0][0], words)
        if draw(st.booleans()):
            del segment["words"]  # no word times: spread over the segment
        segments.append(segment)
    return segments


@settings(max_examples=200, deadline=None)
@given(transcripts())
def test_every_cue_keeps_to_the_norms(segments: list[dict[str, Any]]) -> None:
    cues = caption_cues(segments)

    assert " ".join(" ".join(c.lines) for c in cues) == " ".join(s["text"] for s in segments)
    for i, cue in enumerate(cues):
        assert 1 <= len(cue.lines) <= MAX_LINES
        assert all(len(line) <= CAPTION_LINE_WIDTH for line in cue.lines)
        assert 0 < cue.end - cue.start <= MAX_CUE_SECONDS + 1e-9
        if i + 1 < len(cues):
            assert cue.end <= cues[i + 1].start, "cues overlap"
            if cue.end - cue.start < MIN_CUE_SECONDS - 1e-6:  # only where the next cue leaves no room
                assert cue.end == cues[i + 1].start


def test_txt_is_one_clean_segment_per_line() -> None:
    enriched = {"transcript": {"text": "ignored", "segments": SEGMENTS}}
    assert render_txt(enriched).splitlines() == ["Hello <PERSON>.", "A short line at the hour."]


def test_empty_transcript_renders_empty_files() -> None:
    enriched = {"transcript": {"text": "", "segments": []}}
    assert render_srt([]) == "" and render_vtt([]) == "WEBVTT\n\n" and render_txt(enriched) == ""
