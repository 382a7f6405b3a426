"""spaCy's NER for PERSON and LOCATION, without what it takes for names and places in calls.

The NER's results are checked here, before presidio removes duplicates: presidio keeps one of two
results for the same span (or drops one contained in another of equal or higher score), so a
result dropped afterwards could take a rule's result for the same name with it ("Morning, I'm a
Gomez here.": the NER's "Gomez" would have replaced the rule's).

Left out: a room named by a letter or a number with a dot after "in" ("in Paul T at 9.15", "in Rome
3.15": "hall", "room" misheard), a name that trims to nothing or holds digits or leetspeak
(``identity.trim_name_span``), capitals of three letters or fewer ("QQ"), a noun after "the",
"this", "that" ("read me the Ivan": IBAN misheard; not after "your": "I'm your Martin" is a name
with a word misheard), a company ("Chris Dental", "Oak Ridge motors": it ends in, or is followed by,
an organisation word; or it comes right after "for calling", "you've reached", … and an organisation
word or the agent's introduction follows: ``in_company_slot``), "Ivan" after "read me" (IBAN
misheard), one word opening a sentence before "is" and a long number or a spelled code ("Foam is
plus 4-4, …": a cue misheard), and what ``location.plausible_place`` rules out.
"""

from __future__ import annotations

import re
from typing import Any

from postprocess.lean_imports import without_unused_ml_frameworks
from postprocess.pii.core.quantities import counts_something
from postprocess.pii.core.rules import on
from postprocess.pii.core.words import ORGANISATION_WORDS, names_an_organisation, plausible_name, trim_name_span, words

with without_unused_ml_frameworks():
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

NER_NAME = "SpacyRecognizer"
_DETERMINER_BEFORE = re.compile(r"\b(?:the|this|that)[ \t]+$", re.IGNORECASE)


# How a company answers or is named at a call's opening: "Thank you for calling <company>",
# "you've reached <company>", "welcome to", "you're through to" (not "your brother", as recognition
# sometimes writes it: that is also a relation before a name).
_COMPANY_CUE = re.compile(
    r"\b(?:(?i:for calling)[ \t]+|(?i:you've reached|you have reached|welcome to|you're through to|"
    r"you are through to)[ \t,]+)$"
)
# What ends the company's name: an organisation word in the phrase ("calling Chris I'm insurance",
# "Northgateville in society"), or the agent's own introduction right after it ("calling Greenway
# Lord and this is Jose", "you're through to Greenwood Lord Man, my name is Patricia").
_COMPANY_PHRASE = re.compile(r"[^.,?!\n]{0,40}")
_AGENT_AFTER = re.compile(r"(?:[ \t,]*(?:and[ \t]+)?(?i:this is|my name is|my name's)|[ \t]+(?i:i'm|i am))\b")


