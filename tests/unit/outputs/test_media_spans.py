"""Which stretches of the recording ``redacted.<ext>`` replaces: redactions of the enriched transcript mapped
to their words' times, widened by the margin, merged and clamped; and the filter graph built from them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pipeline.outputs.media_spans import (
    MARGIN_SECONDS,
    REACH_SECONDS,
    TimeSpan,
    merge_spans,
    redacted_times,
    widen_spans,
)
from pipeline.outputs.redacted_media import (
    SPANS_PER_FILTER,
    AudioStream,
    filter_graph,
    gaps_between,
    redacted_media_name,
)
from postprocess.compose import compose_enriched
from postprocess.document import EnrichedTranscript, Source
from postprocess.findings import PiiFindings, PiiSpan, ProfanityFindings, SegmentSpan, SentimentFindings
from shared.errors import MediaRedactionError
from shared.models import Segment, Transcript, Word


def timed_words(text: str, start: float, step: float = 0.5) -> tuple[Word, ...]:
    """One word every ``step`` seconds from ``start``, as faster-whisper writes them (" word")."""
    return tuple(
        Word(start=round(start + i * step, 3), end=round(start + (i + 1) * step - 0.05, 3), text=" " + token)
        for i, token in enumerate(text.split())
    )


def _words(words: bool | tuple[Word, ...], text: str, start: float) -> tuple[Word, ...]:
    if isinstance(words, tuple):
        return words
    return timed_words(text, start) if words else ()


def enriched(
    segments: list[tuple[float, float, str, bool | tuple[Word, ...]]],
    pii: list[tuple[int, str, str]] = (),  # type: ignore[assignment]
    profanity: list[tuple[int, str]] = (),  # type: ignore[assignment]
    *,
    duration: float | None = None,
) -> EnrichedTranscript:
    """An enriched transcript composed as the pipeline composes it: ``segments`` are ``(start, end, raw
    text, with word times)``; ``pii`` ``(segment, type, raw words)`` and ``profanity`` ``(segment, word)``
    name what the finders found (words: given, or one every 0.5 s)."""
    raw = tuple(
        Segment(id=n, start=start, end=end, text=" " + text, words=_words(words, text, start))
        for n, (start, end, text, words) in enumerate(segments)
    )
    transcript = Transcript(language="en", duration=raw[-1].end, segments=raw, model="tiny.en")

    def where(segment: int, value: str) -> tuple[int, int]:
        start = raw[segment].text.index(value)
        return start, start + len(value)

    return compose_enriched(
        transcript,
        PiiFindings(spans=tuple(PiiSpan(n, *where(n, value), kind, 0.9) for n, kind, value in pii)),
        ProfanityFindings(spans=tuple(SegmentSpan(n, *where(n, word)) for n, word in profanity)),
        SentimentFindings(
            segments=(),
            overall_compound=0.0,
            overall_label="neutral",
            time_share={"positive": 0.0, "neutral": 1.0, "negative": 0.0},
        ),
        job_id="job-1",
        source=Source(uri="/videos/call.mp4", duration_seconds=raw[-1].end if duration is None else duration),
    )


def test_a_redaction_takes_its_words_times_with_the_margin_on_each_side() -> None:
    # words every 0.5 s from 10.0: "my"(10.0) "name"(10.5) "is"(11.0) "Margaret"(11.5) "Wilson"(12.0) "thanks"(12.5)
    doc = enriched([(10.0, 13.0, "my name is Margaret Wilson thanks", True)], [(0, "PERSON", "Margaret Wilson")])
    assert doc.transcript.text == "my name is <PERSON> thanks"
    assert redacted_times(doc) == [TimeSpan(11.5 - MARGIN_SECONDS, 12.45 + MARGIN_SECONDS)]
    assert redacted_times(doc, margin=0.0) == [TimeSpan(11.45, 12.5)]  # up to the words heard around it
    assert redacted_times(doc, margin=0.0, reach=0.0) == [TimeSpan(11.5, 12.45)]


def test_a_word_the_recogniser_squeezed_is_still_covered_up_to_the_words_heard_around_it() -> None:
    # As tiny.en timed a real recording: "Samuel" was said at 7.65-8.15, but it got no duration, at 8.26.
    words = (Word(6.78, 7.04, " The"), Word(7.04, 7.44, " doctor,"), Word(8.26, 8.26, " Samuel"),
             Word(8.26, 8.82, " Greenberg,"), Word(9.26, 9.54, " asked"), Word(9.54, 9.96, " us"))  # fmt: skip
    doc = enriched([(6.78, 9.96, "The doctor, Samuel Greenberg, asked us", words)], [(0, "PERSON", "Samuel Greenberg")])
    assert redacted_times(doc) == [TimeSpan(7.44, 9.26)]
    (span,) = redacted_times(doc)
    assert span.start < 7.65 and span.end > 8.82


def test_the_reach_towards_the_neighbours_is_bounded() -> None:
    words = (Word(0.5, 0.9, " hello"), Word(4.0, 4.5, " Anna"), Word(9.0, 9.5, " bye"))
    doc = enriched([(0.5, 9.5, "hello Anna bye", words)], [(0, "PERSON", "Anna")], duration=12.0)
    assert redacted_times(doc) == [TimeSpan(4.0 - REACH_SECONDS, 4.5 + REACH_SECONDS)]
    alone = enriched([(3.0, 3.5, "Anna", (Word(3.0, 3.5, " Anna"),))], [(0, "PERSON", "Anna")], duration=12.0)
    assert redacted_times(alone) == [TimeSpan(2.0, 4.5)]  # no word around it: towards the start and the end
    at_the_edges = enriched([(0.3, 3.5, "Anna", (Word(0.3, 3.4, " Anna"),))], [(0, "PERSON", "Anna")], duration=3.6)
    assert redacted_times(at_the_edges) == [TimeSpan(0.0, 3.6)]


def test_the_neighbours_are_looked_for_across_segments() -> None:
    first = (Word(1.0, 1.4, " Hello"), Word(1.4, 1.9, " there."))
    second = (Word(2.6, 3.0, " Anna"), Word(3.0, 3.5, " speaking."))
    doc = enriched([(1.0, 1.9, "Hello there.", first), (2.6, 3.5, "Anna speaking.", second)], [(1, "PERSON", "Anna")])
    assert redacted_times(doc) == [TimeSpan(1.9, 3.15)]


def test_a_redaction_inside_a_word_takes_that_whole_word() -> None:
    doc = enriched([(0.0, 2.0, "mail bob@example.com now", True)], [(0, "EMAIL_ADDRESS", "example.com")])
    assert redacted_times(doc, margin=0.0, reach=0.0) == [TimeSpan(0.5, 0.95)]


def test_without_word_times_the_whole_segment_is_replaced() -> None:
    doc = enriched(
        [(0.0, 4.0, "hello there everyone", True), (4.0, 9.0, "call me on 555 0100 today", False)],
        [(1, "PHONE_NUMBER", "555 0100")],
    )
    assert redacted_times(doc, margin=0.0) == [TimeSpan(4.0, 9.0)]


def test_words_that_do_not_match_the_text_fall_back_to_the_segment() -> None:
    doc = enriched([(2.0, 5.0, "my name is Anna Berg", True)], [(0, "PERSON", "Anna Berg")])
    segment = doc.transcript.segments[0]
    garbled = tuple(replace(w, text=" other") if n == 0 else w for n, w in enumerate(segment.words or ()))
    doc = doc.model_copy(
        update={
            "transcript": doc.transcript.model_copy(
                update={"segments": (segment.model_copy(update={"words": garbled}),)}
            )
        }
    )
    assert redacted_times(doc, margin=0.0) == [TimeSpan(2.0, 5.0)]


def test_close_redactions_merge_into_one_span_and_distant_ones_do_not() -> None:
    text = "Anna and Bob met then much later Carl came"
    doc = enriched([(0.0, 6.0, text, True)], [(0, "PERSON", "Anna"), (0, "PERSON", "Bob"), (0, "PERSON", "Carl")])
    # Anna 0.0–0.45, Bob 1.0–1.45 (0.55 s apart: the 0.3 s of margins join them), Carl 3.5–3.95
    assert redacted_times(doc, margin=0.3) == [TimeSpan(0.0, 1.75), TimeSpan(3.2, 4.25)]
    assert len(redacted_times(doc, margin=0.1)) == 3


def test_spans_are_clamped_to_the_recording() -> None:
    doc = enriched([(0.0, 1.5, "Anna says hi", True)], [(0, "PERSON", "Anna")], duration=1.4)
    assert redacted_times(doc, margin=0.5)[0].start == 0.0
    last = enriched([(0.0, 1.5, "hi from Anna", True)], [(0, "PERSON", "Anna")], duration=1.4)
    assert redacted_times(last, margin=0.5) == [TimeSpan(0.5, 1.4)]


def test_profanity_is_replaced_only_when_asked() -> None:
    doc = enriched([(0.0, 3.0, "what a shit show Anna", True)], [(0, "PERSON", "Anna")], [(0, "shit")])
    assert doc.profanity.count == 1
    assert redacted_times(doc, margin=0.0, reach=0.0) == [TimeSpan(2.0, 2.45)]
    assert redacted_times(doc, profanity=True, margin=0.0, reach=0.0) == [TimeSpan(1.0, 1.45), TimeSpan(2.0, 2.45)]


def test_spans_in_later_segments_are_found_by_their_offsets_in_the_whole_text() -> None:
    doc = enriched(
        [(0.0, 2.0, "good morning", True), (2.0, 2.5, "", False), (3.0, 5.0, "this is Anna Berg", True)],
        [(2, "PERSON", "Anna Berg")],
    )
    assert redacted_times(doc, margin=0.0, reach=0.0) == [TimeSpan(4.0, 4.95)]


def test_no_redactions_no_spans() -> None:
    assert redacted_times(enriched([(0.0, 2.0, "nothing to hide here", True)])) == []


def test_widening_and_merging_by_themselves() -> None:
    spans = [TimeSpan(5.0, 6.0), TimeSpan(1.0, 2.0), TimeSpan(2.0, 3.0), TimeSpan(9.9, 12.0)]
    assert merge_spans(spans) == [TimeSpan(1.0, 3.0), TimeSpan(5.0, 6.0), TimeSpan(9.9, 12.0)]
    assert widen_spans(spans, margin=0.5, duration=10.0) == [
        TimeSpan(0.5, 3.5),
        TimeSpan(4.5, 6.5),
        TimeSpan(9.4, 10.0),
    ]
    assert widen_spans([TimeSpan(11.0, 12.0)], margin=0.1, duration=10.0) == []  # wholly past the end
    assert widen_spans([TimeSpan(11.0, 12.0)], margin=0.1, duration=0.0) == [TimeSpan(10.9, 12.1)]  # unknown length


def test_the_tone_fills_exactly_what_lies_outside_the_gaps() -> None:
    spans = [TimeSpan(0.0, 1.0), TimeSpan(2.0, 3.0)]
    gaps = gaps_between(spans)
    assert gaps[0] == TimeSpan(1.0, 2.0) and gaps[1].start == 3.0 and gaps[1].end > 10**8
    assert gaps_between([TimeSpan(1.0, 2.0)])[0] == TimeSpan(0.0, 1.0)


def test_many_spans_are_spread_over_chained_filters_and_every_audio_stream_is_muted() -> None:
    spans = [TimeSpan(n * 2.0 + 1.0, n * 2.0 + 1.5) for n in range(300)]
    graph = filter_graph([AudioStream(0, 48000), AudioStream(1, 16000)], spans, fill="tone")
    chains = graph.split(";\n")
    speech = next(chain for chain in chains if chain.startswith("[0:a:1]"))
    mutes = speech.count("volume=eval=frame")
    assert mutes == -(-len(spans) // SPANS_PER_FILTER)
    assert graph.count("gt(ld(1),") == 2 * (len(spans) + len(spans) + 1)  # both streams: spans, and gaps of the tone
    assert "sine=frequency=1000:sample_rate=16000" in graph and "[a0]" in graph and "[a1]" in graph
    silent = filter_graph([AudioStream(0, 44100)], spans, fill="silence")
    assert "sine" not in silent and "amix" not in silent and silent.rstrip().endswith("[a0]")


def test_the_redacted_file_keeps_the_container_and_an_unknown_one_is_a_clear_error() -> None:
    from pathlib import Path

    assert redacted_media_name(Path("/in/Team Call.MP4")) == "redacted.mp4"
    assert redacted_media_name(Path("talk.webm")) == "redacted.webm"
    with pytest.raises(MediaRedactionError) as caught:
        redacted_media_name(Path("tape.xyz"))
    assert caught.value.code == "MEDIA_REDACTION_FAILED" and ".xyz" in caught.value.message
