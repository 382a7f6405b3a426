"""presidio recognizers for PII the way speech recognition writes it.

They run on text whose spoken numbers were already rewritten into digits
(``postprocess.spoken``), so "five five five, one two three, four five six seven" arrives as
"5 5 5, 1 2 3, 4 5 6 7":

- ``DigitSequenceRecognizer``: phone numbers, card numbers and US SSNs from digit runs split by
  spaces, commas, dots, dashes or brackets, told apart by length, Luhn and nearby context, with
  prices, counts, thousands, versions and IP addresses left alone.
- ``SpokenEmailRecognizer``: written, spoken ("jane dot doe at example dot com") and half-written
  ("name at company.net") addresses, validated against the public suffix list shipped with
  tldextract (never downloaded).
- ``IntroducedNameRecognizer``: names introduced by "my name is", "this is", "speaking with", …
  in any letter case (spaCy's NER misses lowercase names).
- ``SpokenIpRecognizer`` and ``SpokenIbanRecognizer``: IPv4 addresses read out group by group,
  and IBANs as capitals and digit groups in whatever grouping recognition chose.
- ``StreetAddressRecognizer``: house number, street name and street type ("22 Baker Street")
  as LOCATION.
- ``SpelledOutRecognizer``: names spelled letter by letter ("K-O-W-A-L-S-K-I") as PERSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from postprocess.lean_imports import without_unused_ml_frameworks

with without_unused_ml_frameworks():
    from presidio_analyzer import EntityRecognizer, RecognizerResult
    from presidio_analyzer.predefined_recognizers import IpRecognizer
    from spacy.lang.en.stop_words import STOP_WORDS


def recognizer_result(
    recognizer: EntityRecognizer, entity: str, start: int, end: int, score: float
) -> RecognizerResult:
    """A presidio result credited to ``recognizer`` (presidio's bookkeeping needs its name and id)."""
    metadata = {
        RecognizerResult.RECOGNIZER_NAME_KEY: recognizer.name,
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
    }
    return RecognizerResult(entity, start, end, score, recognition_metadata=metadata)


class SpeechRecognizer(EntityRecognizer):
    """A rule-based recognizer with nothing to load, named after its class, finding ``ENTITIES``."""

    ENTITIES: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__(supported_entities=list(self.ENTITIES), name=type(self).__name__)

    def load(self) -> None:  # nothing to load
        return None


def _word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


# -- digit sequences -----------------------------------------------------------------------------
_DIGIT_RUN = re.compile(r"(?<![\w.@])\+?\(?\d(?:(?:[ \t]{0,2}[,.\-–/)(]?[ \t]{0,2})\(?\d)*")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL = re.compile(r"\d+\.\d{1,2}")
_MONEY_BEFORE = re.compile(r"[$£€¥]\s*$")
_UNIT_AFTER = re.compile(
    r"^\s*(?:%|percent|dollars?|bucks|euros?|pounds?|cents?|k\b|million|billion|thousand|years?|"
    r"kilo\w*|miles?|meters?|metres?|kg|km|mb|gb|people|users|times|hours?|minutes?|seconds?|days?)",
    re.IGNORECASE,
)
_PHONE_CONTEXT = re.compile(
    r"\b(?:phone|number|call|calling|cell|mobile|reach|text|dial|extension|contact|fax|whatsapp|landline)\b",
    re.IGNORECASE,
)
# Words about calling someone; "number" alone is too common for runs recognition left short.
_CALL_CONTEXT = re.compile(r"\b(?:phone|call|calling|cell|mobile|reach|dial|landline|whatsapp)\b", re.I)
_CARD_CONTEXT = re.compile(r"\b(?:card|visa|mastercard|master card|amex|american express|credit|debit)\b", re.I)
_SSN_CONTEXT = re.compile(r"\b(?:social|security|ssn|s\.? ?s\.? ?n)\b", re.IGNORECASE)
_CONTEXT_WINDOW = 60
_PLUS_BEFORE = re.compile(r"\bplus[ \t,]*$", re.IGNORECASE)


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` passes the Luhn checksum used by payment card numbers."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def ssn_plausible(digits: str) -> bool:
    """US SSN structure: area not 000/666, group not 00, serial not 0000."""
    return digits[:3] not in ("000", "666") and digits[3:5] != "00" and digits[5:] != "0000"


def _digit_groups(run: str) -> list[int]:
    return [len(g) for g in re.findall(r"\d+", run)]


# A card's security code or expiry date right after its name: part of the card data.
# "the card number ..." right before a run: recognition drops digits of a number read out, and
# even a partial card number is card data.
_CARD_NUMBER_BEFORE = re.compile(
    r"\b(?:card|visa|mastercard|amex)[ \t]+(?:number|no\.?)(?:[ \t]+(?:is|was|reads|of))?[ \t,:]*$", re.IGNORECASE
)
_CARD_DETAIL_BEFORE = re.compile(
    r"\b(?:security[ \t]+code|cvv2?|cvc|cv2|card[ \t]+verification(?:[ \t]+code)?|expiry|expiration|"
    r"exp(?:iry)?[ \t]+date|valid[ \t]+(?:until|thru|through))(?:[ \t]+(?:number|code|date))?"
    r"(?:[ \t]+is|[ \t]+of|:)?[ \t,]*$",
    re.IGNORECASE,
)


def _mostly_groups_of_four(run: str) -> bool:
    groups = _digit_groups(run)
    return len(groups) >= 4 and sum(g == 4 for g in groups) >= 0.75 * len(groups)


def classify_digit_run(run: str, before: str, after: str) -> tuple[str, float] | None:
    """The PII type and score of one digit run given the text before and after it, or None."""
    digits = re.sub(r"\D", "", run)
    n = len(digits)
    if _MONEY_BEFORE.search(before) or _UNIT_AFTER.match(after):
        return None
    if _IPV4.fullmatch(run) or _THOUSANDS.fullmatch(run) or _DECIMAL.fullmatch(run):
        return None
    near = before[-_CONTEXT_WINDOW:]
    if 2 <= n <= 4 and _CARD_DETAIL_BEFORE.search(before):  # 2: a digit lost in recognition
        return "CREDIT_CARD", 0.8
    if 6 <= n <= 12 and _CARD_NUMBER_BEFORE.search(before):
        return "CREDIT_CARD", 0.7
    if 10 <= n <= 15 and (run.startswith("+") or _PLUS_BEFORE.search(before)):  # international: +44 7700 ...
        return "PHONE_NUMBER", 0.85 if _PHONE_CONTEXT.search(near) else 0.75
    if 8 <= n <= 12 and n != 9 and _SSN_CONTEXT.search(near):  # digits lost or repeated in recognition
        return "US_SSN", 0.7
    if n > 19 and (_CARD_CONTEXT.search(near) or _mostly_groups_of_four(run)):
        return "CREDIT_CARD", 0.6  # recognition repeating groups of a card number ("card" misheard too)
    if 13 <= n <= 19:
        if luhn_valid(digits):
            return "CREDIT_CARD", 0.9
        if _CARD_CONTEXT.search(near):
            return "CREDIT_CARD", 0.75
        return ("CREDIT_CARD", 0.6) if n in (15, 16) else None
    if n == 9:
        if _SSN_CONTEXT.search(near) and ssn_plausible(digits):
            return "US_SSN", 0.85
        if _PHONE_CONTEXT.search(near):  # a phone number with a digit lost in recognition
            return "PHONE_NUMBER", 0.55
        if _digit_groups(run) == [3, 2, 4] and ssn_plausible(digits):
            return "US_SSN", 0.6
        return None
    if n == 10 or (n == 11 and digits[0] in "01"):  # 11 digits: +1 country code, or a 0 trunk prefix
        return "PHONE_NUMBER", 0.85 if _PHONE_CONTEXT.search(near) else 0.7
    if n in (11, 12) and _PHONE_CONTEXT.search(near):
        return "PHONE_NUMBER", 0.6
    if n == 8 and _CALL_CONTEXT.search(near):  # a phone number with digits lost in recognition
        return "PHONE_NUMBER", 0.55
    if n == 7:
        if _PHONE_CONTEXT.search(near):
            return "PHONE_NUMBER", 0.7
        if _digit_groups(run) == [3, 4]:
            return "PHONE_NUMBER", 0.55
    return None


class DigitSequenceRecognizer(SpeechRecognizer):
    """Phone, card and SSN numbers from digit runs (written or rewritten from speech)."""

    ENTITIES = ("PHONE_NUMBER", "CREDIT_CARD", "US_SSN")

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        results = []
        for match in _DIGIT_RUN.finditer(text):
            run = match.group().rstrip("(")
            before = text[max(0, match.start() - _CONTEXT_WINDOW) : match.start()]
            found = classify_digit_run(run, before, text[match.end() : match.end() + 20])
            if found and found[0] in entities:
                start = match.start()
                if found[0] == "PHONE_NUMBER" and (plus := _PLUS_BEFORE.search(before)):
                    start -= len(before) - plus.start()  # "plus 44 ...": the prefix is part of the number
                results.append(recognizer_result(self, found[0], start, match.start() + len(run), found[1]))
        return results


# -- email addresses -----------------------------------------------------------------------------
# A local part is words joined by separators; words hold no separator characters, so a text
# splits into words one way only (no exponential backtracking on long "a-b-c-…" tokens).
_LOCAL_WORD = r"[a-z0-9%+]+"
_LOCAL_SEP = r"(?:[ \t]+(?:dot|period|underscore|dash|hyphen)[ \t]+|[._\-])"
_AT = r"(?P<at>[ \t]*@[ \t]*|,?[ \t]+(?:at|and)[ \t]+)"
_LABEL = r"[a-z0-9]+(?:-+[a-z0-9]+)*"
_DOT = r"(?:[ \t]+(?:dot|period)[ \t]+|\.)"
_EMAIL = re.compile(
    rf"(?<![\w@.%+\-])(?P<local>{_LOCAL_WORD}(?:{_LOCAL_SEP}{_LOCAL_WORD})*){_AT}(?P<domain>{_LABEL}(?:{_DOT}{_LABEL})+)",
    re.IGNORECASE,
)
_DOMAIN_LABEL = re.compile(_LABEL, re.IGNORECASE)
_SPOKEN_WORD_SEP = re.compile(r"[ \t]+(?:dot|period)[ \t]+", re.IGNORECASE)
# Words before a spoken "at" that make it ordinary speech ("look at", "meet me at"), not an address.
_NOT_LOCAL_PART = _word_set(
    """
    me us him her them it you i we they this that these those what who where here there is are was
    were be been look looked looking meet met stay stayed arrive arrived arriving home work school
    least all once best most first last him it's there's one time noon night the a an and or but
    """
)
_EMAIL_CONTEXT = re.compile(r"\b(?:e-?mail|address|reach|write|contact|send)\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def offline_suffix_extractor() -> Any:
    """A tldextract extractor that uses only the suffix list bundled with the package."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def valid_domain_end(labels: list[str]) -> int:
    """How many leading ``labels`` form the longest valid domain (registered name + public suffix)."""
    extract = offline_suffix_extractor()
    for k in range(len(labels), 1, -1):
        parts = extract(".".join(labels[:k]))
        if parts.domain and parts.suffix:
            return k
    return 0


# "my email is …": what follows, up to a word ending in a valid domain, is an address however
# recognition mangled it ("jain.go and mampl.com", "www.cavenunderstoreleatgmail.com").
_EMAIL_CUE = re.compile(r"\be-?mail(?:[ \t]+address)?(?:[ \t]+is|'s|:|[ \t]+me[ \t]+(?:at|on))[ \t]+", re.IGNORECASE)
_CUE_WORDS = 4


def cued_email_span(text: str) -> list[tuple[int, int]]:
    """Spans after an "email is" cue that end in a word holding a valid domain."""
    spans = []
    for cue in _EMAIL_CUE.finditer(text):
        for i, word in enumerate(re.finditer(r"\S+", text[cue.end() :])):
            if i >= _CUE_WORDS:
                break
            token = word.group().rstrip(".,;:!?")
            if "." in token and valid_domain_end(token.lower().strip(".").split(".")):
                spans.append((cue.end(), cue.end() + word.start() + len(token)))
                break
    return spans


def _extend_to_cue(text: str, start: int) -> int:
    """An address start moved back to an "email is" cue one or two words before it
    ("my email is m johnson at …" covers "m johnson")."""
    window = text[max(0, start - 40) : start]
    for cue in _EMAIL_CUE.finditer(window):
        between = window[cue.end() :].split()
        if 0 < len(between) <= 2 and not any(w.lower() in _NOT_LOCAL_PART for w in between):
            return start - (len(window) - cue.end())
    return start


class SpokenEmailRecognizer(SpeechRecognizer):
    """Email addresses written, spoken ("dot", "at") or half of each."""

    ENTITIES = ("EMAIL_ADDRESS",)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if "EMAIL_ADDRESS" not in entities:
            return []
        found_spans: list[tuple[int, int, float]] = []
        position = 0
        while match := _EMAIL.search(text, position):
            valid = self._validated(match, text)
            if valid:
                found_spans.append(valid)
            # after a miss, retry one character on: "email at john dot smith at example dot com"
            # first matches "email at john.smith", which is not an address
            position = match.end() if valid else match.start() + 1
        found_spans += [
            (s, e, 0.6)
            for s, e in cued_email_span(text)
            if not any(s < f_end and e > f_start for f_start, f_end, _ in found_spans)
        ]
        return [recognizer_result(self, "EMAIL_ADDRESS", start, end, score) for start, end, score in found_spans]

    @staticmethod
    def _validated(match: re.Match[str], text: str) -> tuple[int, int, float] | None:
        label_matches = list(_DOMAIN_LABEL.finditer(text, match.start("domain"), match.end("domain")))
        labels = [m.group().lower() for m in label_matches if m.group().lower() not in ("dot", "period")]
        label_spans = [m for m in label_matches if m.group().lower() not in ("dot", "period")]
        keep = valid_domain_end(labels)
        if not keep:
            return None
        spoken_at = "@" not in match.group("at")
        local_words = re.findall(_LOCAL_WORD, match.group("local"), re.IGNORECASE)
        if spoken_at and (local_words[-1].lower() in _NOT_LOCAL_PART or labels[0] in STOP_WORDS):
            return None
        if "and" in match.group("at").lower() and not (
            re.search(r"[._]", match.group("local")) and "." in match.group("domain")
        ):  # "and" heard for "at": only between two written-looking halves
            return None
        spoken = spoken_at or bool(_SPOKEN_WORD_SEP.search(match.group()))
        if not spoken:
            score = 0.9
        else:
            score = 0.9 if _EMAIL_CONTEXT.search(text[max(0, match.start() - 60) : match.start()]) else 0.75
        return _extend_to_cue(text, match.start()), label_spans[keep - 1].end(), score


# -- introduced names ----------------------------------------------------------------------------
_STRONG_CUE = (
    r"my name is|my name's|name is|names is|the name is|speaking with|speak with|spoke with|spoke to|"
    r"talking to|talking with|talk to|talked to|talked with|speaking to|spoken to|ask for|asked for|"
    r"call me|i am called|you can call me|transfer you to|connect you with|put you through to|"
    r"this is agent|my colleague|my manager|my husband|my wife|my son|my daughter|my friend|"
    r"mr|mrs|ms|miss|dr|doctor"
)
_WEAK_CUE = r"this is|it's|it is|i am|i'm|im|here is|here's"
_NAME_WORD = r"[A-Za-z][a-z'\-]*[A-Za-z]|[A-Z]"
_NAME_AFTER_CUE = re.compile(
    rf"\b(?P<cue>{_STRONG_CUE}|{_WEAK_CUE})\.?[ \t,]+(?P<name>(?:{_NAME_WORD})(?:[ \t]+(?:{_NAME_WORD})){{0,2}})",
    re.IGNORECASE,
)
_GREETING_BEFORE = re.compile(r"\b(?:hi|hello|hey|good (?:morning|afternoon|evening)|yes|yeah)[ \t,!.]*$", re.I)
_INTRO_AFTER = re.compile(r"^[ \t,]*(?:from|calling|speaking|here|with|at|of)\b", re.IGNORECASE)
_NOT_NAMES = _word_set(
    """
    calling speaking here from thanks thank sorry glad happy good great fine okay ok yes yeah no hi
    hello hey going trying looking interested afraid done sure right wrong available busy ready
    calling about regarding just really actually basically definitely probably maybe kind sort lot
    bit little pretty quite very also um uh like well gonna wanna gotta the customer support service
    team manager agent doctor officer number email phone address account card order morning
    afternoon evening today tomorrow yesterday name new old first last next one two three monday
    tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december english american spanish french german
    """
)


def _name_words(words: list[str]) -> list[str]:
    """The leading words of ``words`` that can be a name: up to three capitalized words when the
    name starts capitalized, else up to two lowercase ones (ASR often writes names lowercase)."""
    capitalized = bool(words) and words[0][0].isupper()
    kept: list[str] = []
    for word in words:
        lowered = word.lower()
        if lowered in STOP_WORDS or lowered in _NOT_NAMES:
            break
        if capitalized and not word[0].isupper():
            break
        kept.append(word)
    return kept[: 3 if capitalized else 2]


# Words the NER tends to take for names in transcripts (sentence-initial, capitalized by ASR).
_NER_NOT_NAMES = _word_set(
    """
    email e-mail mail text call ssn social python java customer support billing department thanks
    okay please sorry hello hi hey yes yeah bye goodbye cheers
    """
)


def trim_name_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` of ``text`` without leading/trailing common words the NER takes for parts
    of a name ("john yesterday", "Email"); None when nothing name-like is left."""
    ignorable = STOP_WORDS | _NOT_NAMES | _NER_NOT_NAMES
    words = [m for m in re.finditer(r"\S+", text[start:end]) if m.group().strip(".,;:!?'\"").lower() not in ignorable]
    if not words:
        return None
    return start + words[0].start(), start + words[-1].end()


class IntroducedNameRecognizer(SpeechRecognizer):
    """Person names right after an introduction cue, in any letter case."""

    ENTITIES = ("PERSON",)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if "PERSON" not in entities:
            return []
        spans = [found for match in _NAME_AFTER_CUE.finditer(text) if (found := self._name_span(match, text))]
        return [recognizer_result(self, "PERSON", start, end, score) for start, end, score in spans]

    @staticmethod
    def _name_span(match: re.Match[str], text: str) -> tuple[int, int, float] | None:
        cue = match.group("cue").lower()
        strong = re.fullmatch(_WEAK_CUE, cue) is None
        words = list(re.finditer(r"\S+", match.group("name")))
        kept = _name_words([w.group() for w in words])
        if not kept:
            return None
        start = match.start("name")
        end = start + words[len(kept) - 1].end()
        if not strong:
            after = text[end : end + 20]
            before = text[max(0, match.start() - 20) : match.start()]
            cued = _INTRO_AFTER.match(after) or _GREETING_BEFORE.search(before)
            if not (cued or (kept[0][0].isupper() and not text.isupper())):
                return None
        return start, end, 0.85 if strong else 0.7


# -- IP addresses --------------------------------------------------------------------------------
_VERSION_BEFORE = re.compile(r"\b(?:version|release|build|v|python|ios|android|macos|windows)[ \t]*$", re.I)


class VersionAwareIpRecognizer(IpRecognizer):
    """presidio's IP recognizer, minus dotted version numbers ("version 1.2.3.4")."""

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        found = super().analyze(text, entities, nlp_artifacts)
        return [r for r in found if not _VERSION_BEFORE.search(text[max(0, r.start - 20) : r.start])]


_IP_GROUP = r"\d(?:[ \t]*,?[ \t]*\d){0,2}"  # up to three digits, read one by one or as a number
_IP_SEP = r"(?:[ \t]*,?[ \t]*(?:dot|point|period|not)[ \t]*,?[ \t]*|[ \t]*\.[ \t]*)"  # "not": "dot" misheard
_SPOKEN_IP = re.compile(rf"(?<![\w.]){_IP_GROUP}(?:{_IP_SEP}{_IP_GROUP}){{3}}(?![\w]|\.\d)", re.IGNORECASE)
_IP_CONTEXT = re.compile(r"\b(?:ip|i\.?p\.?|address|server|host|router|gateway|subnet|machine|node)\b", re.I)


class SpokenIpRecognizer(SpeechRecognizer):
    """IPv4 addresses read out: "1 9 2 dot 1 6 8 dot 1 dot 10", "10 point 0 point 0 point 2 54".

    Four groups of at most three digits (each at most 255) joined by "dot", "point" or a dot.
    "Not" (a common mishearing of "dot") and "point" count only near a word such as "IP",
    "address" or "server"; dotted version numbers are left alone.
    """

    ENTITIES = ("IP_ADDRESS",)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if "IP_ADDRESS" not in entities:
            return []
        results = []
        for match in _SPOKEN_IP.finditer(text):
            groups = [re.sub(r"\D", "", g) for g in re.split(_IP_SEP, match.group(), flags=re.IGNORECASE)]
            if len(groups) != 4 or any(not 1 <= len(g) <= 3 or int(g) > 255 for g in groups):
                continue
            if _IPV4.fullmatch(match.group()):
                continue  # written form: presidio's IP recognizer has it
            before = text[max(0, match.start() - _CONTEXT_WINDOW) : match.start()]
            if _VERSION_BEFORE.search(before[-20:]):
                continue
            context = bool(_IP_CONTEXT.search(before))
            loose = re.search(r"\b(?:not|point)\b", match.group(), re.IGNORECASE)
            if loose and not context:
                continue
            results.append(recognizer_result(self, "IP_ADDRESS", match.start(), match.end(), 0.85 if context else 0.7))
        return results


# -- bank account numbers (IBAN) -----------------------------------------------------------------
# Speech recognition writes a read-out IBAN as capital letters and digit groups, often with the
# letters glued to the digits and the grouping wrong: "G B 8 2 W E S T 1 2 3 4 ...", "GBA2W EST1 2 3",
# "GB82 West 1,234,698 ...". A run starts with capitals or digits; a short capitalised word may
# follow once digits have begun.
_FIRST_TOKEN = r"[A-Z0-9]{1,6}(?!\w)"
_NEXT_TOKEN = r"(?:[A-Z0-9]{1,6}|[A-Z][a-z]{1,4})(?!\w)"
# Tokens are joined by spaces, commas, dashes or slashes, or by a dot with no space (a dot and a
# space end a sentence: "... 1111. I really ...").
_ACCOUNT_RUN = re.compile(rf"(?<![\w.@]){_FIRST_TOKEN}(?:(?:[ \t]*[,\-/]?[ \t]*|\.){_NEXT_TOKEN})+")
_TRAILING_WORDS = re.compile(r"(?:[ \t,.\-/]+(?:[A-Z][a-z]{1,4}|I|A))+$")  # "... 4 3 2 Thank you", "... 2 I"
_IBAN_CONTEXT = re.compile(r"\b(?:iban|i[ -]ban|eye[ -]?ban|bank|account|wire|transfer|swift|bic)\b", re.I)
_IBAN_MIN_DIGITS = 10
_IBAN_CHARS = range(15, 41)  # IBANs are 15 to 34 characters; recognition adds a few


class SpokenIbanRecognizer(SpeechRecognizer):
    """IBANs as speech recognition writes them: capitals and digit groups, any grouping.

    A run of capital-letter and digit tokens with letters and at least ten digits is an account
    number (spoken phone, card and SSN numbers hold no letters); the score is higher near a word
    such as "IBAN", "bank" or "account". Written IBANs are left to presidio's checksum recognizer.
    """

    ENTITIES = ("IBAN_CODE",)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if "IBAN_CODE" not in entities:
            return []
        results = []
        for match in _ACCOUNT_RUN.finditer(text):
            start, run = match.start(), match.group()
            while run[:2] in ("I ", "A "):  # a sentence word, not a country code
                start, run = start + 2, run[2:]
            run = _TRAILING_WORDS.sub("", run)
            chars = re.sub(r"[^A-Z0-9]", "", run)
            if not re.search(r"[A-Z]", chars) or len(re.sub(r"\D", "", chars)) < _IBAN_MIN_DIGITS:
                continue
            if len(chars) not in _IBAN_CHARS:
                continue
            before = text[max(0, start - _CONTEXT_WINDOW) : start]
            score = 0.85 if _IBAN_CONTEXT.search(before) else 0.6
            results.append(recognizer_result(self, "IBAN_CODE", start, start + len(run), score))
        return results


# -- words spelled out letter by letter -----------------------------------------------------------
# "K-O-W-A-L-S-K-I", "K O W A L S K I": a name (or an address) spelled for the listener. Four
# or more single capitals (digits may follow), joined by dashes, dots or spaces.
_SPELLED = re.compile(r"(?<![\w\-.])[A-Z](?:(?:[ \t]*[\-.][ \t]*|[ \t]+)[A-Z0-9]){3,}(?![\w\-])")


class SpelledOutRecognizer(SpeechRecognizer):
    """Names spelled out letter by letter, as PERSON (what callers spell is mostly their name)."""

    ENTITIES = ("PERSON",)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if "PERSON" not in entities:
            return []
        results = []
        for match in _SPELLED.finditer(text):
            letters = re.findall(r"[A-Z]", match.group())
            if len(letters) >= 4:
                results.append(recognizer_result(self, "PERSON", match.start(), match.end(), 0.6))
        return results

    @classmethod
    def found(cls, result: RecognizerResult) -> bool:
        """True when this recognizer produced ``result`` (its span is letters, not a name to trim)."""
        metadata = result.recognition_metadata or {}
        return metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY) == cls.__name__


