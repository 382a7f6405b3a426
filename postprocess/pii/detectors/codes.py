"""Identity documents and other codes of letters and digits: passports, driver IDs, UK National
Insurance numbers, licence plates, policy and reference numbers.

Read out, such a code comes back as capitals and digit groups in any grouping ("G-4-8, 2, 1, 9, 3,
7, 5", "QQ 12 34 56 C", "K-L-5, 7, R-T-X", "7 ABC 123"); ``chains.code_chains`` finds the runs. A
run is typed by its shape where the shape is distinctive — a National Insurance number (two
letters, six digits, a letter A–D), a current UK plate (two letters, two digits, three letters) —
else by the cue right before it ("passport number", "driving licence", "plate", "policy
number"…; a car's make and model before its plate: "a blue Ford Focus HFE 3840"), and a run
holding 7 or more digits, or spelled character by character with six or more letters and digits,
is an ID_NUMBER whatever precedes it. UK postcodes are left to ``location.PostalCodeRecognizer``, IBANs to ``finance``.

The answer to a plate question ("What's the vehicle?") is the first code of the next sentence,
however recognition garbled the words around it ("Can't wrench double your H45 DPP").

Right after a National Insurance cue (or opening the answer to it), the characters read out are
the number however recognition wrote them: letters in lower case, words it heard between them
("r e 2 7 9 8 7 5 b", "YA over 2416d", "S and 9 22 6 2 3 8"), when they hold four or more digits.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from postprocess.pii.core.base import SpanIndex, SpeechRecognizer
from postprocess.pii.core.chains import UK_POSTCODE, Chain, code_chains, trimmed
from postprocess.pii.core.cues import CueIndex, cue_index, names_a_thing
from postprocess.pii.core.quantities import IDENTIFIER_DIGITS, read_digit_by_digit
from postprocess.pii.core.rules import on

UK_NINO = re.compile(r"[A-Z]{2}\d{6}[A-D]")
UK_PLATE = re.compile(r"[A-Z]{2}\d{2}[A-Z]{3}")
# Cue kinds a code right after them is typed as, and how many letters and digits it may have.
CODE_LENGTHS: dict[str, range] = {
    "PASSPORT_NUMBER": range(6, 13),
    "DRIVER_ID": range(5, 19),
    "LICENSE_PLATE": range(3, 9),
    "UK_NINO": range(7, 10),
    "ID_NUMBER": range(5, 21),
    "BANK_ACCOUNT_NUMBER": range(6, 21),
}
# Letters and digits spelled one by one, this many or more, are a code whatever was heard around
# them ("with cold D-D-U-T-D-D-N-3": a SWIFT code and its cue misheard).
SPELLED_CODE = 6
# After a National Insurance cue: the opener of the answer, then characters read out — one or two
# letters, digits, or both glued ("2416d") — joined by pauses or the short words recognition
# heard between them ("and", "over", "double"), six to twelve characters with four digits or more.
_NINO_OPENER = re.compile(
    r"[ \t,]*(?:[?.!]+[ \t\n]*|\n[ \t]*)?(?:(?i:number|is|it's|it is|that's|that is|sure|yes|yeah|okay|ok)[\s,]+)*"
)
_READ_CHARACTER = r"(?:[A-Za-z]{1,2}|\d+|[A-Za-z]?\d+[A-Za-z]?)(?![\w'’])"
_READ_OUT = re.compile(
    rf"{_READ_CHARACTER}(?:(?:[ \t]*[,\-]?[ \t]*|\.(?=\w)|[ \t]+(?i:and|over|double)[ \t]+){_READ_CHARACTER}){{1,12}}"
)
NINO_READ_DIGITS = 4


def _nino_read_out(text: str, cue_end: int) -> tuple[int, int] | None:
    """The National Insurance number read out right after its cue ends at ``cue_end``, or None."""
    opener = _NINO_OPENER.match(text, cue_end)
    run = _READ_OUT.match(text, opener.end()) if opener else None
    if run is None:
        return None
    characters = re.sub(r"(?i:and|over|double)|[^A-Za-z0-9]", "", run.group())
    if sum(c.isdigit() for c in characters) < NINO_READ_DIGITS or not 6 <= len(characters) <= 12:
        return None
    return run.span()


def classify_code(chain: Chain, cues: CueIndex) -> tuple[str, float] | None:
    """The PII type and score of a run of capitals and digits, or None."""
    code = chain.code
    digits = len(chain.digits)
    if UK_NINO.fullmatch(code):
        return "UK_NINO", 0.85
    if on("doc.uk_plate") and UK_PLATE.fullmatch(code):
        return "LICENSE_PLATE", 0.8
    if UK_POSTCODE.fullmatch(code):
        return None
    nearest = cues.nearest(chain.start)
    if on("doc.names_a_thing") and names_a_thing(cues, chain.start):
        return None
    attached = cues.attached(chain.start)
    if (
        on("doc.attached")
        and attached is not None
        and attached.entity in CODE_LENGTHS
        and len(code) in CODE_LENGTHS[attached.entity]
    ):
        return attached.entity, 0.85
    if (
        on("doc.later_in_cue_sentence")
        and nearest is not None
        and nearest.entity in CODE_LENGTHS
        and len(code) in CODE_LENGTHS[nearest.entity]
        and re.search(r"[A-Z]", code)
        and not re.search(r"[.?!]\s", chain.text[nearest.end : chain.start])
    ):
        return nearest.entity, 0.7  # later in the cue's sentence: "registration, it's a blue Ford Focus E10 KXC"
    cued = nearest is not None and nearest.kind not in ("NOT_PII", "NUMBER")
    spelled = on("doc.spelled") and len(code) >= SPELLED_CODE and all(len(g) == 1 for g in chain.group_texts)
    if (
        (on("doc.long") and digits >= IDENTIFIER_DIGITS)
        or (on("doc.digit_by_digit") and digits >= 4 and read_digit_by_digit(chain, cued=cued))
        or spelled
    ):
        if nearest is not None and nearest.entity in CODE_LENGTHS:
            return nearest.entity, 0.8
        return "ID_NUMBER", 0.6
    return None


# A plate asked for ("The parking permit needs your license plate." "What's the vehicle?"): its
# cue's sentence ends within a few words, and the first code in the next sentence is the answer,
# whatever recognition made of the words around it ("Can't wrench double your H45 DPP", "Righty,
# nine, KDC."). Letters alone count when there are two or more of them ("D-K-T").
_PLATE_QUESTION_END = re.compile(r"[^.?!\n]{0,40}?(?:[.?!]+[ \t]*\n?|\n)[ \t]*")
_PLATE_ANSWER_REACH = 60
_SENTENCE_END = re.compile(r"[.?!\n]")


def _plate_answer(text: str, cue_end: int, chains: tuple[Chain, ...], chain_starts: list[int]) -> Chain | None:
    """The code that answers a plate cue ending at ``cue_end`` in the next sentence, or None
    (``chain_starts``: the start of each of ``chains``, in order)."""
    question = _PLATE_QUESTION_END.match(text, cue_end)
    if question is None:
        return None
    start = question.end()
    sentence_end = _SENTENCE_END.search(text, start, start + _PLATE_ANSWER_REACH)
    stop = sentence_end.start() if sentence_end else start + _PLATE_ANSWER_REACH
    for chain in chains[bisect_left(chain_starts, start) :]:
        if chain.end > stop:
            return None
        code = trimmed(chain)
        if code is not None and _plate_like(code):
            return code
    return None


def _plate_like(code: Chain) -> bool:
    """Two to eight characters with a capital; letters alone only three or more ("KDC", "D-K-T";
    not "ID", "TV")."""
    letters = len(re.sub(r"[^A-Z]", "", code.code))
    return 2 <= len(code.code) <= 8 and letters >= (1 if code.digits else 3)


def _with_read_out_ninos(
    text: str, cues: CueIndex, found: list[tuple[str, int, int, float]]
) -> list[tuple[str, int, int, float]]:
    """``found`` with each National Insurance number read out after its cue: it replaces what the
    code runs kept of it (the codes inside it) and is added where no other code overlaps it."""
    ninos = sorted(
        span for cue in cues.cues if cue.kind == "UK_NINO" and (span := _nino_read_out(text, cue.end)) is not None
    )
    if not ninos:
        return found
    read_out = SpanIndex(("UK_NINO", start, end, 0.8) for start, end in ninos)
    kept = [f for f in found if not read_out.covers(f[1], f[2])]
    taken = SpanIndex(kept)
    added: list[tuple[str, int, int, float]] = []
    for start, end in ninos:
        if not taken.overlaps(start, end) and not (added and added[-1][2] > start):
            added.append(("UK_NINO", start, end, 0.8))
    return kept + added


class AlphanumericCodeRecognizer(SpeechRecognizer):
    """Codes of capitals and digits: passports, driver IDs, NI numbers, plates, reference numbers."""

    ENTITIES = ("PASSPORT_NUMBER", "DRIVER_ID", "LICENSE_PLATE", "UK_NINO", "ID_NUMBER", "BANK_ACCOUNT_NUMBER")

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        cues = cue_index(text)
        found = []
        for chain in code_chains(text):
            code = trimmed(chain, cues if on("doc.trim_cue") else None)
            if code is None or not re.search(r"\d", code.code):
                continue
            typed = classify_code(code, cues)
            if typed is not None:
                found.append((typed[0], code.start, code.end, typed[1]))
        if on("doc.plate_answer"):
            found += self._plate_answers(text, cues, SpanIndex(found))
        return _with_read_out_ninos(text, cues, found) if on("doc.nino_read_out") else found

    @staticmethod
    def _plate_answers(text: str, cues: CueIndex, codes: SpanIndex) -> list[tuple[str, int, int, float]]:
        """The answers to plate questions that no code found already covers."""
        answers: list[tuple[str, int, int, float]] = []
        letter_codes: tuple[Chain, ...] | None = None
        letter_code_starts: list[int] = []
        for cue in cues.cues:
            if cue.kind not in ("LICENSE_PLATE", "CAR"):
                continue
            if letter_codes is None:
                letter_codes = code_chains(text, need_digit=False)
                letter_code_starts = [c.start for c in letter_codes]
            answer = _plate_answer(text, cue.end, letter_codes, letter_code_starts)
            if answer is None or (answers and answers[-1][2] > answer.start):
                continue
            if not codes.overlaps(answer.start, answer.end):
                answers.append(("LICENSE_PLATE", answer.start, answer.end, 0.7))
        return answers
