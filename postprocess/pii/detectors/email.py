"""Email addresses: written, spoken ("jane dot doe at example dot com"), half of each ("name at
company.net"), and the residue recognition leaves of them after an email cue
("moderate.org. That temple mail.com", "pre-urunderscorcate mail.co.uk",
"moderate-not-14-net-temple-mail-not-com"), and after "email is" an
address whose domain recognition lost ("yourself not Watson at the"), and a local part whose words
recognition did not join ("Gareth not lintwist 43 at email.com").

Domains are checked against the public suffix list shipped with tldextract (never downloaded).
"""

from __future__ import annotations

import re

from postprocess.pii.core.base import SpeechRecognizer, word_set
from postprocess.pii.core.domains import TLD, host_shaped, valid_domain_end
from postprocess.pii.core.rules import on
from postprocess.pii.core.words import STOP_WORDS, words

# A local part is words joined by separators; words hold no separator characters, so a text
# splits into words one way only (no exponential backtracking on long "a-b-c-…" tokens).
_LOCAL_WORD = r"[a-z0-9%+]+"
_LOCAL_SEP = r"(?:[ \t]+(?:dot|period|underscore|dash|hyphen)[ \t]+|[._\-])"
_AT = r"(?P<at>[ \t]*@[ \t]*|,?[ \t]+at[ \t]+)"
_LABEL = r"[a-z0-9]+(?:-+[a-z0-9]+)*"
_DOT = r"(?:[ \t]+(?:dot|period)[ \t]+|\.)"
# A spoken domain may be words before its "dot" ("jackson family dot net", "temple mail dot com").
_SPOKEN_DOT = r"[ \t]+(?:dot|period)[ \t]+"
_EMAIL = re.compile(
    rf"(?<![\w@.%+\-'’])(?P<local>{_LOCAL_WORD}(?:{_LOCAL_SEP}{_LOCAL_WORD})*){_AT}"
    rf"(?P<domain>{_LABEL}(?:{_DOT}{_LABEL})+|{_LABEL}(?:[ \t]+{_LABEL}){{1,2}}(?:{_SPOKEN_DOT}{_LABEL})+)",
    re.IGNORECASE,
)
_DOMAIN_LABEL = re.compile(_LABEL, re.IGNORECASE)
_SPOKEN_WORD_SEP = re.compile(r"[ \t]+(?:dot|period)[ \t]+", re.IGNORECASE)
# Words before a spoken "at" that make it ordinary speech ("look at", "meet me at", "our website at
# example.com"), not an address.
_NOT_LOCAL_PART = words("not_local_part")


_EMAIL_CONTEXT = re.compile(r"\b(?:e-?mail|address|reach|write|contact|send)\b", re.IGNORECASE)
# An email cue and the fillers after it: "my email is", "by email at", "reach me at", "send it to".
# "email" followed by a dot is a label of the address ("seventy one at email dot com"), not its cue.
_EMAIL_CUE = re.compile(
    r"\b(?:e-?mail(?![ \t]+(?:dot|period)\b|\.\w)(?:[ \t]+address)?"
    r"(?:[ \t]+(?:is|was|at|on|me[ \t]+(?:at|on)))?|e-?mail's|"
    r"reach[ \t]+me[ \t]+(?:at|on)|write[ \t]+to(?:[ \t]+me[ \t]+at)?|contact[ \t]+me[ \t]+(?:at|on)|"
    r"send[ \t]+(?:it|them|that|this|me[ \t]+\w+|the[ \t]+\w+|a[ \t]+\w+)?[ \t]*to)[ \t]*:?[ \t]*",
    re.IGNORECASE,
)
_CUE_WORDS = 12
# Words between an email cue and the address ("the email on file should be …").
_LEADING_FILLERS = word_set("at is me on by to file should would will be it it's the please that's and")
_REPEAT_REACH = 50  # characters from a cue to its repeat when recognition wrote the same words again
_CUE_BREAKS = 3  # sentence breaks recognition put inside an address ("John. Smith. An example.com.")
_SPOKEN_DOTS = ("dot", "not", "dots", "period")
_SPOKEN_TLD = re.compile(rf"(?:{'|'.join(_SPOKEN_DOTS)})[ \t]+{TLD}\b", re.IGNORECASE)
# After a spoken "dot", a top-level domain also as recognition writes it: spelled out ("dot, U-K",
# "dot u.k.") or heard as a word ("not Ned" for "dot net"; "not come" is in ``TLD``).
_HEARD_TLD = re.compile(rf"{TLD}|ned", re.IGNORECASE)