# -- street addresses ----------------------------------------------------------------------------
_STREET_TYPE = (
    r"(?i:street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|terrace|close|"
    r"crescent|parkway|pkwy|highway|hwy|square|sq|row|mews|gardens|grove|hill)\b\.?"
)
# House number, one to three street-name words, a street type: "22 Baker Street", "1600 Pennsylvania
# Avenue". Capitalised names stand alone; lowercase ones ("22 baker street") need a cue before them,
# or "sold 3 cars on the street" would be an address.
_STREET_ADDRESS = re.compile(
    rf"\b\d{{1,5}}[A-Za-z]?(?:,?[ \t]+(?P<name>(?:[A-Za-z][a-z'\-]*[ \t]+){{1,3}})){_STREET_TYPE}"
)
_ADDRESS_CUE = re.compile(r"\b(?:live[sd]?|living|address|located|moved|based|stay(?:ing)?|send)\b[^.]{0,30}$", re.I)


class StreetAddressRecognizer(SpeechRecognizer):
    """Street addresses (house number, street name, street type) as LOCATION."""

    ENTITIES = ("LOCATION",)

    def analyze(self, text: str, entities: list[str], nlp_artifacts: Any = None) -> list[RecognizerResult]:
        if "LOCATION" not in entities:
            return []
        results = []
        for match in _STREET_ADDRESS.finditer(text):
            words = match.group("name").split()
            capitalised = all(w[0].isupper() for w in words)
            cued = bool(_ADDRESS_CUE.search(text[max(0, match.start() - 40) : match.start()]))
            if any(w.lower() in STOP_WORDS for w in words) or not (capitalised or cued):
                continue
            results.append(recognizer_result(self, "LOCATION", match.start(), match.end(), 0.8 if cued else 0.7))
        return results


def speech_recognizers() -> Iterable[EntityRecognizer]:
    """The recognizers written for speech-recognition output, and the version-aware IP recognizer."""
    return (
        DigitSequenceRecognizer(),
        SpokenEmailRecognizer(),
        IntroducedNameRecognizer(),
        VersionAwareIpRecognizer(),
        SpokenIpRecognizer(),
        SpokenIbanRecognizer(),
        StreetAddressRecognizer(),
        SpelledOutRecognizer(),
    )
