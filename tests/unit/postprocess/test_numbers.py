"""Digit runs: identifiers whatever the cue, short values after their cue, quantities left alone."""

from __future__ import annotations

import pytest

from postprocess.pii.core.chains import digit_chains
from postprocess.pii.core.quantities import quantity_reason
from postprocess.pii.core.spoken import normalize_spoken_numbers
from postprocess.pii.detectors import DigitSequenceRecognizer

ALL = frozenset(DigitSequenceRecognizer.ENTITIES)


def found(text: str) -> list[tuple[str, str]]:
    normalized = normalize_spoken_numbers(text)
    results = DigitSequenceRecognizer().find(normalized.text, ALL)
    return [(kind, text[slice(*normalized.raw_span(s, e))]) for kind, s, e, _ in results]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("we keep 4,111,111,111,111,111,111 on file", "4,111,111,111,111,111,111"),  # no cue at all
        ("The car I used was 4539, 148, 0343, 647.", "4539, 148, 0343, 647"),
        ("it is two oh seven nine four six oh nine five eight", "two oh seven nine four six oh nine five eight"),
        ("the code was 5 5 3. 1 2 8 4", "5 5 3. 1 2 8 4"),  # a sentence break the recognizer put inside
        ("then 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0", "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0"),
        ("reference 9 at 7, 6, 5, 4, 3, 2, 1", "9 at 7, 6, 5, 4, 3, 2, 1"),  # "eight" heard as "at"
        ("mobile 0, 7, 7, double-low, 9, double-low, 1, 2, 3", "0, 7, 7, double-low, 9, double-low, 1, 2, 3"),
        ("my plan is 7, 3, 1, 9, okay", "7, 3, 1, 9"),  # read digit by digit: a code ("PIN" misheard)
        ("I know 0123, right", "0123"),  # starts with zero: not a quantity
        ("Try plus 4, 4, 7, 9, 4, 6, 0, 9, 5, 8, 1, 2", "plus 4, 4, 7, 9, 4, 6, 0, 9, 5, 8, 1, 2"),
        # "to"/"for" heard for a digit after a zero or before "double"
        ("The number on file should be 0 to 9, 787 for double 082.", "0 to 9, 787 for double 082"),
        ("Next I am 0 to 26. Can you confirm", "0 to 26"),
        # digit groups recognition wrote as decimals and money, or with words it put between them
        ("Sure, 6.58, 6.04, 9.78, 7.4595, lovely order.", "6.58, 6.04, 9.78, 7.4595"),
        ("And the number, $4.0489.0869.059317.", "4.0489.0869.059317"),
        ("It's 9.09750157 What can't", "9.09750157"),
        ("Okay, 6, 98, I'm 4, 7, I'm 0, 0, 2, and", "6, 98, I'm 4, 7, I'm 0, 0, 2"),
        ("It's plus 6, 1, 4, 6, 2, 4, did 1, 6, 3, 7, did I", "plus 6, 1, 4, 6, 2, 4, did 1, 6, 3, 7"),
        ("How would you like to pay 652 781 to 06548 7117.", "652 781 to 06548 7117"),  # "to": a digit
        # a price and a year shortly after a number's cue: digits read out
        ("My work number is all due or 83.99, 1946.", "83.99, 1946"),
        ("1945, a count 0.094, 85.81, routing number", "0.094, 85.81"),  # "account" heard as "a count"
        # currency signs recognition put before some groups
        ("and mid-account number is 84, $1.5, $1.9, 2.", "84, $1.5, $1.9, 2"),
    ],
)
def test_identifiers_are_found_without_a_cue(text: str, value: str) -> None:
    assert [v for _, v in found(text)] == [value]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("card 4111 1111 1111 1111", "CREDIT_CARD"),
        ("my number 4111111111111111 thanks", "CREDIT_CARD"),  # Luhn-valid: a card whatever the cue
        ("call me on 415 555 0199", "PHONE_NUMBER"),
        ("plus 44 7700 900123", "PHONE_NUMBER"),
        ("the account number is 31926819", "BANK_ACCOUNT_NUMBER"),
        ("the routing number is 021000021", "BANK_ROUTING"),
        ("my passport number is 531284779", "PASSPORT_NUMBER"),
        ("the policy number is 77341920", "ID_NUMBER"),
        ("we keep 8675309123 here", "PHONE_NUMBER"),  # ten digits: a phone number by its shape
        ("we keep 86753091 here", "ID_NUMBER"),
    ],
)
def test_long_runs_are_typed_by_their_cue_or_shape(text: str, kind: str) -> None:
    assert [k for k, _ in found(text)] == [kind]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("my PIN is seven three one nine", "seven three one nine", "PIN"),
        ("the sort code is 20-00-00", "20-00-00", "BANK_ROUTING"),
        ("The sort code is too old.\nNumber one, five and", "one, five", "BANK_ROUTING"),  # the rest was lost
        ("And the last four of your social?\nSix six one two.", "Six six one two", "US_SSN"),
        ("zip code nine seven four seven seven", "nine seven four seven seven", "POSTAL_CODE"),
        ("the expiry date is oh nine slash twenty seven", "oh nine slash twenty seven", "CREDIT_CARD"),
        ("the security code is four one seven", "four one seven", "CREDIT_CARD"),
        ("And your staff number?\nFor 8816.", "8816", "ID_NUMBER"),
        ("My mobile is 07700", "07700", "PHONE_NUMBER"),
        # cue words as recognition writes them: "PIN" as "BIM", "B-I-N"; "sort code" as "thought code"
        ("and your four-digit BIM.\nIt's 7078.", "7078", "PIN"),
        ("B-I-N number 208032. Would you like", "208032", "PIN"),
        ("for the phone banking line my DIN is 4962, how would you", "4962", "PIN"),
        ("The end is 75939.", "75939", "PIN"),  # "the PIN is"
        ("Set the iron for foam banking.\nThe iron is 878187.", "878187", "PIN"),
        ("for the phone banking line. My plan is 973-5.", "973-5", "PIN"),  # "my PIN is"
        ("Security. Your opinion, please.\nMy plan is at 5-4-0.", "5-4-0", "PIN"),  # "my PIN is"
        ("I also set up your online account, but the INB is 2881 and the", "2881", "PIN"),
        ("I've reset it to maple syrup, sunrise, and your phone, the ion is 6.048.", "6.048", "PIN"),
        # the cue's dots and a pause before the answer; "double" makes digits read out look like a date
        ("Security. Your B.I.N. please. 6-3-double-8. Item 5 on the agenda", "6-3-double-8", "PIN"),
        ("For security, your PM, please.\nIt's 88035, the pin.", "88035", "PIN"),  # the cue after the value
        ("And your national insurance number is $20359960 What", "20359960", "UK_NINO"),  # "$": no amount
        # the last digits of whatever was named before them
        ("the card ending in 4712", "4712", "CREDIT_CARD"),
        ("my account ends with 5521, and", "5521", "BANK_ACCOUNT_NUMBER"),
        ("The last four are 3391, and", "3391", "ID_NUMBER"),
        ("The thought code is 75, 64, 19 and", "75, 64, 19", "BANK_ROUTING"),
        ("the short, gold is 4301, I need it", "4301", "BANK_ROUTING"),
        ("My PIN is nineteen eighty four.", "nineteen eighty four", "PIN"),  # a year, but after its cue
        ("OK, so it's 4641, and it expires\n1-2-13. Orientation is in room", "1-2-13", "CREDIT_CARD"),  # a date
        (
            "back number home is one eight hundred nine six two three two nine six\nmore mile",
            "one eight hundred nine six two three two nine six",  # "more" on the next line counts nothing
            "PHONE_NUMBER",
        ),
        ("my direct line, extension 2 7 2. And the new address", "2 7 2", "PHONE_NUMBER"),
    ],
)
def test_short_values_right_after_their_cue(text: str, value: str, kind: str) -> None:
    assert found(text) == [(kind, value)]


