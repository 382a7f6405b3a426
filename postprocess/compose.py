"""Composition: the three enrichers' findings applied to a transcript, as the enriched transcript
(``postprocess.document.EnrichedTranscript``).

``compose_enriched`` is the one place where PII and profanity spans are applied: PII spans become
placeholders (``<EMAIL_ADDRESS>`` or the configured mask), profane spans ``****``; where they
overlap, one replacement covers both and PII names it. Segment texts, the full text and (when the
input had them) word texts are rewritten from the same replacements, so captions made from any of
them are clean. Findings positions are mapped from raw segment offsets to offsets in the clean
``transcript.text``. Same inputs give byte-identical JSON (``EnrichedTranscript.to_json``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from postprocess.config import EnrichmentConfig
from postprocess.document import (
    SCHEMA_VERSION,
    CleanSegment,
    CleanTranscript,
    EnrichedTranscript,
    ModelInfo,
    PiiEntity,
    PiiReport,
    ProfanityReport,
    Redaction,
    Sentiment,
    SentimentReport,
    Source,
    SpeakerStats,
    TextSpan,
    TimeShare,
)
from postprocess.findings import PiiFindings, ProfanityFindings, SegmentSentiment, SentimentFindings
from postprocess.profanity import CENSOR
from shared.models import Segment, Transcript, Word
from shared.speakers import anonymous_speakers

__all__ = ["compose_enriched", "enrich_transcript", "prepare_enrichers"]

SEGMENT_SEPARATOR = " "


@dataclass(frozen=True, order=True)
class Replacement:
    """One raw ``[start, end)`` range of a segment and what replaces it (``kind``: a PII type or
    "PROFANITY")."""

    start: int
    end: int
    kind: str
    score: float
    text: str


@dataclass(frozen=True)
class RedactedSegment:
    """A segment's clean text and where its replacements ended up in it."""

    segment: Segment
    text: str
    placed: tuple[tuple[Replacement, int, int], ...]  # (replacement, clean start, clean end)
    words: tuple[Word, ...] | None


def replacements_by_segment(
    pii: PiiFindings, profanity: ProfanityFindings, config: EnrichmentConfig
) -> dict[int, list[Replacement]]:
    """Every segment's merged, sorted replacements (overlaps joined; PII wins over profanity)."""
    grouped: dict[int, list[Replacement]] = {}
    for p in pii.spans:
        grouped.setdefault(p.segment, []).append(
            Replacement(p.start, p.end, p.type, p.score, config.placeholder_for(p.type))
        )
    for s in profanity.spans:
        grouped.setdefault(s.segment, []).append(Replacement(s.start, s.end, "PROFANITY", 0.0, CENSOR))
    return {segment: merge_replacements(spans) for segment, spans in grouped.items()}


def merge_replacements(spans: Sequence[Replacement]) -> list[Replacement]:
    """``spans`` sorted, overlapping ones joined into one; PII names the joined one over profanity."""
    merged: list[Replacement] = []
    for span in sorted(spans):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            best = max((last, span), key=lambda r: (r.kind != "PROFANITY", r.score, r.end - r.start))
            merged[-1] = Replacement(last.start, max(last.end, span.end), best.kind, best.score, best.text)
        else:
            merged.append(span)
    return merged


def apply_replacements(text: str, replacements: Sequence[Replacement]) -> tuple[str, list[tuple[int, int]]]:
    """``text`` with each replacement applied, and the clean ``[start, end)`` of each replacement."""
    pieces: list[str] = []
    placed: list[tuple[int, int]] = []
    cursor = 0
    length = 0
    for r in replacements:
        start, end = max(r.start, cursor), min(r.end, len(text))
        if start >= end:
            placed.append((length, length))
            continue
        pieces.append(text[cursor:start])
        length += start - cursor
        pieces.append(r.text)
        placed.append((length, length + len(r.text)))
        length += len(r.text)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), placed


def clean_segment(segment: Segment, replacements: Sequence[Replacement]) -> RedactedSegment:
    """The segment with its replacements applied (surrounding whitespace trimmed) and clean words."""
    text, placed = apply_replacements(segment.text, replacements)
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    positions = tuple(
        (r, min(max(s - lead, 0), len(stripped)), min(max(e - lead, 0), len(stripped)))
        for r, (s, e) in zip(replacements, placed, strict=True)
    )
    words = clean_words(segment, replacements) if segment.words else None
    return RedactedSegment(segment=segment, text=stripped, placed=positions, words=words)


