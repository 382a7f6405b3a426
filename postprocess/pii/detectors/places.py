"""Where someone lives: street addresses (postcodes and ZIP codes: :mod:`.postcodes`).

- ``StreetAddressRecognizer``: a house number (also read digit by digit: "7, 4, 2"), one to three
  street-name words and a street type ("22 Baker Street", "221B Baker Street", "Flat 2, 21 Kings
  Road"), and the town, county or state and the rest of the address that follow it after commas
  ("…, Springfield, Oregon"; not a cue there: "…, Belfast.\nAccount number …"), as LOCATION. A
  comma may stand between name and type ("61 pi, Avenue"). The recognizer may break the sentence inside the
  address ("I live at 742." "Evergreen Terrace, …"): a sentence break between house number and
  street name is allowed. Lowercase street names count only after an address cue ("live at",
  "address", "send it to"), or "sold 3 cars on the street" would be an address. The answer to an
  address cue ("your dress as", "is your arrest still", "I live at") is an address whatever
  recognition made of the street: its house number and up to six words after it in the clause.
  A state after it makes a street an address in any case ("46 highland place, Prisoner
  California"), and ", Town, State" makes one of a number and the words before it whatever
  recognition made of them ("Any 4-megle cord, Lewisville, Kentucky"); a town and its state alone
  ("Sacramento California") is a LOCATION too.
"""

from __future__ import annotations

import re

from postprocess.pii.core.addresses import STREET_TYPE, US_STATES
from postprocess.pii.core.base import SpeechRecognizer, overlaps
from postprocess.pii.core.cues import cue_index
from postprocess.pii.core.rules import on
from postprocess.pii.core.words import STOP_WORDS, words

# "Flat 2", "apartment 4B" (also "19b"); recognition writes a number after them as a word ("Flat to",
# "apartment for").
_UNIT_NUMBER = (
    r"(?:\d{1,4}[a-z](?![\w'])|[0-9A-Z]{1,4}|(?i:to|too|two|for|four|one|won|the|a))"
    r"(?:[ \t]+(?:[A-Z](?![a-z])|(?i:the|be|bee)\b))?"
)
_UNIT = rf"(?:(?i:flat|apartment|apt|unit|suite|number|no\.?)[ \t]*[,\-]?[ \t]*{_UNIT_NUMBER}[ \t]*,?[ \t]*)?"
# Also as recognition writes a number said in words ("500 and 61", "1,700 and 7th").
_HOUSE_NUMBER = (
    r"\d{1,5}(?:st|nd|rd|th|[A-Za-z])?(?:(?:[ \t]*[,\-][ \t]*|[ \t]+(?:and[ \t]+)?)\d{1,3}(?:st|nd|rd|th)?){0,4}"
)
_NAME_WORD = r"[A-Za-z][a-z'\-]*"
_STREET_ADDRESS = re.compile(
    rf"(?<![\w.]){_UNIT}(?P<number>{_HOUSE_NUMBER})(?:\s*[,.]?\s+)"
    rf"(?P<name>(?:{_NAME_WORD},?\s+){{1,3}}|(?<=\d[snrt][tdh]\s))(?P<type>{STREET_TYPE})"
)
# Street types that are no other word: a number, name words and one of these is an address even
# written in lowercase with no cue ("It's 17-18 castle crescent, Bristol").
_UNMISTAKABLESTREET_TYPES = frozenset(
    {"street", "road", "avenue", "lane", "boulevard", "crescent", "terrace", "circle", "gardens", "parkway"}
)
# Words between an address and its postcode ("… Crescent leads LS6 2AB": "Leeds" misheard).
_UP_TO_POSTCODE = re.compile(
    r"(?:\s*,?\s*(?!(?i:postcode|post|postal|zip|code)\b)[A-Za-z]{2,}){1,2}(?=\s*,?\s*[A-Z](?:[ .\-]?[A-Z])?[ .\-]?\d)"
)
# What may follow an address after a comma: an apartment, the town, the county or state.
_ADDRESS_TAIL = re.compile(
    rf"(?:\s*[,.]?\s*(?:(?i:apartment|apt|flat|unit|suite|floor)[ \t]*,?[ \t]*{_UNIT_NUMBER}|"
    r"[A-Z][a-z][a-z'\-]*(?:[ \t]+[A-Z][a-z][a-z'\-]*){0,2}))"
)
_ADDRESS_CUE = re.compile(
    r"\b(?:live[sd]?|living|address|located|moved|based|stay(?:ing)?|send|deliver|ship|records?,? show)\b[^.?!]{0,30}"
    r"(?:[.?!]\s+)?$",
    re.IGNORECASE,
)
# What follows the word recognition heard for "zip" or "post" in a misheard cue ("Live code").
_BEFORE_CODE = re.compile(r"[ \t\-]+(?i:code|coat|coed)\b")
# Words that end an address tail: a new sentence's subject, not a town.
_NOT_PLACES = words("not_places")


