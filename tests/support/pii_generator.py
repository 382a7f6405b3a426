"""Generated spoken scripts for the recognised-speech PII corpus: one call (or meeting) per seed.

Every seed draws, with its own ``random.Random(seed)``, a call in US or UK English — an agent and a
caller who introduce themselves and a handful of PII items, each in one of many phrasings (cue
words present, cue words recognition often mishears, no cue at all; the value at the start, in
the middle or at the end of a sentence; two values in one sentence; a value split over two
sentences or two turns) — filled with values drawn for that seed: Luhn-valid card numbers of
several brands and groupings, US, UK and international phone numbers, names of many origins,
emails built from them, street addresses, sort codes, routing numbers with a valid ABA checksum,
IBANs with valid check digits, SWIFT codes, National Insurance numbers, postcodes, ZIP codes, dates
of birth, PINs, passwords, plates, passports, driver IDs, IP addresses, reference numbers. Numbers
are said the ways people say them: digit by digit, in pairs ("forty five thirty nine"), with "oh"
or "zero", "double"/"triple". Every sixth seed is a meeting without PII, full of harmless numbers
(prices, dates, times, versions, rooms, chapters, flights, quantities), and calls carry some of
those too. The seed also draws the voice: an espeak-ng voice and variant, a speed of 130–200
words a minute, and for some, noise mixed in.

Seeds come in two ranges:

- **development** (``DEV_SEEDS``): read, measured and tuned on; the corpus is committed as text
  (``tests/data/pii_asr_dev.txt``);
- **test** (``TEST_SEEDS``): never read. Its recordings are built by ``python -m
  bench.bench_pii_asr`` (cached under ``bench/.work``) and reported only as totals. Test seeds also
  draw from voices, names, streets and towns the development range never uses
  (``TEST_ONLY_VOICES``; a third of each word list), so the test measures speech nobody tuned on.

Marked values use ``tests.support.scripts.Script`` markup: ``{TYPE:spoken words}``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from string import Template
from typing import Literal

from tests.support.pii_scripts import PiiScript, Voice
from tests.support.scripts import Script

Range = Literal["dev", "test"]
DEV_SEEDS = range(0, 600)
TEST_SEEDS = range(100_000, 100_150)
NO_PII_EVERY = 6  # every sixth seed is a meeting without PII

# -- voices ---------------------------------------------------------------------------------------
# espeak-ng ignores a variant after "en-gb"; the British voice with a variant is "en+<variant>".
DEV_VOICES = (
    "en-us", "en-us+f3", "en-us+m3", "en", "en+f2", "en+m2", "en-gb-scotland", "en-gb-scotland+f2",
    "en-gb-x-rp", "en-029", "en-us-nyc", "en-gb-x-gbclan+f2", "en-gb-x-gbcwmd",
)  # fmt: skip
TEST_ONLY_VOICES = ("en-us+f5", "en+f4", "en-gb-x-rp+m4", "en-029+f3", "en-us-nyc+m5", "en-gb-scotland+m7")
NOISES = ("pink", "brown", "white")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def voice_for(seed: int, rng: random.Random, split: Range) -> Voice:
    """The voice a seed is read with: an espeak-ng voice, a speed, and noise for about a third."""
    voices = DEV_VOICES + (TEST_ONLY_VOICES if split == "test" else ())
    voice = rng.choice(voices)
    speed = rng.randrange(130, 201)
    noise: Literal["", "pink", "brown", "white"] = rng.choice(NOISES) if rng.random() < 0.3 else ""
    amplitude = round(rng.uniform(0.02, 0.06), 3) if noise else 0.0
    name = f"{voice}-{speed}" + (f"-{noise}{round(amplitude * 1000):02d}" if noise else "")
    return Voice(name, voice, speed, split, noise, amplitude)  # type: ignore[arg-type]


# -- word lists (development seeds draw from two thirds of each; test seeds from all) ---------------
FIRST_NAMES = _words(
    "James Mary Robert Patricia Michael Jennifer William Linda David Elizabeth Richard Barbara Joseph Susan "
    "Thomas Jessica Charles Sarah Christopher Karen Daniel Nancy Matthew Lisa Anthony Betty Mark Margaret "
    "Donald Sandra Steven Ashley Paul Kimberly Andrew Emily Joshua Donna Kenneth Michelle Kevin Carol Brian "
    "Amanda George Melissa Timothy Deborah Ronald Stephanie Jason Rebecca Jeffrey Laura Ryan Sharon Jacob "
    "Cynthia Gary Kathleen Nicholas Amy Eric Helen Jonathan Angela Oliver Harry Amelia Isla Poppy Freya Alfie "
    "Callum Rhys Gareth Bethan Siobhan Niamh Ciaran Aoife Eilidh Fergus Hamish Morag Dylan Alejandro Mariana "
    "Javier Lucia Carlos Sofia Diego Valentina Jorge Camila Luis Ximena Miguel Guadalupe Rafael Paloma Priya "
    "Arjun Rohan Ananya Vikram Deepika Sanjay Kavya Rahul Aisha Imran Farah Bilal Zainab Hamza Nadia Sunita "
    "Harpreet Gurpreet Wei Jing Hui Xiaoming Mei Hiroshi Yuki Kenji Sakura Minjun Jiwoo Seoyeon Thanh Linh "
    "Minh Huong Chidi Ngozi Oluwaseun Adaeze Kwame Ama Kofi Abena Tendai Thandiwe Sipho Zanele Amara Emeka "
    "Yaw Fatou Lukasz Agnieszka Katarzyna Piotr Giulia Marco Francesca Matteo Klaus Heike Jurgen Sabine "
    "Pierre Amelie Sven Ingrid Lars Astrid Dmitri Olga Anastasia Sergei Eleni Nikos Mehmet Ayse Emre Elif "
    "Omar Layla Youssef Fatima Khalid Mariam Tariq Rania Jose Maricel Rodel Liza Teresa Jerome Marisol "
    "Douglas Gemma Priyanka Declan Rosalind Ewan Tobias Leticia Ines Joaquin Bronwen Cormac Saoirse Anwar"
)
LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson "
    "Thompson White Harris Clark Lewis Robinson Walker Young Allen King Wright Scott Hill Green Adams Baker "
    "Nelson Carter Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins Stewart Morris "
    "Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood "
    "Watson Brooks Bennett Gray Hughes Price Sanders Myers Ross Foster Thornton Pemberton Whitaker "
    "Fairweather Gallagher MacLeod McKenzie Fraser Llewellyn Pritchard Jenkins O'Brien O'Connor Byrne Doyle "
    "Kavanagh Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres Flores "
    "Rivera Gomez Diaz Ortega Delgado Castillo Patel Sharma Singh Kumar Gupta Reddy Iyer Nair Chopra Khan "
    "Hussain Ahmed Rahman Chaudhry Malik Chen Wang Zhang Liu Huang Zhao Nguyen Tran Pham Kim Park Choi "
    "Tanaka Suzuki Sato Watanabe Okafor Adeyemi Okonkwo Mensah Asante Boateng Mwangi Ndlovu Dlamini "
    "Kowalski Nowak Wisniewski Kowalczyk Rossi Russo Ferrari Esposito Bianchi Muller Schmidt Schneider "
    "Fischer Weber Dubois Moreau Lefebvre Laurent Johansson Andersson Nilsson Larsen Hansen Ivanov Petrov "
    "Smirnova Papadopoulos Yilmaz Demir Kaya Haddad Mansour Nasser Santos Reyes Cruz Bautista Fairbairn "
    "Whitfield Raman Nakamura Abernathy Okoro Lindqvist Castellanos Oyelaran Brennan Featherstone"
)
COMPANIES = (
    "First Harbor Bank", "Northgate Building Society", "Lakeside Mutual", "Brightwater Energy", "Lakeview Pharmacy",
    "Summit Health", "Bluebell Telecom", "Crestline Insurance", "Meridian Credit Union", "the council tax office",
    "Pinecrest Dental", "Greenway Broadband", "Oakridge Motors", "the IT service desk", "Harbourside Water",
)  # fmt: skip
US_STREETS = _words(
    "Maple Oak Cedar Pine Elm Washington Lincoln Jefferson Lakeshore Birchwood Evergreen Sunset Highland Ridge "
    "Meadow Willow Chestnut Walnut Spruce Magnolia Sycamore Hawthorne Riverside Hillcrest Fairview Madison "
    "Franklin Cherry Aspen Juniper Briar Laurel Prospect Sheridan Beacon Orchard Mulberry Cypress"
)
US_STREET_TYPES = ("Street", "Avenue", "Road", "Drive", "Lane", "Boulevard", "Court", "Place", "Way", "Circle")
US_TOWNS = (
    ("Springfield", "Oregon"), ("Columbus", "Ohio"), ("Austin", "Texas"), ("Cleveland", "Ohio"),
    ("Denver", "Colorado"), ("Tucson", "Arizona"), ("Raleigh", "North Carolina"), ("Madison", "Wisconsin"),
    ("Boise", "Idaho"), ("Albany", "New York"), ("Sacramento", "California"), ("Omaha", "Nebraska"),
    ("Tampa", "Florida"), ("Richmond", "Virginia"), ("Portland", "Maine"), ("Savannah", "Georgia"),
    ("Louisville", "Kentucky"), ("Spokane", "Washington"), ("Des Moines", "Iowa"), ("Fresno", "California"),
    ("Knoxville", "Tennessee"), ("Tulsa", "Oklahoma"), ("Reno", "Nevada"), ("Dayton", "Ohio"),
)  # fmt: skip
UK_STREETS = _words(
    "Kings Queens Wellington Victoria Station Church Mill High Park Manor Elm Beech Cherry Tree Harbour Ashgrove "
    "Chapel Market Castle Bridge Albert Windsor Grange Orchard Meadow Willow Hawthorn Rosebank Fairfield Moorland "
    "Heather Thistle Primrose"
)
UK_STREET_TYPES = ("Road", "Street", "Lane", "Close", "Crescent", "Avenue", "Gardens", "Terrace", "Drive", "Way")
# Towns and the postcode areas that serve them.
UK_TOWNS = (
    ("London", ("N", "NW", "SW", "SE", "E", "W")), ("Leeds", ("LS",)), ("Bradford", ("BD",)),
    ("Cardiff", ("CF",)), ("Swansea", ("SA",)), ("Glasgow", ("G",)), ("Edinburgh", ("EH",)),
    ("Aberdeen", ("AB",)), ("Manchester", ("M",)), ("Liverpool", ("L",)), ("Bristol", ("BS",)),
    ("Norwich", ("NR",)), ("York", ("YO",)), ("Belfast", ("BT",)), ("Sheffield", ("S",)),
    ("Nottingham", ("NG",)), ("Leicester", ("LE",)), ("Southampton", ("SO",)), ("Brighton", ("BN",)),
    ("Inverness", ("IV",)), ("Dundee", ("DD",)), ("Exeter", ("EX",)), ("Plymouth", ("PL",)), ("Oxford", ("OX",)),
)  # fmt: skip
PASSWORD_WORDS = _words(
    "copper kettle orange pelican maple syrup sunrise harbour lantern dragon castle bluebird falcon river stone "
    "silver meadow purple tiger winter garden rocket velvet thunder cactus marble ocean panda violin sparrow "
    "crimson glacier honey badger lemon anchor forest pepper comet willow saturn biscuit"
)


def pool(items: Sequence[str] | Sequence[tuple], split: Range) -> list:  # type: ignore[type-arg]
    """The part of a word list a range draws from: development seeds never see every third item."""
    return list(items) if split == "test" else [item for i, item in enumerate(items) if i % 3 != 2]


# -- saying numbers -------------------------------------------------------------------------------
ONES = _words("zero one two three four five six seven eight nine")
TEENS = _words("ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen")
TENS = _words("_ _ twenty thirty forty fifty sixty seventy eighty ninety")
ORDINALS = _words(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
)
MONTHS = _words("January February March April May June July August September October November December")


def number_words(n: int, *, british: bool = False) -> str:
    """``n`` (0–999,999) in words: "two hundred and twelve" (British) or "two hundred twelve"."""
    if n < 10:
        return ONES[n]
    if n < 20:
        return TEENS[n - 10]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        head = f"{ONES[n // 100]} hundred"
        return head if rest == 0 else f"{head} {'and ' if british else ''}{number_words(rest)}"
    thousands, rest = divmod(n, 1000)
    head = f"{number_words(thousands, british=british)} thousand"
    if rest == 0:
        return head
    joiner = " and " if british and rest < 100 else " "
    return head + joiner + number_words(rest, british=british)


def ordinal_words(n: int) -> str:
    if n <= 20:
        return ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    return TENS[tens][:-1] + "ieth" if ones == 0 else f"{TENS[tens]} {ORDINALS[ones - 1]}"


def year_words(year: int) -> str:
    """A year as people say it: "nineteen seventy nine", "two thousand and three", "twenty twelve"."""
    if 2000 <= year < 2010:
        return f"two thousand {'and ' if year % 2 else ''}{ONES[year % 10]}" if year > 2000 else "two thousand"
    high, low = divmod(year, 100)
    if low == 0:
        return f"{number_words(high)} hundred"
    return f"{number_words(high)} {'oh ' + ONES[low] if low < 10 else number_words(low)}"


@dataclass(frozen=True)
class Say:
    """How one speaker reads digits out: "oh" or "zero", "double five" or "five five", pairs."""

    zero: str = "zero"
    doubles: bool = False
    pairs: bool = False

    @classmethod
    def draw(cls, rng: random.Random, *, british: bool) -> Say:
        zero = "oh" if rng.random() < (0.8 if british else 0.4) else "zero"
        return cls(zero, doubles=rng.random() < (0.5 if british else 0.15), pairs=rng.random() < 0.25)

    def digits(self, group: str) -> str:
        """A digit group read digit by digit, with "double"/"triple" if the speaker says them."""
        words: list[str] = []
        i = 0
        while i < len(group):
            run = len(group) - i - len(group[i:].lstrip(group[i]))
            word = self.zero if group[i] == "0" else ONES[int(group[i])]
            if self.doubles and run >= 2:
                take = 3 if run == 3 else 2
                words.append(("triple " if take == 3 else "double ") + word)
                i += take
            else:
                words.append(word)
                i += 1
        return " ".join(words)

    def group(self, group: str) -> str:
        """A group read digit by digit, or as pairs of two-digit numbers ("forty five thirty nine")."""
        if self.pairs and len(group) == 4 and group[0] != "0" and group[2] != "0":
            return f"{number_words(int(group[:2]))} {number_words(int(group[2:]))}"
        return self.digits(group)

    def grouped(self, digits: str, lengths: Sequence[int], sep: str = ", ") -> str:
        out, i = [], 0
        for n in lengths:
            out.append(self.group(digits[i : i + n]))
            i += n
        if i < len(digits):
            out.append(self.group(digits[i:]))
        return sep.join(out)


def spell(chars: str, say: Say, sep: str = " ") -> str:
    """Letters and digits said one by one: "N W B K G B two L"."""
    return sep.join(c if c.isalpha() else (say.zero if c == "0" else ONES[int(c)]) for c in chars)


def digits(rng: random.Random, n: int, *, first: str = "0123456789") -> str:
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


# -- values ---------------------------------------------------------------------------------------
def luhn_complete(partial: str) -> str:
    """``partial`` with the Luhn check digit appended."""
    total = 0
    for i, char in enumerate(reversed(partial)):
        d = int(char)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return partial + str((10 - total % 10) % 10)


CARD_BRANDS = (
    ("Visa", ("4",), 16, (4, 4, 4, 4)),
    ("Visa", ("4",), 13, (4, 4, 5)),
    ("Mastercard", ("51", "52", "53", "54", "55", "2221", "2720"), 16, (4, 4, 4, 4)),
    ("American Express", ("34", "37"), 15, (4, 6, 5)),
    ("Discover", ("6011", "65"), 16, (4, 4, 4, 4)),
    ("Diners Club", ("36",), 14, (4, 6, 4)),
    ("JCB", ("35",), 16, (4, 4, 4, 4)),
)


def card_number(rng: random.Random) -> tuple[str, str, tuple[int, ...]]:
    """(brand, Luhn-valid number, grouping)."""
    weights = (6, 1, 4, 2, 1, 1, 1)
    brand, prefixes, length, grouping = rng.choices(CARD_BRANDS, weights)[0]
    prefix = rng.choice(prefixes)
    body = prefix + digits(rng, length - len(prefix) - 1)
    return brand, luhn_complete(body), grouping


def aba_routing(rng: random.Random) -> str:
    """A nine-digit US routing number with a valid ABA checksum."""
    while True:
        head = rng.choice(["0", "1", "2", "3"]) + digits(rng, 7)
        if not 1 <= int(head[:2]) <= 12 and not 21 <= int(head[:2]) <= 32:
            continue
        for last in "0123456789":
            d = [int(c) for c in head + last]
            if (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8]) % 10 == 0:
                return head + last


def aba_valid(number: str) -> bool:
    d = [int(c) for c in number]
    return len(d) == 9 and (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + d[2] + d[5] + d[8]) % 10 == 0


IBAN_FORMATS = {  # country: BBAN pattern (A: a capital, 9: a digit)
    "GB": "AAAA99999999999999",
    "DE": "999999999999999999",
    "FR": "99999999999999999999999",
    "NL": "AAAA9999999999",
    "ES": "99999999999999999999",
    "IE": "AAAA99999999999999",
    "IT": "A9999999999999999999999",
    "BE": "999999999999",
}
BANK_CODES = ("NWBK", "BARC", "LOYD", "HBUK", "MIDL", "ABNA", "RABO", "INGB", "AIBK", "BOFI", "BUKB", "CITI")


def iban_check_digits(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{98 - number % 97:02d}"


def iban_valid(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def iban(rng: random.Random) -> str:
    country = rng.choice(list(IBAN_FORMATS))
    pattern = IBAN_FORMATS[country]
    bank = rng.choice(BANK_CODES)
    chars, letters = [], iter(bank)
    for p in pattern:
        chars.append(next(letters, rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ")) if p == "A" else rng.choice("0123456789"))
    bban = "".join(chars)
    return country + iban_check_digits(country, bban) + bban


SWIFT_BANKS = (
    "NWBK",
    "BARC",
    "LOYD",
    "HSBC",
    "DEUT",
    "COBA",
    "BNPA",
    "INGB",
    "ABNA",
    "RABO",
    "CITI",
    "CHAS",
    "BOFA",
    "AIBK",
    "UNCR",
    "SOGE",
    "BUKB",
    "MIDL",
)
SWIFT_COUNTRIES = ("GB", "DE", "FR", "NL", "US", "IE", "IT", "ES", "BE", "CH")


def swift_code(rng: random.Random) -> str:
    location = rng.choice(["2L", "22", "FF", "33", "MM", "LL", "N3", "2X", "PP", "3N"])
    branch = rng.choice(["", "", "XXX", "500", "LDN"])
    return rng.choice(SWIFT_BANKS) + rng.choice(SWIFT_COUNTRIES) + location + branch


NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"


def nino(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(NINO_FIRST) + rng.choice(NINO_SECOND)
        if prefix not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):
            return prefix + digits(rng, 6) + rng.choice("ABCD")


def ssn(rng: random.Random) -> str:
    while True:
        area = rng.randrange(1, 900)
        if area != 666:
            return f"{area:03d}{rng.randrange(1, 100):02d}{rng.randrange(1, 10000):04d}"


POSTCODE_INWARD = "ABDEFGHJLNPQRSTUWXYZ"


def uk_postcode(rng: random.Random, area: str) -> str:
    district = str(rng.randrange(1, 20 if len(area) == 2 else 30))
    if rng.random() < 0.15 and len(district) == 1:
        district += rng.choice("ABEHMNPRVWXY")
    return f"{area}{district} {rng.randrange(0, 10)}{rng.choice(POSTCODE_INWARD)}{rng.choice(POSTCODE_INWARD)}"


# -- the pieces of a call -------------------------------------------------------------------------
@dataclass
class Call:
    """What one generated call knows while it is written: its speakers and how they talk."""

    rng: random.Random
    split: Range
    british: bool
    agent: tuple[str, str]
    caller: tuple[str, str]
    say: Say

    def pick(self, options: Sequence[str]) -> str:
        return self.rng.choice(list(options))

    def person(self) -> tuple[str, str]:
        return self.pick(pool(FIRST_NAMES, self.split)), self.pick(pool(LAST_NAMES, self.split))


def mark(kind: str, spoken: str) -> str:
    return "{" + kind + ":" + spoken + "}"


def fill(template: str, **values: str) -> str:
    return Template(template).substitute(**values)


Turns = list[str]


def _qa(call: Call, questions: Sequence[str | None], answers: Sequence[str], **values: str) -> Turns:
    question = call.rng.choice(list(questions))
    answer = fill(call.pick(answers), **values)
    turns = [fill(question, **values)] if question else []
    return [*turns, answer[0].upper() + answer[1:]]


def names_intro(call: Call, org: str) -> Turns:
    (af, al), (cf, cl) = call.agent, call.caller
    agent_full, caller_full = mark("PERSON", f"{af} {al}"), mark("PERSON", f"{cf} {cl}")
    opening = call.pick(
        [
            f"Hello, thank you for calling {org}, this is {agent_full} speaking. How can I help you today?",
            f"{org}, {agent_full} speaking, how can I help?",
            f"Good morning, you're through to {org}, my name is {mark('PERSON', af)}. Who am I speaking with?",
            f"Hi, you've reached {org}. I'm {agent_full}, what can I do for you?",
            f"Good afternoon, {org}, {mark('PERSON', af)} here.",
        ]
    )
    reason = call.pick(
        [
            "I'm calling about a charge on my account.",
            "I need to update my details.",
            "I'd like to set up a payment.",
            "I'm locked out of my account.",
            "I want to move my account over to a new address.",
            "I'm calling about my claim.",
        ]
    )
    spelled = mark("PERSON", " ".join(cl.replace("'", "").upper()))
    reply = call.pick(
        [
            f"Hi {mark('PERSON', af)}, my name is {caller_full} and {reason[0].lower() + reason[1:]}",
            f"Hi, it's {caller_full}. {reason}",
            f"Morning, {caller_full} here. {reason}",
            f"Yes hello, I'm {mark('PERSON', cf)} {mark('PERSON', cl)}. {reason}",
            f"My name is {caller_full}, that's {spelled}. {reason}",
            f"{caller_full}. {reason}",
            f"Hello, this is {mark('PERSON', cf)}, surname {mark('PERSON', cl)}. {reason}",
        ]
    )
    return [opening, reply]


def names_closing(call: Call) -> Turns:
    (af, _), (cf, cl) = call.agent, call.caller
    return [
        call.pick(
            [
                f"Thanks {mark('PERSON', cf)}, that's all done. Have a good day.",
                f"Thank you {mark('PERSON', cf + ' ' + cl)}, the change goes through within three to five days.",
                f"That's everything, {mark('PERSON', cf)}. Anything else I can help with?",
                f"Lovely, {mark('PERSON', cf)}, you'll get a letter in the next week or so.",
                f"No worries {mark('PERSON', cf)}, the ticket is closed.",
            ]
        ),
        call.pick(
            [
                f"Thanks {mark('PERSON', af)}, bye.",
                "No, that's all, thank you.",
                f"Great, thank you {mark('PERSON', af)}.",
                "Perfect, cheers.",
            ]
        ),
    ]


def third_party(call: Call) -> Turns:
    first, last = call.person()
    relation = call.pick(["sister", "husband", "wife", "son", "daughter", "partner", "brother", "colleague"])
    who = call.pick(
        [
            f"my {relation}, {mark('PERSON', first + ' ' + last)}",
            f"my {relation} {mark('PERSON', first)}",
            f"{mark('PERSON', first + ' ' + last)}, my {relation}",
        ]
    )
    return _qa(
        call,
        ["Is anyone else on the account?", "Who should we contact in an emergency?", None],
        [
            f"Yes, {who}.",
            f"That would be {who}.",
            f"I spoke to {mark('PERSON', first)} last week about it, {who}.",
            f"Please add {who} as a second contact.",
        ],
    )


def card(call: Call) -> Turns:
    brand, number, grouping = card_number(call.rng)
    say = call.say
    style = call.rng.random()
    if style < 0.15:  # no pauses at all
        spoken = say.digits(number) if not say.pairs else say.grouped(number, grouping, " ")
    elif style < 0.25:  # a sentence break between groups
        spoken = say.grouped(number, grouping, ". ")
    else:
        spoken = say.grouped(number, grouping)
    month, year = call.rng.randrange(1, 13), call.rng.randrange(25, 32)
    expiry = call.pick(
        [
            f"{say.digits(f'{month:02d}')} slash {number_words(year)}",
            f"{say.digits(f'{month:02d}')} {number_words(year)}",
            f"{MONTHS[month - 1]} twenty {number_words(year)}",
            f"{number_words(month)} {number_words(year)}",
        ]
    )
    cvv = say.digits(digits(call.rng, 4 if brand == "American Express" else 3))
    v, exp, code = mark("CREDIT_CARD", spoken), mark("CREDIT_CARD", expiry), mark("CREDIT_CARD", cvv)
    half = len(grouping) // 2
    first_half = say.grouped(number[: sum(grouping[:half])], grouping[:half])
    second_half = say.grouped(number[sum(grouping[:half]) :], grouping[half:])
    if call.rng.random() < 0.15:  # split over two turns
        return [
            call.pick(["Can I take the card number please?", "Go ahead with the long number on the front."]),
            f"Sure, it's {mark('CREDIT_CARD', first_half)}",
            call.pick(["Yes?", "Go on.", "Okay."]),
            f"{mark('CREDIT_CARD', second_half)}, and it expires {exp}.",
        ]
    return _qa(
        call,
        [
            "Can I have the card number please?",
            "What card would you like to use?",
            "Go ahead with the long number on the front.",
            "And the number?",
            "How would you like to pay?",
            None,
        ],
        [
            "Yes, the card number is $v. The expiry date is $exp and the security code is $cvv.",
            "It's a $brand, $v.",
            "Sure. $v.",
            "$v, that's the card.",
            "The card is $v, expiry $exp, and the security code is $cvv.",
            "Okay so it's $v, and it expires $exp.",
            "Card number $v. The three digits on the back are $cvv.",
            "Please charge my $brand, number $v, expiry $exp.",
            "$brand, the number is $v, expiration $exp, and the code on the back is $cvv.",
            "Right, I have it here, $v, valid until $exp.",
            "The long number is $v.",
            "Ready? $v. Expires $exp. CVV $cvv.",
        ],
        v=v,
        exp=exp,
        cvv=code,
        brand=brand,
    )


def phone_number(call: Call, kind: str | None = None) -> str:
    """One phone number, spoken."""
    rng, say = call.rng, call.say
    kind = kind or rng.choice(["uk_mobile", "uk_landline", "intl"] if call.british else ["us", "us", "us_one", "intl"])
    if kind == "us":
        area, exchange, line = digits(rng, 3, first="2345689"), digits(rng, 3, first="2345679"), digits(rng, 4)
        if rng.random() < 0.2:
            return f"area code {say.digits(area)}, {say.digits(exchange)}, {say.group(line)}"
        return f"{say.digits(area)}, {say.digits(exchange)}, {say.group(line)}"
    if kind == "us_one":
        area, rest = rng.choice(["800", "888", "877"]), digits(rng, 3, first="2345679") + digits(rng, 4)
        return f"one {number_words(int(area)) if rng.random() < 0.5 else say.digits(area)}, {say.grouped(rest, (3, 4))}"
    if kind == "uk_mobile":
        number = "07" + digits(rng, 9)
        return say.grouped(number, rng.choice([(5, 6), (5, 3, 3), (4, 3, 4)]))
    if kind == "uk_landline":
        number, grouping = rng.choice(
            [
                ("020" + digits(rng, 8), (3, 4, 4)),
                ("01" + digits(rng, 9), (4, 3, 4)),
                ("029" + digits(rng, 8), (3, 4, 4)),
            ]
        )
        return say.grouped(number, grouping)
    country, rest, grouping = rng.choice(
        [
            ("44", "7" + digits(rng, 9), (4, 3, 3)),
            ("1", digits(rng, 10, first="2345689"), (3, 3, 4)),
            ("353", "8" + digits(rng, 8), (2, 3, 4)),
            ("61", "4" + digits(rng, 8), (1, 4, 4)),
            ("91", digits(rng, 10, first="6789"), (5, 5)),
        ]
    )
    return f"plus {say.digits(country)}, {say.grouped(rest, grouping)}"


def mark_phone(spoken: str) -> str:
    """A phone number marked as PII ("area code" before it is not part of it)."""
    lead = "area code " if spoken.startswith("area code ") else ""
    return lead + mark("PHONE_NUMBER", spoken.removeprefix(lead))


def phone(call: Call) -> Turns:
    v = mark_phone(phone_number(call))
    v2 = mark_phone(phone_number(call))
    ext = mark("PHONE_NUMBER", call.say.digits(digits(call.rng, call.rng.choice([3, 4]))))
    spoken = phone_number(call)
    parts = spoken.split(", ")
    if len(parts) >= 3 and call.rng.random() < 0.2:  # split over two sentences
        cut = len(parts) // 2
        return [
            call.pick(["What's the best number to reach you?", "And a contact number?"]),
            f"It's {mark_phone(', '.join(parts[:cut]))}. {mark('PHONE_NUMBER', ', '.join(parts[cut:]))}.",
        ]
    return _qa(
        call,
        [
            "What's the best number to reach you?",
            "And a contact number?",
            "Can I get a callback number?",
            "And a mobile number in case we need to ring you back?",
            None,
        ],
        [
            "You can reach me on $v.",
            "My mobile is $v.",
            "$v.",
            "It's $v, that's my mobile.",
            "My mobile is $v and the landline is $v2.",
            "Call me at $v any time after six.",
            "$v is the best one.",
            "Text me on $v.",
            "My work number is $v, extension $ext.",
            "Home is $v, mobile $v2.",
            "The number on file should be $v.",
            "Try $v, or if that's busy, $v2.",
        ],
        v=v,
        v2=v2,
        ext=ext,
    )


def social(call: Call) -> Turns:
    number, say = ssn(call.rng), call.say
    spoken = call.pick([say.grouped(number, (3, 2, 4)), say.grouped(number, (3, 2, 4)), say.digits(number)])
    if say.pairs:
        spoken = f"{say.digits(number[:3])}, {number_words(int(number[3:5]))}, {say.group(number[5:])}"
    last4 = mark("US_SSN", say.group(number[5:]))
    return _qa(
        call,
        [
            "And for verification, your social security number?",
            "Can you confirm your social?",
            "I'll need your SSN.",
            "And the last four of your social?",
            None,
        ],
        [
            "It's $v.",
            "$v.",
            "My social is $v.",
            "Sure, $v.",
            "The last four are $last4.",
            "Social security number $v.",
            "$v, that's my social.",
            "Last four, $last4.",
        ],
        v=mark("US_SSN", spoken),
        last4=last4,
    )


DOMAINS = (
    "gmail dot com",
    "yahoo dot com",
    "outlook dot com",
    "hotmail dot co dot uk",
    "icloud dot com",
    "proton mail dot com",
    "btinternet dot com",
    "aol dot com",
    "live dot co dot uk",
    "mail dot com",
)


def email_address(call: Call, first: str, last: str) -> str:
    first, last = first.lower().replace("'", ""), last.lower().replace("'", "")
    number = number_words(call.rng.randrange(1, 100))
    domain = call.pick(DOMAINS) if call.rng.random() < 0.75 else f"{last} family dot net"
    return call.pick(
        [
            f"{first} dot {last} at {domain}",
            f"{first} underscore {last} at {domain}",
            f"{first[0]} {last} {number} at {domain}",
            f"{first} {last} at {domain}",
            f"{first} dot {last} {number} at {domain}",
            f"{first} dash {last} at {domain}",
            f"{first} at {last} dot com",
        ]
    )


def email(call: Call) -> Turns:
    v = mark("EMAIL_ADDRESS", email_address(call, *call.caller))
    return _qa(
        call,
        ["And an email address?", "Would you like the receipt by email?", "What email should we use?", None],
        [
            "It's $v.",
            "Yes, $v.",
            "My email is $v.",
            "Send it to $v please.",
            "You can email me at $v.",
            "$v, all lower case.",
            "The email on file should be $v.",
            "Please send the receipt to $v.",
        ],
        v=v,
    )


def sort_code_spoken(call: Call, code: str) -> str:
    say = call.say
    if call.rng.random() < 0.35:
        return ", ".join(
            number_words(int(code[i : i + 2])) if code[i] != "0" else say.digits(code[i : i + 2]) for i in (0, 2, 4)
        )
    return say.grouped(code, (2, 2, 2))


def uk_bank(call: Call) -> Turns:
    code = digits(call.rng, 6, first="123456789")
    account = digits(call.rng, 8)
    sort = mark("BANK_ROUTING", sort_code_spoken(call, code))
    acct = mark("BANK_ACCOUNT_NUMBER", call.say.grouped(account, call.pick([(4, 4), (8,), (2, 3, 3)])))
    return _qa(
        call,
        [
            "Could you give me your sort code and account number?",
            "I'll need the direct debit details.",
            "Sort code and account number?",
            None,
        ],
        [
            "The sort code is $sort and the account number is $acct.",
            "Sort code $sort, account $acct.",
            "It's $sort, and $acct.",
            "$sort, and the account is $acct.",
            "Account number $acct, sort code $sort.",
            "The account is $acct and the sort code $sort.",
        ],
        sort=sort,
        acct=acct,
    )


def us_bank(call: Call) -> Turns:
    routing = mark("BANK_ROUTING", call.say.grouped(aba_routing(call.rng), call.pick([(3, 3, 3), (9,), (4, 4, 1)])))
    account = digits(call.rng, call.rng.randrange(8, 13))
    acct = mark("BANK_ACCOUNT_NUMBER", call.say.grouped(account, call.pick([(3, 3, 3, 3), (4, 4, 4), (len(account),)])))
    return _qa(
        call,
        [
            "Where should we deposit the payment?",
            "Would you like the refund to go to your checking account?",
            "I'll need the account and routing number.",
            None,
        ],
        [
            "The account number is $acct and the routing number is $routing.",
            "Routing $routing, account $acct.",
            "My checking account, $acct, routing $routing.",
            "ABA number $routing, and the account is $acct.",
            "It's $acct, and the routing is $routing.",
            "Account $acct. Routing number $routing.",
        ],
        routing=routing,
        acct=acct,
    )


def iban_spoken(call: Call, value: str) -> str:
    say = call.say
    head = f"{spell(value[:2], say)} {say.digits(value[2:4])}"
    rest = [value[i : i + 4] for i in range(4, len(value), 4)]
    return ", ".join([head, *(spell(g, say) if not g.isdigit() else say.group(g) for g in rest)])


def international(call: Call) -> Turns:
    account = mark("IBAN_CODE", iban_spoken(call, iban(call.rng)))
    swift = mark("SWIFT_CODE", spell(swift_code(call.rng), call.say))
    return _qa(
        call,
        ["Where is the money going?", "And the account abroad?", "Can you read me the IBAN?", None],
        [
            "The IBAN is $iban.",
            "Send it to $iban, BIC $swift.",
            "IBAN $iban, SWIFT code $swift.",
            "My account abroad is $iban, and the SWIFT code is $swift.",
            "It's $iban.",
            "The SWIFT code is $swift and the IBAN is $iban.",
            "BIC $swift.",
        ],
        iban=account,
        swift=swift,
    )


def pin(call: Call) -> Turns:
    v = mark("PIN", call.say.digits(digits(call.rng, 6 if call.rng.random() < 0.15 else 4)))
    return _qa(
        call,
        ["And your four digit PIN?", "For security, your PIN please.", "Set a PIN for phone banking?", None],
        [
            "My PIN is $v.",
            "The PIN is $v.",
            "PIN number, $v.",
            "$v.",
            "Set the PIN to $v.",
            "For the phone banking line my PIN is $v.",
            "It's $v, the PIN.",
        ],
        v=v,
    )


def password(call: Call) -> Turns:
    words = pool(PASSWORD_WORDS, call.split)
    chosen = call.rng.sample(words, call.rng.choice([2, 2, 3]))
    if call.rng.random() < 0.6:
        chosen.append(number_words(call.rng.randrange(1, 100)))
    v = mark("PASSWORD", " ".join(chosen))
    return _qa(
        call,
        ["Set a telephone password too?", "And your password?", "I've reset your account.", None],
        [
            "My password is $v.",
            "The temporary password is $v.",
            "Make it $v.",
            "I've reset it to $v.",
            "The passcode is $v.",
            "Your new temporary password is $v.",
            "Password, $v.",
        ],
        v=v,
    )


def username(call: Call) -> Turns:
    first, last = call.caller
    number = number_words(call.rng.randrange(1, 100))
    v = mark(
        "USERNAME",
        call.pick(
            [
                f"{first[0].lower()} {last.lower()} {number}",
                f"{first.lower()} {last.lower()}",
                f"{last.lower()} {first[0].lower()}",
            ]
        ),
    )
    return _qa(
        call,
        ["What's your username?", "And the login?", None],
        ["It's $v.", "My username is $v.", "$v.", "The login is $v."],
        v=v,
    )


def date_of_birth(call: Call) -> Turns:
    year = call.rng.randrange(1940, 2006)
    month, day = call.rng.randrange(1, 13), call.rng.randrange(1, 29)
    say = call.say
    spoken = call.pick(
        [
            f"{MONTHS[month - 1]} {ordinal_words(day)}, {year_words(year)}",
            f"the {ordinal_words(day)} of {MONTHS[month - 1]}, {year_words(year)}",
            f"{ordinal_words(day)} {MONTHS[month - 1]} {year_words(year)}",
            f"{say.digits(f'{day:02d}')}, {say.digits(f'{month:02d}')}, {year_words(year)}",
            f"{MONTHS[month - 1]} {number_words(day)}, {year_words(year)}",
        ]
    )
    return _qa(
        call,
        ["And your date of birth?", "Can you confirm your date of birth?", "Date of birth please.", None],
        ["$v.", "It's $v.", "I was born on $v.", "My date of birth is $v.", "Born $v.", "D O B is $v."],
        v=mark("DATE_OF_BIRTH", spoken[0].upper() + spoken[1:] if spoken.startswith("the") else spoken),
    )


def house_number(call: Call) -> str:
    n = call.rng.choice([call.rng.randrange(1, 100), call.rng.randrange(100, 2000)])
    if n >= 100 and call.rng.random() < 0.5:
        return call.say.digits(str(n))
    if n >= 1000 and call.rng.random() < 0.5:  # "fifteen eighteen", "twelve oh five", "nineteen hundred"
        low = n % 100
        tail = "hundred" if low == 0 else number_words(low) if low >= 10 else f"oh {ONES[low]}"
        return f"{number_words(n // 100)} {tail}"
    return number_words(n, british=call.british)


def address(call: Call) -> Turns:
    say = call.say
    if call.british:
        town, areas = call.pick(pool(UK_TOWNS, call.split))
        street = f"{call.pick(pool(UK_STREETS, call.split))} {call.pick(UK_STREET_TYPES)}"
        flat = f"Flat {number_words(call.rng.randrange(1, 20))}, " if call.rng.random() < 0.25 else ""
        place = mark("LOCATION", f"{flat}{house_number(call)} {street}, {town}")
        code = uk_postcode(call.rng, call.pick(areas))
        outward, inward = code.split()
        spoken_code = f"{spell(outward, say)}, {spell(inward, say)}"
        postal = mark("POSTAL_CODE", spoken_code)
        cue = call.pick(["postcode", "post code", ""])
    else:
        town, state = call.pick(pool(US_TOWNS, call.split))
        street = f"{call.pick(pool(US_STREETS, call.split))} {call.pick(US_STREET_TYPES)}"
        unit = (
            f", apartment {number_words(call.rng.randrange(1, 30))} {call.pick('ABCD')}"
            if call.rng.random() < 0.2
            else ""
        )
        place = mark("LOCATION", f"{house_number(call)} {street}{unit}, {town}, {state}")
        postal = mark("POSTAL_CODE", say.digits(digits(call.rng, 5)))
        cue = call.pick(["zip code", "zip", ""])
    return _qa(
        call,
        [
            "What's the address?",
            "Can you confirm the first line of your address and the postcode?",
            "Where should we send the letter?",
            "And the new address?",
            None,
        ],
        [
            f"$place, {cue} $postal." if cue else "$place, $postal.",
            f"I live at $place, {cue} $postal." if cue else "I live at $place, $postal.",
            "It's $place.",
            "Our records show your address as $place. Is that right?",
            f"Is your address still $place, {cue} $postal?" if cue else "Is your address still $place, $postal?",
            "$place.",
        ],
        place=place,
        postal=postal,
    )


def national_insurance(call: Call) -> Turns:
    value = nino(call.rng)
    say = call.say
    spoken = call.pick(
        [
            f"{spell(value[:2], say)}, {say.grouped(value[2:8], (2, 2, 2))}, {value[8]}",
            f"{spell(value[:2], say)} {say.digits(value[2:8])} {value[8]}",
        ]
    )
    return _qa(
        call,
        ["And your National Insurance number?", "Can you confirm your National Insurance number?", None],
        ["It's $v.", "$v.", "My National Insurance number is $v.", "N I number, $v."],
        v=mark("UK_NINO", spoken),
    )


def passport(call: Call) -> Turns:
    say = call.say
    if call.rng.random() < 0.6:
        spoken = say.grouped(digits(call.rng, 9, first="123456789"), (3, 3, 3))
    else:
        spoken = f"{call.pick('ABCGKLMNPRSTX')}, {say.grouped(digits(call.rng, 7), (3, 4))}"
    return _qa(
        call,
        ["Can I see some ID?", "And your passport number?", None],
        [
            "My passport number is $v.",
            "Passport, $v.",
            "The passport is $v, it expires in twenty twenty nine.",
            "It's $v.",
            "I brought my passport. The number is $v.",
        ],
        v=mark("PASSPORT_NUMBER", spoken),
    )


def driver_id(call: Call) -> Turns:
    say = call.say
    if call.british:
        last, first = call.caller[1].replace("'", "").upper(), call.caller[0].upper()
        code = (last + "99999")[:5]
        spoken = (
            f"{spell(code, say)}, {say.digits(digits(call.rng, 6))}, {first[0]} {call.pick('ABCDEHJKMRS')} "
            f"{ONES[call.rng.randrange(10)]} {call.pick('ABCDEFGHIJ')} {call.pick('ABCDEFGHIJ')}"
        )
    else:
        spoken = call.pick(
            [
                f"{call.pick('ABDFGKLMNRSTW')}, {say.grouped(digits(call.rng, 7), (3, 3, 1))}",
                say.grouped(digits(call.rng, 8, first="123456789"), (4, 4)),
                f"{spell(call.pick(['RS', 'DL', 'KM', 'TX']), say)}, {say.grouped(digits(call.rng, 6), (3, 3))}",
            ]
        )
    return _qa(
        call,
        ["We also need your driver's license.", "And your driving licence number?", None],
        [
            "Sure, my driver's license number is $v.",
            "Driving licence number $v.",
            "License, $v.",
            "It's $v.",
            "My licence is $v.",
        ],
        v=mark("DRIVER_ID", spoken),
    )


def plate(call: Call) -> Turns:
    say, rng = call.say, call.rng
    letters = "ABCDEFGHJKLMNPRSTVWXY"
    if call.british:
        spoken = (
            f"{spell(rng.choice(letters) + rng.choice(letters), say)} {say.digits(digits(rng, 2))}, "
            f"{spell(''.join(rng.choice(letters) for _ in range(3)), say)}"
        )
    else:
        spoken = call.pick(
            [
                f"{ONES[rng.randrange(1, 10)]}, {spell(''.join(rng.choice(letters) for _ in range(3)), say)}, "
                f"{say.digits(digits(rng, 3))}",
                f"{spell(''.join(rng.choice(letters) for _ in range(3)), say)}, {say.digits(digits(rng, 4))}",
            ]
        )
    return _qa(
        call,
        ["And your car registration?", "The parking permit needs your license plate.", "What's the vehicle?", None],
        [
            "The registration is $v.",
            "My plate number is $v.",
            "It's a blue Ford Focus, $v.",
            "Car reg $v.",
            "$v.",
            "It's $v.",
        ],
        v=mark("LICENSE_PLATE", spoken),
    )


def ip_address(call: Call) -> Turns:
    rng = call.rng
    octets = rng.choice(
        [
            [192, 168, rng.randrange(0, 256), rng.randrange(1, 255)],
            [10, rng.randrange(0, 256), rng.randrange(0, 256), rng.randrange(1, 255)],
            [172, rng.randrange(16, 32), rng.randrange(0, 256), rng.randrange(1, 255)],
        ]
    )
    spoken = " dot ".join(call.say.digits(str(o)) if rng.random() < 0.5 else number_words(o) for o in octets)
    return _qa(
        call,
        ["Which machine are you on?", "Can you read me the IP?", None],
        ["My laptop's IP address is $v.", "The router's IP is $v.", "The server is at $v.", "IP $v.", "It's $v."],
        v=mark("IP_ADDRESS", spoken),
    )


def reference(call: Call) -> Turns:
    say, rng = call.say, call.rng
    spoken = call.pick(
        [
            f"{spell(''.join(rng.choice('ABCDEFGHKLMNPRSTWXY') for _ in range(2)), say)}, "
            f"{say.grouped(digits(rng, 7), (3, 3, 1))}",
            say.grouped(digits(rng, rng.randrange(7, 11), first="123456789"), (3, 3, 4)),
            f"{spell(''.join(rng.choice('ABCDEFGHKLMNPRSTWXY') for _ in range(3)), say)}, "
            f"{say.grouped(digits(rng, 8), (3, 3, 2))}",
        ]
    )
    what = call.pick(
        [
            "policy number",
            "member ID",
            "claim number",
            "employee ID",
            "customer reference",
            "case number",
            "patient ID",
            "account reference",
        ]
    )
    return _qa(
        call,
        [f"What's your {what}?", "Do you have a reference?", None],
        [f"My {what} is $v.", f"The {what} is $v.", "It's $v.", "$v.", f"Your {what} is $v."],
        v=mark("ID_NUMBER", spoken),
    )


# -- harmless numbers -----------------------------------------------------------------------------
def price(call: Call) -> str:
    rng = call.rng
    whole = rng.choice([rng.randrange(2, 100), rng.randrange(100, 1000), rng.randrange(1000, 20000)])
    currency = "pounds" if call.british else "dollars"
    cents = rng.choice([0, 0, 50, 99, rng.randrange(1, 100)])
    text = f"{number_words(whole, british=call.british)} {currency}"
    return text + (f" {number_words(cents)}" if cents else "")


def clock(call: Call) -> str:
    rng = call.rng
    hour, minute = rng.randrange(1, 13), rng.choice([0, 15, 30, 45, 10, 20, 40, 5])
    minutes = number_words(minute) if minute >= 10 else f"oh {ONES[minute]}" if minute else ""
    return call.pick(
        [
            f"{number_words(hour)} {minutes}".strip(),
            f"quarter past {number_words(hour)}",
            f"half past {number_words(hour)}",
            f"{number_words(hour)} {call.pick(['a m', 'p m'])}",
            f"{number_words(rng.randrange(13, 24))} {number_words(rng.choice([15, 30, 40, 45]))}",
        ]
    )


def calendar_date(call: Call) -> str:
    rng = call.rng
    month, day = call.pick(MONTHS), rng.randrange(1, 29)
    return call.pick(
        [
            f"{month} {ordinal_words(day)}",
            f"the {ordinal_words(day)} of {month}",
            f"{month} {year_words(rng.randrange(2024, 2028))}",
        ]
    )


def version(call: Call) -> str:
    rng = call.rng
    parts = [number_words(rng.randrange(1, 12)), number_words(rng.randrange(0, 20))]
    if rng.random() < 0.5:
        parts.append(number_words(rng.randrange(0, 10)))
    return " point ".join(parts)


def _n(call: Call, low: int, high: int, *, british: bool = False) -> str:
    """A number drawn from ``[low, high)``, in words."""
    return number_words(call.rng.randrange(low, high), british=british)


# Sentences with numbers that identify nobody: prices, dates, times, versions, rooms, chapters,
# flights, quantities.
HARMLESS: tuple[Callable[[Call], str], ...] = (
    lambda c: f"It was {price(c)} on {calendar_date(c)}.",
    lambda c: f"The refund arrives in {_n(c, 2, 6)} to {_n(c, 6, 11)} business days.",
    lambda c: f"We're open from {_n(c, 7, 10)} to {_n(c, 4, 7)} thirty.",
    lambda c: f"Your bill of {price(c)} is due on {calendar_date(c)}.",
    lambda c: f"It will be ready after {clock(c)}.",
    lambda c: f"The appointment is on {calendar_date(c)} at {clock(c)}.",
    lambda c: f"It takes about {_n(c, 5, 60)} minutes.",
    lambda c: f"Version {version(c)} of the app is out on Monday.",
    lambda c: f"Orientation is in room {c.say.digits(str(c.rng.randrange(100, 999)))} at {clock(c)}.",
    lambda c: f"The repair quote was {price(c)}.",
    lambda c: f"We served {_n(c, 2, 200)} thousand customers across {_n(c, 5, 60)} countries.",
    lambda c: f"Please read chapter {_n(c, 1, 30)} and page {_n(c, 10, 500, british=c.british)}.",
    lambda c: (
        f"Flight {spell(c.pick(['BA', 'UA', 'AA', 'DL', 'EZ']), c.say)} "
        f"{c.say.digits(str(c.rng.randrange(100, 1000)))} departs at {clock(c)} from gate {_n(c, 1, 60)}."
    ),
    lambda c: f"Revenue was {_n(c, 1, 10)} point {_n(c, 1, 10)} million, up {_n(c, 2, 40)} percent.",
    lambda c: (
        f"Between {year_words(c.rng.randrange(2010, 2020))} and {year_words(c.rng.randrange(2020, 2026))} we grew "
        f"from {_n(c, 5, 50)} to {_n(c, 100, 900)} employees."
    ),
    lambda c: (
        f"The server handles {_n(c, 2, 20)} thousand requests per second with a latency of {_n(c, 20, 400)} "
        "milliseconds."
    ),
    lambda c: f"The meeting moved to {clock(c)} in conference room {c.pick('ABCD')} {_n(c, 1, 20)}.",
    lambda c: f"We ordered {_n(c, 100, 5000)} units at {price(c)} each.",
    lambda c: f"The train leaves platform {_n(c, 1, 15)} at {clock(c)}.",
    lambda c: f"Build {c.say.digits(str(c.rng.randrange(1000, 9999)))} passed at {clock(c)}.",
    lambda c: f"The temperature was {_n(c, 10, 35)} degrees.",
    lambda c: f"It's about {_n(c, 2, 300)} miles from here.",
    lambda c: f"Item {_n(c, 1, 12)} on the agenda is the budget of {price(c)}.",
    lambda c: f"Sprint {_n(c, 10, 60)} closed {_n(c, 10, 80)} tickets.",
    lambda c: f"We need {_n(c, 2, 40)} more chairs for the {clock(c)} session.",
    lambda c: f"The order of {_n(c, 2, 90)} thousand units ships on {calendar_date(c)}.",
    lambda c: f"Seat {_n(c, 1, 40)} {c.pick('ABCDEF')}, coach {c.pick('ABCDEFGH')}.",
    lambda c: f"Update to version {version(c)} before {calendar_date(c)}.",
)


def harmless(call: Call, sentences: int = 1) -> str:
    """Sentences with numbers that identify nobody, each from a different template."""
    return " ".join(template(call) for template in call.rng.sample(HARMLESS, sentences))


def meeting(call: Call) -> Script:
    """A meeting with no PII: numbers everywhere, none of them identifying."""
    openers = ["Good afternoon everyone, let's start.", "Morning all, a quick update.", "Hi all, here's where we are."]
    turns = [call.pick(openers)]
    for _ in range(call.rng.randrange(6, 10)):
        turns.append(harmless(call, call.rng.randrange(1, 3)))
    turns.append(call.pick(["That's all, thanks everyone.", "See you all next week.", "Any questions? No? Great."]))
    return Script("\n\n".join(turns))


# Each PII item, how often it is drawn (the most harmful leaks most often), and whether it belongs
# to US or UK calls (None: both).
ITEMS: tuple[tuple[Callable[[Call], Turns], int, bool | None], ...] = (
    (card, 6, None),
    (phone, 6, None),
    (social, 4, False),
    (email, 4, None),
    (third_party, 3, None),
    (uk_bank, 3, True),
    (us_bank, 3, False),
    (international, 2, None),
    (pin, 2, None),
    (password, 2, None),
    (username, 1, None),
    (date_of_birth, 3, None),
    (address, 3, None),
    (national_insurance, 2, True),
    (passport, 2, None),
    (driver_id, 1, None),
    (plate, 1, None),
    (ip_address, 1, None),
    (reference, 2, None),
)


def pii_call(call: Call) -> Script:
    org = call.pick(COMPANIES)
    turns = names_intro(call, org)
    items = [(f, w) for f, w, region in ITEMS if region is None or region == call.british]
    chosen: list[Callable[[Call], Turns]] = []
    while len(chosen) < call.rng.randrange(5, 8):
        item = call.rng.choices([f for f, _ in items], [w for _, w in items])[0]
        if item not in chosen:
            chosen.append(item)
    fillers = call.rng.randrange(1, 3)
    body: list[Turns] = [item(call) for item in chosen] + [[harmless(call)] for _ in range(fillers)]
    call.rng.shuffle(body)
    for turns_of_item in body:
        turns += turns_of_item
    turns += names_closing(call)
    return Script("\n\n".join(turns))


@dataclass(frozen=True)
class Generated:
    """One generated recording: the script of a seed and the voice that reads it."""

    seed: int
    split: Range
    script: PiiScript
    voice: Voice


def generate(seed: int, split: Range | None = None) -> Generated:
    """The script and voice of ``seed`` (its range is that of the seed unless given)."""
    split = split or ("test" if seed in TEST_SEEDS else "dev")
    rng = random.Random(f"clearscribe-pii-{seed}")
    voice = voice_for(seed, rng, split)
    british_voice = voice.voice.split("+")[0] not in ("en-us", "en-us-nyc", "en-029")
    british = british_voice if rng.random() < 0.8 else rng.random() < 0.5  # some callers abroad
    say = Say.draw(rng, british=british)
    names = pool(FIRST_NAMES, split), pool(LAST_NAMES, split)
    agent = (rng.choice(names[0]), rng.choice(names[1]))
    caller = (rng.choice(names[0]), rng.choice(names[1]))
    call = Call(rng, split, british, agent, caller, say)
    has_pii = seed % NO_PII_EVERY != 0
    script = pii_call(call) if has_pii else meeting(call)
    return Generated(seed, split, PiiScript(f"gen-{seed:06d}", script, split, has_pii), voice)  # type: ignore[arg-type]


def generated(seeds: Sequence[int] | range, split: Range | None = None) -> list[Generated]:
    return [generate(seed, split) for seed in seeds]
