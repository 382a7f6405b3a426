"""Secrets said out loud after a cue: passwords, passphrases and usernames.

A password can be any words ("copper kettle forty two" comes back as "copper cattle 42"), so
only the cue tells it apart: what follows "password", "passcode", "passphrase", "memorable word"
(or the answer that follows "… set a telephone password?" "Make it dragon castle nine.") up to the
end of the sentence, at most six words, is a PASSWORD, and so is what a thing was reset to ("I've
reset it to maple syrup sunrise": the noun is often in another sentence, or misheard); what
follows "username", "user ID", "login" is a USERNAME. A passcode of digits only is a PIN
(``numbers``).
"""

from __future__ import annotations

import re

from postprocess.recognizers.base import SpeechRecognizer

_PASSWORD_CUE = re.compile(
    r"\b(?:pass ?words?|(?:pass|past|pest) ?codes?|pass ?phrases?|memorable (?:word|phrase)|secret (?:word|phrase)|"
    r"security (?:word|phrase|answer)|pestled?)\b",
    re.IGNORECASE,
)
# "I've reset it to maple syrup sunrise": what a credential is reset to, with no noun before.
_RESET_TO = re.compile(r"\b(?:re-?set|changed) (?:it|that|this|them) to\b", re.IGNORECASE)
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
    r"(?=(?<!\b[A-Za-z])[.?!;]\s|[.?!;]?$|\n|,[ \t]+(?:and|right|okay|ok|thanks|please)\b)"
)
# Words that end a secret spoken without a pause ("harbour seven nine lantern while I have you").
_ENDS_SECRET = frozenset(
    {
        "and",
        "but",
        "so",
        "then",
        "thanks",
        "thank",
        "please",
        "right",
        "okay",
        "ok",
        "while",
        "because",
        "which",
        "who",
        "when",
        "if",
        "what",
        "where",
        "how",
    }
)
_MAX_WORDS = {"PASSWORD": 6, "USERNAME": 4}


_DIRECTLY = re.compile(r"[ \t,:]*")
# "Password, dragon, winter, 26.": the cue, a pause, the secret; an answer, not a question.
_AFTER_PAUSE = re.compile(r"[ \t]*,[ \t]*(?!(?i:your|my|the|our|it|is|and)\b)(?=[^?.!\n]*(?:[.!]|$|\n)|[^,?.!\n]+,)")
_LEADS = (_SAME_SENTENCE, _AFTER_PAUSE, _NEXT_SENTENCE)


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
    if text.startswith("\n", stop) and (text[:stop].rstrip().endswith(",") or re.match(r"\n[a-z0-9]", text[stop:])):
        more = _VALUE.match(text, stop + 1, min(len(text), stop + 81))  # the secret goes on after a pause
        stop = more.end() if more else stop
    words: list[re.Match[str]] = []
    for word in re.finditer(r"\S+", text[start:stop]):
        if word.group().lower().strip(",") in _ENDS_SECRET or len(words) == _MAX_WORDS[kind]:
            break
        words.append(word)
    if not words:
        return None
    return start, start + words[-1].end() - len(words[-1].group()) + len(words[-1].group().rstrip(","))


class SecretRecognizer(SpeechRecognizer):
    """Passwords and usernames after their cue."""

    ENTITIES = ("PASSWORD", "USERNAME")

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        found = []
        for kind, cue in (("PASSWORD", _PASSWORD_CUE), ("USERNAME", _USERNAME_CUE)):
            for match in cue.finditer(text):
                span = next(
                    (s for lead in _LEADS if (s := _secret_after(text, match.end(), kind, (lead,))) is not None), None
                )
                if span is None:
                    continue
                value = text[span[0] : span[1]]
                if kind == "PASSWORD" and re.fullmatch(r"[\d\s,\-]+", value):
                    continue  # digits only: a PIN
                found.append((kind, span[0], span[1], 0.85))
        for match in _RESET_TO.finditer(text):
            span = _secret_after(text, match.end(), "PASSWORD", (_DIRECTLY,))
            if span is not None and not re.fullmatch(r"[\d\s,\-]+", text[span[0] : span[1]]):
                found.append(("PASSWORD", span[0], span[1], 0.7))
        return found
