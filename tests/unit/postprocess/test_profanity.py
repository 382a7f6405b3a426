from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from postprocess.config import EnrichmentConfig
from postprocess.findings import ProfanityFindings
from postprocess.profanity import apply_censor, find_profanity
from tests.support.transcripts import make_transcript


def test_spans_are_by_segment_and_hold_no_words() -> None:
    transcript = make_transcript(["this is bullshit", "what a nice day", "f*ck off, you @$$hole"])
    found = find_profanity(transcript)
    raw = [s.text for s in transcript.segments]
    assert [(s.segment, raw[s.segment][s.start : s.end]) for s in found.spans] == [
        (0, "bullshit"),
        (2, "f*ck off"),  # a listed two-word phrase, joined as better-profanity does
        (2, "@$$hole"),
    ]
    stored = json.dumps(found.to_dict())
    assert "bull" not in stored and "hole" not in stored
    assert ProfanityFindings.from_dict(json.loads(stored)) == found


def test_allow_and_deny_lists_from_config() -> None:
    transcript = make_transcript(["damn, that frakking ship", "hell no"])
    base = find_profanity(transcript)
    custom = find_profanity(transcript, replace(EnrichmentConfig(), profanity_allow=("damn", "hell"),
                                                profanity_deny=("frakking",)))  # fmt: skip
    assert base.count == 2
    raw = [s.text for s in transcript.segments]
    assert [raw[s.segment][s.start : s.end] for s in custom.spans] == ["frakking"]


def test_scunthorpe_and_friends_stay() -> None:
    found = find_profanity(make_transcript(["Scunthorpe, Essex and Middlesex; a classic assassin"]))
    assert found.count == 0


@pytest.mark.parametrize(
    "word",
    ["bastards", "assholes", "damned", "dammit", "crappy", "fuuuck", "shiiiit", "b1tches", "fucker", "pissy",
     "bollocks", "bugger", "buggered", "sodding", "wanker", "arseholes", "FUUUCKING"],
)  # fmt: skip
def test_inflected_stretched_and_british_forms_are_masked(word: str) -> None:
    transcript = make_transcript([f"well {word} to that"])
    raw = transcript.segments[0].text
    assert [raw[s.start : s.end] for s in find_profanity(transcript).spans] == [word]


@pytest.mark.parametrize(
    "text",
    ["killing it on the pots and screws", "a classy class of assessments", "Scunthorpe passes",
     "cocktail hour, cumin and dickens", "he pricked his finger", "the git repo"],
)  # fmt: skip
def test_inflections_of_ordinary_listed_words_are_not_masked(text: str) -> None:
    assert find_profanity(make_transcript([text])).count == 0


def test_the_better_profanity_words_are_masked_exactly_where_it_masks_them() -> None:
    from better_profanity import Profanity

    from postprocess.profanity import profanity_censor

    reference, ours = Profanity(), profanity_censor()
    for line in ["f*ck off, you @$$hole", "this is bullshit", "what the hell", "'damn' it", "sh1t happens"]:
        expected = [(m.start(), m.end()) for m in re.finditer(r"\*{4}", reference.censor(line))]
        assert reference.censor(line) == apply_censor(line, ours.spans(line))
        assert set(ours.spans(line)) <= set(ours.all_spans(line)) and len(expected) == len(ours.spans(line))
