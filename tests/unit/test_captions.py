"""Captions cut from word times to broadcast norms: ≤ 2 lines of ≤ 42 characters, 1–7 s on screen,
no overlaps, every clean word once and in order; SRT/VTT syntax; the plain-text rendering."""

from __future__ import annotations

import itertools
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
    speaker_prefix,
)
from tests.support.transcripts import clean_segments, enriched_document


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
    blocks = render_srt(clean_segments(SEGMENTS)).strip().split("\n\n")
    assert len(blocks) == 2  # the blank segment is dropped
    assert blocks[0].splitlines() == ["1", "00:00:00,000 --> 00:00:02,500", "Hello <PERSON>."]
    assert blocks[1].splitlines()[:2] == ["2", "01:00:00,000 --> 01:00:04,500"]


def test_vtt_has_header_and_dot_milliseconds() -> None:
    assert render_vtt(clean_segments(SEGMENTS)).startswith("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello <PERSON>.\n")


def test_a_long_segment_becomes_several_readable_cues_cut_at_its_words() -> None:
    words = "Now let us talk about the release on Friday, because everyone was angry and I hate how badly it went."
    segment = timed(10.0, [(10.0 + 0.4 * i, 10.0 + 0.4 * i + 0.35, w) for i, w in enumerate(words.split())])

    cues = caption_cues(clean_segments([segment]))

    assert len(cues) >= 2
    assert cues[0].start == 10.0
    assert all(len(c.lines) <= MAX_LINES and all(len(ln) <= CAPTION_LINE_WIDTH for ln in c.lines) for c in cues)
    assert " ".join(" ".join(c.lines) for c in cues) == words
    assert cues[0].lines[-1].endswith("Friday,")  # the first cue ends at the clause, not mid-phrase


def test_a_pause_in_the_speech_ends_a_cue() -> None:
    segment = timed(0.0, [(0.0, 0.4, "Yes."), (3.0, 3.4, "Then"), (3.4, 3.9, "again.")])
    cues = caption_cues(clean_segments([segment]))
    assert [(c.start, c.text) for c in cues] == [(0.0, "Yes."), (3.0, "Then again.")]
    assert cues[0].end == MIN_CUE_SECONDS  # shown for a second, though said in 0.4 s


def test_short_cues_join_their_neighbour_rather_than_flash() -> None:
    cues = caption_cues(clean_segments([timed(0.0, [(0.0, 0.3, "Right.")]), timed(0.35, [(0.35, 0.7, "Okay.")])]))
    assert [c.text for c in cues] == ["Right. Okay."] and cues[0].end - cues[0].start >= MIN_CUE_SECONDS


def test_words_that_do_not_spell_the_clean_text_are_not_used() -> None:
    # Clean words are rewritten with the segment text; words that no longer match it (raw ones)
    # never reach a caption: the clean text is spread over the segment instead.
    segment = {"start": 0.0, "end": 4.0, "text": "Call <PERSON> now.", "words": [{"start": 0, "end": 4, "text": "raw"}]}
    (cue,) = caption_cues(clean_segments([segment]))
    assert cue.text == "Call <PERSON> now." and (cue.start, cue.end) == (0.0, 4.0)


word_text = st.text(alphabet="abcdefghij<>,.", min_size=1, max_size=14)


@st.composite
def transcripts(draw: st.DrawFn) -> list[dict[str, Any]]:
    segments, at = [], 0.0
    speakers = draw(st.booleans())
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
        if speakers:
            segment["speaker"] = draw(st.sampled_from(["S1", "S2", "S3", "S12"]))
        segments.append(segment)
    return segments


def spoken(cue: Any) -> str:
    """A cue's words, without its speaker prefix."""
    text = " ".join(cue.lines)
    return text.removeprefix(speaker_prefix(cue.speaker))


