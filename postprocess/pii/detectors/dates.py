"""Dates of birth: a date right after a birth cue, or any full date old enough to be one.

Dates in general are not PII (meetings, deadlines, releases), so a date is a DATE_OF_BIRTH when
- it follows a birth cue ("date of birth", "born on", "birthday", "DOB", or "birth" alone), in the same sentence or
  opening the answer to the question that asked for it ("And your date of birth?" "July 4th,
  1979."), or a month and an adult's year one or two short words after the cue ("born 20 at
  November 1968"), or
- it is a full date (day, month and year) whose year is at least ``ADULT_YEARS`` years ago:
  recognition garbles the cue too ("your date on board, July 4th, 1979"), and in calls and
  meetings such a date is far more often a birth date than anything else.

Forms: "July 4th, 1979", "July 4, 19 79" (spoken years rewritten as "19 79"), "the fourteenth of
March, 1985" ("of" also heard as "and": "the second and August, 1981"), "4 July 1979", "March
1985" (after a cue), "January 28." / "1987." (the year a sentence of its own), "14/03/1985",
"1985-03-14", "born in 1979", "born 1968", and after a cue any run of four to eight digits ("born
on 2.7. 0.3. 1966") or the answer up to an adult's year, when digits come before it ("date of
birth? One-ten-one-tho, nineteen-fifty": the day and month as recognition heard them). After a
cue a year may start "18" ("the fourth of March, 1891": "nineteen" heard as "eighteen"); without
one, such a date is left alone.
"""

from __future__ import annotations

import datetime
import re

from postprocess.pii.core.base import SpeechRecognizer, overlaps
from postprocess.pii.core.chains import digit_chains
from postprocess.pii.core.cues import follows_directly
from postprocess.pii.core.rules import on

ADULT_YEARS = 16
_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
)
# ("force": "fourth" as recognition hears it, only ever before a month here: "the force of January")
_ORDINAL_WORD = (
    r"(?:first|second|third|fourth|force|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth)"
)
_DAY = rf"(?:(?:(?:20|30|twenty|thirty)[ \t-]?)?{_ORDINAL_WORD}|\d{{1,2}}(?:st|nd|rd|th)?)"
# "18" too: recognition hears "nineteen" as "eighteen" ("the fourth of March, 1891"). Such a year
# is no adult's year, so without a cue the date is still left alone (``old_full_date``); so is one
# read in pieces ("20 December, 19, 7, 8": "nineteen, seven, eight"), which only a cue takes.
_YEAR = r"(?:(?:18|19|20)\d\d|(?:18|19|20)[ \t]\d\d|(?:18|19|20)(?:[ \t]*,[ \t]*\d){2}(?!\d|[ \t]*,[ \t]*\d)|'\d\d)"
_DAY_PATTERN = re.compile(_DAY, re.IGNORECASE)
_FULL_YEAR = re.compile(r"(?<!\d)(?:18|19|20)[ \t]?\d\d(?!\d)")
_SEP = r"\s*,?\s*"
# A year after the day and month, also as a sentence of its own ("January 28.\n1987."): recognition
# put a break inside the date.
_YEAR_AFTER = rf"(?:{_SEP}{_YEAR}|\.\s+{_YEAR}(?=[.?!]))"
_DATE = re.compile(
    rf"\b(?:(?:the[ \t]+)?{_DAY}(?:[ \t]+(?:of|and))?{_SEP}{_MONTH}{_YEAR_AFTER}?"
    rf"|{_MONTH}{_SEP}(?:the[ \t]+)?{_DAY}{_YEAR_AFTER}?"
    rf"|{_MONTH}{_SEP}{_YEAR}"
    rf"|(?:the[ \t]+)?{_DAY}(?:[ \t]+of)?{_SEP}{_YEAR}"  # the month lost in recognition: taken after a cue only
    rf"|\d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?P<typed_year>\d{{4}}|\d{{2}})"
    rf"|(?P<iso_year>(?:19|20)\d\d)-\d\d-\d\d)(?![\w/])",
    re.IGNORECASE,
)
# "birth" alone: recognition garbles what precedes it ("date on birth", "8th of birth"), or all of
# it ("date on board").
_BIRTH_CUE = re.compile(
    r"\b(?:birth|birth[ \t]?date|birthday|born(?:[ \t]+on|[ \t]+in|[ \t]+from)?|d\.?[ \t]?o\.?[ \t]?b\.?"
    r"|date on board)\b",
    re.IGNORECASE,
)
# The answer to a birth cue, whatever recognition made of its day and month: up to eight words,
# one of them with digits, and the year that ends them, in the cue's sentence or opening the next
# ("date of birth? 1-10-1-tho, 19-50", "date on board? 1 time, nearly 7, 19 78").
_ANSWER_TO_YEAR = re.compile(
    r"[ \t]*[?.!]?[ \t\n]*(?:(?i:it's|it is|that's|that is|sure|yes|yeah)[ \t,]+)?"
    r"(?P<date>(?:[\w']+[ \t,\-]+){0,8}?(?P<year>(?:19|20)[ \t\-]?\d\d))(?![\w\-.]\d)"
)
_CUE_REACH = 110
# Between a birth cue and a date with a month and an adult's year: one or two short words.
_FEW_WORDS = re.compile(r"[ \t,]*(?:[\w']{1,4}[ \t,]+){1,2}")