def test_a_value_ending_one_segment_is_not_a_quantity_because_of_the_next_segment_s_unit() -> None:
    text = "Can you confirm your national insurance number?\nIt's speech 7, 4, 7, 0, 7, 5, 8,\n126 miles from here."
    assert found(text) == [("UK_NINO", "7, 4, 7, 0, 7, 5, 8")]
    assert found("We drove 4, 5,\n126 miles from here, and 3,\n40 more") == []  # quantities in both segments


def test_a_card_s_expiry_and_code_follow_it_even_when_their_cue_is_misheard() -> None:
    text = "card number is 4539148034364712. The x-iry date is 0, 9-27, and the security code is 41-7"
    assert found(text) == [("CREDIT_CARD", "4539148034364712"), ("CREDIT_CARD", "0, 9-27"), ("CREDIT_CARD", "41-7")]


@pytest.mark.parametrize(
    "text",
    [
        "Revenue was four point two million dollars, up 12 percent",
        "the enterprise tier is $1,250,000 a year",
        "we served one hundred and twenty thousand customers",
        "between 2019 and 2023, and from 2019 to 2023",
        "in 2019, 2020, 2021 and 2022",
        "the invoice of 2024-05-12",
        "we sold 1500. 2000 more next year",
        "it took 1234567 milliseconds",
        "version 10.0.19045 is out",
        "the workshops run in rooms 1 0 4, 1 0 6 and 2 12",
        "Please read chapter 7 and page 3 1 2",
        "the bus leaves at 7 15 from gate 23, lunch at 12 45",
        "the meeting is at 3:30, 10:45 and 2 p.m.",
        "the refund arrives in three to five business days, between nine and five",
        "one two three testing one two three four",
        "we grew from 15 to 240 employees",
        "Flight you at 5 to 3,000 at 1915 from gate 32",  # "to" between a digit and thousands: a range
        "between twenty eleven and twenty twenty four we grew from twenty eight to eight hundred employees",
        "We are open from 7 to 5, 30. We need 22 more chairs.",  # "five thirty": a time
        "The end is near. The end is at 5 pm. In the end it took 2 weeks.",
        "The plan is 2025 for the launch. My plan is 2000. My plan is 4000 minutes, your plan is 30 gigabytes.",
        "Your plan is 4.99 a month, my plan is 24/7 support.",
        "My plan is at 2000 minutes. The ion is 2 point 5 volts? Your plan is at 30 gigabytes.",
        "She bought a Toyota Corolla in 2015 for 9000 pounds.",  # a car's make and model: no cue for digits
        "between 3 & 4, rooms 1 & 2 and AT&T 5G",  # "&" with spaces around joins nothing
        "The PIN reset was on 12-05-24, thanks.",  # a date a few words after the cue stays a date
        "We sold 45, the pin was lost. Chapter 12, the account of it.",
        # recognised: amounts with thousands and pence, round thousands in a row, a time before a pause
        "You will have 13,656.89 as you are on April 2026. It was 15,195.50 on the 10th",
        "we ordered 2,000 28,000 at 85,000",
        "The appointment is on the 5th of May at 1020.\n577 departure at half past 4",
        "the meeting ending in 5 minutes; the last 3 days were long, the last four years too",
        "it costs $1.50, $2.75 and 4.99, pages 120 to 135, and 2019 to 2023; rates of 1.5, 2.25 and 3.75 percent",
        "The passport is valid, it expires in 2029.",  # a year after "expires": not a card's expiry
        "The total is $1,299.99 plus tax",
        # a price and a year with no number's cue near, or an amount with thousands after one
        "It was 83.99, 1946 was the year it opened.",
        "On a count of 3, lift. Keep a count of 1.5, 2.5 and 3.75 litres.",
        "The prices are $4.99, $5.99, $6.99, $7.99 each, we paid $1,250, $3,400, $2,100 and $900.",
        "The phone bill came to 1,250.50, 2024 was worse.",
        "It was $14,8,000, $44,000.",  # recognised: $148,000 with its thousands grouped wrongly
    ],
)
def test_quantities_and_names_of_things_are_left_alone(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    ["It's 4111 1111 1111 1111, valid until 6, 29. Refund arrives in 5, 9, business days.",
     "It's 4111 1111 1111 1111, it expires 6, 29, the temperature was 26 degrees.",
     # the ends of a range, years said in two
     "It's 4111 1111 1111 1111, it expires 6, 29.\nBetween 20, 16, and 20, 22, we grew from 34 to 181 employees."],
)  # fmt: skip
def test_a_quantity_right_after_a_card_s_expiry_is_no_card_detail(text: str) -> None:
    assert [value for _, value in found(text)] == ["4111 1111 1111 1111", "6, 29"]


