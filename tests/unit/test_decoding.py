"""The shared decoding policy on its own: which stretches are decoded again, coverage, warnings,
sentence segments. Engines plug in here; these tests use stand-ins for their three seams."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from pipeline.asr.inference.decoding import (
    MIN_UNCOVERED_SECONDS,
    Decoded,
    clips,
    covering_spans,
    decode_windows,
    max_new_tokens,
    split_sentences,
    stretches_to_redecode,
    to_transcript,
    troubled_stretches,
    uncovered,
    without_loops,
)
from pipeline.asr.inference.loops import compression_ratio, repetition_loops
from pipeline.asr.inference.spans import CHUNK_SECONDS, chunk_spans, subtract_spans
from shared.contract import SAMPLE_RATE
from shared.models import SPEECH_NOT_TRANSCRIBED, Word
from shared.transcript_json import parse_transcript_json

RUNAWAY = " ".join(["1."] * 60)


def seg(start: float, end: float, text: str = "words here", temperature: float = 0.0, words=()) -> Decoded:
    return Decoded(start, end, text, temperature, tuple(words))


def word(start: float, end: float, text: str) -> Word:
    return Word(start, end, text, 0.9)


def test_a_first_pass_without_trouble_has_no_troubled_stretch() -> None:
    assert troubled_stretches([seg(0, 4), seg(4, 9)], duration=10) == []


def test_a_troubled_stretch_runs_to_where_good_decoding_resumes() -> None:
    segments = [seg(0, 4), seg(4, 20, "1.", 0.6), seg(20, 22, RUNAWAY), seg(25, 30), seg(30, 31, "x", 1.0)]
    assert troubled_stretches(segments, duration=40) == [(4, 25), (30, 40)]


def test_a_troubled_stretch_never_reaches_past_the_window() -> None:
    assert troubled_stretches([seg(50, 83.3, "1.", 0.8)], duration=78) == [(50, 78)]


def test_a_repetition_loop_is_troubled_however_it_was_decoded() -> None:
    assert compression_ratio(RUNAWAY) > 2.4 and seg(0, 30, RUNAWAY).troubled
    assert not seg(0, 5, "My phone number is 555 314 2768.").troubled


GOOD_TEXT = (
    "The team did an excellent job, and I love the new design. Now let us talk about the release on Friday. "
    "Please remember that support tickets must never contain private details. Last week, a customer read out "
    "the card number "
)


def test_a_loop_inside_a_chunk_of_good_text_is_troubled_though_the_whole_compresses_little() -> None:
    chunk = GOOD_TEXT + "4111, " + "1, " * 40 + "Hello and welcome to the weekly planning meeting."
    assert compression_ratio(chunk) < 2.4  # Whisper's own check misses it
    assert seg(0, 30, chunk).troubled
    assert seg(0, 30, GOOD_TEXT + "4-" + "1-" * 30).troubled


@pytest.mark.parametrize(
    "spoken",
    [
        "4-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1",  # a card number read digit by digit
        "1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1",
        "four one one one one one one one one one one one one one one one",
        "no, no, no, no, no, no, no, no",
        "1111111111111111",
    ],
)
def test_a_number_read_out_is_not_a_loop(spoken: str) -> None:
    assert not repetition_loops(GOOD_TEXT + spoken + ". Thanks.")
    assert not seg(0, 30, GOOD_TEXT + spoken + ". Thanks.").troubled


def test_a_loop_is_cut_out_and_the_words_around_it_keep_their_times() -> None:
    before = [word(0.0, 0.4, " The"), word(0.4, 0.9, " card"), word(0.9, 1.4, " number"), word(1.5, 1.8, " 4")]
    loop = [word(1.8 + i * 0.01, 1.81 + i * 0.01, "-1") for i in range(40)]
    after = [word(9.0, 9.4, " Please"), word(9.4, 9.9, " remember.")]
    decoded = seg(0.0, 10.0, "", words=[*before, *loop, *after])
    decoded = seg(0.0, 10.0, "".join(w.text for w in decoded.words).strip(), words=decoded.words)

    trimmed = without_loops(decoded)

    assert trimmed is not None and not trimmed.troubled
    assert trimmed.text == "The card number 4-1 Please remember."
    assert trimmed.words == (*before, loop[0], *after)
    assert uncovered([(0.0, 10.0)], [trimmed]) == [(2.31, 8.5)]  # the loop stood for speech: uncovered


def test_a_word_a_loop_runs_into_keeps_its_part_before_the_loop() -> None:
    runaway = word(1.5, 10.0, " 4-" + "1-" * 60)
    trimmed = without_loops(
        seg(0.0, 10.0, "The card number 4-" + "1-" * 60, words=[word(0.0, 1.4, " The card number"), runaway])
    )
    assert trimmed is not None and trimmed.text == "The card number 4-1-"
    assert without_loops(seg(0.0, 10.0, "1. " * 40)) == seg(0.0, 10.0, "1.")
    assert without_loops(seg(0.0, 10.0, " 1-" * 40, words=[word(0.0, 10.0, "1-" * 40)])) is not None
    assert without_loops(seg(0.0, 10.0, "ok", words=[word(0.0, 10.0, " ok")])) == seg(
        0.0, 10.0, "ok", words=[word(0.0, 10.0, " ok")]
    )


def test_a_clip_that_loops_again_keeps_its_good_words_and_the_loop_speech_is_reported() -> None:
    def clip_decode(audio, pieces):
        out = []
        for s, e in pieces:  # every decode loops a second into its piece
            words = [
                word(s, s + 1.0, " Card"),
                *[word(s + 1.0 + i / 100, s + 1.01 + i / 100, " one") for i in range(30)],
            ]
            out.append(seg(s, e, "".join(w.text for w in words).strip(), words=words))
        return out

    engine = Engine(lambda audio, speech: [], clip_decode)

    decoding = decode_windows(
        windows(8.0), detect=engine.detect, decode_window=engine.decode_window, decode_clips=engine.decode_clips
    )

    assert all(not repetition_loops(s.text) for s in decoding.segments)
    assert decoding.segments[0].text == "Card one"
    assert len(engine.clip_calls) == 2  # the speech the loop stood for is decoded once more on its own
    assert decoding.gaps and decoding.covered_seconds < decoding.speech_seconds


def test_speech_no_word_is_near_is_uncovered_once_it_lasts_a_second() -> None:
    speech = [(0.0, 10.0), (12.0, 20.0)]
    words = [word(0.2, 0.6, " one"), word(0.7, 1.2, " two"), word(14.0, 14.5, " three")]
    segments = [seg(0.2, 1.2, "one two", words=words[:2]), seg(14.0, 14.5, "three", words=words[2:])]
    # words cover themselves and half a second either side
    assert covering_spans(segments) == [(-0.3, 1.7), (13.5, 15.0)]
    assert uncovered(speech, segments) == [(1.7, 10.0), (12.0, 13.5), (15.0, 20.0)]
    # a segment without word times covers its whole span
    assert uncovered(speech, [seg(0.0, 10.0), seg(12.5, 20.0)]) == []
    assert uncovered(speech, [seg(0.0, 9.6)]) == [(12.0, 20.0)]
    # less than a second without words is not a gap
    assert uncovered([(0.0, 10.0)], [seg(0.0, 10.0 - MIN_UNCOVERED_SECONDS - 0.3)]) == []


def test_a_window_that_yields_nothing_is_all_to_be_decoded_again() -> None:
    assert stretches_to_redecode([], [(1.0, 12.0), (14.0, 29.0)], duration=30) == [(1.0, 12.0), (14.0, 29.0)]
    # good segments stay; a troubled one and the speech its loop swallowed are decoded again
    segments = [seg(0.0, 6.0), seg(6.0, 30.0, RUNAWAY)]
    assert stretches_to_redecode(segments, [(0.0, 30.0)], duration=30) == [(6.0, 30.0)]


def test_speech_pieces_too_short_to_decode_alone_join_their_neighbour() -> None:
    assert clips([(0, 0.4), (0.6, 5), (5.2, 9), (9.3, 9.8)]) == [(0, 5), (5.2, 9.8)]
    assert clips([(3, 3.5)]) == [(3, 3.5)]
    assert clips([]) == []


def test_speech_is_grouped_into_chunks_whisper_can_take() -> None:
    # padded pieces overlap their neighbours; one piece is longer than Whisper takes at once
    speech = [(0.0, 10.2), (9.8, 25.0), (26.0, 31.0), (40.0, 70.0), (69.9, 72.0), (71.5, 75.0)]
    chunks = chunk_spans(speech)
    assert chunks == [(0.0, 25.0), (26.0, 31.0), (40.0, 70.0), (70.0, 75.0)]
    assert all(end - start <= CHUNK_SECONDS for start, end in chunks)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(chunks))
    assert subtract_spans(speech, chunks) == []
    assert chunk_spans([(0.0, 65.0)]) == [(0.0, 30.0), (30.0, 60.0), (60.0, 65.0)]


def test_a_decode_may_not_write_more_than_speech_can_hold() -> None:
    assert max_new_tokens([(0.0, 30.0)]) == 316
    assert max_new_tokens([(0.0, 2.0), (5.0, 20.0)]) == 166
    assert max_new_tokens([(0.0, 600.0)]) == 440  # within Whisper's 448 with the prompt


def test_a_chunk_of_several_sentences_becomes_sentence_segments_timed_by_their_words() -> None:
    words = [word(1.0, 1.4, " Hello"), word(1.4, 1.9, " there."), word(2.5, 2.9, " I'm"), word(2.9, 3.5, ' "fine."')]
    parts = split_sentences(seg(0.5, 4.0, 'Hello there. I\'m "fine."', words=words))
    assert [(p.start, p.end, p.text) for p in parts] == [(1.0, 1.9, "Hello there."), (2.5, 3.5, 'I\'m "fine."')]
    assert split_sentences(seg(0, 3, "No words.")) == [seg(0, 3, "No words.")]


class Engine:
    """Stand-in seams: speech wherever the signal is non-zero; decoders scripted per test."""

    def __init__(self, first_pass, clip_decode) -> None:
        self.first_pass, self.clip_decode = first_pass, clip_decode
        self.clip_calls: list[list[tuple[float, float]]] = []

    def detect(self, audio: np.ndarray, settings) -> list[tuple[float, float]]:
        loud = np.flatnonzero(np.abs(audio) > 0)
        if loud.size == 0:
            return []
        return [(loud[0] / SAMPLE_RATE, (loud[-1] + 1) / SAMPLE_RATE)]

    def decode_window(self, audio: np.ndarray, speech):
        return self.first_pass(audio, speech)

    def decode_clips(self, audio: np.ndarray, pieces):
        self.clip_calls.append(list(pieces))
        return self.clip_decode(audio, pieces)


def windows(*seconds_of_speech: float):
    """One window per argument: that many seconds of 'speech' after a second of silence."""
    offset = 0.0
    for speech in seconds_of_speech:
        audio = np.zeros(int((speech + 2) * SAMPLE_RATE), np.float32)
        audio[SAMPLE_RATE : int((speech + 1) * SAMPLE_RATE)] = 0.1
        yield offset, audio
        offset += audio.shape[0] / SAMPLE_RATE


def test_a_first_pass_with_no_words_over_speech_is_decoded_again_clip_by_clip() -> None:
    engine = Engine(lambda audio, speech: [], lambda audio, pieces: [seg(s, e, "heard again") for s, e in pieces])

    decoding = decode_windows(
        windows(8.0), detect=engine.detect, decode_window=engine.decode_window, decode_clips=engine.decode_clips
    )

    assert engine.clip_calls and decoding.segments and not decoding.gaps
    assert decoding.speech_seconds == pytest.approx(8.0, abs=0.01)
    assert decoding.covered_seconds == pytest.approx(decoding.speech_seconds)


def test_speech_that_still_has_no_words_is_reported_never_dropped_silently() -> None:
    engine = Engine(lambda audio, speech: [], lambda audio, pieces: [])
    done: list[float] = []

    decoding = decode_windows(
        windows(8.0, 5.0),
        detect=engine.detect,
        decode_window=engine.decode_window,
        decode_clips=engine.decode_clips,
        on_progress=done.append,
    )
    transcript = to_transcript(decoding, language="en", model="m", engine="e")

    assert transcript.segments == () and transcript.covered_seconds == 0
    assert transcript.speech_seconds == pytest.approx(13.0, abs=0.01)
    assert [(w.code, w.start, w.end) for w in transcript.warnings] == [
        (SPEECH_NOT_TRANSCRIBED, 1.0, 9.0),
        (SPEECH_NOT_TRANSCRIBED, 11.0, 16.0),  # the second window's speech, in recording time
    ]
    assert "gave no words" in transcript.warnings[0].message
    assert done == [10.0, 17.0]
    assert parse_transcript_json(transcript.to_json(), where="transcript.json") == transcript


def test_good_segments_are_kept_as_decoded() -> None:
    first = [seg(1.0, 9.0, "all of it heard")]
    engine = Engine(lambda audio, speech: first, lambda audio, pieces: pytest.fail("nothing to decode again"))

    decoding = decode_windows(
        windows(8.0), detect=engine.detect, decode_window=engine.decode_window, decode_clips=engine.decode_clips
    )

    assert decoding.segments == first and decoding.redecoded == [] and decoding.gaps == []


def test_speech_a_clip_decode_left_without_words_is_decoded_once_more_on_its_own() -> None:
    def clip_decode(audio, pieces):
        # the first decode of a clip stops halfway; a piece decoded on its own is heard whole
        first_time = len(engine.clip_calls) == 1
        return [
            seg(s, e, "half of it", words=[word(s, s + (e - s) / 2 if first_time else e, " words")]) for s, e in pieces
        ]

    engine = Engine(lambda audio, speech: [], clip_decode)

    decoding = decode_windows(
        windows(8.0), detect=engine.detect, decode_window=engine.decode_window, decode_clips=engine.decode_clips
    )

    assert len(engine.clip_calls) == 2
    (second,) = engine.clip_calls[1]
    assert second[0] > 4.0  # only the part the first decode left without words
    assert decoding.gaps == []


def test_a_clip_that_gave_nothing_is_not_decoded_the_same_way_twice() -> None:
    engine = Engine(lambda audio, speech: [], lambda audio, pieces: [])
    decode_windows(
        windows(8.0), detect=engine.detect, decode_window=engine.decode_window, decode_clips=engine.decode_clips
    )
    assert len(engine.clip_calls) == 1
