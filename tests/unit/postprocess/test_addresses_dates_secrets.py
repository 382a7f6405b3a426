"""Street addresses and postcodes, dates of birth, passwords and usernames, as recognition writes them."""

from __future__ import annotations

import datetime

import pytest

from postprocess.pii.detectors import (
    DateOfBirthRecognizer,
    PostalCodeRecognizer,
    SecretRecognizer,
    StreetAddressRecognizer,
)
from postprocess.pii.detectors.ner import plausible_place
from tests.unit.postprocess.recognizer_helpers import found

TODAY = datetime.date(2025, 6, 1)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("I live at 742.\nEvergreen Terrace, Springfield.", "742.\nEvergreen Terrace, Springfield"),
        ("address as 7, 4, 2,\nTo Evergreen Terrace, Springfield, Oregon, zip",
         "7, 4, 2,\nTo Evergreen Terrace, Springfield, Oregon"),
        ("Flat to 21 Kings Road, London Postcode NW16XE", "Flat to 21 Kings Road, London"),
        ("Home address, 1518 Maple Grove Avenue, apartment 4B Columbus, Ohio\nZip",
         "1518 Maple Grove Avenue, apartment 4B Columbus, Ohio"),
        # a pause between the street's name and its type; the next segment's cue is no town
        ("It's 61 pi, Avenue, Belfast.\nAccount number 8, 2, 4, 8, 4, 5, 2, 6.", "61 pi, Avenue, Belfast"),
        # a dash after "flat"
        ("Where should we send the letter?\nFlat-5, 1-0, 3-8 bridge drive in Venice",
         "Flat-5, 1-0, 3-8 bridge drive"),
        # an apartment's letter written in lower case
        ("Did your address still won 988 Riverside Blaine, apartment 19b, training deal",
         "988 Riverside Blaine, apartment 19b"),
        ("your address as seven, four, two,\nand the green terrace, spring field.",
         "seven, four, two,\nand the green terrace"),
        ("go to 42 Wellington Crescent\nleads LS6 to a B and", "42 Wellington Crescent\nleads"),
        ("I live at 221B Baker Street.", "221B Baker Street"),
    ],
)  # fmt: skip
def test_street_addresses_as_recognition_breaks_them(text: str, address: str) -> None:
    assert found(StreetAddressRecognizer(), text) == [("LOCATION", address)]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # the street garbled past recognising, the cue misheard too
        ("What's the address?\nI live at 48-ine drive Denver, Colorado.", "48-ine drive Denver, Colorado"),
        ("Our records show your dress as flat 18,\n1.052 high close leads is that right?",
         "flat 18,\n1.052 high close leads"),
        ("Is your arrest still 8 4 4 10 a close, York", "8 4 4 10 a close, York"),
        ("Can you confirm the first line of your address and the postcode? It's 66 highly Nottingham and your date",
         "66 highly Nottingham"),
        ("Where should we send the letter?\n60-riar circle, apartment 1C Richmond, Virginia.\nMy username is",
         "60-riar circle, apartment 1C Richmond, Virginia"),
        ("I live at twenty two, share it in a way,\nWe'll see you next time.", "twenty two, share it in a way"),
        ("and the new address, 17-par-new, Swansea, Post-Cove-S at 1-3-R-D", "17-par-new, Swansea"),
    ],
)  # fmt: skip
def test_the_answer_to_an_address_cue_is_an_address_however_garbled(text: str, address: str) -> None:
    assert ("LOCATION", address) in found(StreetAddressRecognizer(), text)


