"""Spoken test scripts with their ground truth.

Markup ``{TYPE:spoken words}`` marks what the pipeline must remove: PII entity types become
the typed placeholder ``<TYPE>`` in the clean reference, ``{PROFANITY:word}`` is masked.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_MARK = re.compile(r"\{([A-Z_]+):([^}]*)\}")


@dataclass(frozen=True)
class Script:
    marked: str

    @property
    def spoken(self) -> str:
        """What espeak-ng is asked to say."""
        return _MARK.sub(lambda m: m.group(2), self.marked)

    @property
    def clean_reference(self) -> str:
        """What the clean transcript should read: placeholders for PII, a mask for profanity."""
        return _MARK.sub(lambda m: "****" if m.group(1) == "PROFANITY" else f"<{m.group(1)}>", self.marked)

    @property
    def fingerprint(self) -> str:
        """A short hash of the script, for naming cached recordings of it."""
        return hashlib.sha256(self.marked.encode("utf-8")).hexdigest()[:10]

    @property
    def secrets(self) -> list[tuple[str, str]]:
        """``(type, spoken words)`` for every marked span."""
        return [(m.group(1), m.group(2)) for m in _MARK.finditer(self.marked)]


# Paragraphs (blank lines) are spoken with a pause between them.
MEETING = Script(
    "Hello and welcome to the weekly planning meeting for the design team. "
    "My name is {PERSON:Margaret Wilson} and I manage the product design group. "
    "You can email me at {EMAIL_ADDRESS:margaret dot wilson at example dot com}. "
    "My phone number is {PHONE_NUMBER:five five five, three one four, two seven six eight}."
    "\n\n"
    "I am really happy with the wonderful progress. The team did an excellent job and I love the new design."
    "\n\n"
    "Now let us talk about the release on Friday. "
    "This is terrible, everyone was angry and I hate how badly the release went. "
    "Honestly, the deployment was a {PROFANITY:shit} show."
    "\n\n"
    "Last week a customer read out the card number "
    "{CREDIT_CARD:four one one one, one one one one, one one one one, one one one one}. "
    "Please remember that support tickets must never contain private details."
    "\n\n"
    "That is everything for today, and the final word of this meeting is pineapple."
)


def normalise_words(text: str) -> list[str]:
    """Lowercase words for WER: punctuation dropped, placeholders and masks kept as single tokens."""
    text = text.lower().replace("'", "")
    text = re.sub(r"<([a-z_]+)>", r" placeholder_\1 ", text)
    text = re.sub(r"\*{2,}", " masked ", text)
    return re.sub(r"[^a-z0-9_]+", " ", text).split()