def _year(match: re.Match[str]) -> int | None:
    """The four-digit year of a date ("'79" and "14/03/85" leave the century a guess: None)."""
    typed = match.group("typed_year") or match.group("iso_year")
    if typed:
        return int(typed) if len(typed) == 4 else None
    years = _FULL_YEAR.findall(match.group())
    return int(re.sub(r"\D", "", years[-1])) if years else None


def _with_year(text: str, match: re.Match[str]) -> re.Match[str]:
    """The date from its month on when the year follows the day after the month ("1 April 10th, 1952":
    recognition heard a number before the month), or from its day on when another month and the
    year follow the day ("May 8th of September, 1970": the first month misheard), else the match
    itself."""
    if _year(match) is not None:
        return match
    month = re.search(_MONTH, match.group(), re.IGNORECASE)
    if month is None:
        return match
    day = _DAY_PATTERN.search(match.group(), month.end())
    for start in (month.start(), *((day.start(),) if day else ())):
        again = _DATE.match(text, match.start() + start)
        if again is not None and _year(again) is not None and again.end() > match.end():
            return again
    return match


def _full(match: re.Match[str]) -> bool:
    """Day, month and year all present."""
    if match.group("typed_year") or match.group("iso_year"):
        return True
    text = match.group()
    has_month = re.search(_MONTH, text, re.IGNORECASE) is not None
    without_year = _FULL_YEAR.sub("", text)
    return has_month and _year(match) is not None and re.search(_DAY, without_year, re.IGNORECASE) is not None


class DateOfBirthRecognizer(SpeechRecognizer):
    """Dates of birth (see the module docstring)."""

    ENTITIES = ("DATE_OF_BIRTH",)

    def __init__(self, today: datetime.date | None = None) -> None:
        super().__init__()
        self._latest_adult_year = (today or datetime.date.today()).year - ADULT_YEARS

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        cue_ends = [m.end() for m in _BIRTH_CUE.finditer(text)]
        found = []
        for match in _DATE.finditer(text):
            cued = on("dob.cued") and self._cued(text, cue_ends, match.start())
            whole = _with_year(text, match) if on("dob.with_year") else match
            year = _year(whole)
            old_full_date = (
                on("dob.old_full_date")
                and _full(whole)
                and year is not None
                and 1900 <= year <= self._latest_adult_year
            )
            if cued or old_full_date:
                start = match.start()
                if text[start : start + 4].lower() == "the ":
                    start += 4
                found.append(("DATE_OF_BIRTH", start, whole.end(), 0.9 if cued else 0.6))
        for cue_end in cue_ends if on("dob.answer_to_year") else ():
            answer = self._answer(text, cue_end)
            if answer is not None and not overlaps(found, *answer):
                found.append(("DATE_OF_BIRTH", *answer, 0.8))
        for chain in digit_chains(text):  # "born on 2.7. 0.3. 1966": a date written in digits, any grouping
            taken = overlaps(found, chain.start, chain.end)
            if (
                on("dob.digits")
                and 4 <= len(chain.digits) <= 8
                and not taken
                and self._cued(text, cue_ends, chain.start)
            ):
                found.append(("DATE_OF_BIRTH", chain.start, chain.end, 0.85))
        return found

    def _answer(self, text: str, cue_end: int) -> tuple[int, int] | None:
        """The answer to the birth cue ending at ``cue_end`` up to an adult's year, when digits come
        before the year ("date of birth? 1-10-1-tho, 19-50")."""
        answer = _ANSWER_TO_YEAR.match(text, cue_end)
        if answer is None:
            return None
        year = answer.group("year")
        if not (1900 <= int(re.sub(r"\D", "", year)) <= self._latest_adult_year):
            return None
        if not re.search(r"\d", answer.group("date")[: -len(year)]):
            return None
        start, end = answer.span("date")
        return start + (4 if text[start : start + 4].lower() == "the " else 0), end

    @staticmethod
    def _cued(text: str, cue_ends: list[int], start: int) -> bool:
        return any(0 <= start - end <= _CUE_REACH and follows_directly(text[end:start]) for end in cue_ends)