def _address_end(words: list[re.Match[str]]) -> int:
    """The index of the last word that ends an address within ``words`` (-1 if none)."""
    last = -1
    for i, word in enumerate(words):
        token = word.group()
        if (
            host_shaped(token)
            or ("@" in token and host_shaped(token.rsplit("@", 1)[1]))  # "jane.doe@example.org"
            or (i > 0 and _spoken_tld(token, words[i - 1].group()))
        ):
            last = i
    return last


def _filler(word: re.Match[str]) -> bool:
    """A word that opens the answer to an email cue, not part of the address ("should be …")."""
    return word.group().lower().strip(",") in _LEADING_FILLERS


def _word_end(offset: int, word: re.Match[str]) -> int:
    """Where ``word``, found in the text from ``offset`` on, ends without the punctuation after it."""
    return offset + word.start() + len(word.group().rstrip(".,;:!?\"')"))


def _spoken_tld(token: str, previous: str) -> bool:
    """True for a top-level domain after a spoken "dot" ("dot com", "dot, U-K", "not Ned")."""
    if previous.lower().strip(",;:") not in _SPOKEN_DOTS:
        return False
    token = token.strip(".,;:!?")
    letters = re.split(r"[.\-]", token)
    spelled = "".join(letters) if all(len(letter) == 1 for letter in letters) else token
    return _HEARD_TLD.fullmatch(token) is not None or _HEARD_TLD.fullmatch(spelled) is not None


def cued_email_spans(text: str) -> list[tuple[int, int]]:
    """After an email cue, the words up to the last one that ends an address (within twelve words
    after the fillers that open the answer, counted afresh after a question, across at most three
    sentence breaks, not past an "or" once an address has ended): what recognition made of an
    address read out. A cue repeated after a sentence break ("What email should we use? The email
    on file should be …") leaves the span to the later one; a cue and the words after it that
    recognition wrote again ("send it to my Peterson, send it to my Peterson, family.net") start
    the span of the repeat when their own words reach no address end."""
    spans: dict[int, tuple[int, int]] = {}
    cues = list(_EMAIL_CUE.finditer(text))
    for index, cue in enumerate(cues):
        words: list[re.Match[str]] = []
        breaks = counted = 0
        for word in re.finditer(r"\S+", text[cue.end() : cue.end() + 200]):
            if counted >= _CUE_WORDS:
                break
            words.append(word)
            # the fillers that open the answer are not words of the address ("should be …")
            counted += counted > 0 or not _filler(word)
            if word.group().lower() == "or" and _address_end(words) >= 0:
                break  # "… dot com or jane dot doe at …": another address; before an address
                # ends, "or" is a word recognition made of it ("mate or lintvist at …")
            if word.group().endswith("?"):
                counted = 0  # the cue asked ("What email should we use?"): the answer starts here
            if re.search(r"[.?!]$", word.group()) and not host_shaped(word.group()):
                breaks += 1
                if breaks > _CUE_BREAKS:
                    break
        last = _address_end(words)
        if last < 0:
            continue
        first = 0
        for i, word in enumerate(words[:last]):
            if (
                on("email.pause_start")
                and re.search(r"[.?!]$", word.group())
                and text.startswith("\n", cue.end() + word.end())
                and any(_common_word(w.group()) for w in words[first : i + 1])
            ):
                # "… an email for the bills." | "tom underscore …": the address starts after the
                # pause; "Send it to J Rogers58." | "Let's beat into it.com": no word of speech
                # before the pause, so the address began before it
                first = i + 1
        while first < last and (_filler(words[first]) or not re.search(r"\w", words[first].group())):
            first += 1
        end = _word_end(cue.end(), words[last])
        start = cue.end() + words[first].start()
        if (
            index + 1 < len(cues)
            and start <= cues[index + 1].start() < end
            and re.search(r"[.?!]\s", text[cue.end() : cues[index + 1].start()])
        ):
            continue  # asked, then answered with the cue again: the later cue starts the answer
        spans[index] = (start, end)
    for index in range(len(cues) - 2, -1, -1) if on("email.cue_repeat") else ():
        repeated = text[cues[index].start() : cues[index + 1].start()]
        if (
            index not in spans
            and index + 1 in spans
            and len(repeated) <= _REPEAT_REACH
            and text[cues[index + 1].start() :].lower().startswith(repeated.lower())
        ):
            # the same words again ("send it to my Peterson, send it to my Peterson, …"): a loop
            spans[index] = (cues[index].end(), spans[index + 1][1])
    return sorted(spans.values())