@pytest.mark.parametrize(
    "text",
    ["We leave at 10 and we will be there by noon.", "The trains leave at 9 from platform 4 every morning."],
)
def test_a_time_to_leave_at_is_not_an_address(text: str) -> None:
    assert found(StreetAddressRecognizer(), text) == []
    # "live at" heard as "leave at" still announces an address when a street follows
    assert found(StreetAddressRecognizer(), "I leave at 62 hot on drive, Sacramento, and") == [
        ("LOCATION", "62 hot on drive, Sacramento")
    ]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("It's 500 and 61 middle avenue and the number.", "500 and 61 middle avenue"),  # "five hundred and sixty one"
        ("It's 44 Lincoln\nCourt, apartment 23 Richmond, Virginia. Set",
         "44 Lincoln\nCourt, apartment 23 Richmond, Virginia"),
        ("The Batman 10A Madison Wisconsin is that right", "10A Madison Wisconsin"),  # a state ends it
        ("76710th Street Nottingham\nthat's everything", "76710th Street Nottingham"),
        ("It's 49, 5, 2, 1, 3, flat, 8, 1, 8, 1, 5, Queens Lane,\nBristol.",
         "flat, 8, 1, 8, 1, 5, Queens Lane,\nBristol"),
        ("It's 86 Magnolia Avenue, then Colorado, 3-1, 9-2", "86 Magnolia Avenue, then Colorado"),  # the town misheard
        # a number and words that end in ", Town, State": the street garbled
        ("what's the address? Any 4-megle cord, Lewisville, Kentucky, Zip 1-6-7-6-3",
         "4-megle cord, Lewisville, Kentucky"),
        ("It's 175 can we move along the apartment 14C, Louisville, Kentucky? Where is the money going?",
         "175 can we move along the apartment 14C, Louisville, Kentucky"),
        # a street in lowercase, or with common words in its name, that a state follows
        ("It's 46 highland place, Prisoner California need code", "46 highland place, Prisoner California"),
        ("It's 81 merge with drive, Austin Texas.", "81 merge with drive, Austin Texas"),
        # a town and its state said apart from the street
        ("22 Oak Street\nA patent in the Sacramento California\nWhat's your username?", "Sacramento California"),
    ],
)  # fmt: skip
def test_street_addresses_with_numbers_and_towns_as_recognition_writes_them(text: str, address: str) -> None:
    assert ("LOCATION", address) in found(StreetAddressRecognizer(), text)


@pytest.mark.parametrize(
    "text",
    [
        "What's your email address? It's 42 at gmail dot com",  # not an email address
        "My IP address is 10 dot 0 dot 0 dot 7",
        "The meeting moved to 3 and then 4 o'clock",
        "We sold 300 and 20 cars on the street",
        "The rest is 20 pounds, thanks",
        "We sold 3 cars on the street, then Texas.",  # no town after the comma
        "We also need your Texas driver's license number, and my Ohio license",  # a state, no town
    ],
)
def test_numbers_after_other_addresses_and_ordinary_words_are_no_street(text: str) -> None:
    assert found(StreetAddressRecognizer(), text) == []


def test_a_number_and_a_town_and_state_with_no_comma_between_are_no_address() -> None:
    assert found(StreetAddressRecognizer(), "We have 300 staff in Austin, Texas.") == [("LOCATION", "Austin, Texas")]