def locate_words(text: str, words: Sequence[Word]) -> list[tuple[int, int]] | None:
    """Each word's raw ``[start, end)`` in ``text`` (in order), or None when they do not align."""
    ranges = []
    cursor = 0
    for word in words:
        token = word.text.strip()
        if not token:
            ranges.append((cursor, cursor))
            continue
        found = text.find(token, cursor)
        if found < 0:
            return None
        ranges.append((found, found + len(token)))
        cursor = found + len(token)
    return ranges


def clean_words(segment: Segment, replacements: Sequence[Replacement]) -> tuple[Word, ...] | None:
    """Words with replacements applied: words touched by one replacement merge into one word
    carrying the replacement. None when the words cannot be aligned to the segment text (the
    caller then omits them rather than risk a leak)."""
    ranges = locate_words(segment.text, segment.words)
    if ranges is None:
        return None if replacements else segment.words
    groups: list[list[int]] = []
    group_span: tuple[int, int] | None = None
    for i, (start, end) in enumerate(ranges):
        touching = [r for r in replacements if r.start < end and r.end > start]
        lo = min([start, *(r.start for r in touching)])
        hi = max([end, *(r.end for r in touching)])
        if groups and group_span and touching and lo < group_span[1]:
            groups[-1].append(i)
            group_span = (group_span[0], max(group_span[1], hi))
        else:
            groups.append([i])
            group_span = (lo, hi) if touching else (start, end)
    out = []
    for group in groups:
        start, end = ranges[group[0]][0], ranges[group[-1]][1]
        inside = [r for r in replacements if r.start < end and r.end > start]
        lo = min([start, *(r.start for r in inside)])
        hi = max([end, *(r.end for r in inside)])
        local = [Replacement(r.start - lo, r.end - lo, r.kind, r.score, r.text) for r in inside]
        text, _ = apply_replacements(segment.text[lo:hi], local)
        first, last = segment.words[group[0]], segment.words[group[-1]]
        lead = first.text[: len(first.text) - len(first.text.lstrip())]
        probability = first.probability if len(group) == 1 else None
        out.append(Word(start=first.start, end=last.end, text=lead + text.strip(), probability=probability))
    return tuple(out)


def compose_enriched(
    transcript: Transcript,
    pii: PiiFindings,
    profanity: ProfanityFindings,
    sentiment: SentimentFindings,
    *,
    job_id: str,
    source: Source,
    timings: Mapping[str, float] | None = None,
    config: EnrichmentConfig | None = None,
) -> EnrichedTranscript:
    """The enriched transcript (schema_version "1"): clean text and segments (with their speakers),
    PII and profanity positions in the clean text, sentiment, model and timings, and the speakers
    when they were labelled."""
    config = config or EnrichmentConfig.from_env()
    transcript = anonymous_speakers(transcript)
    replacements = replacements_by_segment(pii, profanity, config)
    cleaned = [clean_segment(s, replacements.get(s.id, [])) for s in transcript.segments]
    by_segment = {s.segment: s for s in sentiment.segments}
    texts: list[str] = []
    entities: list[PiiEntity] = []
    profane: list[TextSpan] = []
    offset = 0
    for clean in cleaned:
        if not clean.text:
            continue
        if texts:
            offset += len(SEGMENT_SEPARATOR)
        for replacement, start, end in clean.placed:
            where = TextSpan(segment=clean.segment.id, start=offset + start, end=offset + end)
            if replacement.kind == "PROFANITY":
                profane.append(where)
            else:
                entities.append(PiiEntity(type=replacement.kind, score=round(replacement.score, 4), **dict(where)))
        texts.append(clean.text)
        offset += len(clean.text)
    counts: dict[str, int] = {}
    for entity in entities:
        counts[entity.type] = counts.get(entity.type, 0) + 1
    measured = transcript.speech_seconds is not None
    return EnrichedTranscript(
        schema_version=SCHEMA_VERSION,
        job_id=job_id,
        source=source,
        model=ModelInfo(name=transcript.model, engine=transcript.engine),
        language=transcript.language,
        transcript=CleanTranscript(
            text=SEGMENT_SEPARATOR.join(texts),
            segments=tuple(_clean_segment(c, by_segment.get(c.segment.id)) for c in cleaned),
            speech_seconds=transcript.speech_seconds,
            covered_seconds=(transcript.covered_seconds or 0.0) if measured else None,
            warnings=transcript.warnings if measured else None,
        ),
        pii=PiiReport(
            counts=dict(sorted(counts.items())), entities=tuple(entities), residual_redactions=pii.residual_count
        ),
        profanity=ProfanityReport(count=len(profane), spans=tuple(profane)),
        sentiment=SentimentReport(
            overall=Sentiment(compound=round(sentiment.overall_compound, 4), label=sentiment.overall_label),
            time_share=TimeShare(
                **{k: round(float(sentiment.time_share[k]), 4) for k in ("positive", "neutral", "negative")}
            ),
        ),
        redaction=Redaction(placeholder_style=config.placeholder_style),
        timings={str(k): round(float(v), 3) for k, v in sorted((timings or {}).items())},
        speakers=_speakers(transcript, cleaned, sentiment),
    )


