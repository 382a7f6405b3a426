"""compose_enriched / enrich_transcript: clean text, segments and words, positions, schema, determinism."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace

import jsonschema
import pytest

from postprocess.compose import compose_enriched, enrich_transcript
from postprocess.config import EnrichmentConfig
from postprocess.document import EnrichedTranscript, Source, Summary
from postprocess.findings import (
    PiiFindings,
    PiiSpan,
    ProfanityFindings,
    SegmentSpan,
    load_findings,
)
from postprocess.pii import find_pii
from postprocess.profanity import find_profanity
from postprocess.schema import load_enriched_schema
from postprocess.sentiment import score_sentiment
from tests.support.transcripts import make_transcript

CALL = [
    "Hello, my name is Sarah Connor and this is bullshit.",
    "My number is five five five, one two three, four five six seven.",
    "Email me at sarah dot connor at example dot com, thanks, I really appreciate it.",
    "The meeting is at 3:30, see you there.",
]
SECRETS = ["Sarah", "Connor", "connor", "five five five", "four five six seven", "example", "bullshit"]
SOURCE = Source(uri="s3://in/call.mp4", duration_seconds=16.0)


@pytest.fixture(scope="module")
def enriched(warm_pii: EnrichmentConfig) -> EnrichedTranscript:
    return enrich_transcript(make_transcript(CALL, with_words=True), job_id="job-1", source=SOURCE,
                             timings={"transcribe": 1.23456})  # fmt: skip


def test_output_validates_against_the_published_schema(enriched: EnrichedTranscript) -> None:
    jsonschema.Draft202012Validator(load_enriched_schema()).validate(json.loads(enriched.to_json()))


def test_the_stored_form_reads_back_as_the_same_transcript(enriched: EnrichedTranscript) -> None:
    assert EnrichedTranscript.from_json(enriched.to_json(), where="enriched.json") == enriched


def test_no_raw_pii_or_profanity_anywhere_in_the_output(enriched: EnrichedTranscript) -> None:
    stored = enriched.to_json().decode("utf-8")
    for secret in SECRETS:
        assert secret not in stored, secret


def test_clean_text_has_typed_placeholders_and_masks(enriched: EnrichedTranscript) -> None:
    text = enriched.transcript.text
    assert "my name is <PERSON>" in text
    assert "this is ****." in text
    assert "<EMAIL_ADDRESS>" in text and "<PHONE_NUMBER>" in text
    assert text == " ".join(s.text for s in enriched.transcript.segments)


def test_entity_and_profanity_positions_point_at_their_replacements(enriched: EnrichedTranscript) -> None:
    text = enriched.transcript.text
    for entity in enriched.pii.entities:
        assert text[entity.start : entity.end] == f"<{entity.type}>"
    for span in enriched.profanity.spans:
        assert text[span.start : span.end] == "****"
    assert enriched.profanity.count == len(enriched.profanity.spans) == 1
    assert enriched.pii.counts == {"EMAIL_ADDRESS": 1, "PERSON": 1, "PHONE_NUMBER": 1}


def test_words_are_clean_and_merged_over_a_redacted_span(enriched: EnrichedTranscript) -> None:
    segment = enriched.transcript.segments[1]
    assert segment.words is not None
    assert [w.text for w in segment.words] == [" My", " number", " is", " <PHONE_NUMBER>."]
    merged = segment.words[-1]
    assert merged.end == segment.end and merged.start < merged.end
    for seg in enriched.transcript.segments:
        assert re.sub(r"\s+", " ", "".join(w.text for w in seg.words or ())).strip() == seg.text


def test_segments_carry_sentiment_and_times(enriched: EnrichedTranscript) -> None:
    segments = enriched.transcript.segments
    assert [(s.id, s.start, s.end) for s in segments] == [(i, i * 4.0, (i + 1) * 4.0) for i in range(4)]
    assert segments[0].sentiment.label == "negative"
    assert segments[2].sentiment.label == "positive"
    assert sum(dict(enriched.sentiment.time_share).values()) == pytest.approx(1.0, abs=1e-3)


def test_same_input_gives_byte_identical_output(warm_pii: EnrichmentConfig, enriched: EnrichedTranscript) -> None:
    again = enrich_transcript(make_transcript(CALL, with_words=True), job_id="job-1", source=SOURCE,
                              timings={"transcribe": 1.23456})  # fmt: skip
    assert again.to_json() == enriched.to_json()


def test_findings_through_json_compose_the_same_output(
    warm_pii: EnrichmentConfig, enriched: EnrichedTranscript
) -> None:
    transcript = make_transcript(CALL, with_words=True)
    docs = [f.to_dict() for f in (find_pii(transcript), find_profanity(transcript), score_sentiment(transcript))]
    pii, profanity, sentiment = (load_findings(json.loads(json.dumps(d))) for d in docs)
    composed = compose_enriched(transcript, pii, profanity, sentiment, job_id="job-1", source=SOURCE,  # type: ignore[arg-type]
                                timings={"transcribe": 1.23456})  # fmt: skip
    assert composed.to_json() == enriched.to_json()


def test_mask_style_uses_the_fixed_mask(warm_pii: EnrichmentConfig) -> None:
    config = replace(warm_pii, placeholder_style="mask", mask="[REDACTED]")
    out = enrich_transcript(make_transcript(CALL[:2]), job_id="j", source=SOURCE, config=config)
    assert "<PERSON>" not in out.transcript.text
    for entity in out.pii.entities:
        assert out.transcript.text[entity.start : entity.end] == "[REDACTED]"
    assert out.redaction.placeholder_style == "mask"


def test_overlapping_pii_and_profanity_become_one_placeholder() -> None:
    transcript = make_transcript(["call shithead smith now"])
    pii = PiiFindings(spans=(PiiSpan(0, 6, 20, "PERSON", 0.8),))
    profanity = ProfanityFindings(spans=(SegmentSpan(0, 6, 14),))
    out = compose_enriched(transcript, pii, profanity, score_sentiment(transcript), job_id="j", source=SOURCE)
    assert out.transcript.text == "call <PERSON> now"
    assert out.profanity.count == 0 and out.pii.counts == {"PERSON": 1}


def test_words_that_do_not_align_are_dropped_rather_than_leaked() -> None:
    transcript = make_transcript(["my name is Sarah"], with_words=True)
    segment = transcript.segments[0]
    odd_words = tuple(replace(w, text=w.text.upper()) for w in segment.words)
    transcript = replace(transcript, segments=(replace(segment, words=odd_words),))
    pii = PiiFindings(spans=(PiiSpan(0, 12, 17, "PERSON", 0.85),))
    out = compose_enriched(transcript, pii, ProfanityFindings(()), score_sentiment(transcript), job_id="j",
                           source=SOURCE)  # fmt: skip
    assert out.transcript.segments[0].words is None
    stored = out.to_json().decode()
    assert "SARAH" not in stored and '"words"' not in stored


def test_the_summary_is_small(enriched: EnrichedTranscript) -> None:
    summary = enriched.summary()
    overall = enriched.sentiment.overall
    assert summary.to_dict() == {
        "duration_seconds": 16.0,
        "words": len(enriched.transcript.text.split()),
        "pii_counts": {"EMAIL_ADDRESS": 1, "PERSON": 1, "PHONE_NUMBER": 1},
        "profanity_count": 1,
        "sentiment": {"compound": overall.compound, "label": overall.label},
    }
    assert Summary.from_record(summary.to_dict(), where="job-1") == summary
    assert enriched.timings == {"transcribe": 1.235}


def test_a_later_timing_joins_the_others_rounded(enriched: EnrichedTranscript) -> None:
    later = enriched.with_timing("enrich_seconds", 0.12345)
    assert later.timings == {"transcribe": 1.235, "enrich_seconds": 0.123}
    assert enriched.timings == {"transcribe": 1.235}


def test_without_a_config_the_environment_decides(warm_pii: EnrichmentConfig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARSCRIBE_PII_PLACEHOLDER", "mask")
    monkeypatch.setenv("CLEARSCRIBE_PROFANITY_ALLOW", "bullshit")
    out = enrich_transcript(make_transcript(CALL[:1]), job_id="j", source=SOURCE)
    assert out.transcript.text == "Hello, my name is [REDACTED] and this is bullshit."


def test_random_spans_never_leak_and_always_point_at_their_replacements() -> None:
    rng = random.Random(5)
    vocabulary = ["hello", "there", "my", "number", "is", "okay", "thanks,", "the", "plan."]
    for _ in range(150):
        texts, pii_spans, profane_spans, secrets = [], [], [], []
        for segment_id in range(rng.randint(1, 4)):
            words = [rng.choice(vocabulary) for _ in range(rng.randint(0, 8))]
            for _ in range(rng.randint(0, 3)):
                secret = f"secret{rng.randrange(10**6)}"
                words.insert(rng.randint(0, len(words)), secret)
                secrets.append(secret)
            text = " " + " ".join(words)
            for secret in {w for w in words if w.startswith("secret")}:
                start = text.index(secret)
                pad_left, pad_right = rng.randint(0, 3), rng.randint(0, 3)
                span = (segment_id, max(start - pad_left, 0), min(start + len(secret) + pad_right, len(text)))
                if rng.random() < 0.7:
                    pii_spans.append(PiiSpan(*span, rng.choice(["PERSON", "EMAIL_ADDRESS"]), 0.8))
                else:
                    profane_spans.append(SegmentSpan(*span))
            texts.append(text)
        transcript = make_transcript([t[1:] for t in texts], with_words=True)
        out = compose_enriched(
            transcript, PiiFindings(tuple(sorted(pii_spans))), ProfanityFindings(tuple(sorted(profane_spans))),
            score_sentiment(transcript), job_id="j", source=SOURCE,
        )  # fmt: skip
        stored = out.to_json().decode()
        assert not [s for s in secrets if s in stored]
        text = out.transcript.text
        for entity in out.pii.entities:
            assert text[entity.start : entity.end] == f"<{entity.type}>"
        for span in out.profanity.spans:
            assert text[span.start : span.end] == "****"
        for segment in out.transcript.segments:  # words spell the clean segment (spacing aside)
            joined = "".join(w.text for w in segment.words or ())
            assert segment.words is None or re.sub(r"\s", "", joined) == re.sub(r"\s", "", segment.text)