# Words that announce an address for sure (a street with its number or type garbled may follow).
_STRONG_ADDRESS_CUE = re.compile(
    r"\b(?:address|live[sd]? at|leave at|living at|moved to|moving to|reside|(?:your|mid-?) ?(?:dress|arrest|unrest)|"
    r"the unrest)\b[^.?!]{0,40}(?:[.?!]?\s+[^.?!]{0,30})?$",
    re.IGNORECASE,
)
# After such a cue: a street with no number ("strove lane, Cardiff": "Nine Ashgrove" misheard) …
_NUMBERLESS_STREET = re.compile(rf"(?<![\w.'\-])(?P<name>(?:[A-Za-z][a-z'\-]+[ \t]+){{1,2}}){STREET_TYPE}")
# … or a number and capitalised words with no street type ("17 Harbor, New, Swansea").
_TYPELESS_STREET = re.compile(
    rf"(?<![\w.])(?P<unit>{_UNIT})(?P<number>{_HOUSE_NUMBER})"
    r"[ \t]+[A-Z][a-z][a-z'\-]*(?:[ \t]+[A-Z][a-z][a-z'\-]*){0,2}"
    r"(?=[ \t]*[,.\n]|[ \t]+(?i:post ?code|zip)\b|[ \t]+[a-z])"
)


# A cue that asks for or announces an address, as recognition also writes it ("your dress as",
# "is your arrest still", "I leave at"); not an email, IP or web address.
_ANSWER_CUE = re.compile(
    r"(?<!mail )(?<!\bip )(?<!\.p\. )(?<!\bweb )(?<!\bmac )"
    r"(?:\baddress|\b(?:your|mid-?)[ \t]?(?:dress|arrest|rest|unrest)\b|\bthe unrest\b)"
    r"|\b(?:live[sd]?|living|leave|reside[sd]?)[ \t]+(?:at|that)\b"
    r"|\bwhere (?:should|shall|do|can|would) (?:we|i|you) (?:send|post|deliver|mail)\b[^.?!\n]{0,30}[.?!]",
    re.IGNORECASE,
)
# Between that cue and the answer: fillers, the end of the question, an answer opener.
_ANSWER_LEAD = re.compile(
    r"(?:[\s,:;.?!]|\b(?:is|was|as|has|have|still|it'?s|it|at|to|now|on|file|the|that'?s|yes|yeah|sure|my|our|"
    r"new|i|i'?m|we'?re|live|leave|lived|okay|so|um|uh|er|and (?:the |your )?(?:post ?code|zip(?: code)?))\b)*",
    re.IGNORECASE,
)
# The answer: a house number (digits, also read one by one, "1,100", "1.6.7.8", "300 and 19", "48-ine"),
# after a flat or apartment number if there is one.
_ANSWER_NUMBER = re.compile(
    r"(?:(?i:flat|apartment|apt|unit)[ \t]*,?[ \t]*)?\d+(?:[.,]\d+)*[A-Za-z]{0,2}"
    r"(?:(?:[ \t]*[,\-]\s*|[ \t]+(?:and[ \t]+)?)\d+(?:[.,]\d+)*[A-Za-z]{0,2}\b){0,6}"
)
# The answer goes on in the next segment after a comma ("flat 18," "1.052 high close").
_ANSWER_WORD = re.compile(r"[ \t]*(?:[,\-]\s*)?(?P<word>[A-Za-z][A-Za-z'\-]*|\d+[A-Za-z]*)")
# Words that end the answer: the next question or remark ("…, is that right?", "… and your date of birth").
_ENDS_ANSWER = words("ends_address_answer")
_ANSWER_WORDS = 6
# What tells an address from a time in the answer to "leave at" (heard for "live at"): a street
# type or a capitalised name after the number.
_NAMES_A_PLACE = re.compile(rf"\b{STREET_TYPE}|(?<=[ \t])[A-Z][a-z]")
_UNITS = frozenset({"apartment", "apt", "flat", "unit", "suite", "floor"})
# A state a few words after an address: the words between are the town, misheard ("…, then Colorado").
_UP_TO_STATE = re.compile(rf"(?:[ \t]*,?[ \t]*[A-Za-z][A-Za-z'\-]*){{0,4}}?[ \t]*,?[ \t]*\b(?:{US_STATES})\b")


