"""Secrets said out loud after a cue: passwords, passphrases and usernames.

A password can be any words ("copper kettle forty two" comes back as "copper cattle 42"), so
only the cue tells it apart: what follows "password", "passcode", "passphrase", "memorable word"
(or the answer that follows "… set a telephone password?" "Make it dragon castle nine.") up to the
end of the sentence, at most six words, is a PASSWORD, and so is what a thing was reset to ("I've
reset it to maple syrup sunrise": the noun is often in another sentence, or misheard); what
follows "username", "user ID", "login" is a USERNAME. A passcode of digits only is a PIN
(``numbers``).

Recognition garbles the cue too: "password is" comes back as "past of this", "passcode" as
"passport" or "past gold", "I've reset your account" as "I represent your account". And when the
cue asks ("And your password." "and the login."), a short next sentence that does not talk is the
answer, even after the cue's noun misheard ("Pascal is winter forest.").
"""

from __future__ import annotations

import re

from postprocess.pii.core.base import SpeechRecognizer
from postprocess.pii.core.rules import on
from postprocess.pii.core.words import words

_PASSWORD_CUE = re.compile(
    r"\b(?:pass ?words?|(?:pass|past|pest) ?codes?|past gold(?= is\b)|pass ?phrases?|memorable (?:word|phrase)|"
    r"secret (?:word|phrase)|"
    r"security (?:word|phrase|answer)|pestled?)\b",
    re.IGNORECASE,
)
# "I've reset it to maple syrup sunrise": what a credential is reset to, with no noun before.
_RESET_TO = re.compile(r"\b(?:re-?set|changed) (?:it|that|this|them) to\b", re.IGNORECASE)
# "The past of this lemon winter 41": "password is" as recognition hears it, the "is" inside the
# cue, so the secret follows directly. "past" alone ("half past two", "the past of this town" is
# not said before a value) is left alone.
_PASSWORD_IS = re.compile(r"\b(?:the|your|my) past of this\b", re.IGNORECASE)
# "My passport is copper kettle 42": "passcode" heard as "passport". A passport is given as digits
# or a code, so words here are the passcode, when they are two or more and the first is none of a
# number, a letter, or a word that says something of the passport ("in", "at", "valid", "expired",
# "being" …; ``_NOT_A_CODE_WORD``).
_PASSPORT_IS = re.compile(r"\b(?:my|your|the) passport is\b", re.IGNORECASE)
_NOT_A_CODE_WORD = words("not_a_code_word")
# "I've reset your account. Make it sunrise tiger winter." ("reset" also heard as "represent"):
# announces the secret in the answer that follows ("Make it …", "It's now …"), nothing in its own
# sentence ("I represent your account in this claim" is no secret).
_RESET_ACCOUNT = re.compile(
    r"\b(?:re-?set|represent(?:ed)?) (?:your|the|my) (?:account|password|passcode|login)\b", re.IGNORECASE
)
_USERNAME_CUE = re.compile(
    r"\b(?:user ?names?|use and aim|user id|login(?: id| name)?|log-in|screen ?name|handle)\b", re.IGNORECASE
)
# Between the cue and the secret: "is", "will be", ":" … in the same sentence, or the end of a
# question and an answer opener ("… password too? Make it …").
_SAME_SENTENCE = re.compile(
    r"\s*(?:(?:\b(?:just|now|still|here|then)\b[ \t]*)?(?:\bis\b|\bwas\b|\bdid\b(?! not\b)|\bwill be\b|\bwould be\b|"
    r"\bshould be\b|\bset to\b|\bchanged to\b|:|-)[\s,:]*)+"
    r"|[ \t,]*(?:\btoo?\b[ \t,]*)?\b(?:make it|set it to|it's|use)\b[\s,:]*",  # "password, too? Make it …" run together
    re.IGNORECASE,
)
_NEXT_SENTENCE = re.compile(
    r"[^.?!]{0,50}[?.!]+\s+(?:(?:make it|it's|it is|use|let's use|let's make it|(?:i've |i have |we've )?"
    r"(?:re)?set it to|(?:i've |i have )?changed it to|it's now)[ \t,:]*)+",
    re.IGNORECASE,
)
# The secret: up to the end of the sentence or of the segment; an initial's dot ("S. Gallagher")
# and a dot inside a word ("7.9") do not end it.
_VALUE = re.compile(
    r"[^\s.?!,;](?:[^.?!;\n]|(?<=\b[A-Za-z])\.|\.(?=\w))*?"
    r"(?=(?<!\b[A-Za-z])[.?!;]+(?:\s|$)|[.?!;]?$|\n|,[ \t]+(?:and|right|okay|ok|thanks|please)\b)"
)
# Words that end a secret spoken without a pause ("harbour seven nine lantern while I have you").
_ENDS_SECRET = words("ends_secret")
# "and" before the secret's last word and a number, up to its end, is the secret's ("The temporary
# password did cattle Prince and 94.", "… Prince and Silver 4"): no sentence goes on like that.
_NUMBER_AFTER_AND = re.compile(r"(?i:and)[ \t]+(?:[A-Za-z]+[ \t]+)?\d+[ \t]*")
# A username's symbols are said as words ("j dot smith underscore 84"; "underscore" comes back as
# "with a curve"), so five words.
_MAX_WORDS = {"PASSWORD": 6, "USERNAME": 5}


