"""Corrections of what the engine heard: the file's rules, and a transcript corrected with them —
whole words only, any case, the written form as given, punctuation around words kept, the longest
rule first, word times consistent."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cli.main import _settings, build_parser
from shared.contract import ENV_CORRECTIONS, ENV_ENGINE
from shared.corrections import (
    Correction,
    apply_corrections,
    corrections_from_env,
    corrections_to_env,
    parse_corrections,
    read_corrections_file,
)
from shared.engine_settings import EngineSettings
from shared.errors import ConfigInvalidError
from shared.models import Segment, Transcript, Word


def rules(*lines: str) -> tuple[Correction, ...]:
    return parse_corrections(list(enumerate(lines, start=1)), source="rules.txt")


def transcript(*segments: list[tuple[float, float, str]]) -> Transcript:
    """Segments of ``(start, end, word text)``, word texts as faster-whisper writes them (leading space)."""
    built = []
    for i, words in enumerate(segments):
        timed = tuple(Word(a, b, text, 0.9) for a, b, text in words)
        built.append(Segment(i, timed[0].start, timed[-1].end, "".join(w.text for w in timed).strip(), timed))
    return Transcript(language="en", duration=60.0, segments=tuple(built), model="m")


def words(t: Transcript) -> list[tuple[float, float, str]]:
    return [(w.start, w.end, w.text) for s in t.segments for w in s.words]


# -- the file ---------------------------------------------------------------------------------------
def test_rules_one_per_line_comments_and_blank_lines_ignored(tmp_path: Path) -> None:
    path = tmp_path / "corrections.txt"
    path.write_text("# products\ncube control => kubectl\n\n  Pre   A =>  Priya  \n", encoding="utf-8")

    assert read_corrections_file(path) == (
        Correction(("cube", "control"), "kubectl"),
        Correction(("pre", "a"), "Priya"),
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("cube control kubectl", "rules.txt:2: expected one rule 'heard => written'"),
        ("cube => control => kubectl", "rules.txt:2: expected one rule"),
        (" => kubectl", "rules.txt:2: the heard side must be one or more words"),
        ("... => kubectl", "rules.txt:2: the heard side must be one or more words"),
        ("cube control =>  ", "rules.txt:2: the written side is empty"),
        ("cube; control => kubectl", "rules.txt:2: a rule may not contain ';'"),
        ("ACME  => Acme", "rules.txt:2: the same heard words as line 1"),
    ],
)
def test_a_bad_line_is_named_by_file_and_number(line: str, message: str) -> None:
    with pytest.raises(ConfigInvalidError, match=message) as raised:
        rules("acme => ACME", line)
    assert raised.value.code == "CONFIG_INVALID"


def test_the_file_and_the_variable_give_the_same_engine_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "corrections.txt"
    path.write_text("cube control => kubectl\njay son => JSON\n", encoding="utf-8")
    monkeypatch.delenv(ENV_CORRECTIONS, raising=False)

    from_file = _settings(build_parser().parse_args(["run", "in.mp4", "--corrections", str(path)])).engine.corrections
    from_env = EngineSettings.from_env({ENV_CORRECTIONS: corrections_to_env(from_file)}).corrections

    assert from_file == from_env == read_corrections_file(path)
    assert ENV_CORRECTIONS in ENV_ENGINE, "the endpoint is given the variable with the other engine settings"


def test_a_bad_rule_in_the_variable_is_named() -> None:
    with pytest.raises(ConfigInvalidError, match=f"{ENV_CORRECTIONS} rule:2: expected one rule"):
        corrections_from_env("a => b; c d", name=ENV_CORRECTIONS)


# -- a transcript corrected -------------------------------------------------------------------------
def test_a_phrase_becomes_one_word_spanning_the_words_it_replaces() -> None:
    heard = transcript([(0.0, 0.4, " Run"), (0.5, 0.8, " cube"), (0.8, 1.3, " control,"), (1.4, 1.6, " please.")])

    corrected = apply_corrections(heard, rules("cube control => kubectl"))

    assert words(corrected) == [(0.0, 0.4, " Run"), (0.5, 1.3, " kubectl,"), (1.4, 1.6, " please.")]
    assert corrected.segments[0].text == "Run kubectl, please."
    assert corrected.text == "Run kubectl, please."
    assert corrected.segments[0].words[1].probability == 0.9


def test_a_word_written_as_several_shares_its_time_by_length() -> None:
    heard = transcript([(1.0, 2.0, " acmecorp"), (2.0, 2.5, " rocks")])

    corrected = apply_corrections(heard, rules("acmecorp => ACME Corp"))

    (a, b, t1), (c, d, t2), _ = words(corrected)
    assert (t1, t2) == (" ACME", " Corp")
    assert (a, d) == (1.0, 2.0) and b == c == pytest.approx(1.0 + 4 / 8)


def test_any_case_is_matched_and_the_written_case_kept() -> None:
    heard = transcript(
        [(0.0, 0.5, " JAY"), (0.5, 1.0, " Son"), (1.0, 1.5, " and"), (1.5, 2.0, " jay"), (2.0, 2.5, " son")]
    )

    corrected = apply_corrections(heard, rules("jay son => JSON"))

    assert corrected.text == "JSON and JSON"


def test_whole_words_only() -> None:
    heard = transcript([(0.0, 0.5, " cubes"), (0.5, 1.0, " cube-like"), (1.0, 1.5, " subcube"), (1.5, 2.0, " cube")])

    corrected = apply_corrections(heard, rules("cube => Kube"))

    assert corrected.text == "cubes cube-like subcube Kube"


def test_punctuation_next_to_words_is_kept_around_the_written_form() -> None:
    heard = transcript([(0.0, 0.5, ' "Pre'), (0.5, 1.0, ' a!"'), (1.0, 1.5, " (okta)")])

    corrected = apply_corrections(heard, rules("pre a => Priya", "okta => Okta"))

    assert corrected.text == '"Priya!" (Okta)'


def test_the_longest_rule_wins_and_a_replacement_is_not_corrected_again() -> None:
    heard = transcript([(0.0, 0.5, " cube"), (0.5, 1.0, " control"), (1.0, 1.5, " cube"), (1.5, 2.0, " it")])

    corrected = apply_corrections(
        heard, rules("cube => Kube", "cube control => kubectl", "kubectl => wrong", "kube it => no")
    )

    assert corrected.text == "kubectl Kube it"


def test_a_phrase_is_not_matched_across_segments() -> None:
    heard = transcript([(0.0, 0.5, " cube")], [(3.0, 3.5, " control")])

    assert apply_corrections(heard, rules("cube control => kubectl")) is heard


def test_segments_without_word_times_are_corrected_in_their_text() -> None:
    heard = Transcript.from_plain_text("we ran cube control today\nJay son files")

    corrected = apply_corrections(heard, rules("cube control => kubectl", "jay son => JSON"))

    assert [s.text for s in corrected.segments] == ["we ran kubectl today", "JSON files"]
    assert corrected.text == "we ran kubectl today JSON files"


def test_no_rule_matching_leaves_the_transcript_as_it_was() -> None:
    heard = transcript([(0.0, 0.5, " hello"), (0.5, 1.0, " world")])
    assert apply_corrections(heard, rules("cube => Kube")) is heard
    assert apply_corrections(heard, ()) is heard


# -- properties -------------------------------------------------------------------------------------
_VOCAB = ["cube", "control", "jay", "son", "okta", "the", "run", "a"]
_PUNCT = ["", ",", ".", "?"]


@st.composite
def timed_segment(draw: st.DrawFn) -> list[tuple[float, float, str]]:
    n = draw(st.integers(min_value=1, max_value=12))
    out, at = [], 0.0
    for _ in range(n):
        gap = draw(st.floats(min_value=0.0, max_value=0.5))
        length = draw(st.floats(min_value=0.0, max_value=1.0))
        word = draw(st.sampled_from(_VOCAB))
        word = word.capitalize() if draw(st.booleans()) else word
        out.append((at + gap, at + gap + length, " " + word + draw(st.sampled_from(_PUNCT))))
        at += gap + length
    return out


_RULES = st.lists(
    st.tuples(
        st.lists(st.sampled_from(_VOCAB), min_size=1, max_size=3, unique=True),
        st.lists(st.sampled_from(["Kube", "ACME Corp", "JSON", "kubectl", "x y z"]), min_size=1, max_size=2),
    ),
    max_size=4,
    unique_by=lambda r: tuple(r[0]),
)


@given(st.lists(timed_segment(), min_size=1, max_size=3), _RULES)
def test_word_times_stay_in_order_and_within_the_words_replaced(
    segments: list[list[tuple[float, float, str]]], drawn: list[tuple[list[str], list[str]]]
) -> None:
    heard = transcript(*segments)
    corrected = apply_corrections(heard, rules(*(f"{' '.join(h)} => {' '.join(w)}" for h, w in drawn)))

    for before, after in zip(heard.segments, corrected.segments, strict=True):
        times = [(w.start, w.end) for w in after.words]
        assert all(start <= end for start, end in times)
        assert all(a[1] <= b[0] + 1e-9 for a, b in pairwise(times)), "words never overlap"
        assert (after.words[0].start, after.words[-1].end) == (before.words[0].start, before.words[-1].end)
        assert after.text == "".join(w.text for w in after.words).strip()
    assert corrected.text == " ".join(s.text for s in corrected.segments)


@given(st.lists(timed_segment(), min_size=1, max_size=3), _RULES)
def test_a_rule_whose_heard_words_are_never_said_changes_nothing(
    segments: list[list[tuple[float, float, str]]], drawn: list[tuple[list[str], list[str]]]
) -> None:
    heard = transcript(*segments)
    unheard = [(["never", *h], w) for h, w in drawn]
    assert apply_corrections(heard, rules(*(f"{' '.join(h)} => {' '.join(w)}" for h, w in unheard))) is heard
