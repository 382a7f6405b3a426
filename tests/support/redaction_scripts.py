"""Spoken calls with known values (names, and numbers read digit by digit) for the redacted-media proof,
and what decides whether a value can still be heard in a transcript of the redacted recording.

A value is *heard* in a transcript when one of its identifying words is there (a name, exactly or
spelled nearly so) or, for a number, when a run of :data:`DIGIT_WINDOW` of its digits in a row is
(written as numerals or as words, "five five five" or "555").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from tests.support.scripts import DIGIT_WORDS, Script, normalise_words, spoken_digits

#: This many digits of a number in a row, heard again, count as the number heard.
DIGIT_WINDOW = 4
#: A heard word this close to a name's word (difflib ratio) counts as the name ("Okafor" / "Okafour").
NAME_SIMILARITY = 0.85
_CONNECTORS = {"dot", "at", "com", "org", "net", "underscore", "dash", "hyphen", "plus", "double", "triple"}


@dataclass(frozen=True)
class RedactionCall:
    name: str
    script: Script
    voice: str
    words_per_minute: int


REDACTION_CALLS: tuple[RedactionCall, ...] = (
    RedactionCall(
        "support-call",
        Script(
            "Good morning and thank you for calling the support line. "
            "My name is {PERSON:Margaret Wilson} and I am calling about my account. "
            "You can reach me on {PHONE_NUMBER:five five five, three one four, two seven six eight} after lunch."
            "\n\n"
            "The card on the account ends in the number "
            "{CREDIT_CARD:four nine one seven, six one eight two, three three four four, nine nine zero one}. "
            "Honestly, the last delivery was a {PROFANITY:shit} show. "
            "My manager {PERSON:Daniel Okafor} will confirm the order tomorrow afternoon."
            "\n\n"
            "That is all for today, and the final word of this call is pineapple."
        ),
        "en-us",
        150,
    ),
    RedactionCall(
        "insurance-claim",
        Script(
            "Hello, this is the claims desk, you are speaking with {PERSON:Priya Raman}. "
            "The claim was opened by {PERSON:Oliver Pemberton} last week after the storm."
            "\n\n"
            "His policy number is {ID_NUMBER:seven two nine four, eight one six three} and his phone number is "
            "{PHONE_NUMBER:four one five, two six two, nine nine eight one}. "
            "The roof repair should be finished before the winter."
        ),
        "en-gb",
        150,
    ),
    RedactionCall(
        "pharmacy-call",
        Script(
            "Good afternoon, the pharmacy here. I have a prescription ready for {PERSON:Helena Marchetti}. "
            "Her doctor, {PERSON:Samuel Greenberg}, asked us to call her back today."
            "\n\n"
            "We tried her mobile, {PHONE_NUMBER:three one two, eight four seven, five zero six two}, "
            "but nobody answered. The medicine can be collected at the front counter this evening."
        ),
        "en-us+f3",
        160,
    ),
    RedactionCall(
        "hotel-booking",
        Script(
            "Thank you for calling the riverside hotel. The booking is in the name of {PERSON:Thomas Lindqvist}. "
            "He will pay with the card {CREDIT_CARD:five four one two, seven five three four, one two three four, "
            "five six seven eight} on arrival."
            "\n\n"
            "His assistant {PERSON:Rebecca Solano} can be reached on "
            "{PHONE_NUMBER:six four six, five five five, zero one four two}. "
            "Breakfast is served in the garden room until half past ten."
        ),
        "en-gb-scotland",
        145,
    ),
)


def secret_values(script: Script) -> list[tuple[str, str]]:
    """``(type, spoken words)`` of every PII value of ``script`` (profanity left out)."""
    return [(kind, value) for kind, value in script.secrets if kind != "PROFANITY"]


def public_text(script: Script) -> str:
    """What is said outside every marked span: what a redacted recording must still let one hear."""
    return " ".join(Script(part).spoken for part in _split_marked(script.marked))


def _split_marked(marked: str) -> list[str]:
    return re.split(r"\{[A-Z_]+:[^}]*\}", marked)


def number_runs(text: str) -> list[str]:
    """The runs of digits in ``text``, consecutive numerals and digit words joined: "call 555, three one
    four now or 9" gives ``["555314", "9"]``."""
    runs: list[str] = []
    current = ""
    for word in normalise_words(text):
        digits = word if word.isdigit() else DIGIT_WORDS.get(word)
        if digits is not None:
            current += digits
        elif current:
            runs.append(current)
            current = ""
    if current:
        runs.append(current)
    return runs


def _identifying_words(script: Script, value: str) -> set[str]:
    public = set(normalise_words(public_text(script)))
    return {
        w
        for w in normalise_words(value)
        if w not in public and w not in DIGIT_WORDS and w not in _CONNECTORS and len(w) > 2
    }


def heard(script: Script, value: str, transcript: str) -> bool:
    """Whether ``value`` (spoken words of one marked span of ``script``) can be heard in ``transcript``."""
    digits = spoken_digits(value)
    if len(digits) >= DIGIT_WINDOW:
        windows = {digits[i : i + DIGIT_WINDOW] for i in range(len(digits) - DIGIT_WINDOW + 1)}
        if any(window in run for run in number_runs(transcript) for window in windows):
            return True
    words = set(normalise_words(transcript))
    for secret in _identifying_words(script, value):
        if secret in words or any(
            len(w) >= 4 and SequenceMatcher(None, secret, w).ratio() >= NAME_SIMILARITY for w in words
        ):
            return True
    return False


def heard_values(script: Script, transcript: str) -> list[tuple[str, str]]:
    """The PII values of ``script`` that can be heard in ``transcript``."""
    return [(kind, value) for kind, value in secret_values(script) if heard(script, value, transcript)]
