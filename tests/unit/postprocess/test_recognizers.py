"""The speech recognizers alone (no spaCy): digit runs, spoken emails, introduced names."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

import pytest

from postprocess.pii.core.quantities import luhn_valid
from postprocess.pii.core.spoken import normalize_spoken_numbers
from postprocess.pii.core.words import trim_name_span
from postprocess.pii.detectors import (
    DigitSequenceRecognizer,
    IntroducedNameRecognizer,
    SpelledOutRecognizer,
    SpokenEmailRecognizer,
    SpokenIbanRecognizer,
    SpokenIpRecognizer,
    StreetAddressRecognizer,
    speech_recognizers,
)
from postprocess.pii.detectors.numbers import classify_digit_run

ALL = ["PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "EMAIL_ADDRESS", "PERSON", "IP_ADDRESS", "IBAN_CODE", "LOCATION"]


def found(recognizer: object, text: str) -> list[tuple[str, str]]:
    normalized = normalize_spoken_numbers(text)
    results = recognizer.analyze(normalized.text, ALL)  # type: ignore[attr-defined]
    spans = [(r.entity_type, normalized.raw_span(r.start, r.end)) for r in results]
    return [(kind, text[s:e]) for kind, (s, e) in spans]


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert luhn_valid("378282246310005")
    assert not luhn_valid("4111111111111112")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("call me at 555-123-4567", ("PHONE_NUMBER", "555-123-4567")),
        ("my number is (415) 555-0199 ok", ("PHONE_NUMBER", "415) 555-0199")),
        ("my number is five five five, one two three, four five six seven",
         ("PHONE_NUMBER", "five five five, one two three, four five six seven")),
        ("card 4111 1111 1111 1111", ("CREDIT_CARD", "4111 1111 1111 1111")),
        ("my card is four five three two, one two three four, five six seven eight, nine zero one two",
         ("CREDIT_CARD", "four five three two, one two three four, five six seven eight, nine zero one two")),
        ("my social is one two three, four five, six seven eight nine",
         ("US_SSN", "one two three, four five, six seven eight nine")),
        ("SSN 219-09-9999 on file", ("US_SSN", "219-09-9999")),
    ],
)  # fmt: skip
def test_digit_runs_are_typed(text: str, expected: tuple[str, str]) -> None:
    assert found(DigitSequenceRecognizer(), text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "The total is $1,299.99 plus tax",
        "our budget is 3,000,000 dollars",
        "we shipped version 3.10.2",
        "In 2023 we hired 40 people",
        "it took 1234567 milliseconds",
        "Invoice 2024-05-12 was paid",
        "we sold one thousand two hundred units",
        "one two three testing one two three",
    ],
)
def test_numbers_that_are_not_pii_are_left_alone(text: str) -> None:
    assert found(DigitSequenceRecognizer(), text) == []


def test_context_decides_between_phone_and_ssn_for_nine_digits() -> None:
    assert classify_digit_run("312-55-0142", "My phone is ", "")[0] == "PHONE_NUMBER"  # type: ignore[index]
    assert classify_digit_run("123 45 6789", "my social security number is ", "")[0] == "US_SSN"  # type: ignore[index]
    assert classify_digit_run("123456789", "there were ", " visitors") is None


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("My email is john.smith@example.com.", "john.smith@example.com"),
        ("my email is jane dot doe at example dot com", "jane dot doe at example dot com"),
        ("it's kevin underscore lee at gmail dot com", "kevin underscore lee at gmail dot com"),
        ("send it to priya at startup.io", "priya at startup.io"),
        ("My email is michael.johnson at gmail.com", "michael.johnson at gmail.com"),
        ("reach me at sam@mail.co.uk. Thanks", "sam@mail.co.uk"),
        ("My e-mail is jain.go and mampl.com", "jain.go and mampl.com"),
        ("my email is m johnson at gmail dot com", "m johnson at gmail dot com"),
        ("My email address is www.cavenunderstoreleatgmail.com", "www.cavenunderstoreleatgmail.com"),
        # recognised: the question repeats the cue, and the address comes after a pause
        (
            "What email should we use? The email on file should be\ntom underscore whitfield at hotmail dot co dot uk.",
            "tom underscore whitfield at hotmail dot co dot uk",
        ),
        # "all lower case" after it: the words of its sentence are the address
        (
            "Alpha Dot Jackson 48 at Jackson family dot net all lower case.",
            "Alpha Dot Jackson 48 at Jackson family dot net",
        ),
        (
            "you like the receipt by email.\nStephen not Wilson 40 at Wilson family not Ned, all lower case.",
            "Stephen not Wilson 40 at Wilson family not Ned",
        ),
        # "email" before a dot is a label of the domain, not a cue that starts another address
        ("My email is yellow dot with a current 71 at email dot com.", "yellow dot with a current 71 at email dot com"),
        (
            "My email is jellum dot with a card, seven, eight, one, that email dot com.",
            "jellum dot with a card, seven, eight, one, that email dot com",
        ),
        # a top-level domain spelled after a spoken dot
        (
            "Please send the receipt to all in the underscore, pim, button, at mail dot, call dot, U-K.",
            "all in the underscore, pim, button, at mail dot, call dot, U-K",
        ),
        # "or" before the address ends is a word recognition made of it
        (
            "You can email me at mate or lintvist\nat beatingtonit.com. No worries",
            "mate or lintvist\nat beatingtonit.com",
        ),
        # the cue asked a question: the words of the answer count from the answer
        (
            "What email should we use?\nAnd it turned my result not to no 64, but it will not come, please.",
            "turned my result not to no 64, but it will not come",
        ),
        # separators of two kinds after "email is": an address whose domain recognition lost
        (
            "Would you like the receipt by email? My email is yourself not Watson at the\nand the last four",
            "yourself not Watson at the",
        ),
        (
            "My e-mail is backland underscore with a curve hat with a curve family not that.\nIs anyone else",
            "backland underscore with a curve hat with a curve family not that",
        ),
        # the cue repeated with no pause between: the address runs from the first
        (
            "that would be my partner, Marisol,\nsend it to my Peterson, send it to my Peterson, family.net, please,",
            "my Peterson, send it to my Peterson, family.net",
        ),
        # repeated three times: the twelve words of the first reach no domain, the repeat does
        (
            "send it to my Peterson, send it to my Peterson, send it to my Peterson, family.net, please,",
            "my Peterson, send it to my Peterson, send it to my Peterson, family.net",
        ),
        # recognised: the fillers of the answer do not count against the words an address may take
        (
            "What email should we use?\nThe email on file should be Raphael and the store call. Click that here "
            "to dot com.",
            "Raphael and the store call. Click that here to dot com",
        ),
        # recognised: a pause inside the address, with no word of ordinary speech before it
        (
            "Would you like the receipt by email?\nSend it to J Rogers58.\nLet's beat into it.com, please.",
            "J Rogers58.\nLet's beat into it.com",
        ),
        # recognised: the local part's words not joined, a spoken dot between them
        ("Yes, Gareth not lintwist 43 at email.com and a contact number.", "Gareth not lintwist 43 at email.com"),
        ("Tariq dot demir page 3 at nano dot com all low up case.", "Tariq dot demir page 3 at nano dot com"),
        ("That is not my 43 at example.com.", "43 at example.com"),  # "is not my" is speech
    ],
)
def test_emails_in_written_spoken_and_mangled_forms(text: str, address: str) -> None:
    assert found(SpokenEmailRecognizer(), text) == [("EMAIL_ADDRESS", address)]


@pytest.mark.parametrize(
    "text",
    [
        "I'll look at it later",
        "meet me at the office dot com era",
        "we met at home. Then we left",
        "Our website is example dot com",
        "go to acme dot net slash help",
        "cats and dogs.com are fun",
        "my email is down again",
        "at least we tried dot com",
        "I'm at home dot com, then at the big office dot net",
        "my password is maple castle, all lower case",  # no domain before "all lower case"
        "the username is jsmith dot smith, all lower case",  # no top-level domain at its end
        "send it to my office. Send it to the shop",  # repeated cue, no address end
        "my email is not working at the moment",  # "not" first, then "at": one separator kind after it
        "The email on file should be in the list, not in that list, family, not in it.",
        "Check the README.md and setup.py files before you push.",  # file names, not "at" misheard
        "Visit our website at example.com for the details.",  # a web site
    ],
)
def test_at_and_dot_in_ordinary_speech_are_not_emails(text: str) -> None:
    assert found(SpokenEmailRecognizer(), text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my name is john smith and I'm calling about my order", "john smith"),
        ("My name is Priya Patel.", "Priya Patel"),
        ("hello this is sarah from customer support", "sarah"),
        ("you're speaking with omar how can I help", "omar"),
        ("Hi, this is Linda Garcia from the Billing Department.", "Linda Garcia"),
        ("i spoke with robert wilson yesterday", "robert wilson"),
        # recognised lines: answering the phone; "surname" heard as "so name"
        ("Morning Theresa Murphy here.", "Theresa Murphy"),
        ("Lake View Pharmacy Margaret Gallagher speaking, how can I help?", "Margaret Gallagher"),
        ("Blue bell tell come, the mecca lintwist speaking, how can I help?", "mecca lintwist"),
        ("Morning, I'm a Gomez here.", "Gomez"),
        ("The Northgate Building Society,\nTurgeon Chakra Speaking,", "Turgeon Chakra"),
        ("please add my brother\nSanjay soon over as a second contact", "Sanjay"),  # the cue ends a segment
        ("So name Petrov.", "Petrov"),
        ("My surname is Okafor.", "Okafor"),
        # recognised: answering the phone, the name heard as common words
        ("The ID service desk, a member ready speaking, how can I help?", "ready"),
        ("below, and you are calling some its help, listed little bell speaking, how can I help", "bell"),
        ("Pink wrist dental means on boy Aaron speaking, how can I help?", "Aaron"),
        # recognised: a surname heard as a common word right after its cue (Reddy as "ready")
        ("The law, surname ready. I'm locked out of my account.", "ready"),
        # recognised: "Please add <name>, my <relation> as a second contact"
        ("Please add Vidram Morris, my queen has her second contact.", "Vidram Morris"),
        # recognised: the name said before who the person is
        ("Yes, you need a Morgan, my wife.", "Morgan"),
        ("That would be Rafael Esposito, my daughter, on the account.", "Rafael Esposito"),
        # a call's closing
        ("That's everything, Javier, anything else I can help with.", "Javier"),
        # "speaking" heard as "Teakin"
        ("First Harbor Bank, Hewitt Young Teakin, how can I tell?", "Hewitt Young"),
        # a capitalised word the common-word lists drop, right after "my name is"
        ("My name is Little, who I'm critiquing with.", "Little"),
        ("Good morning, your fruitful bridge-mokers. My name is Will, who am I speaking with?", "Will"),
        # a greeting or a closing before a capitalised name
        ("Morning Jessica, how come you're up here?", "Jessica"),
        ("Lovely Jessica, you'll get a letter in the next week or so", "Jessica"),
        # a first name heard as "your" before the capitalised surname
        ("I'm your Martin.", "Martin"),
    ],
)
def test_introduced_names_in_any_case(text: str, name: str) -> None:
    assert found(IntroducedNameRecognizer(), text) == [("PERSON", name)]


@pytest.mark.parametrize(
    "text",
    ["this is great thanks", "This is taking forever.", "I'm happy with the results", "it's okay we can try again",
     "this is the best product", "my name is on the list", "Everyone here. Tickets here are cheap.",
     "The team here, thanks.", "What name is on the card?", "Generally speaking, yes.",
     "thanks\nAnyway, we moved.", "Honestly, public speaking is hard.",
     "Thanks for speaking, how can I help?", "Good morning, the support team speaking, how can I help?",
     # recognised: a relation cue ends its sentence; the next word opens another ("Home" is "Phone")
     "That would be my daughter.\nHome is 0-2-0-2-1-6-0-4-2-6-1-0-0-7-5-6.",
     # recognised: the company answering (an organisation word ends it), an abbreviation's letter
     "Good afternoon, I'm Chris Dental.", "High, you've reached, I'm Christ dental.", "The low, this is Q&A.",
     "What's your surname, please?", "I'm ready when you are.", "please add the charge to my bill",
     "That's all, Monday works.", "That's everything, thanks.", "This is your captain speaking.",
     "Morning all, lovely weather.", "my name is little known.", "my name is will be on the letter."],
)  # fmt: skip
def test_introductions_without_a_name_find_nothing(text: str) -> None:
    assert found(IntroducedNameRecognizer(), text) == []


@pytest.mark.parametrize(
    ("unit", "tail"),
    [
        ("a-", "xyz is here"),
        ("ab_", " nope"),
        ("a-", " at example" + "-a" * 50),
        ("jane dot doe at ", ""),
        ("five ", ""),
        ("my name is ", ""),
        ("1 ", "dot"),
        ("1, not ", ""),
        ("A-", "a"),
        ("GB82 West ", ""),
        ("a-", "xyz lane"),
        ("double ", ""),
        ("Ab'", ""),
        ("What's the vehicle? KV43 CMV. ", ""),  # a plate question and its answer, again and again
        ("My national insurance number is r e 2 7 9 8 7 5 b. ", ""),
        ("Mastercard number is 4111 1111 1111 1111 and the code is 9, 5, 4. ", ""),
        ("Yes, you need a Morgan, my wife. ", ""),
        ("lunch is in Rome 3.15. ", ""),
        ("Ryan Kier speaking, how can I help? ", ""),
    ],
)
def test_long_pathological_inputs_take_linear_time(unit: str, tail: str) -> None:
    """Eight times the input takes about eight times as long (not 64 times: no backtracking blow-up),
    for the spoken-number rewriting and for each speech recognizer after it. Both sizes are measured
    side by side, so a loaded machine slows both alike."""
    steps: dict[str, Callable[[str], object]] = {"spoken numbers": normalize_spoken_numbers}
    for recognizer in speech_recognizers():
        steps[type(recognizer).__name__] = partial(recognizer.analyze, entities=ALL)

    def seconds(name: str, repeats: int) -> float:
        text = unit * repeats + tail
        if name != "spoken numbers":
            text = normalize_spoken_numbers(text).text
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            steps[name](text)
            best = min(best, time.perf_counter() - started)
        return best

    slow = {}
    for name in steps:
        small, large = seconds(name, 750), seconds(name, 6000)
        if large >= 24 * small + 0.15:
            slow[name] = f"{small:.3f} s for 750 repeats, {large:.3f} s for 6000"
    assert not slow


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "the server is one nine two dot one six eight dot one dot ten",
            "one nine two dot one six eight dot one dot ten",
        ),
        ("my ip is ten dot zero dot zero dot two fifty four", "ten dot zero dot zero dot two fifty four"),
        ("The server address is 1, 9, 2, not 1, 6, 8, not 1, not 10.", "1, 9, 2, not 1, 6, 8, not 1, not 10"),
        ("the router is at 10 point 1 point 1 point 1", "10 point 1 point 1 point 1"),
        ("ping 8 dot 8 dot 4 dot 4 please", "8 dot 8 dot 4 dot 4"),
        # "dot" heard as "not", and no word announcing an address in the segment
        (
            "One nine two not one six eight not seventy one not two zero",
            "One nine two not one six eight not seventy one not two zero",
        ),
        # "dot" heard as "I'm not", "do not"; a group in the next segment; a group split in two or lost
        ("The server is at 172.21.55. I'm not 134. We need", "172.21.55. I'm not 134"),
        ("The server is at 172.24, not 200, do not 1, 32.", "172.24, not 200, do not 1, 32"),
        ("the route as IP is 1, 7, 2, not 1, 6,\nNot 205.54 between 2012", "1, 7, 2, not 1, 6,\nNot 205.54"),
        ("I did run 100.92, not 160, not 200, not 91.", "100.92, not 160, not 200, not 91"),
        (
            "The server\none nine two not one six eight not one four six\nIt's",
            "one nine two not one six eight not one four six",
        ),
    ],
)
def test_ip_addresses_read_out(text: str, address: str) -> None:
    assert found(SpokenIpRecognizer(), text) == [("IP_ADDRESS", address)]


@pytest.mark.parametrize(
    "text",
    [
        "we moved to version two dot four dot one dot three",  # a version, not an address
        "I counted 1, 2, not 3, 4 on the board",  # two groups
        "it scored 3 point 5 point 2 point 1 somehow",
        "the address is 300 dot 1 dot 1 dot 1",  # 300 is no octet
        "the ip is 192.168.1.10",  # written: presidio's own recognizer finds it
        "we sold 3 not 4 not 5",  # three groups with no cue
        "version 1.2.3 of the server is out",
        "Please read sections 2.1, 2.2, 3.4 and 5.6 before Monday.",  # numbered things
    ],
)
def test_numbers_that_are_not_read_out_addresses(text: str) -> None:
    assert found(SpokenIpRecognizer(), text) == []


@pytest.mark.parametrize(
    ("text", "iban"),
    [
        ("my iban is G B eight two W E S T one two three four five six nine eight seven six five four three two",
         "G B eight two W E S T one two three four five six nine eight seven six five four three two"),
        ("My count time is GBA2W EST1 2 3 4 5 6 8 7 6 5 4 3 2. Thank you.", "GBA2W EST1 2 3 4 5 6 8 7 6 5 4 3 2"),
        ("I is GB82 West 1,234,698,7,65432 Thank you", "GB82 West 1,234,698,7,65432"),
        ("send it to NL91 ABNA 0417 1643 00 today", "NL91 ABNA 0417 1643 00"),
        # recognised: "W" spelled "double u" and written as words
        ("The monitors are broad\n3, 2, 9, N, double your B, K\n6, 4, 1, 6, 1, 3, 3, 1, 9, 2, 6, 8, 1, 9\nWith cold",
         "3, 2, 9, N, double your B, K\n6, 4, 1, 6, 1, 3, 3, 1, 9, 2, 6, 8, 1, 9"),
    ],
)  # fmt: skip
def test_ibans_in_the_groupings_recognition_produces(text: str, iban: str) -> None:
    assert found(SpokenIbanRecognizer(), text) == [("IBAN_CODE", iban)]


@pytest.mark.parametrize(
    "text",
    [
        "Flight BA 2 9 0 leaves at 10 30 from gate B 12",  # letters, but too few digits
        "call 5 5 5 1 2 3 4 5 6 7 8 now",  # digits only: a phone number, not an account
        "In Q3 2024 we grew 15 percent across 12 countries and 300 cities",
        "a double U-turn at 5 2 1 6 8 8 1 9 0 0 1",  # "double u" cannot open a run
    ],
)
def test_runs_that_are_not_ibans(text: str) -> None:
    assert found(SpokenIbanRecognizer(), text) == []


def test_a_sentence_after_a_card_number_is_not_glued_to_it() -> None:
    # "1111. I ..." is a card number and a new sentence, not a 16-digit run with a letter in it.
    assert found(SpokenIbanRecognizer(), "my card is 4111 1111 1111 1111. I really love it") == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("My mobile, plus 44, 7, 7, double 0, 9, 1, 2, 3, 4, 5, 6.", "plus 44, 7, 7, double 0, 9, 1, 2, 3, 4, 5, 6"),
        ("text me on plus four four seven seven double oh nine one two three four five six",
         "plus four four seven seven double oh nine one two three four five six"),
        ("call +44 7700 900123 today", "44 7700 900123"),
    ],
)  # fmt: skip
def test_international_numbers_with_plus_and_double(text: str, number: str) -> None:
    assert found(DigitSequenceRecognizer(), text) == [("PHONE_NUMBER", number)]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # the answer to "live at" runs on to the town
        ("Sure, I live at 22 Baker Street in London.", "22 Baker Street in London"),
        ("i live at twenty two baker street in london", "twenty two baker street in london"),
        ("The office is at 1600 Pennsylvania Avenue, Washington.", "1600 Pennsylvania Avenue, Washington"),
        ("send it to 10 Downing St. please", "10 Downing St."),
        # recognised lines: "address" misheard, the street written lowercase
        ("It's 17-18 castle crescent, Bristol, what's your username?", "17-18 castle crescent, Bristol"),
        ("My passport number is 535617409. It's 64 cherry circle tempeh.", "64 cherry circle"),
        (
            "I will record, show your rest as flat 10, 9 9, 7, bridge lane, livable, is",
            "flat 10, 9 9, 7, bridge lane, livable",
        ),
    ],
)
def test_street_addresses(text: str, address: str) -> None:
    assert found(StreetAddressRecognizer(), text) == [("LOCATION", address)]


@pytest.mark.parametrize(
    "text",
    [
        "we sold 3 cars on the street",
        "I walked 5 miles down the road",
        "we need 2 more days to finish the Road",
        "and 2 big trucks drive here",
    ],
)
def test_a_number_and_a_street_word_are_not_an_address(text: str) -> None:
    assert found(StreetAddressRecognizer(), text) == []


@pytest.mark.parametrize(
    ("text", "spelled"),
    [
        ("Yeah, it's Anna Kowalski, K-O-W-L-S-K-I.", "K-O-W-L-S-K-I"),
        ("spelled K O W A L S K I", "K O W A L S K I"),
        # recognition ran the first three letters together (a SWIFT code: its cue misheard)
        ("The sweet code is IBK-O-S-V-V-L-V-N.", "IBK-O-S-V-V-L-V-N"),
        ("with the crystal as R-A-D-O-E-S-M-M-I- Blue and", "R-A-D-O-E-S-M-M-I"),  # a trailing dash
    ],
)
def test_names_spelled_letter_by_letter(text: str, spelled: str) -> None:
    assert found(SpelledOutRecognizer(), text) == [("PERSON", spelled)]


@pytest.mark.parametrize(
    "text", ["The U-S-A team won", "the F-B-I and the C-I-A", "I am OK, I think", "the NHS and the BBC, A to Z"]
)
def test_short_acronyms_are_not_spelled_names(text: str) -> None:
    assert found(SpelledOutRecognizer(), text) == []


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("The expiry is 0927 and", "0927"),
        ("the security code is four two one", "four two one"),
        ("CVV: 123", "123"),
        ("and the security code is 41.", "41"),
        ("the expiry is oh nine twenty seven", "oh nine twenty seven"),
    ],
)
def test_card_security_codes_and_expiry_dates(text: str, detail: str) -> None:
    assert found(DigitSequenceRecognizer(), text) == [("CREDIT_CARD", detail)]


def test_a_short_code_without_a_card_word_is_not_card_data() -> None:
    assert found(DigitSequenceRecognizer(), "The door code is 421 on floor 3") == []


def test_a_runaway_card_number_is_found_when_card_was_misheard() -> None:
    text = "My current number is 4111, 1111, 1111, 1111, 1111, 1111, 1111, 1111."
    assert found(DigitSequenceRecognizer(), text) == [("CREDIT_CARD", text[21:-1])]


def test_a_name_spelled_right_after_it_is_the_name() -> None:
    # recognised: "Pham" spelled out, written as capitals
    assert found(IntroducedNameRecognizer(), "My name is Julian Pham, that's PHM, and I'm calling") == [
        ("PERSON", "Julian Pham"),
        ("PERSON", "PHM"),
    ]
    assert found(IntroducedNameRecognizer(), "My name is Dylan Adams, that's OK.") == [("PERSON", "Dylan Adams")]


@pytest.mark.parametrize(
    ("text", "name", "kept"),
    [
        ("My name is john yesterday", "john yesterday", "john"),
        # recognised: a name heard as a common word, where only a name can stand
        ("Hello, this is Sunita, surname ready.", "ready", "ready"),
        ("Hello, this is Jonathan, so name ready, I want to move", "ready", "ready"),
        ("The ID service desk, a member ready speaking, how can I help?", "ready", "ready"),
        # elsewhere the common word is dropped
        ("It will be ready after six.", "ready", None),
        ("surname, please", "please", None),
        # first names that are also stop words: before the rest of the name, or after "my name is"
        ("My name is May Chen.", "May Chen", "May Chen"),
        ("Will Turner called.", "Will Turner", "Will Turner"),
        ("Good morning. My name is Will, who am I speaking with?", "Will", "Will"),
        ("It may rain.", "may", None),
        ("Nobody will call. Will", "Will", None),
        ("May I call you back?", "May I", None),
    ],
)
def test_common_words_are_trimmed_from_names_unless_only_a_name_can_stand_there(
    text: str, name: str, kept: str | None
) -> None:
    start = text.index(name)
    span = trim_name_span(text, start, start + len(name))
    assert (text[span[0] : span[1]] if span else None) == kept


def test_an_or_after_an_address_that_ended_starts_another() -> None:
    text = "write to jane.doe@example.org or jane dot doe at example dot net"
    assert found(SpokenEmailRecognizer(), text) == [
        ("EMAIL_ADDRESS", "jane.doe@example.org"),
        ("EMAIL_ADDRESS", "jane dot doe at example dot net"),
    ]


@pytest.mark.parametrize(
    "text",
    ["Yes, my husband.", "Thanks, my friend.", "Sure, my brother will call.", "I am under bill, my wife"],
)
def test_a_relation_without_a_capitalised_name_before_it_names_no_one(text: str) -> None:
    assert found(IntroducedNameRecognizer(), text) == []