# A town's name: one or two capitalised words ("Austin", "Baton Rouge").
_TOWN = r"[A-Z][a-z]+(?:[ \t]+[A-Z][a-z]+)?"
# A house number and up to seven words in its clause that end in ", Town, State": the US form of
# an address, whatever recognition made of the street ("Any 4-megle cord, Lewisville, Kentucky",
# "175 can we move along the apartment 14C, Louisville, Kentucky"). The comma before the town
# keeps "we have 300 staff in Austin, Texas" out.
_BEFORE_TOWN_AND_STATE = re.compile(
    rf"(?<![\w.,])(?P<number>\d{{1,5}}[A-Za-z]?)(?:[ \t]*-|[ \t]+)[A-Za-z0-9][\w'\-]*(?:[ \t]+[\w'\-]+){{0,6}}"
    rf"[ \t]*,[ \t]*{_TOWN}[ \t]*,[ \t]*(?:{US_STATES})\b"
)
# A comma, a capitalised town and a state after a street ("…, Austin Texas").
_TOWN_THEN_STATE = re.compile(rf"[ \t]*,[ \t]*{_TOWN}[ \t]*,?[ \t]*(?:{US_STATES})\b")


# A town and its state ("… A patent in the Sacramento California", "Columbus, Ohio"): where someone
# lives, said apart from the street. The town is a capitalised word that is no common word ("my
# Ohio license", "your Texas driver's license" have none).
_TOWN_AND_STATE = re.compile(rf"\b(?P<town>[A-Z][a-z]{{2,}})[ \t]*,?[ \t]*(?:{US_STATES})\b")