def test_quantity_reasons_name_the_rule() -> None:
    assert quantity_reason("1,299", "$", "") == "an amount of money"
    assert quantity_reason("1234567", "", " users") == "a quantity with a unit"
    assert quantity_reason("14/03/1985", "", "") == "a date"
    assert quantity_reason("2019-2023", "", "") == "a range of years"
    assert quantity_reason("3,000,000", "", "") == "round numbers, decimals or years"
    assert quantity_reason("4539148034364712", "", "") is None


def test_runs_join_across_segments_and_sentence_breaks_only_next_to_a_short_group() -> None:
    assert [c.value for c in digit_chains("reach me at 415.\n5, 5, 5, 0, 1, 9")] == ["415.\n5, 5, 5, 0, 1, 9"]
    assert [c.value for c in digit_chains("we sold 1500. 2000 more")] == ["1500", "2000"]
    assert [c.value for c in digit_chains("room B12 on the 4th, 5551234")] == ["5551234"]
    # recognised lines: a card read out with pauses; a date's year before a build number read out
    assert [c.value for c in digit_chains("Number 495. 66938325. 15 27.")] == ["495. 66938325. 15 27"]
    assert [c.value for c in digit_chains("is new on August 2025.\n9965 past at")] == ["2025", "9965"]


def test_digits_read_in_pairs_come_back_as_feet_and_inches_and_are_one_run() -> None:
    # "sixty five thirty nine, thirty nine eleven, …" as recognition wrote it
    assert found("Sure, it's 6'5\", 3'9\", 1'1\", 5'8\".") == [("ID_NUMBER", "6'5\", 3'9\", 1'1\", 5'8")]
    assert found("I'm 5'8\" tall") == []


