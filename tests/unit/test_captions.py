from __future__ import annotations

from pipeline.outputs.captions import CAPTION_LINE_WIDTH, render_srt, render_txt, render_vtt

SEGMENTS = [
    {"id": 0, "start": 0.0, "end": 2.5, "text": "Hello <PERSON>."},
    {"id": 1, "start": 2.5, "end": 3661.042, "text": "   "},
    {"id": 2, "start": 3600.0, "end": 3661.042, "text": "A long line " * 10},
]


def test_srt_numbers_cues_from_one_and_uses_comma_milliseconds() -> None:
    srt = render_srt(SEGMENTS)
    blocks = srt.strip().split("\n\n")
    assert len(blocks) == 2  # the blank segment is dropped
    assert blocks[0].splitlines()[:2] == ["1", "00:00:00,000 --> 00:00:02,500"]
    assert blocks[1].splitlines()[:2] == ["2", "01:00:00,000 --> 01:01:01,042"]


def test_vtt_has_header_and_dot_milliseconds() -> None:
    vtt = render_vtt(SEGMENTS)
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello <PERSON>.\n")


def test_long_caption_text_is_wrapped() -> None:
    lines = render_srt(SEGMENTS).strip().split("\n\n")[1].splitlines()[2:]
    assert len(lines) > 1 and all(len(line) <= CAPTION_LINE_WIDTH for line in lines)


def test_txt_is_one_clean_segment_per_line() -> None:
    enriched = {"transcript": {"text": "ignored", "segments": SEGMENTS}}
    assert render_txt(enriched).splitlines()[0] == "Hello <PERSON>."
    assert len(render_txt(enriched).splitlines()) == 2


def test_empty_transcript_renders_empty_files() -> None:
    enriched = {"transcript": {"text": "", "segments": []}}
    assert render_srt([]) == "" and render_vtt([]) == "WEBVTT\n\n" and render_txt(enriched) == ""