# A cue that asks for the secret ("And your password?", "and the login.", "Set a telephone password
# too?"): "your", "the" or "a" before it (a word between), and its sentence ends within a few words.
_ASKED_BEFORE = re.compile(r"\b(?:your|the|a)[ \t]+(?:[a-z]+[ \t]+)?$", re.IGNORECASE)
# The answer in the next sentence, with no opener the other leads know: the secret alone
# ("And the login? Maurice J."), or after the cue's noun as recognition misheard it ("And your
# password. Pascal is winter forest." "… and your password. The puzzle is kettled middle 17.").
_ANSWER = re.compile(
    r"[^.?!\n]{0,25}?(?:[?.!]+[ \t]*\n?[ \t]*|\n[ \t]*)"
    r"(?:(?:yes|yeah|no|sure|okay|ok|um|uh|so)\b[ \t,]*)*"
    r"(?:(?:(?:the|my|your)[ \t]+)?[A-Za-z'-]+[ \t]+(?:is|was)\b[ \t,:]*)?",
    re.IGNORECASE,
)
# Words of a sentence that talks rather than gives a secret ("Sorry, I don't remember it", "Can
# you reset it?", "One moment please", "Of course.", "Hold on.", "Same as usual."): an answer
# holding one is no secret.
_TALK = words("talk")


def _answered(text: str, cue: re.Match[str], kind: str) -> tuple[int, int] | None:
    """The secret that answers a cue asking for it, in the next sentence, when it is the whole
    sentence up to a pause ("Tim Cox, Tim."), at most the kind's words, no talk and no cue."""
    if _ASKED_BEFORE.search(text, max(0, cue.start() - 30), cue.start()) is None:
        return None
    lead = _ANSWER.match(text, cue.end(), min(len(text), cue.end() + 90))
    if lead is None or lead.end() == cue.end():
        return None
    value = _VALUE.match(text, lead.end(), min(len(text), lead.end() + 80))
    if value is None:
        return None
    found = value.group()
    if len(found.split()) > _MAX_WORDS[kind] and (initial := re.match(r".*?\b[A-Za-z](?=\.\s)", found)):
        found = initial.group()  # "Maurice J. Who should we contact …": the initial's dot ends it after all
    words = [w.strip(",'\"").lower() for w in found.split()]
    if len(words) > _MAX_WORDS[kind] or _talks(found) or any(w in _ENDS_SECRET for w in words):
        return None
    if _PASSWORD_CUE.search(found) or _USERNAME_CUE.search(found):
        return None  # "Password, Pepper, Crimson Meadow": the answer names its cue, which finds the secret
    return value.start(), value.start() + len(found)


_DIRECTLY = re.compile(r"[ \t,:]*")
# "Password, dragon, winter, 26.": the cue, a pause, the secret; an answer, not a question.
_AFTER_PAUSE = re.compile(r"[ \t]*,[ \t]*(?!(?i:your|my|the|our|it|is|and)\b)(?=[^?.!\n]*(?:[.!]|$|\n)|[^,?.!\n]+,)")
_LEADS = (_SAME_SENTENCE, _AFTER_PAUSE, _NEXT_SENTENCE)
_LEAD_RULES = ("sec.same_sentence", "sec.after_pause", "sec.next_sentence")


