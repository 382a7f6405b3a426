"""People's names: introduced ("my name is …"), said before a relation ("Morgan, my wife"), spelled
out ("K-O-W-A-L-S-K-I"), and the tidying of names spaCy's NER finds (common words trimmed off,
except where only a name can stand: "surname ready"; a word with digits or leetspeak is no name).
"""

from __future__ import annotations

import re

from postprocess.lean_imports import without_unused_ml_frameworks
from postprocess.recognizers.base import SpanIndex, SpeechRecognizer, word_set

with without_unused_ml_frameworks():
    from spacy.lang.en.stop_words import STOP_WORDS as _SPACY_STOP_WORDS

STOP_WORDS: frozenset[str] = frozenset(_SPACY_STOP_WORDS)

_STRONG_CUE = (
    r"(?:sur|sir |so |last |first |family |maiden )name(?: is|'s)?|surname|"
    r"my name is|my name's|name is|names is|the name is|the name's|speaking with|speak with|spoke with|spoke to|"
    r"talking to|talking with|talk to|talked to|talked with|speaking to|spoken to|ask for|asked for|"
    r"call me|i am called|you can call me|transfer you to|connect you with|put you through to|"
    r"this is agent|my colleague|my manager|my husband|my wife|my son|my daughter|my friend|my sister|"
    r"my brother|my partner|my mother|my father|my mum|my mom|my dad|"
    r"mr|mrs|ms|miss|dr|doctor"
)
# Weak cues take a capitalised name only: "thanks Callum", "hi, Calum", "no worries Siobhan",
# "Morning Jessica", "That's everything, Javier", "Lovely Jessica, you'll get a letter" (a call's
# closing).
_WEAK_CUE = (
    r"name|this is|it's|it is|i am|i'm|im|here is|here's|thanks|thank you|cheers|bye|goodbye|hi|hello|hey|"
    r"no worries|please add|that's everything|that's all|all done|morning|lovely"
)
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "doctor"})
_NAME_WORD = r"[A-Za-z][a-z'\-]*[A-Za-z]|[A-Z]"
# Between a cue and a capitalised name, "your" is a first name misheard ("I'm your Martin").
_NAME_AFTER_CUE = re.compile(
    rf"\b(?P<cue>{_STRONG_CUE}|{_WEAK_CUE})\.?(?P<gap>[ \t,]+(?:(?i:your)[ \t]+(?-i:(?=[A-Z])))?|[ \t,]*\n[ \t]*)"
    rf"(?P<name>(?:{_NAME_WORD})(?:[ \t]+(?:{_NAME_WORD})){{0,2}})",
    re.IGNORECASE,
)
_GREETING = re.compile(r"morning|afternoon|evening|hi|hello|hey|good", re.IGNORECASE)
_GREETING_BEFORE = re.compile(r"\b(?:hi|hello|hey|good (?:morning|afternoon|evening)|yes|yeah)[ \t,!.]*$", re.I)
_INTRO_AFTER = re.compile(r"^[ \t,]*(?:from|calling|speaking|here|with|at|of)\b", re.IGNORECASE)
NOT_NAMES = word_set(
    """
    calling speaking here from thanks thank sorry glad happy good great fine okay ok yes yeah no hi
    hello hey going trying looking interested afraid done sure right wrong available busy ready
    calling about regarding just really actually basically definitely probably maybe kind sort lot
    bit little pretty quite very also um uh like well gonna wanna gotta the customer support service
    team manager agent doctor officer number email phone address account card order morning
    afternoon evening today tomorrow yesterday name new old first last next one two three monday
    tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december english american spanish french german locked
    cheers perfect lovely update change receipt i'm i'll i've i'd
    """
)
# Words the NER tends to take for names in transcripts (sentence-initial, capitalized by ASR).
_NER_NOT_NAMES = word_set(
    """
    email e-mail mail text call ssn social python java customer support billing department thanks
    okay please sorry hello hi hey yes yeah bye goodbye cheers pin iban swift bic zip postcode password mobile
    landline
    passcode username account count number code sort routing passport licence license mr mrs ms miss dr
    visa mastercard amex coach carriage seat platform gate terminal
    """
)
# The last word of an organisation's name: the NER takes some for places ("Redwood Analytics").
ORGANISATION_WORDS = frozenset(
    {"analytics", "bank", "society", "operations", "team", "inc", "ltd", "llc", "plc", "group", "services",
     "solutions", "systems", "energy", "mutual", "insurance", "department", "company", "corporation", "corp",
     "partners", "labs", "technologies", "consulting", "agency", "associates", "holdings", "industries", "pharmacy",
     "clinic", "hospital", "surgery", "council", "centre", "center", "school", "university", "college", "office",
     "store", "shop", "hotel", "restaurant", "cafe", "line", "telecom", "broadband", "motors", "dental", "health",
     "healthcare", "water", "union", "airlines", "airways", "media", "logistics", "foods", "electric", "finance",
     "capital", "trust", "homes", "properties", "realty", "desk"}
)  # fmt: skip


