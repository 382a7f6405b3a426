"""Codes of letters and digits: NI numbers, plates, passports, driver IDs, SWIFT codes, IBAN heads, MACs."""

from __future__ import annotations

import pytest

from postprocess.config import EnrichmentConfig
from postprocess.pii import find_pii_in_text
from postprocess.pii.detectors import (
    AlphanumericCodeRecognizer,
    SpokenIbanRecognizer,
    SwiftCodeRecognizer,
)
from tests.unit.postprocess.recognizer_helpers import found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It's QQ 12 34 56 C, thanks", ("UK_NINO", "QQ 12 34 56 C")),
        ("It's Q, Q, one, two, three, four, five, six, C.", ("UK_NINO", "Q, Q, one, two, three, four, five, six, C")),
        ("your national insurance number for the security check\nIt's QQ123456T and", ("UK_NINO", "QQ123456T")),
        ("and your car registration? K-L-5-8-R-T-X.", ("LICENSE_PLATE", "K-L-5-8-R-T-X")),
        ("My plate number is K-L-5, seven, R-T-X.", ("LICENSE_PLATE", "K-L-5, seven, R-T-X")),
        ("needs your license plate. It's 7, a B, C, 1, 2, 3,", ("LICENSE_PLATE", "7, a B, C, 1, 2, 3")),
        ("My passport is G-4-8, two, one, nine, three, seven, five.",
         ("PASSPORT_NUMBER", "G-4-8, two, one, nine, three, seven, five")),
        ("my driver's license number is the 55281iN4 and", ("DRIVER_ID", "55281iN4")),
        ("driving licence number is GALLA 651215 SG9IJ.", ("DRIVER_ID", "GALLA 651215 SG9IJ")),
        ("the policy is P C 7 7 3 4 1 9 2 0 8", ("ID_NUMBER", "P C 7 7 3 4 1 9 2 0 8")),
        # recognised: an NI number read out after its cue, letters lowercase, words heard between them
        ("and your national insurance number,\ng g 2 8 4 3 9 8 g", ("UK_NINO", "g g 2 8 4 3 9 8 g")),
        ("national insurance number n i number r e two seven nine eight seven five b and you're dead of birth",
         ("UK_NINO", "r e two seven nine eight seven five b")),
        ("My national insurance\nnumber is YA over 2416d. I was born on", ("UK_NINO", "YA over 2416d")),
        ("Can you confirm your national insurance number? S and nine double two six two three eight.",
         ("UK_NINO", "S and nine double two six two three eight")),
        ("and your car registration, it's a blue Ford Focus E10, KXC, and", ("LICENSE_PLATE", "E10, KXC")),
        ("Iron B-S-7-0, with cold D-D-U-T-D-D-N-3, it's", ("ID_NUMBER", "D-D-U-T-D-D-N-3")),  # spelled: a code
        # recognised lines: the plate right after the car's make and model, its cue lost or lines before
        ("It's a blue Ford Focus HFE 3.840.", ("LICENSE_PLATE", "HFE 3.840")),
        ("The registration is K&B 6300.", ("LICENSE_PLATE", "K&B 6300")),  # "K and B" written with "&"
        ("It's a blue Ford focus\nto GPX 460. Would you like the refund", ("LICENSE_PLATE", "GPX 460")),
    ],
)  # fmt: skip
def test_codes_are_typed_by_shape_or_cue(text: str, expected: tuple[str, str]) -> None:
    assert found(AlphanumericCodeRecognizer(), text) == [expected]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # recognised lines: the question's last word, a sentence break, then the number
        ("What's your patient ID?\n6, 5, 8, 5, 8, 1, 0, 5, 5, 9.", "6, 5, 8, 5, 8, 1, 0, 5, 5, 9"),
        ("I will need your SSN.\n7.8922.\n78922186.\nThanks.", "7.8922.\n78922186"),
    ],
)
def test_a_cue_is_not_part_of_the_code_that_follows_it(text: str, value: str) -> None:
    assert [v for _, v in found(AlphanumericCodeRecognizer(), text)] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Flight B A 2 8 7 departs at 18 40",
        "COVID 19 changed things",
        "we use an A4 sheet and HDMI 2 cables",
        "I think 2 of them, OK 5",
        "conference room B 12 at 10",
        "COVID-19 and the M-2-5 and an A-4 sheet, B-B-C 1",
    ],
)
def test_short_codes_without_a_cue_are_left_alone(text: str) -> None:
    assert found(AlphanumericCodeRecognizer(), text) == []