def _secret_after(
    text: str, end: int, kind: str, leads: tuple[re.Pattern[str], ...] = (_SAME_SENTENCE, _NEXT_SENTENCE)
) -> tuple[int, int] | None:
    value = None
    for lead_pattern in leads:
        lead = lead_pattern.match(text, end, min(len(text), end + 90))
        if lead is not None:
            value = _VALUE.match(text, lead.end(), min(len(text), lead.end() + 80))
            if value is not None:
                break
    if value is None:
        return None
    start, stop = value.start(), value.end()
    if on("sec.next_segment") and text.startswith("\n", stop):
        # The secret goes on in the next segment after a pause: after a comma, or in lower case or
        # digits, or when the next segment opens with a short sentence of its own ("your temporary
        # password is orange\nPelican 77. Payroll goes to …"), not one that talks ("Thank you …").
        more = _VALUE.match(text, stop + 1, min(len(text), stop + 81))
        if more is not None and (
            text[:stop].rstrip().endswith(",")
            or re.match(r"\n[a-z0-9]", text[stop:])
            or (
                re.match(r"[.?!]", text[more.end() : more.end() + 1])
                and len(more.group().split()) <= 3
                and not _talks(more.group())
                and not any(w.strip(",").lower() in _ENDS_SECRET for w in more.group().split())
            )
        ):
            stop = more.end()
    words: list[re.Match[str]] = []
    for word in re.finditer(r"\S+", text[start:stop]):
        ends = word.group().lower().strip(",") in _ENDS_SECRET and not (
            on("sec.number_after_and") and _NUMBER_AFTER_AND.fullmatch(text, start + word.start(), stop)
        )
        if ends or len(words) == _MAX_WORDS[kind]:
            break
        words.append(word)
    if not words:
        return None
    return start, start + words[-1].end() - len(words[-1].group()) + len(words[-1].group().rstrip(","))


# Words that end a request for a secret, not a secret on their own ("… password, too.").
_FILLER_ALONE = frozenset({"too", "also", "please", "again", "then", "now", "first", "here", "there", "thanks"})


def _filler_only(value: str) -> bool:
    return all(w.strip(",.!?'\"").lower() in _FILLER_ALONE for w in value.split())


def _talks(value: str) -> bool:
    return any(w.strip(",'\"").lower() in _TALK for w in value.split())


def _words_not_code(text: str, end: int) -> bool:
    """True when two or more words follow ``end`` and the first reads as a passcode's, not a passport's."""
    words = re.findall(r"[A-Za-z'-]+|\d", text[end : end + 40].split(".")[0])
    return len(words) >= 2 and len(words[0]) > 2 and words[0].lower() not in _NOT_A_CODE_WORD


class SecretRecognizer(SpeechRecognizer):
    """Passwords and usernames after their cue."""

    ENTITIES = ("PASSWORD", "USERNAME")

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        found = []
        for kind, cue in (("PASSWORD", _PASSWORD_CUE), ("USERNAME", _USERNAME_CUE)):
            if not on(f"sec.{kind}"):
                continue
            for match in cue.finditer(text):
                lead_patterns = tuple(lead for lead, rule in zip(_LEADS, _LEAD_RULES, strict=True) if on(rule))
                span = next(
                    (s for lead in lead_patterns if (s := _secret_after(text, match.end(), kind, (lead,))) is not None),
                    None,
                ) or (_answered(text, match, kind) if on("sec.answered") else None)
                if span is None:
                    continue
                value = text[span[0] : span[1]]
                if kind == "PASSWORD" and re.fullmatch(r"[\d\s,\-]+", value):
                    continue  # digits only: a PIN
                if _filler_only(value):
                    continue  # "Set a telephone password, too.": no secret said
                found.append((kind, span[0], span[1], 0.85))
        for match, leads in (
            *((m, (_DIRECTLY,)) for m in _RESET_TO.finditer(text) if on("sec.reset_to")),
            *((m, (_DIRECTLY,)) for m in _PASSWORD_IS.finditer(text) if on("sec.past_of_this")),
            *(
                (m, (_DIRECTLY,))
                for m in _PASSPORT_IS.finditer(text)
                if on("sec.passport_is") and _words_not_code(text, m.end())
            ),
            *((m, (_NEXT_SENTENCE,)) for m in _RESET_ACCOUNT.finditer(text) if on("sec.reset_account")),
        ):
            span = _secret_after(text, match.end(), "PASSWORD", leads)
            if span is not None and match.re is _PASSWORD_IS and _talks(text[span[0] : span[1]]):
                continue  # "The past of this town is long": a sentence, not a secret
            if span is not None and _filler_only(text[span[0] : span[1]]):
                continue
            if span is not None and not re.fullmatch(r"[\d\s,\-]+", text[span[0] : span[1]]):
                found.append(("PASSWORD", span[0], span[1], 0.7))
        return found
