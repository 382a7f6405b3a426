"""Every row of the heard table (``postprocess/data/pii_heard.tsv``) carries an example line; each is
run here. After a cue the value it announces is redacted, none of its pieces left visible; after a
word that names things by number (``cue:NOT_PII``) the number stays."""

from __future__ import annotations

import re

import pytest

from postprocess.config import EnrichmentConfig
from postprocess.pii import find_pii_in_text
from postprocess.pii.core.cues import HEARD_FILE
from tests.support.asr_corpus import parse_segment
from tests.support.asr_metrics import identifying_units


def _rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in HEARD_FILE.read_text("utf-8").splitlines():
        if line.startswith(("#", "heard\t")) or not line.strip():
            continue
        heard, _, context, example, source = line.split("\t")
        rows.append((heard, context, example, source))
    return rows


ROWS = _rows()


def test_every_row_has_an_example_and_says_where_it_came_from() -> None:
    assert len(ROWS) >= 90
    for heard, context, example, source in ROWS:
        assert example and source and context.startswith("cue:"), heard
        assert re.search(rf"\b(?:{heard})(?!\w)", parse_segment(example).text, re.IGNORECASE), heard


@pytest.mark.parametrize(("heard", "context", "example"), [r[:3] for r in ROWS], ids=[r[0] for r in ROWS])
def test_the_example_of_each_row_is_redacted_as_the_row_says(
    warm_pii: EnrichmentConfig, heard: str, context: str, example: str
) -> None:
    segment = parse_segment(example)
    text = segment.text
    cue = re.search(rf"\b(?:{heard})(?!\w)", text, re.IGNORECASE)
    assert cue is not None
    hidden = [(p.start, p.end) for p in find_pii_in_text(text, warm_pii)]
    if context == "cue:NOT_PII":
        number = re.search(r"\d+", text[cue.end() :])
        assert number is not None
        start = cue.end() + number.start()
        assert not any(a < start + len(number.group()) and start < b for a, b in hidden), example
        return
    value = next((s for s in sorted(segment.spans, key=lambda s: s[1]) if s[1] >= cue.end()), None)
    assert value is not None, example
    _, start, end = value
    pieces = [(start + a, start + b) for a, b in identifying_units(text[start:end])]
    visible = [text[a:b] for a, b in pieces if not any(x <= a and b <= y for x, y in hidden)]
    assert not visible, example