class StreetAddressRecognizer(SpeechRecognizer):
    """Street addresses (house number, street name, street type, town and state) as LOCATION."""

    ENTITIES = ("LOCATION",)

    def find(self, text: str, entities: frozenset[str]) -> list[tuple[str, int, int, float]]:
        full = self._full_addresses(text) if on("addr.full") else []
        garbled = [g for g in self._garbled_addresses(text) if not overlaps(full, g[1], g[2])]
        found = full + garbled
        for kind, start, end, score in self._answered_addresses(text) if on("addr.answered") else []:
            overlapping = [f for f in found if f[1] < end and start < f[2]]
            if not overlapping:
                found.append((kind, start, end, score))
                continue
            for f in overlapping:  # the answer runs on past the street the other rules read: one address
                found[found.index(f)] = (f[0], min(f[1], start), max(f[2], end), f[3])
        for match in _TOWN_AND_STATE.finditer(text) if on("addr.town_and_state") else ():
            start, end = match.span()
            if match.group("town").lower() not in STOP_WORDS | _NOT_PLACES and not overlaps(found, start, end):
                found.append(("LOCATION", start, end, 0.6))
        return found

    def _answered_addresses(self, text: str) -> list[tuple[str, int, int, float]]:
        """The answer to an address cue, however recognition garbled the street: a house number
        and the words after it in its clause ("I live at 48-ine drive Denver", "your address has
        flat 11, 11, 11 will all present your")."""
        results = []
        for cue in _ANSWER_CUE.finditer(text):
            lead = _ANSWER_LEAD.match(text, cue.end(), min(len(text), cue.end() + 40))
            start = lead.end() if lead else cue.end()
            number = _ANSWER_NUMBER.match(text, start)
            if number is None or (start > 0 and text[start - 1].isalnum()):
                continue
            end = number.end()
            for _ in range(_ANSWER_WORDS):
                word = _ANSWER_WORD.match(text, end)
                if word is None:
                    break
                value = word.group("word")
                first = _first_part(value)
                if first in _ENDS_ANSWER or (value[0].isupper() and first in STOP_WORDS):
                    break  # the next question, or a new sentence ("…, We'll see you")
                if "," in word.group() and re.fullmatch(r"[A-Z][a-z]+", value) and first not in _UNITS:
                    break  # the town after the street: the tail takes it
                if first == "and" and re.match(r"[ \t]+(?i:the|your|my|a|an)\b", text[word.end() :]):
                    break
                end = word.end()
            if cue.group().lower().startswith("leave") and not _NAMES_A_PLACE.search(text, start, end):
                continue  # "we leave at 10 and …" is a time; "leave at" counts as "live at" only with a street
            results.append(("LOCATION", start, self._tail_end(text, end), 0.75))
        return results

    def _garbled_addresses(self, text: str) -> list[tuple[str, int, int, float]]:
        """Streets with their number or type lost, right after a word that announces an address
        (or, for a number and a name, after "Flat …"/"Apartment …")."""
        results = []
        for match in _NUMBERLESS_STREET.finditer(text) if on("addr.numberless") else ():
            words = list(re.finditer(r"\S+", match.group("name")))
            while words and words[0].group().lower() in STOP_WORDS | _NOT_PLACES:
                words = words[1:]  # "… has strove lane": the street starts after the last common word
            if not words or any(w.group().lower() in STOP_WORDS | _NOT_PLACES for w in words):
                continue
            start = match.start("name") + words[0].start()
            if _STRONG_ADDRESS_CUE.search(text, max(0, start - 90), start):
                results.append(("LOCATION", start, self._tail_end(text, match.end()), 0.7))
        for match in _TYPELESS_STREET.finditer(text) if on("addr.typeless") else ():
            strong = _STRONG_ADDRESS_CUE.search(text, max(0, match.start() - 90), match.start())
            state = _UP_TO_STATE.match(text, match.end()) or re.search(rf"\b(?:{US_STATES})$", match.group())
            if strong or match.group("unit") or state:  # "10A Madison Wisconsin": a state ends an address
                results.append(("LOCATION", match.start(), self._tail_end(text, match.end()), 0.7))
        for match in _BEFORE_TOWN_AND_STATE.finditer(text) if on("addr.before_town_state") else ():
            if not re.search(r"[.?!]", match.group()):
                results.append(("LOCATION", match.start(), match.end(), 0.65))
        return results

    def _full_addresses(self, text: str) -> list[tuple[str, int, int, float]]:
        results = []
        for match in _STREET_ADDRESS.finditer(text):
            words = match.group("name").split()
            cued = bool(_ADDRESS_CUE.search(text, max(0, match.start() - 50), match.start()))
            while cued and len(words) > 1 and words[0].lower() in STOP_WORDS:
                words = words[1:]  # "7, 4, 2, and the green terrace": words recognition slipped in
            capitalised = all(w[0].isupper() for w in words)
            street_type = text[match.end() - len(match.group("type")) : match.end()].lower()
            written_lowercase = street_type in _UNMISTAKABLESTREET_TYPES  # "It's 64 cherry circle"
            # A state after it makes it an address whatever its case ("46 highland place, Prisoner
            # California"), and after a comma whatever words recognition put in the name ("81 merge
            # with drive, Austin Texas").
            state = _UP_TO_STATE.match(text, match.end())
            after_comma = state is not None and _TOWN_THEN_STATE.match(text, match.end()) is not None
            if (not (cued or after_comma) and any(w.lower() in STOP_WORDS for w in words)) or not (
                capitalised or cued or written_lowercase or state
            ):
                continue  # after a cue, recognition may have put common words in the name ("Birch was drive")
            results.append(("LOCATION", match.start(), self._tail_end(text, match.end()), 0.8 if cued else 0.7))
        return results

    @staticmethod
    def _tail_end(text: str, end: int) -> int:
        """The end of the address: the street plus up to three parts after it."""
        if not on("addr.tail"):
            return end
        end = StreetAddressRecognizer._parts_end(text, end)
        state = _UP_TO_STATE.match(text, end) if on("addr.up_to_state") else None
        if state is not None:
            end = StreetAddressRecognizer._parts_end(text, state.end())
        postcode = _UP_TO_POSTCODE.match(text, end) if on("addr.up_to_postcode") else None
        return postcode.end() if postcode else end

    @staticmethod
    def _parts_end(text: str, end: int) -> int:
        for _ in range(3):
            tail = _ADDRESS_TAIL.match(text, end)
            if tail is None:
                break
            words = list(re.finditer(r"[^\s,.]+", tail.group()))
            kept = 0
            while kept < len(words) and _first_part(words[kept].group()) not in _NOT_PLACES | STOP_WORDS:
                if _BEFORE_CODE.match(text, tail.start() + words[kept].end()):
                    break  # "…, Colorado. Live code 2671": "zip" misheard, no town
                if cue_index(text).starts_at(tail.start() + words[kept].start()):
                    break  # "…, Belfast.\nAccount number 8, 2, …": the next value's cue, no town
                kept += 1
            unit = re.match(r"\s*[,.]?\s*(?i:apartment|apt|flat|unit|suite|floor)\b", tail.group())
            if unit:
                kept = len(words)
            if not kept:
                break
            end = tail.start() + words[kept - 1].end()
            if kept < len(words):
                break
        return end


def _first_part(word: str) -> str:
    """The word before a hyphen or an apostrophe, lowercase ("Post-Cove-S" -> "post", "We'll" -> "we")."""
    return re.split(r"[-'’]", word.lower(), maxsplit=1)[0]
