"""Network identifiers: IPv4 addresses written or read out group by group (MAC addresses are found by
presidio's own ``MacAddressRecognizer``)."""

from __future__ import annotations

import re
from typing import Any

from postprocess.lean_imports import without_unused_ml_frameworks
from postprocess.pii.core.base import CONTEXT_WINDOW, SpeechRecognizer, before
from postprocess.pii.core.cues import cue_index, names_a_thing
from postprocess.pii.core.rules import on

with without_unused_ml_frameworks():
    from presidio_analyzer import RecognizerResult
    from presidio_analyzer.predefined_recognizers import IpRecognizer

_VERSION_BEFORE = re.compile(r"\b(?:version|release|build|v|python|ios|android|macos|windows)[ \t]*$", re.I)
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


class VersionAwareIpRecognizer(IpRecognizer):
    """presidio's IP recognizer, minus dotted version numbers ("version 1.2.3.4")."""

    def analyze(  # type: ignore[override]  # presidio types nlp_artifacts as NlpArtifacts; None is passed
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        found = super().analyze(text, entities, nlp_artifacts) if on("ip.written") else []
        return [r for r in found if not _VERSION_BEFORE.search(text[max(0, r.start - 20) : r.start])]


_IP_GROUP = r"\d(?:[ \t]*[,\-]?[ \t]*\d){0,2}"  # up to three digits, read one by one or as a number
# "not" (also "I'm not", "do not", "or not"): "dot" misheard; the address may go on in the next segment.
_IP_SEP = r"(?:[ \t]*[,.]?\s*(?:dot|point|period|(?:(?:i'?m|do|or)[ \t]+)?not)\b\s*,?[ \t]*|[ \t]*\.[ \t]*)"
_WORD_SEP = re.compile(r"\b(?:dot|not)\b", re.IGNORECASE)
_SPOKEN_IP = re.compile(rf"(?<![\w.]){_IP_GROUP}(?:{_IP_SEP}{_IP_GROUP}){{2,5}}(?![\w]|\.\d)", re.IGNORECASE)
_IP_CONTEXT = re.compile(r"\b(?:ip|i\.?p\.?|address|server|host|router|gateway|subnet|machine|node|hub)\b", re.I)


class SpokenIpRecognizer(SpeechRecognizer):
    """IPv4 addresses read out: "1 9 2 dot 1 6 8 dot 1 dot 10", "10 point 0 point 0 point 2 54".

    Four groups of at most three digits (each at most 255) joined by "dot", "not" (a common
    mishearing of "dot": no speech has four numbers joined by it), "point" or a dot. "Point" counts
    only near a word such as "IP", "address" or "server"; dotted version numbers and numbers after
    a word that names things by number ("sections 2.1, 2.2, 3.4") are left alone.
    An address read digit by digit with no dots at all ("1-9-2-0-1-6-8-…") is a long digit run,
    redacted by the number rules.
    """

    ENTITIES = ("IP_ADDRESS",)

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        results = []
        cues = cue_index(text)
        for match in _SPOKEN_IP.finditer(text):
            groups = [re.sub(r"\D", "", g) for g in re.split(_IP_SEP, match.group(), flags=re.IGNORECASE)]
            if _IPV4.fullmatch(match.group()):
                continue  # written form: presidio's IP recognizer has it
            preceding = before(text, match.start(), CONTEXT_WINDOW)
            if _VERSION_BEFORE.search(preceding[-20:]) or names_a_thing(cues, match.start()):
                continue  # "version 2.1.4", "sections 2.1, 2.2, 3.4 and 5.6"
            context = bool(_IP_CONTEXT.search(preceding))
            if any(not 1 <= len(g) <= 3 for g in groups):
                continue
            if len(groups) != 4 and not on("ip.partial"):
                continue
            if not on("ip.spoken"):
                continue
            if len(groups) != 4:
                # a group lost or split in two by recognition: near a cue, with "dot"/"not" said
                said = len(_WORD_SEP.findall(match.group()))
                cued = context and said >= len(groups) - 2
                if not ((cued or (len(groups) > 4 and said >= 3)) and all(int(g) <= 255 for g in groups)):
                    continue
                results.append(("IP_ADDRESS", match.start(), match.end(), 0.7))
                continue
            if any(int(g) > 255 for g in groups[:3]) or (
                int(groups[3]) > 255 and not (context and int(groups[3][:-1]) <= 255)
            ):
                continue  # near "IP", "server"…, a last group over 255 may end in a word heard as a digit
            if re.search(r"\bpoint\b", match.group(), re.IGNORECASE) and not context:
                continue  # "1 point 5 point 3 point 2": an IP only near a word that announces one
            results.append(("IP_ADDRESS", match.start(), match.end(), 0.85 if context else 0.7))
        return results
