"""Long recordings as windows: the plan (fewest equal windows, none longer than the setting), the
cuts at the quietest moment before each planned boundary (computed alike by both neighbours, so
they meet exactly), the window in an invocation's custom attributes, and the merge."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.asr.inference.windows import (
    CUT_FRAME_SECONDS,
    CUT_SEARCH_SECONDS,
    SPEAKERS_OFF,
    SPEAKERS_ONLY,
    Window,
    cut_at,
    decode_until,
    merge_windows,
    plan_requests,
    plan_windows,
    window_bounds,
)
from shared.contract import SAMPLE_RATE
from shared.models import Segment, Transcript, TranscriptWarning

FRAME = int(CUT_FRAME_SECONDS * SAMPLE_RATE)
SEARCH = int(CUT_SEARCH_SECONDS * SAMPLE_RATE)


def noise(seconds: float, seed: int, *, level: int = 8000) -> np.ndarray:
    """Loud 16-bit noise: no 100 ms of it is anywhere near silent."""
    rng = np.random.default_rng(seed)
    return rng.integers(-level, level, size=round(seconds * SAMPLE_RATE), dtype=np.int16)


# -- the plan ---------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(
    duration=st.floats(min_value=0.0, max_value=48 * 3600, allow_nan=False),
    window_s=st.integers(min_value=21, max_value=4 * 3600),
)
def test_the_plan_is_the_fewest_equal_windows_no_longer_than_the_setting(duration: float, window_s: int) -> None:
    plan = plan_windows(duration, window_s)

    assert [w.index for w in plan] == list(range(len(plan)))
    assert plan[0].start == 0.0 and plan[-1].end is None
    for before, after in itertools.pairwise(plan):
        assert before.end == after.start, "consecutive windows must meet"
    lengths = [(duration if w.end is None else w.end) - w.start for w in plan]
    assert max(lengths) <= window_s + 0.001
    assert max(lengths) - min(lengths) <= 0.002, "the windows are not of equal length"
    if len(plan) > 1:  # one window fewer would be longer than the setting
        assert duration / (len(plan) - 1) > window_s


@pytest.mark.parametrize(
    ("duration", "window_s", "count"),
    [(0.0, 1200, 1), (1200.0, 1200, 1), (1200.5, 1200, 2), (3600.0, 1200, 3), (3600.001, 1200, 4)],
)
def test_a_recording_just_over_a_multiple_of_the_window_takes_one_more(
    duration: float, window_s: int, count: int
) -> None:
    assert len(plan_windows(duration, window_s)) == count


def test_an_hour_in_twenty_minute_windows_is_cut_at_the_twentieth_and_fortieth_minute() -> None:
    assert plan_windows(3600.0, 1200) == [Window(0, 0.0, 1200.0), Window(1, 1200.0, 2400.0), Window(2, 2400.0, None)]


def test_a_window_must_leave_room_for_the_cut_search_on_both_sides() -> None:
    with pytest.raises(ValueError, match="longer than"):
        plan_windows(600.0, 2 * CUT_SEARCH_SECONDS)
    assert len(plan_windows(600.0, 2 * CUT_SEARCH_SECONDS + 1)) == 29


# -- the cut ----------------------------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(
    boundary=st.integers(min_value=11, max_value=40),
    frame=st.integers(min_value=0, max_value=int(CUT_SEARCH_SECONDS / CUT_FRAME_SECONDS) - 1),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_the_cut_is_the_middle_of_the_quietest_100_ms_in_the_ten_seconds_before_the_boundary(
    boundary: int, frame: int, seed: int
) -> None:
    audio = noise(60.0, seed)
    end = boundary * SAMPLE_RATE
    quiet = end - SEARCH + frame * FRAME
    audio[quiet : quiet + FRAME] //= 50  # quiet, not silent
    # Quieter still, but outside the search: just after the boundary, and just before the search.
    audio[end : end + FRAME] = 0
    audio[end - SEARCH - FRAME : end - SEARCH] = 0

    assert cut_at(audio, float(boundary)) == quiet + FRAME // 2


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), boundary=st.floats(min_value=10.5, max_value=29.5))
def test_sixteen_bit_and_float_samples_are_cut_in_the_same_place(seed: int, boundary: float) -> None:
    audio = noise(30.0, seed)
    assert cut_at(audio, boundary) == cut_at(audio.astype(np.float32) / np.float32(32768.0), boundary)


def test_near_the_start_the_search_is_what_there_is() -> None:
    audio = noise(20.0, 7)
    audio[2 * FRAME : 3 * FRAME] = 0  # 0.2–0.3 s, inside the 4 s before a boundary at 4 s
    assert cut_at(audio, 4.0) == 2 * FRAME + FRAME // 2
    assert cut_at(audio, 0.05) == round(0.05 * SAMPLE_RATE), "less than one frame to search: cut at the boundary"


def test_a_boundary_past_the_audio_searches_before_its_end() -> None:
    audio = noise(12.0, 3)
    length = audio.shape[0]
    audio[length - 3 * FRAME : length - 2 * FRAME] = 0
    assert cut_at(audio, 30.0) == length - 3 * FRAME + FRAME // 2


def dips(seconds: float, seed: int) -> np.ndarray:
    """Noise with a quiet 150 ms every few seconds, like pauses between sentences."""
    audio = noise(seconds, seed)
    rng = np.random.default_rng(seed + 1)
    at = 0
    while True:
        at += int(rng.integers(2 * SAMPLE_RATE, 6 * SAMPLE_RATE))
        if at + 3 * FRAME // 2 > audio.shape[0]:
            return audio
        audio[at : at + 3 * FRAME // 2] //= int(rng.integers(20, 200))


@settings(max_examples=25, deadline=None)
@given(
    duration=st.floats(min_value=30.0, max_value=150.0),
    window_s=st.integers(min_value=21, max_value=60),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_neighbouring_windows_meet_exactly_each_decoded_only_as_far_as_it_needs(
    duration: float, window_s: int, seed: int
) -> None:
    audio = dips(duration, seed)
    plan = plan_windows(duration, window_s)

    bounds = []
    for window in plan:
        until = decode_until(window)
        decoded = audio if until is None else audio[: round(until * SAMPLE_RATE)]  # what the endpoint decodes
        bounds.append(window_bounds(decoded, window))

    assert bounds[0][0] == 0 and bounds[-1][1] == audio.shape[0]
    for (_, end), (start, _) in itertools.pairwise(bounds):
        assert end == start, "a gap or an overlap between neighbouring windows"
    for window, (first, _) in zip(plan[1:], bounds[1:], strict=False):
        planned = round(window.start * SAMPLE_RATE)
        assert planned - SEARCH <= first <= planned, "a cut moved outside the search before its boundary"


# -- the custom attribute ---------------------------------------------------------------------------
@given(
    start_ms=st.integers(min_value=0, max_value=48 * 3600 * 1000),
    length_ms=st.one_of(st.none(), st.integers(min_value=1, max_value=6 * 3600 * 1000)),
)
def test_a_window_survives_the_trip_through_custom_attributes(start_ms: int, length_ms: int | None) -> None:
    end = None if length_ms is None else (start_ms + length_ms) / 1000
    window = Window(index=5, start=start_ms / 1000, end=end)

    parsed = Window.from_attribute(window.attribute)

    assert parsed is not None
    assert (parsed.start, parsed.end) == (window.start, window.end)


def test_every_planned_window_is_named_in_its_attribute() -> None:
    plan = plan_windows(7322.45, 1200)
    assert [Window.from_attribute(w.attribute) for w in plan] == [Window(-1, w.start, w.end) for w in plan]
    assert plan[-1].attribute.endswith("-"), "the last window runs to the end of the recording"


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ("window=12.5-30", Window(-1, 12.5, 30.0)),
        ("trace=abc;window=1200.000-2400.000", Window(-1, 1200.0, 2400.0)),
        ("window=2400.000-, lang=en", Window(-1, 2400.0, None)),
        ("nowindow=1-2", None),
        ("window=soon", None),
        ("", None),
        (None, None),
    ],
)
def test_the_window_is_found_among_other_attributes_or_not_at_all(
    attributes: str | None, expected: Window | None
) -> None:
    assert Window.from_attribute(attributes) == expected


# -- speakers over the whole recording --------------------------------------------------------------
def test_with_speaker_labels_the_windows_go_unlabelled_and_one_request_asks_for_the_turns() -> None:
    windows = plan_windows(3600.0, 1200)
    requests = plan_requests(3600.0, 1200, speakers=True)

    assert requests[:-1] == [Window(w.index, w.start, w.end, SPEAKERS_OFF) for w in windows]
    assert requests[-1] == Window(len(windows), 0.0, None, SPEAKERS_ONLY)
    assert requests[-1].is_whole_recording
    assert plan_requests(3600.0, 1200, speakers=False) == windows
    assert plan_requests(600.0, 1200, speakers=True) == [Window(0, 0.0, None)], "one window labels itself"


@pytest.mark.parametrize("speakers", [None, SPEAKERS_OFF, SPEAKERS_ONLY])
def test_what_a_request_asks_about_speakers_travels_with_its_window(speakers: str | None) -> None:
    window = Window(3, 1200.0, 2400.0, speakers)
    parsed = Window.from_attribute(window.attribute)
    assert parsed == Window(-1, 1200.0, 2400.0, speakers)
    assert Window.from_dict(window.to_dict()) == window


def test_the_speaker_request_decodes_and_reads_the_whole_recording() -> None:
    audio = noise(30.0, 11)
    turns = Window(3, 0.0, None, SPEAKERS_ONLY)
    assert decode_until(turns) is None
    assert window_bounds(audio, turns) == (0, audio.shape[0])


# -- the merge --------------------------------------------------------------------------------------
def segment(start: float, end: float, text: str, id_: int = 99) -> Segment:
    return Segment(id=id_, start=start, end=end, text=f" {text}")


def window_transcript(
    segments: list[Segment], *, duration: float, covered: float | None = 1.0, warnings: tuple[str, ...] = ()
) -> Transcript:
    return Transcript(
        language="en",
        duration=duration,
        segments=tuple(segments),
        model="distil-large-v3",
        speech_seconds=None if covered is None else covered + 0.5,
        covered_seconds=covered,
        warnings=tuple(TranscriptWarning(code, "w", 0.0, 1.0) for code in warnings),
    )


def test_a_segment_that_starts_before_the_previous_window_ended_is_dropped_and_the_rest_renumbered() -> None:
    first = window_transcript([segment(0, 5, "a", 0), segment(5, 10.5, "b", 1)], duration=10.4, warnings=("X",))
    second = window_transcript(
        [segment(10.2, 12, "b again", 0), segment(10.5, 13, "c", 1), segment(13, 15, "d", 2)],
        duration=15.0,
        covered=2.0,
        warnings=("Y",),
    )

    merged = merge_windows([first, second])

    assert [s.text.strip() for s in merged.segments] == ["a", "b", "c", "d"]
    assert [s.id for s in merged.segments] == [0, 1, 2, 3]
    assert merged.text.split() == ["a", "b", "c", "d"]
    assert merged.duration == 15.0
    assert merged.covered_seconds == 3.0 and merged.speech_seconds == 4.0
    assert [w.code for w in merged.warnings] == ["X", "Y"]


def test_coverage_unknown_in_one_window_is_unknown_for_the_whole() -> None:
    merged = merge_windows(
        [window_transcript([segment(0, 1, "a")], duration=1), window_transcript([], duration=2, covered=None)]
    )
    assert merged.covered_seconds is None and merged.speech_seconds is None


def test_one_window_is_its_own_transcript_and_none_is_an_error() -> None:
    only = window_transcript([segment(0, 1, "a", 7)], duration=1)
    assert merge_windows([only]) is only
    with pytest.raises(ValueError):
        merge_windows([])


@st.composite
def windowed_transcripts(draw: st.DrawFn) -> list[Transcript]:
    """Consecutive windows whose segments may start a little before the previous window's end."""
    windows: list[Transcript] = []
    at = 0.0
    for _ in range(draw(st.integers(min_value=1, max_value=5))):
        at = max(0.0, at - draw(st.sampled_from([0.0, 0.0, 0.3, 1.5])))  # a cut that moved past speech
        segments: list[Segment] = []
        for _ in range(draw(st.integers(min_value=0, max_value=6))):
            length = draw(st.floats(min_value=0.1, max_value=8.0))
            n = len(segments)  # numbered from zero in each window, as the engine numbers them
            segments.append(segment(round(at, 3), round(at + length, 3), f"w{len(windows)}s{n}", n))
            at += length + draw(st.floats(min_value=0.0, max_value=2.0))
        windows.append(window_transcript(segments, duration=at))
    return windows


@settings(max_examples=200, deadline=None)
@given(windowed_transcripts())
def test_the_merge_keeps_order_says_nothing_twice_and_numbers_from_zero(windows: list[Transcript]) -> None:
    merged = merge_windows(windows)

    kept = [s.text for s in merged.segments]
    everything = [s.text for w in windows for s in w.segments]
    assert kept == [t for t in everything if t in kept], "the merge reordered segments"
    assert [s.text for s in windows[0].segments] == kept[: len(windows[0].segments)], "the first window lost words"
    assert [s.id for s in merged.segments] == list(range(len(merged.segments)))
    reached = 0.0  # where the speech kept from the windows before ends
    for window in windows:
        for s in window.segments:
            assert (s.text in kept) == (s.start >= reached - 1e-6), f"{s} against {reached}"
        kept_here = [s for s in window.segments if s.text in kept]
        reached = kept_here[-1].end if kept_here else reached
    assert merged.duration == max(w.duration for w in windows)