# The words that join the parts of an address read out, by kind: dots, the "at", other separators.
_SEPARATOR_KINDS = {"dot": 0, "not": 0, "period": 0, "at": 1, "underscore": 2, "dash": 2, "hyphen": 2}


def separated_spans(text: str) -> list[tuple[int, int]]:
    """After "email is" (not "send it to"), the words of its sentence up to the word after the last
    separator, when separators of two kinds come after a first word ("yourself not Watson at the",
    "backland underscore with a curve hat with a curve family not that."): an address read out
    whose domain recognition lost or turned into words. "My email is down again" has none; one kind
    alone ("in the list, not in that list") is speech."""
    spans = []
    for cue in _EMAIL_CUE.finditer(text):
        if "mail" not in cue.group().lower():
            continue
        words: list[re.Match[str]] = []
        for word in re.finditer(r"\S+", text[cue.end() : cue.end() + 200]):
            if len(words) >= _CUE_WORDS:
                break
            words.append(word)
            if re.search(r"[.?!]$", word.group()) or text.startswith("\n", cue.end() + word.end()):
                break
        first = 0
        while first < len(words) and _filler(words[first]):
            first += 1
        separators = [
            i for i in range(first + 1, len(words)) if words[i].group().lower().strip(",.?!") in _SEPARATOR_KINDS
        ]
        kinds = {_SEPARATOR_KINDS[words[i].group().lower().strip(",.?!")] for i in separators}
        if len(kinds) < 2:
            continue
        last = words[min(separators[-1] + 1, len(words) - 1)]
        spans.append((cue.end() + words[first].start(), _word_end(cue.end(), last)))
    return spans


def _common_word(token: str) -> bool:
    """A word of ordinary speech, which no address holds ("for", "the", "bills" after one)."""
    return token.strip(".,;:!?\"'()").lower() in STOP_WORDS


# The start of a local part said aloud whose words recognition did not join ("Gareth not lintwist 43
# at email.com", "Tariq dot demir page 3 at …"): a word, a spoken dot ("dot", "not") or
# "underscore", and up to two more words right before the address as found.
_SPOKEN_LOCAL_BEFORE = re.compile(
    r"(?<![\w'])[A-Za-z0-9']+[ \t]+(?i:dot|not|underscore)[ \t]+(?:[A-Za-z0-9']+[ \t]+){0,2}$"
)


def _extend_over_spoken_local_part(text: str, start: int) -> int:
    before = _SPOKEN_LOCAL_BEFORE.search(text, max(0, start - 60), start)
    if before is None or before.group().split()[0].lower() in _NOT_LOCAL_PART:
        return start
    return before.start()


class SpokenEmailRecognizer(SpeechRecognizer):
    """Email addresses written, spoken ("dot", "at") or half of each, and their residue after an
    email cue."""

    ENTITIES = ("EMAIL_ADDRESS",)

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        found: list[tuple[int, int, float]] = []
        position = 0
        while on("email.pattern") and (match := _EMAIL.search(text, position)):
            valid = self._validated(match, text)
            if valid:
                found.append(valid)
            # after a miss, retry one character on: "email at john dot smith at example dot com"
            # first matches "email at john.smith", which is not an address
            position = match.end() if valid else match.start() + 1
        if on("email.cued"):
            found += [(s, e, 0.7) for s, e in cued_email_spans(text)]
        if on("email.separated"):
            found += [(s, e, 0.6) for s, e in separated_spans(text)]
        merged: list[tuple[int, int, float]] = []
        for start, end, score in sorted(found):
            if merged and start < merged[-1][1]:
                last = merged[-1]
                merged[-1] = (last[0], max(last[1], end), max(last[2], score))
            else:
                merged.append((start, end, score))
        return [("EMAIL_ADDRESS", start, end, score) for start, end, score in merged]

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
        spoken = spoken_at or bool(_SPOKEN_WORD_SEP.search(match.group()))
        if not spoken:
            score = 0.9
        else:
            score = 0.9 if _EMAIL_CONTEXT.search(text[max(0, match.start() - 60) : match.start()]) else 0.75
        start = match.start()
        if on("email.spoken_local_part"):
            start = _extend_over_spoken_local_part(text, start)
        return start, label_spans[keep - 1].end(), score