@pytest.mark.parametrize(
    ("text", "expiry"),
    [
        ("and it expires January 2026, set a telephone password", "January 2026"),
        ("valid until October 20, 28. Do you have a reference?", "October 20, 28"),
        (
            "the current number is four nine eight seven seven zero eight nine three zero nine one six\n"
            "the next pirate is November twenty twenty six and the security code is one eight zero",
            "November twenty twenty six",  # "expiry" garbled: the month and year right after the card
        ),
    ],
)
def test_a_card_s_expiry_said_as_a_month_and_a_year(text: str, expiry: str) -> None:
    assert expiry in [v for kind, v in found(text) if kind == "CREDIT_CARD"]


@pytest.mark.parametrize(
    ("text", "expiry"),
    [
        # recognised: "expiring" and "valid until" heard wrongly, the expiry said as a year alone
        ("please charge my visa\nnumber 4278824764986386, exiring the number 2027, who should we contact", "2027"),
        ("Right, I have it here. 4539 1480 3436.\nMelid until January 2029.", "January 2029"),
        ("the card is 4539148034364712 and the x-iry is 0, 9-27", "0, 9-27"),
        # the year "twenty twenty-six" in pieces, "February" heard as "every"
        ("It's 4539 1488 0343 6467, and it expires every 20, 20, 26 Could you give me your sort code?", "20, 20, 26"),
        ("4539 1488 0343 6467. Excited with every 20-20-5. The repair quad was 300 pounds.", "20-20-5"),
    ],
)
def test_a_card_s_expiry_after_a_misheard_cue(text: str, expiry: str) -> None:
    assert expiry in [v for kind, v in found(text) if kind == "CREDIT_CARD"]


def test_a_year_after_a_card_is_its_expiry_only_when_said_alone() -> None:
    for text in (
        "my visa is 4278824764986386. In 2027 we open a new store.",
        "my visa is 4278824764986386. Between 2027 and 2029 we open stores.",
    ):
        assert found(text) == [("CREDIT_CARD", "4278824764986386")]


def test_a_month_and_a_year_is_a_date_unless_it_is_a_card_s_expiry() -> None:
    assert found("we launch in January 2026 and again on October 20, 28") == []
    assert found("The card is 4539148034364712. The bill is due on August 20, 27.") == [
        ("CREDIT_CARD", "4539148034364712")
    ]


def test_a_card_s_details_are_the_first_runs_after_it_and_never_a_date() -> None:
    text = "The card is 4539148034364712.\nBetween 2010 and 2020 for we grew from 33 to 812 employees."
    assert found(text) == [("CREDIT_CARD", "4539148034364712")]
    text = (
        "Sure, it's three, seven, oh, eight.\n1, 6, 8, 2, 0, 7, 1, 2, 7, 3, 4, 3, and it expires 3, 13. Your bill "
        "on 91 pounds\n90, 9 is due on August 20, 27."
    )
    assert [v for _, v in found(text)] == [
        "three, seven, oh, eight.\n1, 6, 8, 2, 0, 7, 1, 2, 7, 3, 4, 3",
        "3, 13",
    ]
    assert found("The card is 4539148034364712. Your bill of 90, 9 is due on August 20, 27.") == [
        ("CREDIT_CARD", "4539148034364712")
    ]
    assert found("The card is 4539148034364712. The refund arrives into 28 business days.") == [
        ("CREDIT_CARD", "4539148034364712")
    ]