def in_company_slot(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` comes right after a company cue and is the company: its
    phrase holds an organisation word, or the agent introduces themselves right after it. A
    name after "for calling" with neither ("Thanks for calling Sarah"), or after "for calling,"
    (a closing: "Thanks for calling, Sarah, I'm glad it's sorted"), is left a name."""
    if not _COMPANY_CUE.search(text, max(0, start - 24), start):
        return False
    if _AGENT_AFTER.match(text, end):
        return True
    phrase = _COMPANY_PHRASE.match(text, start)
    words = re.findall(r"[A-Za-z]+", phrase.group().lower()) if phrase else []
    return any(word in ORGANISATION_WORDS for word in words)


# IBAN as recognition hears it ("Can you read me, little Ivan?"): the value asked for, not a person.
_IBAN_HEARD = re.compile(r"(?i:ivan|ivon|ibon)")
_READ_ME_BEFORE = re.compile(r"\b(?i:read me|read out)\b[^.?!]{0,12}$")


# "Foam is plus 4-4, 759…", "Iman is I-E-O-8…": a sentence opened by one word and "is" and a number
# or a spelled code is a cue recognition misheard ("Phone is", "Username is"), not a person. A
# name before "is" and anything else stays ("Sarah is my sister", "Sarah is 12" has too few digits).
_CUE_HEARD_AS_NAME = re.compile(
    r"[ \t]+is[ \t]+(?:plus[ \t]+)?(?:\d[\d \t\-.,]*\d[\d \t\-.,]*\d[\d \t\-.,]*\d|[A-Z]-[A-Z0-9]-[A-Z0-9])"
)
_SENTENCE_START = re.compile(r"(?:^|[.?!\n])[ \t]*$")


# A room or hall named by a letter or a number after "in"/"at" ("the keynote is in Paul C at 915",
# "lunch is in Rome 3.15": "hall" and "room" misheard): a place in a building, not a person or a town.
_IN_BEFORE = re.compile(r"\b(?i:in|at)[ \t]+(?:[a-z]+[ \t]+)?$")
# The code: a letter ("Hall C", "Rome B 12") or a number with a dot ("Rome 3.15"); a whole number
# may be a postal district or a year ("born in Dublin 4", "in Paris 2024"), so the place stays.
_ROOM_CODE_AFTER = re.compile(r"[ \t]+(?:[A-Z](?![\w'])|\d{1,2}\.\d{1,2}(?![\d,]))")


def _names_a_room(text: str, start: int, end: int) -> bool:
    code = _ROOM_CODE_AFTER.match(text, end)
    return (
        code is not None
        and _IN_BEFORE.search(text, max(0, start - 20), start) is not None
        and not counts_something(text[code.end() : code.end() + 40])
        and len(text[start:end].split()) == 1
    )


def plausible_ner_result(text: str, entity: str, start: int, end: int) -> bool:
    """Whether the NER's PERSON or LOCATION ``text[start:end]`` can be one in a call."""
    if on("ner.organisation") and names_an_organisation(text, end):
        return False
    if on("ner.company_slot") and in_company_slot(text, start, end):
        return False
    if on("ner.room") and _names_a_room(text, start, end):
        return False
    if entity == "LOCATION":
        return (not on("ner.location") and False) or (
            on("ner.location") and (not on("ner.plausible_place") or plausible_place(text[start:end]))
        )
    if not on("ner.person"):
        return False
    trimmed = trim_name_span(text, start, end)
    if trimmed is None:
        return False
    start, end = trimmed
    if (
        on("ner.iban_heard")
        and _IBAN_HEARD.fullmatch(text[start:end])
        and _READ_ME_BEFORE.search(text, max(0, start - 24), start)
    ):
        return False
    if (
        on("ner.cue_heard_as_name")
        and re.fullmatch(r"[A-Za-z]+", text[start:end])
        and _CUE_HEARD_AS_NAME.match(text, end)
        and _SENTENCE_START.search(text, max(0, start - 4), start)
    ):
        return False
    return (not on("ner.plausible_name") or plausible_name(text[start:end])) and not (
        on("ner.determiner") and _DETERMINER_BEFORE.search(text, max(0, start - 8), start)
    )


# Words the NER takes for places in calls ("Mobile's 0, 7, 9 …" is not the town in Alabama).
_NOT_PLACE_WORDS = words("not_place_words")


def plausible_place(value: str) -> bool:
    """False for what spaCy's NER calls a place but is not one here: something holding digits
    ("B2.87"), capitals only ("IV"), a word of the call ("Mobile", "Post", "Mastercard", "Great"), or a
    name ending in an organisation word ("Redwood Analytics")."""
    words = value.split()
    letters = re.sub(r"[^A-Za-z]", "", value)
    if re.search(r"\d", value) or not words or (letters.isupper() and len(letters) <= 3):
        return False
    if re.sub(r"['’]s$", "", value.strip(" .,")).lower() in _NOT_PLACE_WORDS:
        return False
    return words[-1].lower().strip(".,") not in ORGANISATION_WORDS


class SpeechNerRecognizer(SpacyRecognizer):
    """presidio's spaCy recognizer (named as it, so results read the same), minus implausible results."""

    def __init__(self) -> None:
        super().__init__(supported_entities=["PERSON", "LOCATION"], name=NER_NAME)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        return [
            result
            for result in super().analyze(text, entities, nlp_artifacts)
            if plausible_ner_result(text, result.entity_type, result.start, result.end)
        ]