def test_a_misheard_zip_cue_after_an_address_is_no_town() -> None:
    text = "I live at 48-ine drive Denver, Colorado.\nLive code 2671-ine."
    assert found(StreetAddressRecognizer(), text) == [("LOCATION", "48-ine drive Denver, Colorado")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The postcode is NW1 6XE.", "NW1 6XE"),
        ("postcode N W one, six X E", "N W one, six X E"),
        ("42 Wellington Crescent\nleads LS6 to a B and", "LS6 to a B"),  # "2AB" heard "to a B"
        ("Wellington Crescent, Leeds, LS6, 2b.", "LS6, 2b"),  # incomplete, after an address
        ("Kings Road London Postcode and W16XC", "W16XC"),
        ("Swansea, post code l-2-8, 1, b-r, thank you", "l-2-8, 1, b-r"),  # the last letters after a pause
        ("73 Castle Terrace in Venice, I v 1 5 5 b j\nThe train", "I v 1 5 5 b j"),  # "I" spelled, not said
        ("post code L.S. 1-1-5\nD.A. What's the vehicle?", "L.S. 1-1-5\nD.A"),  # "A" spelled too
        ("Is your arrest still 8 4 4 10 a close, York\nY 0 1 7 0 f a\nPlease", "Y 0 1 7 0 f a"),  # O heard as 0
        ("Airfield Way, Cardiff, post-code CF-16 to the H. I'll need", "CF-16 to the H"),  # the rest spelled as words
        ("I live at 50 bridge way. I've been post coat of the seven six p.t. Thank you", "seven six p.t."),
        ("Still 1 5 9 8 winter way, you're post-coed,\nright, oh six, five, rx.", "oh six, five"),  # what was kept
        ("49 Ridge Road, Tampa, Florida,\nZip code to 9.7 or that's everything", "9.7"),
        ("Is your address still 65 wins are when your postcode right or 1.732DS? Can you", "1.732DS"),
        ("Is your address still 1,000 and 27 station drive?\n3pw. Is anyone else", "3pw"),  # the second half alone
        ("I live at 48-ine drive Denver, Colorado.\nLive code 2671-ine.", "2671"),  # "zip code" misheard
        ("I live at 1,000 101 Lincoln Circle Richmond, Virginia.\n1-5-8. I'm", "1-5-8"),  # read after the state
        ("postcode LS6 1, is that right", "LS6 1"),  # a word of two letters is no spelling
        ("I live at 49 Ridge Road, post coat LS6 2AB", "LS6 2AB"),  # "postcode" misheard
        ("Washington, DC 20500", "20500"),
        ("Austin, Texas, 78704.", "78704"),
        ("Madison, Wisconsin, Nip 67565 Where should we deposit the payment?", "67565"),  # "zip" misheard
        ("Oregon zip code 9, 7, 4, 7, 7", "9, 7, 4, 7, 7"),
        ("Kentucky, Zip 1-6-7-6-3, the login is Nicholas McLeod. It was 92 dollars", "1-6-7-6-3"),
        ("Cardiff, postcode CF16 to the office", "CF16"),  # "to the" and a word: no spelling
    ],
)
def test_postcodes_and_zip_codes(text: str, code: str) -> None:
    assert found(PostalCodeRecognizer(), text) == [("POSTAL_CODE", code)]


@pytest.mark.parametrize(
    "text",
    [
        "room B12 at 10",
        "flight BA287 and the M25",
        "we ordered 20500 units",
        "in 90210 ways",
        "22 Oak Road? 3pm works for me",  # M never ends a postcode: a time
        "Richmond, Virginia. 150 people came",  # a number said as one after a state
        "I live at 49 Ridge Road. And the sort code 20 45 67",  # "sort code" is a cue of its own
        "We have offices in Texas and 12345 staff.",  # a word of speech between state and number
    ],
)
def test_codes_that_are_not_postcodes(text: str) -> None:
    assert found(PostalCodeRecognizer(), text) == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("My date of birth is July 4, 1979.", "July 4, 1979"),
        ("And your date of birth?\nJuly 4th, 1979, I see", "July 4th, 1979"),
        ("date of birth, the fourteenth of March, nineteen eighty five.", "fourteenth of March, nineteen eighty five"),
        ("I was born on November second, nineteen ninety.", "November second, nineteen ninety"),
        ("DOB 14/03/1985", "14/03/1985"),
        ("your date on board, July 4th, 1979, I see", "July 4th, 1979"),  # the cue misheard; an old full date
        ("I was born in 1979 in Leeds", "1979"),
        ("Date of birth please.\nI was born February twenty second, nineteen sixty eight.",
         "February twenty second, nineteen sixty eight"),
        # recognised lines: a number heard before the month; a date written in digits and dots
        ("and your date of birth.\n1 April 10th, 1952. It's speed", "1 April 10th, 1952"),
        ("of birth, please. I was born on 2.7. 0.3. 1966. Can I get a call back number?", "2.7. 0.3. 1966"),
        ("It's the second and August, 1981.", "second and August, 1981"),  # "of" heard as "and"
        # the answer to the cue up to its year, whatever recognition made of the day and month
        ("Can you confirm your date of birth? One-ten-one-tho, nineteen-fifty, can I get a call-back number?",
         "One-ten-one-tho, nineteen-fifty"),
        ("Can you confirm your date on board? One time, nearly seven, nineteen seventy eight.",
         "One time, nearly seven, nineteen seventy eight"),
        ("And your data goes. I was born from the 18th of Larry, 19-93.", "18th of Larry, 19-93"),
        # a sentence break inside the date, the year a sentence of its own (the cue misheard)
        ("My data of voice is January 28.\n1987.", "January 28.\n1987"),
        # "fourth" heard as "force"
        ("Born the force of January 1964.", "force of January 1964"),
        # the year read in pieces after a cue
        ("My date on birth is 20 December, 19, seven, eight, or...", "20 December, 19, seven, eight"),
        # the first month misheard before the day, the real one and the year after it
        ("What's your date of birth?\nMay 8th of September, 1970", "May 8th of September, 1970"),
        # "nineteen" heard as "eighteen"
        ("My date of birth is the fourth of March, 1891.", "fourth of March, 1891"),
    ],
)  # fmt: skip
def test_dates_of_birth(text: str, date: str) -> None:
    assert found(DateOfBirthRecognizer(TODAY), text) == [("DATE_OF_BIRTH", date)]