def names_an_organisation(text: str, end: int) -> bool:
    """True when the word at or right after ``end`` ends an organisation's name ("Oak Ridge motors",
    "Chris Dental")."""
    last = re.search(r"([A-Za-z]+)\W*$", text[max(0, end - 20) : end])
    after = re.match(r"[ \t]+([A-Za-z]+)", text[end : end + 20])
    return any(m is not None and m.group(1).lower() in ORGANISATION_WORDS for m in (last, after))


# Characters a name never holds: digits and the symbols of leetspeak ("b1tch", "sh!t", "@ss").
_NOT_IN_NAMES = re.compile(r"[0-9@$*!#%&+=|\\/<>{}\[\]^~]")


def _name_words(words: list[str]) -> list[str]:
    """The leading words of ``words`` that can be a name: up to three capitalized words when the
    name starts capitalized, else up to two lowercase ones (ASR often writes names lowercase)."""
    capitalized = bool(words) and words[0][0].isupper()
    kept: list[str] = []
    for word in words:
        lowered = word.lower()
        if lowered in STOP_WORDS or lowered in NOT_NAMES:
            break
        if capitalized and not word[0].isupper():
            break
        kept.append(word)
    return kept[: 3 if capitalized else 2]


def plausible_name(value: str) -> bool:
    """False for what spaCy's NER calls a person but cannot be one: capitals only, three or fewer
    ("QQ", "UK")."""
    letters = re.sub(r"[^A-Za-z]", "", value)
    return not (letters.isupper() and len(letters) <= 3)


# First names that are also stop words: a name only where nothing else can stand ("My name is
# Will") or capitalised before the rest of a name ("May Chen").
_NAMES_AMONG_STOP_WORDS = word_set("will may")


def _first_name_among_stop_words(word: str) -> bool:
    return word[:1].isupper() and word.lower() in _NAMES_AMONG_STOP_WORDS


