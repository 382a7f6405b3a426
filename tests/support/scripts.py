"""Spoken test scripts with their ground truth, and the helpers that compare ASR output to them.

Markup ``{TYPE:spoken words}`` marks what the pipeline must remove: PII entity types become
the typed placeholder ``<TYPE>`` in the clean reference, ``{PROFANITY:word}`` is masked.

Tests take every expectation from the script itself (its last sentence, its secrets, the
sentiment of its sentences) so that they hold for any script, not just the words written here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_MARK = re.compile(r"\{([A-Z_]+):([^}]*)\}")

DIGIT_WORDS = {
    "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
# Words that carry no identity of their own inside a spoken secret ("jane dot doe at example dot com").
_CONNECTORS = {"dot", "at", "com", "org", "net", "underscore", "dash", "hyphen", "plus"}
_STOPWORDS = {
    "about", "after", "also", "been", "before", "could", "does", "each", "every", "from", "have",
    "into", "just", "more", "most", "much", "must", "only", "over", "some", "such", "than", "that",
    "their", "them", "then", "there", "these", "they", "this", "very", "were", "what", "when",
    "which", "will", "with", "would", "your",
}  # fmt: skip


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

    @property
    def pii_types(self) -> list[str]:
        """The PII entity types the script contains, in order of first appearance."""
        return list(dict.fromkeys(kind for kind, _ in self.secrets if kind != "PROFANITY"))

    @property
    def secret_words(self) -> set[str]:
        """Words of the marked spans that identify them and are never said outside a span."""
        public = set(normalise_words(_MARK.sub(" ", self.marked)))
        return {
            word
            for _, value in self.secrets
            for word in normalise_words(value)
            if word not in public and word not in DIGIT_WORDS and word not in _CONNECTORS and len(word) > 2
        }

    @property
    def secret_numbers(self) -> list[str]:
        """The digits of every marked span spoken as a number (phone, card, SSN, ...)."""
        numbers = (spoken_digits(value) for _, value in self.secrets)
        return [digits for digits in numbers if len(digits) >= 7]


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


def sentences(text: str) -> list[str]:
    """The sentences of a script, in order (split after ``.``, ``!`` or ``?``)."""
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def content_words(text: str) -> list[str]:
    """The words of ``text`` that a listener would notice missing: longer than three letters, no
    function words. ASR output is compared on these, so "a"/"the" slips do not count."""
    return [w for w in normalise_words(text) if len(w) > 3 and w not in _STOPWORDS]


def heard(reference: str, hypothesis: str, *, similarity: float = 0.8) -> float:
    """The share of ``reference``'s content words found in ``hypothesis``, allowing near spellings
    ("colour"/"color") so the measure is about what was recognised, not about spelling."""
    expected = content_words(reference)
    if not expected:
        raise ValueError("the reference has no content words to look for")
    got = set(normalise_words(hypothesis))

    def found(word: str) -> bool:
        return word in got or any(SequenceMatcher(None, word, g).ratio() >= similarity for g in got)

    return sum(found(word) for word in expected) / len(expected)


def covered_reference(reference: str, hypothesis: str) -> str:
    """The stretch of ``reference`` (punctuation kept) that ``hypothesis`` transcribes: from the
    first to the last of its words found, in order, in the reference. Recognition may merge or
    split sentences into segments; this is what a segment actually holds."""
    tokens = list(re.finditer(r"\S+", reference))
    words = [" ".join(normalise_words(t.group())) for t in tokens]
    matcher = SequenceMatcher(None, words, normalise_words(hypothesis), autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return ""
    return reference[tokens[blocks[0].a].start() : tokens[blocks[-1].a + blocks[-1].size - 1].end()]


def spoken_digits(text: str) -> str:
    """The digits of a number read out digit by digit ("five five five, oh one" -> "55501")."""
    return "".join(DIGIT_WORDS.get(word, "") for word in normalise_words(text))