@pytest.mark.parametrize(
    "text",
    [
        "My national insurance number is a bit long to read out.",
        "Your national insurance number is on the letter, page 2 of 4.",
        "What is your national insurance number? I have it on file, it is 12 pages.",
    ],
)
def test_what_follows_a_national_insurance_cue_is_a_number_only_with_its_digits(text: str) -> None:
    assert found(AlphanumericCodeRecognizer(), text) == []


@pytest.mark.parametrize(
    "text",
    [
        "She bought a Toyota Corolla in 2015 for 9000 pounds.",  # digits alone after a car: no plate
        "a Ford Focus RS with 350 horsepower, and my Honda Civic is from 1998",
    ],
)
def test_numbers_after_a_car_s_make_and_model_are_not_its_plate(text: str) -> None:
    assert found(AlphanumericCodeRecognizer(), text) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("SWIFT code N W B K G B 2 L.", "N W B K G B 2 L"),
        ("BIC C O B A D E F F X X X please", "C O B A D E F F X X X"),
        ("the swift code is NWBKGB2L", "NWBKGB2L"),
        ("Swift, code, B K G B two L", "B K G B two L"),  # the start lost in recognition
        # the cue as recognition writes it ("with code", "With cold", "Swift called", "swift, cold")
        ("abroad to GB2, 9, N, W, B, K, 6, 0, with code\nN, W, B, K, GB2, L. Please send", "N, W, B, K, GB2, L"),
        ("with code, N, W, B, K,\nGb2L, please send the receipt", "N, W, B, K,\nGb2L"),
        # the words recognition made of the first characters ("double u" as "double your", "doll U",
        # "N" as "in"), and a last character written lowercase
        ("With cold N, double your B, K, G, B, 2, L", "N, double your B, K, G, B, 2, L"),
        ("Swift called N-doll U-B-K-G-B-2-L", "N-doll U-B-K-G-B-2-L"),
        ("one, nine, swift, cold, in tunnel, U-B-K, G-B, two, l.", "in tunnel, U-B-K, G-B, two"),
        ("going, the swift code is B and B, B, E, 2, X, X, and mid-iron is", "B and B, B, E, 2, X, X"),
        # characters spelled after the shape of a code, up to eleven, belong to it
        ("the\nwith code in SOD, I-E-F-F-I-0-0.\nWhat's your claim number?", "SOD, I-E-F-F-I-0-0"),
    ],
)
def test_swift_codes_after_their_cue(text: str, code: str) -> None:
    assert found(SwiftCodeRecognizer(), text) == [("SWIFT_CODE", code)]


@pytest.mark.parametrize(
    "text",
    [
        "I signed in with code 4 4 1 2 and it worked",  # "with code" and digits only
        "I came down with cold and flu, then the big game",
    ],
)
def test_what_follows_a_heard_swift_cue_loosely_is_left_alone(text: str) -> None:
    assert found(SwiftCodeRecognizer(), text) == []


