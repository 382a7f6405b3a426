"""People's names: introduced ("my name is …"), said before a relation ("Morgan, my wife"), spelled
out ("K-O-W-A-L-S-K-I"), and the tidying of names spaCy's NER finds (common words trimmed off,
except where only a name can stand: "surname ready"; a word with digits or leetspeak is no name).
"""

from __future__ import annotations

import re

from postprocess.pii.core.base import SpanIndex, SpeechRecognizer, word_set
from postprocess.pii.core.rules import on
from postprocess.pii.core.words import (
    NOT_NAMES,
    ORGANISATION_WORDS,
    SPEAKING_HOW_CAN_I,
    STOP_WORDS,
    name_words,
    named_by_place,
    names_an_organisation,
)

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
_ANSWERING = re.compile(rf"(?<![A-Za-z'\-])(?P<words>(?:[A-Za-z][A-Za-z'\-]*[ \t]+){{1,2}}){SPEAKING_HOW_CAN_I}")


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
        while on("name.cue") and (match := _NAME_AFTER_CUE.search(text, position)):
            span = self._name_span(match, text)
            if span is not None:
                found.append(("PERSON", *span))
                spelling = _SPELLING_AFTER.match(text, span[1])
                if (
                    on("name.spelling_after")
                    and spelling
                    and re.sub(r"\W", "", spelling.group("letters")) not in _NOT_SPELLINGS
                ):
                    found.append(("PERSON", spelling.start("letters"), spelling.end("letters"), span[2]))
            # after a miss, look again from the words taken for a name ("hello this is sarah")
            position = match.end() if span is not None else match.start("name")
        for match in _NAME_BEFORE_SPEAKING.finditer(text):
            group = str(match.lastgroup)
            if not on(f"name.before_speaking.{group}"):
                continue
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
            for match in (_ANSWERING.finditer(text) if on("name.answering") else ())
            if (answered := _answering_name(match)) is not None and not taken.overlaps(*answered)
        ]
        taken = SpanIndex(found)
        for match in _NAME_BEFORE_RELATION.finditer(text) if on("name.relation") else ():
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
        if not strong and not on("name.weak_cue"):
            return None
        if "your" in match.group("gap").lower() and not on("name.your_gap"):
            return None
        if not strong and not on("name.weak_cue"):
            return None
        if "your" in match.group("gap").lower() and not on("name.your_gap"):
            return None
        if not strong and "\n" in match.group("gap"):
            return None  # a weak cue ends the segment: the capital after it only starts the next one
        if text.startswith(".", match.end("cue")) and cue not in _TITLES:
            return None  # "That would be Rafael Esposito, my daughter. Home is 0-2-0…": a sentence ends
        words = list(re.finditer(r"\S+", match.group("name")))
        kept = name_words([w.group() for w in words])
        start = match.start("name")
        if on("name.named_by_place") and not kept and named_by_place(text, start, start + words[0].end()):
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
        for match in _SPELLED.finditer(text) if on("name.spelled_out") else ():
            letters = re.findall(r"[A-Z]", match.group())
            if len(letters) >= 4 and not re.search(r"\d", match.group()):
                found.append(("PERSON", match.start(), match.end(), 0.6))
        return found