@pytest.mark.parametrize(
    "text",
    [
        "The release is on October 15th, and 4.0 in January 2025.",
        "we met on March 3rd, 2019 in Leeds",  # a recent full date: not a birth date
        "the offsite runs from the ninth to the eleventh of May",
        "Registration opens on Tuesday the fourth of June.",
        "I was born in Leeds and moved in March 1999.",  # more than two words after the cue
        "He was born to be a singer, in March 2009 he signed.",
        "We are away between the 3rd and August 5th.",  # "and" between two dates with no year
        "I was born in a small town, moved in 1998 and again in 2004.",  # no digits before the year
        "My birthday party is next week. We opened in 1995.",  # the answer ends with its sentence
        "The bridge opened on the fourth of March, 1891.",  # no cue, and no adult's year
        "We met on January 28. 1987 was a good year.",  # the year opens a sentence that goes on
        "We met on 20 December, 19, 7, 8 of us came.",  # pieces of a year only after a cue
        "May the force be with you in January 1990.",  # "force" is a day only right before "of <month>"
    ],
)
def test_other_dates_are_left_alone(text: str) -> None:
    assert found(DateOfBirthRecognizer(TODAY), text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my passcode is copper cattle 42.", [("PASSWORD", "copper cattle 42")]),
        ("Your new temporary password is Harbor 7,\n9 lantern.", [("PASSWORD", "Harbor 7,\n9 lantern")]),
        ("my passcode is copper kettle 42\nThank you Mr. Pemberton", [("PASSWORD", "copper kettle 42")]),
        ("password is hardware seven nine lantern while I have you", [("PASSWORD", "hardware seven nine lantern")]),
        # a secret trailing off ("…"); "passcode" heard as "past gold"
        (
            "Set a telephone password to...\nPassword, forest river patterned ticks...",
            [("PASSWORD", "forest river patterned ticks")],
        ),
        (
            "The past gold is silver, marble, lemon, twenty, five.",
            [("PASSWORD", "silver, marble, lemon, twenty, five")],
        ),
        # "and" before a number that ends the sentence is the secret's; before more talk it ends it
        ("password is hardware lantern and I have 2 more", [("PASSWORD", "hardware lantern")]),
        ("Set a telephone password too?\nMake it dragon castle nine. Oh,", [("PASSWORD", "dragon castle nine")]),
        ("What's your username?\nIt's S. Gallagher 7.", [("USERNAME", "S. Gallagher 7")]),
        ("my login is jsmith84, and", [("USERNAME", "jsmith84")]),
        # a username's symbols said as words, "underscore" heard as "with a curve"
        ("my username is j dot smith underscore 84, and", [("USERNAME", "j dot smith underscore 84")]),
        ("The login is the with a curve 32.\nWhat email should we use?", [("USERNAME", "the with a curve 32")]),
        ("sort code 194976,\nI've reset it to sunrise harbor.", [("PASSWORD", "sunrise harbor")]),  # no noun
        ("The pest code is Pelican Tiger.", [("PASSWORD", "Pelican Tiger")]),  # "passcode" misheard
        ("The pestled is velvet pelican river 84.", [("PASSWORD", "velvet pelican river 84")]),
        ("The passcode did falcon kettle eight.", [("PASSWORD", "falcon kettle eight")]),  # "is" heard "did"
        ("The temporary password did cattle Prince and 94.", [("PASSWORD", "cattle Prince and 94")]),
        # the cue, a pause, the secret
        (
            "Set a telephone password to...\nPassword, Pepper, Crimson Meadow.\nIt's a Blue Ford",
            [("PASSWORD", "Pepper, Crimson Meadow")],
        ),
        ("I've reset your account, password, dragon, winter, 26.", [("PASSWORD", "dragon, winter, 26")]),
        ("The login, Oma Castillo, what email should we use?", [("USERNAME", "Oma Castillo")]),
        ("What's your use and aim? My use and aim is BVMEA 74. Please", [("USERNAME", "BVMEA 74")]),
        # "password is" heard as "past of this"
        ("The past of this lemon winter 41, where is the money", [("PASSWORD", "lemon winter 41")]),
        # "passcode" heard as "passport", words after it
        ("for telephone banking. My passport is copper kettle 42.", [("PASSWORD", "copper kettle 42")]),
        # "reset" heard as "represent", the secret in the next sentence
        ("I represent your account.\nMake it sunrise tiger winter.", [("PASSWORD", "sunrise tiger winter")]),
        # the answer to the cue that asked, after the cue's noun misheard, or alone
        ("And your password.\nPascal is winter forest. Lovely Jeffrey", [("PASSWORD", "winter forest")]),
        (
            "and your password.\nThe puzzle is kettled middle 17. Can I take the card number please?",
            [("PASSWORD", "kettled middle 17")],
        ),
        ("we grew from 13 to 26, and the login.\nMaurice J. Who should we contact", [("USERNAME", "Maurice J")]),
        # the secret goes on in the next segment, a short sentence of its own
        (
            "and your temporary password is orange\nPelican 77. Payroll goes to account",
            [("PASSWORD", "orange\nPelican 77")],
        ),
        ("my password is orange\nThank you so much.", [("PASSWORD", "orange")]),  # the next segment talks
    ],
)
def test_secrets_after_their_cue(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(SecretRecognizer(), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the password policy requires 12 characters",
        "I forgot my password. Can you reset it?",
        "my passcode is 4 9 2 7",  # digits only: a PIN, found by the number rules
        "the username field is empty",
        "And your password, please?",  # asked, not answered
        "What's your password, sir?",
        "my password did not work",
        "and your password, your new temporary password",
        "The past of this town is long.",  # "past" without "of this" before a value: no cue
        "My passport is in the drawer. My passport is British, number 5 3 1. My passport is one two five three.",
        "I represent your account in this claim. We've reset your account.\nThanks for waiting.",
        "And your password?\nSorry, I don't remember it.",  # the answer talks
        "What's your username?\nOne moment, let me check.",
        "Can I take the login?\nYes, of course. Hold on.\nSame as the email.",
        "I forgot my password.\nMaple street is closed.",  # "my password": told, not asked
        "And your password.\nThe quick brown fox jumps over the lazy old dog.",  # too long for an answer
        "Set her telephone password, too.",  # recognised: asked for, and "too" is no secret
    ],
)
def test_talking_about_passwords_is_not_a_password(text: str) -> None:
    assert found(SecretRecognizer(), text) == []


@pytest.mark.parametrize(
    ("value", "plausible"),
    [("Belfast", True), ("New York", True), ("Mobile", False), ("B2.87", False), ("Redwood Analytics", False),
     # recognised: the NER took a card brand and a word of reply for places
     ("Mastercard", False), ("Great", False)],
)  # fmt: skip
def test_what_the_ner_calls_a_place_but_is_none_in_a_call(value: str, plausible: bool) -> None:
    assert plausible_place(value) is plausible
