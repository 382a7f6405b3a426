"""The enriched transcript's JSON Schema, generated from the models of ``postprocess.document``.

The schema is published as ``enriched-transcript.v1.json`` beside this module (in the package and
the repository). It is never edited by hand: after a change to the models, write it again and commit
it; a test fails while the committed file differs from what the models give::

    python -m postprocess.schema           # write it (make schema)
    python -m postprocess.schema --check   # exit status 1 if the committed file is out of date
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from postprocess.document import EnrichedTranscript

SCHEMA_PATH = Path(__file__).with_name("enriched-transcript.v1.json")
SCHEMA_ID = "https://clearscribe.dev/schema/enriched-transcript.v1.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


class _PublishedSchema(GenerateJsonSchema):
    """pydantic's schema with the dialect and id first, without a title per field (the field's name
    says it) and without ``"default": null`` on the parts that are left out when absent."""

    def generate(self, schema: CoreSchema, mode: JsonSchemaMode = "validation") -> JsonSchemaValue:
        return {"$schema": DIALECT, "$id": SCHEMA_ID, **super().generate(schema, mode)}

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        generated = super().default_schema(schema)
        if schema.get("default", ...) is None:
            generated.pop("default", None)
        return generated


def enriched_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) the models give."""
    return EnrichedTranscript.model_json_schema(schema_generator=_PublishedSchema)


def schema_text() -> str:
    """The schema as the published file holds it."""
    return json.dumps(enriched_json_schema(), ensure_ascii=False, indent=2) + "\n"


def load_enriched_schema() -> dict[str, Any]:
    """The published JSON Schema of the enriched transcript."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text("utf-8"))
    return schema


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m postprocess.schema", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the committed file is up to date")
    args = parser.parse_args(argv)
    text = schema_text()
    if args.check:
        current = SCHEMA_PATH.read_text("utf-8") if SCHEMA_PATH.exists() else ""
        if current != text:
            print(f"{SCHEMA_PATH} is out of date: run python -m postprocess.schema")
            return 1
        return 0
    SCHEMA_PATH.write_text(text, "utf-8")
    print(SCHEMA_PATH)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