def trim_name_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` of ``text`` without leading/trailing common words the NER takes for parts
    of a name ("john yesterday", "Email"); None when nothing name-like is left, or when a word of
    it holds digits or leetspeak symbols ("b1tch" is no name)."""
    if _NOT_IN_NAMES.search(text, start, end):
        return None
    ignorable = STOP_WORDS | NOT_NAMES | _NER_NOT_NAMES

    def name_like(word: str) -> bool:
        bare = word.strip(".,;:!?'\"").lower().replace("’", "'")
        return bare not in ignorable and bare.split("'")[0] not in ignorable  # "you're", "I'm"

    every = [(m, name_like(m.group())) for m in re.finditer(r"\S+", text[start:end])]
    words = [
        m
        for i, (m, like) in enumerate(every)
        if like or (_first_name_among_stop_words(m.group()) and i + 1 < len(every) and every[i + 1][1])
    ]
    if not words:
        return (start, end) if _named_by_place(text, start, end) else None
    return start + words[0].start(), start + words[-1].end()


# How the phone is answered, as recognition writes it: "… speaking, how can I help?" ("O can I yield?").
# "speaking" also as recognition writes it before "how can I help?" ("Teakin", "deacon").
_SPEAKING_HOW_CAN_I = (
    r"(?:speaking|speakin'|[Tt]eakin|[Dd]eacon)[ \t]*[,.]?[ \t]*"
    r"(?i:(?:how|what|o)[ \t]+(?:can|may|could)[ \t]+I)\b"
)


# A word the lists above drop is still the name where nothing else can stand: right after a
# surname cue ("Hello, this is Sunita, surname ready.": Reddy heard as a word) or right before
# "speaking, how can I help?" ("a member ready speaking, how can I help?"). One word, not a stop
# word ("surname, please" and "the support team speaking" keep nothing).
_NAMED_BY_PLACE = re.compile(r"[A-Za-z][a-z'\-]+")
# "My name is Little": capitalised right after it, a word the lists drop is the name.
_MY_NAME_BEFORE = re.compile(r"\b(?i:my name is|my name's)[ \t,]+$")
_SURNAME_BEFORE = re.compile(r"\b(?i:(?:sur ?|sir |so |last |family )name)(?: is)?[ \t,]+$")
_ANSWERING_AFTER = re.compile(rf"[ \t]+{_SPEAKING_HOW_CAN_I}")


def _named_by_place(text: str, start: int, end: int) -> bool:
    word = text[start:end]
    if _NAMED_BY_PLACE.fullmatch(word) is None:
        return False
    my_name_before = word[0].isupper() and _MY_NAME_BEFORE.search(text, max(0, start - 16), start) is not None
    if _first_name_among_stop_words(word):
        return my_name_before
    return word.lower() in NOT_NAMES - STOP_WORDS - _NER_NOT_NAMES and bool(
        _SURNAME_BEFORE.search(text, max(0, start - 16), start) or _ANSWERING_AFTER.match(text, end) or my_name_before
    )


# "IT service desk, Callum MacLeod speaking", "Morning, Theresa Murphy here.": a name right before
# "speaking" (or "here" ending the sentence) that opens a sentence, follows a comma or a greeting,
# or is capitalised (how people answer the phone: "Lakeview Pharmacy Margaret Gallagher speaking");
# written lowercase, when "speaking" ends the phrase ("crystalline insurance, valentine right
# speaking, how can I help?").
_NAME_BEFORE_SPEAKING = re.compile(
    r"(?:(?:^|(?<=[,.?!:\n])[ \t]*|\b(?i:morning|afternoon|evening|hi|hello|hey)[ \t,]+)"
    r"(?P<name>[A-Z][a-z'\-]+(?:[ \t]+[A-Za-z][a-z'\-]+){0,2})[ \t]+(?i:speaking)\b"
    r"|(?:^|(?<=[,.?!:\n])[ \t]*)(?P<answering>[a-z][a-z'\-]+(?:[ \t]+[A-Za-z][a-z'\-]+){0,2})"
    r"[ \t]+speaking(?=[ \t]*[,.!?])"
    r"|(?<![\w'])(?P<capitalised>[A-Z][a-z'\-]+(?:[ \t]+[A-Z][a-z'\-]+){0,2})[ \t]+(?i:speaking)\b"
    r"|(?<![\w'])(?P<here>[A-Z][a-z'\-]+(?:[ \t]+[A-Z][a-z'\-]+){0,2})[ \t]+here(?=[ \t]*[.,!?\n]|$))",
    re.MULTILINE,
)


# How the phone is answered: "<name> speaking, how can I help?". The one or two words before
# "speaking" are the name whatever recognition made of them ("a member ready speaking, how can I
# help?", "valentine right speaking, O can I yield?").
_ANSWERING = re.compile(rf"(?<![A-Za-z'\-])(?P<words>(?:[A-Za-z][A-Za-z'\-]*[ \t]+){{1,2}}){_SPEAKING_HOW_CAN_I}")


def _answering_name(match: re.Match[str]) -> tuple[int, int] | None:
    """The name in "<name> speaking, how can I help?": the word before "speaking", and the one
    before that when it is capitalised ("Margaret gallagher"), back to a common word, a greeting
    or an organisation's last word."""
    words = list(re.finditer(r"\S+", match.group("words")))
    kept: list[re.Match[str]] = []
    for word in reversed(words):
        lowered = word.group().lower()
        if lowered in STOP_WORDS or lowered in ORGANISATION_WORDS or _GREETING.fullmatch(lowered):
            break
        if kept and not word.group()[0].isupper():
            break
        kept.insert(0, word)
    if not kept:
        return None
    return match.start("words") + kept[0].start(), match.start("words") + kept[-1].end()


# A name said before who the person is ("Yes, you need a Morgan, my wife.", "That would be Rafael
# Esposito, my daughter"): one or two capitalised words right before ", my <relation>".
_RELATIONS = r"wife|husband|partner|son|daughter|mother|father|mum|mom|dad|sister|brother|colleague|manager"
_NAME_BEFORE_RELATION = re.compile(
    rf"(?<![\w'\-])(?P<name>[A-Z][a-z'\-]+(?:[ \t]+[A-Z][a-z'\-]+)?),[ \t]+(?i:my)[ \t]+(?i:{_RELATIONS})\b"
)


# "Generally speaking", "frankly speaking": adverbs, not names.
_ADVERBS = word_set("frankly roughly broadly honestly strictly loosely properly publicly legally morally strictly")


def _adverb(word: str) -> bool:
    return len(word) >= 7 and word.lower().endswith("ally")


# "My name is Julian Pham, that's PHM": the name spelled (as heard) right after it.
_SPELLING_AFTER = re.compile(
    r"[ \t]*,?[ \t]*(?i:that's|that is|spelled|spelt)[ \t,]+(?P<letters>[A-Z](?:[\-. ]?[A-Z]){1,15})(?![\w\-])"
)
_NOT_SPELLINGS = frozenset({"OK", "AM", "PM", "US", "UK", "ID", "IT", "TV", "I", "A"})


class IntroducedNameRecognizer(SpeechRecognizer):
    """Person names right after an introduction cue, or right before "speaking", in any letter case,
    and the spelling that follows a name ("…, that's P-H-A-M")."""

    ENTITIES = ("PERSON",)

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        found = []
        position = 0
        while match := _NAME_AFTER_CUE.search(text, position):
            span = self._name_span(match, text)
            if span is not None:
                found.append(("PERSON", *span))
                spelling = _SPELLING_AFTER.match(text, span[1])
                if spelling and re.sub(r"\W", "", spelling.group("letters")) not in _NOT_SPELLINGS:
                    found.append(("PERSON", spelling.start("letters"), spelling.end("letters"), span[2]))
            # after a miss, look again from the words taken for a name ("hello this is sarah")
            position = match.end() if span is not None else match.start("name")
        for match in _NAME_BEFORE_SPEAKING.finditer(text):
            group = str(match.lastgroup)
            words = list(re.finditer(r"\S+", match.group(group)))
            while words and (
                _GREETING.fullmatch(words[0].group()) or words[0].group().lower() in ORGANISATION_WORDS | STOP_WORDS
            ):
                words = words[1:]  # "Morning Theresa Murphy here", "Pharmacy Margaret Gallagher speaking"
            if words and not any(
                w.group().lower() in STOP_WORDS | NOT_NAMES | _ADVERBS or _adverb(w.group()) for w in words
            ):
                # scored above the NER, whose result for the same span presidio would keep instead
                found.append(("PERSON", match.start(group) + words[0].start(), match.end(group), 0.9))
        taken = SpanIndex(found)  # the answers below fall inside their own matches, which never overlap
        found += [
            ("PERSON", *answered, 0.85)
            for match in _ANSWERING.finditer(text)
            if (answered := _answering_name(match)) is not None and not taken.overlaps(*answered)
        ]
        taken = SpanIndex(found)
        for match in _NAME_BEFORE_RELATION.finditer(text):
            said = match.group("name").lower().split()
            common = any(w in STOP_WORDS or w in NOT_NAMES for w in said)
            if not common and not taken.overlaps(*match.span("name")):
                found.append(("PERSON", *match.span("name"), 0.8))
        best: dict[tuple[str, int, int], float] = {}  # one result per span ("Morning Theresa Murphy here.")
        for kind, start, end, score in found:
            best[kind, start, end] = max(score, best.get((kind, start, end), 0.0))
        return [(kind, start, end, score) for (kind, start, end), score in best.items()]

    @staticmethod
    def _name_span(match: re.Match[str], text: str) -> tuple[int, int, float] | None:
        cue = match.group("cue").lower()
        strong = re.fullmatch(_WEAK_CUE, cue) is None
        if not strong and "\n" in match.group("gap"):
            return None  # a weak cue ends the segment: the capital after it only starts the next one
        if text.startswith(".", match.end("cue")) and cue not in _TITLES:
            return None  # "That would be Rafael Esposito, my daughter. Home is 0-2-0…": a sentence ends
        words = list(re.finditer(r"\S+", match.group("name")))
        kept = _name_words([w.group() for w in words])
        start = match.start("name")
        if not kept and _named_by_place(text, start, start + words[0].end()):
            kept = [words[0].group()]  # "surname ready"
        if not kept:
            return None
        end = start + words[len(kept) - 1].end()
        if text.startswith("&", end):
            return None  # "this is Q&A": a letter of an abbreviation
        if not strong:
            if names_an_organisation(text, end):
                return None  # "I'm Chris Dental", "I'm Christ dental": the company answering
            if not kept[0][0].isupper() and kept[0].lower().endswith(("ing", "ed", "ly")):
                return None  # "I'm moving house", "I'm locked out", "I am nearly there": not a name
            after = text[end : end + 20]
            before = text[max(0, match.start() - 20) : match.start()]
            cued = _INTRO_AFTER.match(after) or _GREETING_BEFORE.search(before)
            if not (cued or (kept[0][0].isupper() and not text.isupper())):
                return None
        return start, end, 0.85 if strong else 0.7


# "K-O-W-A-L-S-K-I", "K O W A L S K I": a name (or an address) spelled for the listener. Four
# or more single capitals (digits may follow), joined by dashes, dots or spaces; recognition may
# run the first two or three together ("IBK-O-S-V-V-L-V-N"), or end it on a dash ("R-A-D-O-E-S-M-M-I-").
_SPELLED = re.compile(r"(?<![\w\-.])[A-Z]{1,3}(?:(?:[ \t]*[\-.,][ \t]*|[ \t]+)[A-Z0-9]){3,}(?!\w|-\w)")


class SpelledOutRecognizer(SpeechRecognizer):
    """Names spelled out letter by letter, as PERSON (what callers spell is mostly their name)."""

    ENTITIES = ("PERSON",)

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        found = []
        for match in _SPELLED.finditer(text):
            letters = re.findall(r"[A-Z]", match.group())
            if len(letters) >= 4 and not re.search(r"\d", match.group()):
                found.append(("PERSON", match.start(), match.end(), 0.6))
        return found
