"""The residual-risk scan: the last look at what redaction left visible.

After every recognizer and the whole-transcript pass, the text as it would be published (the
found spans blanked out) is scanned for what still looks like an identifier:

- a run of 7 or more digits (spoken or written, any grouping) is redacted as its shape's type
  (card, phone…) or ID_NUMBER, unless it is a quantity — money, a unit, round numbers, years, a
  date, a decimal (``numbers.quantity_reason``) — or names a room, page, gate, version… (a cue
  right before it);
- a token with an ``@`` is redacted as EMAIL_ADDRESS, unless it is a swear word in leetspeak
  ("b@stard": the profanity censor masks it);
- a host-shaped token ("mail.co.uk", "x.y.com") is redacted as EMAIL_ADDRESS, unless it is a file
  name ("setup.py", "README.md") or a web site named as one ("our website is example.com", "go to
  example.com").

What it catches is counted (``pii.residual_redactions`` in the enriched transcript): a number
above zero means the recognizers missed something the scan caught.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from postprocess.pii.core.chains import digit_chains
from postprocess.pii.core.cues import cue_index, names_a_thing
from postprocess.pii.core.domains import file_name, host_shaped
from postprocess.pii.core.quantities import IDENTIFIER_DIGITS, quantity_reason, type_by_shape
from postprocess.pii.core.rules import on
from postprocess.pii.core.spoken import normalize_spoken_numbers

BLANK = "#"
_WEBSITE_CUE = re.compile(
    r"\b(?:web ?site|site|page|homepage|url|link|visit|go to|browse to|download(?:ed)? from|at www|www)\b[^.?!]{0,25}$",
    re.IGNORECASE,
)
_EMAIL_NEAR = re.compile(r"\b(?:e-?mail|mail me|reach me|write to|contact me)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Residual:
    """A span the scan redacts: ``[start, end)`` of the raw text and its type."""

    start: int
    end: int
    type: str


def blanked(raw: str, spans: Iterable[tuple[int, int]]) -> str:
    """``raw`` with every ``[start, end)`` replaced by as many ``BLANK`` characters."""
    out = list(raw)
    for start, end in spans:
        out[start:end] = BLANK * (end - start)
    return "".join(out)


def residual_spans(
    raw: str,
    found: Sequence[tuple[int, int]],
    entities: frozenset[str],
    *,
    is_profane: Callable[[str], bool] = lambda word: False,
) -> list[Residual]:
    """What the scan redacts in ``raw`` given the ``found`` spans, for the enabled ``entities``."""
    visible = blanked(raw, found)
    out = list(_long_digit_runs(visible, entities)) if on("res.digits") else []
    if "EMAIL_ADDRESS" in entities and on("res.addresses"):
        out += _addresses(visible, is_profane)
    return out


def _long_digit_runs(visible: str, entities: frozenset[str]) -> Iterable[Residual]:
    normalized = normalize_spoken_numbers(visible)
    text = normalized.text
    cues = cue_index(text)
    for chain in digit_chains(text):
        if len(chain.digits) < IDENTIFIER_DIGITS:
            continue
        before, after = text[max(0, chain.start - 20) : chain.start], text[chain.end : chain.end + 25]
        if quantity_reason(chain.value, before, after):
            continue
        if names_a_thing(cues, chain.start):
            continue
        kind, _ = type_by_shape(chain, before)
        kind = kind if kind in entities else "ID_NUMBER"
        if kind in entities:
            yield Residual(*normalized.raw_span(chain.start, chain.end), kind)


def _addresses(visible: str, is_profane: Callable[[str], bool]) -> list[Residual]:
    out = []
    for token in re.finditer(r"[^\s#]+", visible):
        word = token.group().strip(".,;:!?\"'()")
        if not word:
            continue
        start = token.start() + token.group().index(word)
        if "@" in word:
            if is_profane(word.lower()):
                continue  # leetspeak ("b@stard"): masked by the profanity censor
            out.append(Residual(start, start + len(word), "EMAIL_ADDRESS"))
        elif "." in word and host_shaped(word) and not _allowed_host(visible, start, word):
            out.append(Residual(start, start + len(word), "EMAIL_ADDRESS"))
    return out


def _allowed_host(text: str, start: int, word: str) -> bool:
    """A host-shaped word that is a file name, or a web site named as one."""
    if file_name(word):
        return True
    labels = word.lower().split(".")
    before = text[max(0, start - 60) : start]
    named_site = _WEBSITE_CUE.search(before) is not None or labels[0] == "www"
    return named_site and not _EMAIL_NEAR.search(before)