def test_words_between_a_swift_cue_and_its_code_are_not_part_of_it() -> None:
    # four words, or a sentence break, between: speech, not the garbled start of the code
    assert found(SwiftCodeRecognizer(), "the swift code, as on my card, B K G B 2 L") == [("SWIFT_CODE", "B K G B 2 L")]
    assert found(SwiftCodeRecognizer(), "swift code. So it's B K G B 2 L") == [("SWIFT_CODE", "B K G B 2 L")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Send it to the account, where is the money going, big M ID L ID M M", "M ID L ID M M"),
        ("mid-S4-G-D-I-E-2-L", "S4-G-D-I-E-2-L"),
        # spelled in lowercase, "W" as "double u", the branch in the next segment
        ("where is the money drawing, big n double u b k d s n\n3 x x x, the turbo", "n double u b k d s n\n3 x x x"),
        ("the swift code is n w b k g b 2 l", "n w b k g b 2 l"),
    ],
)
def test_swift_codes_spelled_after_bic_as_recognition_writes_it(text: str, code: str) -> None:
    assert found(SwiftCodeRecognizer(), text) == [("SWIFT_CODE", code)]


@pytest.mark.parametrize(
    "text",
    [
        "spelled K O W A L S K I",
        "a big BBC ITV deal for the big N H S trust",  # "big" before capitals, not a spelled code
        "stuck in mid-M-4 traffic on the big A-1-M",
        "a big a b c of cooking, a big 1 2 3 4 5 countdown, the swift is a bird",  # too few letters
    ],
)
def test_letters_without_a_swift_cue_are_not_a_swift_code(text: str) -> None:
    assert found(SwiftCodeRecognizer(), text) == []


def test_an_iban_head_joins_the_digits_recognition_left_after_it() -> None:
    text = "the money goes to GB2, 9, and Wbk, 6, 0, 1, 6, 1, 3, 3, 1, 9, 2, 6, 8, 1, 9, Swift"
    assert found(SpokenIbanRecognizer(), text) == [
        ("IBAN_CODE", "GB2, 9, and Wbk, 6, 0, 1, 6, 1, 3, 3, 1, 9, 2, 6, 8, 1, 9")
    ]
    # words between that cannot be a garbled bank code ("leaves"): two things said, not one IBAN
    assert found(SpokenIbanRecognizer(), "Flight BA29 leaves, then 6, 0, 1, 6, 1, 3, 3, 1") == []


@pytest.mark.integration
def test_mac_addresses_are_found_by_presidio_s_recognizer_in_the_engine(warm_pii: EnrichmentConfig) -> None:
    found = find_pii_in_text("the MAC is 00:1A:2B:3C:4D:5E, at 10:30:45 on 12-05-24", warm_pii)
    assert [p.type for p in found] == ["MAC_ADDRESS"]


@pytest.mark.parametrize(
    ("text", "plate"),
    [
        # recognised: the plate asked for, the answer's words garbled around it
        ("The parking permit needs your license plate.\nThat's a blue Ford Focus.\nRighty, nine, KDC.", "nine, KDC"),
        ("What's the vehicle?\nM14.", "M14"),
        ("What's that vehicle?\n9 HHD624.", "9 HHD624"),
        ("What's the vehicle?\nCan't wrench KV43 cmv. Go ahead with the long number on the front.", "KV43"),
        ("The card number needs your license plate.\nCan't wrench double your H45 DPP", "H45 DPP"),
        (
            "The packing permit needs your license plate.\nIt's a blue board focus, D-K-T, normal board run down.",
            "D-K-T",
        ),
    ],
)
def test_the_answer_to_a_plate_question_is_the_plate(text: str, plate: str) -> None:
    assert found(AlphanumericCodeRecognizer(), text) == [("LICENSE_PLATE", plate)]


@pytest.mark.parametrize(
    "text",
    [
        "What's the vehicle?\nWhy can't I be in O and you wanted ID?",  # two capitals: an abbreviation
        "Your plate, please.\nSure, one moment, I need to check the TV.",
        "What's the vehicle?\nIt's parked outside. The blue one by the gate, row K.",  # not in the next sentence
    ],
)
def test_an_answer_without_a_plate_is_left(text: str) -> None:
    assert found(AlphanumericCodeRecognizer(), text) == []
