"""presidio recognizers for PII the way speech recognition writes it, one module per family.

They run on text whose spoken numbers were already rewritten into digits
(``postprocess.pii.core.spoken``), so "five five five, one two three, four five six seven" arrives as
"5 5 5, 1 2 3, 4 5 6 7", and they see the whole transcript (segments joined), so a value the
recognizer split over two segments is one value. All share ``base.SpeechRecognizer``; the cue
words that announce a value are in ``cues``, the digit and code runs in ``chains``.

- ``numbers``: every digit run that is an identifier — 7 or more digits whatever the cue, read
  digit by digit, or a short value right after its cue (PIN, sort code, CVV, ZIP…) — typed by cue
  or shape (card, phone, SSN, bank account, routing number, ID number…); quantities left alone.
- ``codes``: codes of letters and digits — passports, driver IDs, UK National Insurance
  numbers, licence plates, reference numbers.
- ``bank``: IBANs read out with their country prefix, SWIFT/BIC codes.
- ``email``: email addresses written, spoken and mangled.
- ``names``: introduced and spelled-out names; the tidying of NER names.
- ``places``: street addresses; ``postcodes``: UK postcodes and US ZIP codes.
- ``dates``: dates of birth.
- ``secrets``: passwords and usernames after their cue.
- ``network``: IP addresses written and read out (MAC addresses: presidio's ``MacAddressRecognizer``).
- ``ner``: spaCy's NER for names and places, minus what it takes for them in calls (nouns,
  companies, capitals).
"""

from __future__ import annotations

from collections.abc import Iterable

from postprocess.lean_imports import without_unused_ml_frameworks
from postprocess.pii.detectors.bank import SpokenIbanRecognizer, SwiftCodeRecognizer
from postprocess.pii.detectors.codes import AlphanumericCodeRecognizer
from postprocess.pii.detectors.dates import DateOfBirthRecognizer
from postprocess.pii.detectors.email import SpokenEmailRecognizer
from postprocess.pii.detectors.names import IntroducedNameRecognizer, SpelledOutRecognizer
from postprocess.pii.detectors.network import SpokenIpRecognizer, VersionAwareIpRecognizer
from postprocess.pii.detectors.numbers import DigitSequenceRecognizer
from postprocess.pii.detectors.places import StreetAddressRecognizer
from postprocess.pii.detectors.postcodes import PostalCodeRecognizer
from postprocess.pii.detectors.secrets import SecretRecognizer

with without_unused_ml_frameworks():
    from presidio_analyzer import EntityRecognizer


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