def test_a_word_that_names_things_keeps_its_own_sentence() -> None:
    # recognised: a flight number, then a passport number read out after a pause
    text = "Flight DL-2-3-7-Darts at quarter past 2 from 847 past\n3-5-3-1-6-1-7-4, Set the"
    assert found(text) == [("ID_NUMBER", "3-5-3-1-6-1-7-4")]
    assert found("the workshops run in rooms 1 0 4, 1 0 6 and 2 12") == []


def test_the_last_four_of_a_social_named_in_the_question() -> None:
    # recognised: the count "four" glued to the digits that follow it
    assert [(kind, value[-4:]) for kind, value in found("And the last four of your social?\nLast four, 6612.")] == [
        ("US_SSN", "6612")
    ]


@pytest.mark.parametrize(
    ("text", "details"),
    [
        (  # recognised: a card's length typed as a phone number, "expiry" and "code" garbled
            "9 on clock, the number 3 6 2 4 4 3 2 9 3 7, 3 9 6 7, it's the mission 4 7 slash 30 1 on the clock "
            "on the path and 8 6 5",
            ["8 6 5"],
        ),
        ("Ready 3 4 1 1 8 6 4 8 4 7 5 6 4 4\nnext fire, 729.", ["729"]),  # 14 digits with no cue at all
        ("I can't get here, 41-08, 42-98, 79-97, 22-91,\nmarried until 1027.", ["1027"]),  # "valid until 10/27"
    ],
)
def test_a_run_of_a_card_s_length_without_its_cue_is_followed_by_its_details(text: str, details: list[str]) -> None:
    after = [v for kind, v in found(text) if kind == "CREDIT_CARD"][-len(details) :]
    assert after == details


def test_a_time_after_a_card_is_no_card_detail() -> None:
    text = "Ready 3 4 1 1 8 6 4 8 4 7 5 6 4 4.\nThe appointment is on the 6th of February at 1840."
    assert [v for _, v in found(text)] == ["3 4 1 1 8 6 4 8 4 7 5 6 4 4"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # recognised: "PIN" heard as "plan" or "pion", "last four" as "last for"
        ("My plan is 8658.", [("PIN", "8658")]),
        ("For the phone banking line, my plan is 1554 Which machine are you on?", [("PIN", "1554")]),
        ("The plan is 1632 Lovely Andrew, you'll get a letter in the next week or so", [("PIN", "1632")]),
        ("Pion number 1406.", [("PIN", "1406")]),
        ("And for verification your social security number.\nLast for 2485.", [("US_SSN", "2485")]),
        # what is set "for phone banking" is its PIN, the PIN cue itself misheard; "oh" heard as "all"
        ("Sit at the iron for phone banking It's 8179", [("PIN", "8179")]),
        ("My BIN is all 932.", [("PIN", "932")]),
        ("For security, your VPN, please.\nMy VPN is 5796.", [("PIN", "5796")]),
        ("For security, your BIN, please.\nSet the plan to 2427.", [("PIN", "2427")]),
        ("Call our phone banking line on 0800 123 4567.", [("PHONE_NUMBER", "0800 123 4567")]),
        # a plan's size, price or year, and "last for" a while, stay
        ("my plan is 2000 minutes a month", []),
        ("my plan is 1500", []),
        ("The plan is 2030.", []),
        ("The batteries last for 1200 hours.", []),
        ("Set the plan to 2000 minutes.", []),
        ("My VPN is down again, the server is 10 years old.", []),
    ],
)
def test_pin_and_last_four_cues_as_recognition_writes_them(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_a_year_said_as_one_ends_its_sentence() -> None:
    # recognised: a range of years, then a count in the next segment
    text = "Print 40, closed 35 tickets between 2016 and 2020.\n3, 3, 3, from 44 to 5, 120, 1 employees."
    assert found(text) == []
    assert found("The card is 4539 1480 3436. 4712, thanks.") == [("CREDIT_CARD", "4539 1480 3436. 4712")]


def test_not_between_digit_groups_is_a_dot_misheard() -> None:
    # recognised: an IP address read out, "dot" heard as "not" and "or not"
    assert [v for _, v in found("The turbo is at 172.2 or not 115.7, not 246.")] == ["172.2 or not 115.7, not 246"]


@pytest.mark.parametrize(
    "text",
    ["Pick 10, 20 or 30, 40 or 50.", "It costs 19.99 or 24.99 or 29.99.", "We could ship 3.1 or 3.2 or 4.0 or 4.1."],
)
def test_a_choice_between_numbers_is_no_identifier(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Call volume was 1200, 1350, 1425 and 1510 over four weeks.",  # a list, every item round-ish
        "The results were 98.6, 99.1, 97.4 and 98.9 across the four runs.",  # said decimals in a list
        "It was 3, 2, 1, go, and then 10, 9, 8, 7 on the second launch.",  # a countdown
    ],
)
def test_lists_and_countdowns_are_no_identifiers(text: str) -> None:
    assert found(text) == []


