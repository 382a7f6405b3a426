"""The enriched transcript's JSON Schema is generated from its models, and version 1 keeps its shape:
the committed file is what the models give, every published field is still there with the same
required ones, and a document the previous version wrote reads back and is written again byte for byte."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from postprocess.document import EnrichedTranscript
from postprocess.schema import SCHEMA_PATH, enriched_json_schema, load_enriched_schema, main, schema_text
from shared.errors import InvalidTranscriptError

#: An enriched.json as clearscribe 0.2.0 wrote it, before the models: words, speakers, warnings, findings.
WRITTEN_BY_0_2_0 = Path(__file__).resolve().parents[2] / "data" / "enriched-v1-written-by-0.2.0.json"

#: Version 1 as published: every object's fields and, after the bar, its required ones.
PUBLISHED_V1 = {
    "": "schema_version job_id source model language transcript pii profanity sentiment redaction timings speakers"
    " | schema_version job_id source model language transcript pii profanity sentiment timings",
    "source": "uri duration_seconds | uri duration_seconds",
    "model": "name engine | name engine",
    "transcript": "text segments speech_seconds covered_seconds warnings | text segments",
    "transcript.segments[]": "id start end text sentiment words speaker | id start end text sentiment",
    "transcript.segments[].sentiment": "compound label | compound label",
    "transcript.segments[].words[]": "start end text probability | start end text",
    "transcript.warnings[]": "code message start end | code message start end",
    "pii": "counts entities residual_redactions | counts entities",
    "pii.entities[]": "type score segment start end | type score segment start end",
    "profanity": "count spans | count spans",
    "profanity.spans[]": "segment start end | segment start end",
    "sentiment": "overall time_share | overall time_share",
    "sentiment.overall": "compound label | compound label",
    "sentiment.time_share": "positive neutral negative | positive neutral negative",
    "redaction": "placeholder_style | ",
    "speakers[]": "id talk_seconds words sentiment | id talk_seconds words sentiment",
}


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
    return node


def at(schema: dict[str, Any], path: str) -> dict[str, Any]:
    """The object schema at a dotted path (``[]``: the items of an array)."""
    node = schema
    for part in filter(None, path.split(".")):
        name = part.removesuffix("[]")
        node = resolve(schema, resolve(schema, node)["properties"][name])
        if part.endswith("[]"):
            node = resolve(schema, node["items"])
    return resolve(schema, node)


def test_the_committed_schema_is_the_one_the_models_give() -> None:
    assert SCHEMA_PATH.read_text("utf-8") == schema_text(), "run `make schema` and commit the file"
    assert main(["--check"]) == 0


def test_the_schema_is_a_draft_2020_12_schema_with_its_published_id() -> None:
    schema = load_enriched_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$id"] == "https://clearscribe.dev/schema/enriched-transcript.v1.json"
    assert at(schema, "")["properties"]["schema_version"] == {"const": "1", "type": "string"}


@pytest.mark.parametrize("path", sorted(PUBLISHED_V1))
def test_version_1_keeps_every_published_field_and_its_required_ones(path: str) -> None:
    fields, required = (part.split() for part in PUBLISHED_V1[path].split("|"))
    node = at(enriched_json_schema(), path)
    assert set(fields) <= set(node["properties"]), "a published field is gone: that is a schema_version 2"
    assert set(node.get("required", [])) == set(required)
    assert node["additionalProperties"] is False


def test_a_document_the_previous_version_wrote_reads_back_and_is_written_the_same() -> None:
    raw = WRITTEN_BY_0_2_0.read_bytes()
    document = EnrichedTranscript.from_json(raw, where=WRITTEN_BY_0_2_0.name)
    jsonschema.Draft202012Validator(load_enriched_schema()).validate(json.loads(raw))
    assert document.to_json() == raw
    assert document.speakers is not None and document.transcript.warnings
    assert document.transcript.segments[0].words is not None


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["transcript"].update(segments="oops"), "transcript.segments: Input should be a valid array"),
        (lambda d: d["transcript"]["segments"][0].pop("sentiment"), "transcript.segments[0].sentiment: Field required"),
        (lambda d: d["transcript"]["segments"][0].update(speaker="Alice"),
         "transcript.segments[0].speaker: String should match"),
        (lambda d: d["sentiment"]["overall"].update(label="great"), "sentiment.overall.label: Input should be"),
        (lambda d: d["pii"]["entities"][0].update(start=-1), "pii.entities[0].start: Input should be greater than"),
        (lambda d: d.update(schema_version="2"), "schema_version: Input should be '1'"),
        (lambda d: d.update(extra=1), "extra: Extra inputs are not permitted"),
        (lambda d: d["transcript"]["segments"][0]["words"][0].update(start="0"),
         "transcript.segments[0].words[0].start: Input should be a valid number"),
    ],
)  # fmt: skip
def test_a_stored_document_of_another_shape_fails_naming_the_field(change: Any, named: str) -> None:
    data = json.loads(WRITTEN_BY_0_2_0.read_text("utf-8"))
    change(data)
    with pytest.raises(InvalidTranscriptError) as info:
        EnrichedTranscript.from_json(json.dumps(data), where="enriched.json")
    assert info.value.code == "INVALID_TRANSCRIPT"
    assert info.value.message.startswith("enriched.json: not an enriched transcript: ")
    assert named in info.value.message
