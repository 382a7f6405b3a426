from __future__ import annotations

import json
from dataclasses import replace

from postprocess.config import EnrichmentConfig
from postprocess.findings import ProfanityFindings
from postprocess.profanity import find_profanity
from tests.unit.postprocess.conftest import make_transcript


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