def _clean_segment(clean: RedactedSegment, scored: SegmentSentiment | None) -> CleanSegment:
    segment = clean.segment
    return CleanSegment(
        id=segment.id,
        start=segment.start,
        end=segment.end,
        text=clean.text,
        sentiment=Sentiment(compound=round(scored.compound, 4), label=scored.label) if scored else NEUTRAL,
        words=clean.words,
        speaker=segment.speaker,
    )


NEUTRAL = Sentiment(compound=0.0, label="neutral")


def _speakers(
    transcript: Transcript, cleaned: Sequence[RedactedSegment], sentiment: SentimentFindings
) -> tuple[SpeakerStats, ...] | None:
    """Every speaker's statistics when the transcript's speakers were labelled (none when none
    spoke), else None. Per speaker (labelled by ``anonymous_speakers``), ``S1`` first: the seconds
    they talk (their turns, or their segments' durations when the transcript has no turns), the
    words of their clean text and their sentiment (``postprocess.sentiment.speaker_sentiment``)."""
    if not transcript.speakers_labelled:
        return None
    from postprocess.sentiment import speaker_sentiment

    talk: dict[str, float] = {}
    words: dict[str, int] = {}
    for clean in cleaned:
        speaker = clean.segment.speaker
        if speaker is None:
            continue
        words[speaker] = words.get(speaker, 0) + len(clean.text.split())
        if transcript.speaker_turns is None:
            talk[speaker] = talk.get(speaker, 0.0) + max(clean.segment.end - clean.segment.start, 0.0)
    for start, end, speaker in transcript.speaker_turns or ():
        talk[speaker] = talk.get(speaker, 0.0) + max(end - start, 0.0)
    scores = speaker_sentiment(transcript, sentiment)
    ordered = sorted(set(talk) | set(words) | set(scores), key=lambda label: int(label[1:]))  # S2 before S10
    return tuple(
        SpeakerStats(
            id=speaker,
            talk_seconds=round(talk.get(speaker, 0.0), 3),
            words=words.get(speaker, 0),
            sentiment=Sentiment(
                compound=round(scores.get(speaker, (0.0, "neutral"))[0], 4),
                label=scores.get(speaker, (0.0, "neutral"))[1],
            ),
        )
        for speaker in ordered
    )


def enrich_transcript(
    transcript: Transcript,
    *,
    job_id: str,
    source: Source,
    timings: Mapping[str, float] | None = None,
    config: EnrichmentConfig | None = None,
) -> EnrichedTranscript:
    """Runs the three finders on ``transcript`` and composes the enriched transcript."""
    from postprocess.pii import find_pii
    from postprocess.profanity import find_profanity
    from postprocess.sentiment import score_sentiment

    config = config or EnrichmentConfig.from_env()
    return compose_enriched(
        transcript,
        find_pii(transcript, config),
        find_profanity(transcript, config),
        score_sentiment(transcript, config),
        job_id=job_id,
        source=source,
        timings=timings,
        config=config,
    )


def prepare_enrichers(config: EnrichmentConfig | None = None) -> None:
    """Load what the three finders load on first use (the NER pipeline, the recognizers, the word
    lists) by running them once on a line of no consequence, so a later transcript does not wait."""
    from postprocess.pii import find_pii
    from postprocess.profanity import find_profanity
    from postprocess.sentiment import score_sentiment

    config = config or EnrichmentConfig.from_env()
    sample = Transcript(
        language="en",
        duration=1.0,
        segments=(Segment(id=0, start=0.0, end=1.0, text="Thank you, Anna, my number is 555 0100."),),
        model="warm-up",
    )
    find_pii(sample, config)
    find_profanity(sample, config)
    score_sentiment(sample, config)