def test_a_card_read_out_before_and_is_still_a_card() -> None:
    assert [v for _, v in found("my card is 4539, 1480, 3436 and 4712")] == ["4539, 1480, 3436", "4712"]
    assert [v for _, v in found("the code is 9, 8, 7, 6 and my name is Sam")] == []  # counting down, no cue
    assert [v for _, v in found("my PIN is 9, 8, 7, 6")] == ["9, 8, 7, 6"]  # a cue: read out


def test_a_card_brand_and_number_is_one_cue() -> None:
    # recognised: digits read in pairs came back as too many digits; the brand still types them,
    # and the security code after them is the card's
    text = (
        "Mastercard number is 22, 21, 9, 6, 4, 6, 24, 22, 7, 5, 8, 7, 6, 4, 6, 6 and the code on the mark is 9, 5, 4."
    )
    assert found(text) == [
        ("CREDIT_CARD", "22, 21, 9, 6, 4, 6, 24, 22, 7, 5, 8, 7, 6, 4, 6, 6"),
        ("CREDIT_CARD", "9, 5, 4"),
    ]


def test_a_date_and_a_time_are_no_identifier() -> None:
    # recognised: a year after its month, then a 24-hour time
    assert found("The point is on July 2025, 2330.") == []
    assert found("The appointment in on September 2020,\nseven, at three, 30, and your national insurance.") == []


def test_a_cue_already_answered_does_not_reach_across_a_sentence() -> None:
    text = "Set a PIN for phone banking The PIN is 6812 The repair quote was 2349 pounds Between 2017\nAnd 2020 we grew"
    assert found(text) == [("PIN", "6812")]
    # a short number before the break may be the value's start: the cue still reaches across it
    assert found("and your sort code for eight.\nFor 108, count 1 9") == [("BANK_ROUTING", "108")]


def test_the_answer_to_a_cue_that_asked_may_open_with_a_few_words() -> None:
    text = "Can you confirm your national insurance number?\nIt's not a U-Z, 84, 8, 179."
    assert [kind for kind, _ in found(text)] == ["UK_NINO"]
    assert found("What's your PIN? I have 2 cards.") == []  # too few digits for a PIN
    assert found("My calling Joy, right?\nbetween 2018 and 2020. We grew.") == []  # a range opens it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # recognised: "PIN number" misheard; the word before "number" does not matter
        ("The island number 365.", [("ID_NUMBER", "365")]),
        ("The IM number 7619.", [("ID_NUMBER", "7619")]),
        # a quantity, or the number of a room or a flight, stays
        ("The total number is 350 people.", []),
        ("The room number 405 is upstairs.", []),
        ("The flight number 350 leaves at 9.", []),
    ],
)
def test_a_short_value_announced_as_some_number_is_an_identifier(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_a_runaway_of_one_digit_written_in_thousands_is_no_amount() -> None:
    # recognised: recognition looped on "zero"; no one says an amount beyond hundreds of trillions
    assert found("60,000,000,000,000,000,000,000,000,000,000.") == [
        ("ID_NUMBER", "60,000,000,000,000,000,000,000,000,000,000")
    ]
    assert found("Revenue was 3,000,000,000 this year, and 900,000,000,000,000 is a lot.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # recognised: a number abroad cut off after its prefix
        ("It's plus six one.", [("PHONE_NUMBER", "plus six one")]),
        ("The number on file should be plus 4842, six to all.", [("PHONE_NUMBER", "plus 4842, six")]),
        # a sum, a temperature
        ("It's 20 plus 15 is 35.", []),
        ("The temperature was plus 15 degrees.", []),
    ],
)
def test_a_short_run_after_plus_is_the_start_of_a_phone_number(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected
