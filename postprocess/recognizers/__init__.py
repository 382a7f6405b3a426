"""presidio recognizers for PII the way speech recognition writes it, one module per family.

They run on text whose spoken numbers were already rewritten into digits
(``postprocess.spoken``), so "five five five, one two three, four five six seven" arrives as
"5 5 5, 1 2 3, 4 5 6 7", and they see the whole transcript (segments joined), so a value the
recognizer split over two segments is one value. All share ``base.SpeechRecognizer``; the cue
words that announce a value are in ``cues``, the digit and code runs in ``chains``.

- ``numbers``: every digit run that is an identifier — 7 or more digits whatever the cue, read
  digit by digit, or a short value right after its cue (PIN, sort code, CVV, ZIP…) — typed by cue
  or shape (card, phone, SSN, bank account, routing number, ID number…); quantities left alone.
- ``documents``: codes of letters and digits — passports, driver IDs, UK National Insurance
  numbers, licence plates, reference numbers.
- ``finance``: IBANs read out with their country prefix, SWIFT/BIC codes.
- ``contact``: email addresses written, spoken and mangled.
- ``identity``: introduced and spelled-out names; the tidying of NER names.
- ``location``: street addresses, UK postcodes, US ZIP codes.
- ``dates``: dates of birth.
- ``credentials``: passwords and usernames after their cue.
- ``network``: IP addresses written and read out (MAC addresses: presidio's ``MacAddressRecognizer``).
- ``ner``: spaCy's NER for names and places, minus what it takes for them in calls (nouns,
  companies, capitals).
"""

from __future__ import annotations

from collections.abc import Iterable

from postprocess.lean_imports import without_unused_ml_frameworks
from postprocess.recognizers.base import SpeechRecognizer
from postprocess.recognizers.contact import (
    SpokenEmailRecognizer,
    host_shaped,
    offline_suffix_extractor,
    valid_domain_end,
)
from postprocess.recognizers.credentials import SecretRecognizer
from postprocess.recognizers.dates import DateOfBirthRecognizer
from postprocess.recognizers.documents import AlphanumericCodeRecognizer
from postprocess.recognizers.finance import SpokenIbanRecognizer, SwiftCodeRecognizer
from postprocess.recognizers.identity import IntroducedNameRecognizer, SpelledOutRecognizer, trim_name_span
from postprocess.recognizers.location import PostalCodeRecognizer, StreetAddressRecognizer
from postprocess.recognizers.network import SpokenIpRecognizer, VersionAwareIpRecognizer
from postprocess.recognizers.numbers import DigitSequenceRecognizer, classify_digit_run, luhn_valid, quantity_reason

with without_unused_ml_frameworks():
    from presidio_analyzer import EntityRecognizer

__all__ = [
    "AlphanumericCodeRecognizer",
    "DateOfBirthRecognizer",
    "DigitSequenceRecognizer",
    "IntroducedNameRecognizer",
    "PostalCodeRecognizer",
    "SecretRecognizer",
    "SpeechRecognizer",
    "SpelledOutRecognizer",
    "SpokenEmailRecognizer",
    "SpokenIbanRecognizer",
    "SpokenIpRecognizer",
    "StreetAddressRecognizer",
    "SwiftCodeRecognizer",
    "VersionAwareIpRecognizer",
    "classify_digit_run",
    "host_shaped",
    "luhn_valid",
    "offline_suffix_extractor",
    "quantity_reason",
    "speech_recognizers",
    "trim_name_span",
    "valid_domain_end",
]


def speech_recognizers() -> Iterable[EntityRecognizer]:
    """The recognizers written for speech-recognition output, and the version-aware IP recognizer."""
    return (
        DigitSequenceRecognizer(),
        AlphanumericCodeRecognizer(),
        SpokenEmailRecognizer(),
        IntroducedNameRecognizer(),
        SpelledOutRecognizer(),
        StreetAddressRecognizer(),
        PostalCodeRecognizer(),
        DateOfBirthRecognizer(),
        SecretRecognizer(),
        VersionAwareIpRecognizer(),
        SpokenIpRecognizer(),
        SpokenIbanRecognizer(),
        SwiftCodeRecognizer(),
    )