@settings(max_examples=200, deadline=None)
@given(transcripts())
def test_every_cue_keeps_to_the_norms(segments: list[dict[str, Any]]) -> None:
    cues = caption_cues(clean_segments(segments))

    assert " ".join(spoken(c) for c in cues) == " ".join(s["text"] for s in segments)
    said_by = [(s.get("speaker"), s["text"].split()) for s in segments]
    words_of = [speaker for speaker, words in said_by for _ in words]
    n = 0
    for i, cue in enumerate(cues):
        assert cue.lines[0].startswith(speaker_prefix(cue.speaker))
        count = len(spoken(cue).split())
        assert set(words_of[n : n + count]) == {cue.speaker}, "a cue holds words of another speaker"
        n += count
        assert 1 <= len(cue.lines) <= MAX_LINES
        assert all(len(line) <= CAPTION_LINE_WIDTH for line in cue.lines)
        assert 0 < cue.end - cue.start <= MAX_CUE_SECONDS + 1e-9
        if i + 1 < len(cues):
            assert cue.end <= cues[i + 1].start, "cues overlap"
            if cue.end - cue.start < MIN_CUE_SECONDS - 1e-6:  # only where the next cue leaves no room
                assert cue.end == cues[i + 1].start


TURNS = [
    {**timed(0.0, [(0.0, 0.4, "How"), (0.4, 0.6, "are"), (0.6, 0.9, "you?")]), "speaker": "S1"},
    {**timed(1.0, [(1.0, 1.3, "Fine,"), (1.3, 1.6, "thanks.")]), "speaker": "S2"},
    {**timed(1.7, [(1.7, 2.0, "Good.")]), "speaker": "S1"},
]


def test_a_change_of_speaker_ends_a_cue_even_without_a_pause() -> None:
    cues = caption_cues(clean_segments(TURNS))
    assert [(c.speaker, c.text) for c in cues] == [
        ("S1", "S1: How are you?"),
        ("S2", "S2: Fine, thanks."),
        ("S1", "S1: Good."),
    ]
    assert all(a.end <= b.start for a, b in itertools.pairwise(cues))


def test_srt_cues_start_with_the_speaker_and_vtt_cues_carry_a_voice_tag() -> None:
    srt = render_srt(clean_segments(TURNS)).strip().split("\n\n")
    assert [block.splitlines()[2] for block in srt] == ["S1: How are you?", "S2: Fine, thanks.", "S1: Good."]
    vtt = render_vtt(clean_segments(TURNS)).split("\n\n")[1:]
    assert [block.splitlines()[1] for block in vtt if block] == [
        "<v S1>S1: How are you?",
        "<v S2>S2: Fine, thanks.",
        "<v S1>S1: Good.",
    ]


def test_the_speaker_prefix_counts_in_the_line_width() -> None:
    # 40 characters of words: on one line alone, on two after "S1: ".
    text = "aaaa bbbb cccc dddd eeee ffff gggg hhhhh"
    words = [(0.3 * i, 0.3 * i + 0.3, w) for i, w in enumerate(text.split())]
    (alone,) = caption_cues(clean_segments([timed(0.0, words)]))
    (labelled,) = caption_cues(clean_segments([{**timed(0.0, words), "speaker": "S1"}]))
    assert alone.lines == (text,)
    assert len(labelled.lines) == 2 and labelled.lines[0].startswith("S1: ")
    assert all(len(line) <= CAPTION_LINE_WIDTH for line in labelled.lines)


def test_a_word_too_long_for_a_line_is_cut_to_fit_after_the_speaker() -> None:
    word = "https://example.com/a/very/long/address/indeed"  # 47 characters
    cues = caption_cues(clean_segments([{**timed(0.0, [(0.0, 3.0, word)]), "speaker": "S12"}]))
    lines = [line for cue in cues for line in cue.lines]
    assert all(len(line) <= CAPTION_LINE_WIDTH for line in lines) and lines[0].startswith("S12: ")
    assert "".join(lines).replace("S12: ", "") == word


def test_txt_lines_start_with_their_speaker() -> None:
    enriched = enriched_document(clean_segments(TURNS), text="ignored")
    assert render_txt(enriched).splitlines() == ["S1: How are you?", "S2: Fine, thanks.", "S1: Good."]


def test_txt_is_one_clean_segment_per_line() -> None:
    enriched = enriched_document(clean_segments(SEGMENTS), text="ignored")
    assert render_txt(enriched).splitlines() == ["Hello <PERSON>.", "A short line at the hour."]


def test_empty_transcript_renders_empty_files() -> None:
    enriched = enriched_document([])
    assert render_srt([]) == "" and render_vtt([]) == "WEBVTT\n\n" and render_txt(enriched) == ""
