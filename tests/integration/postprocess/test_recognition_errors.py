"""PII that leaked through recognition errors, line by line as a user saw it in the clean output.

Each case is a transcript as recognition wrote it; the clean text must hide every identifying
piece of the value (digits, name words) and, where the type was wrong before, carry the right one.
"""

from __future__ import annotations

import re

import pytest

from postprocess.compose import compose_enriched
from postprocess.config import EnrichmentConfig
from postprocess.document import EnrichedTranscript, Source
from postprocess.findings import ProfanityFindings
from postprocess.pii import find_pii
from postprocess.sentiment import score_sentiment
from tests.support.transcripts import make_transcript


def clean(texts: list[str], config: EnrichmentConfig) -> EnrichedTranscript:
    transcript = make_transcript(texts)
    return compose_enriched(
        transcript,
        find_pii(transcript, config),
        ProfanityFindings(spans=()),
        score_sentiment(transcript),
        job_id="job",
        source=Source(uri="call.mp4", duration_seconds=transcript.duration),
        config=config,
    )


def digits_left(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize(
    ("texts", "placeholder"),
    [
        (["The current number we keep on file for the vendor is 4,111,111,111,111,111,111,"], None),
        (["The car I used was 4539, 148, 0343, 647."], None),
        (["The server IP address is 1-9-2-0-1-6-8-0-1-0-4-2."], "<IP_ADDRESS>"),
        (["2, 0, 7, 9, 4, 6, 0, 9, 5, 8."], None),
        (["My passport number next 1, 2, 3, 4, 5, 6, 7, 8."], "<PASSPORT_NUMBER>"),
        (["My passport is G-4-8, two, one, nine, three, seven, five."], "<PASSPORT_NUMBER>"),
        (["My plate number is K-L-5, seven, R-T-X."], "<LICENSE_PLATE>"),
        (["My date of birth is July 4, 1979."], "<DATE_OF_BIRTH>"),
        (["My date of birth is 14/03/1985."], "<DATE_OF_BIRTH>"),
        (["My national insurance number is QQ 12 34 56 C."], "<UK_NINO>"),
        (["My account number is 12345678 and sort code 20-00-00."], "<BANK_ROUTING>"),
        (["Send it to the flat, the postcode is NW1 6XE."], "<POSTAL_CODE>"),
        (["The White House, 1600 Pennsylvania Avenue, Washington, DC 20500."], "<POSTAL_CODE>"),
        (["My mobile is 07700, I know 0123, send the document to pre-urunderscorcate mail.co.uk."], "<EMAIL_ADDRESS>"),
        (["The IBAN is DE89 3704 0044 0532 0130 00" + ", 0" * 50 + "."], None),
        (["My mobile is 07700", "900123, thanks."], "<PHONE_NUMBER>"),
    ],
)
def test_no_digit_of_a_value_survives_recognition_errors(
    warm_pii: EnrichmentConfig, texts: list[str], placeholder: str | None
) -> None:
    enriched = clean(texts, warm_pii)
    text = enriched.transcript.text
    assert digits_left(text) == "", text
    if placeholder:
        assert placeholder in text, text


def test_a_name_found_once_is_hidden_inside_a_mangled_address(warm_pii: EnrichmentConfig) -> None:
    enriched = clean(["My name is Margaret Thornton,", "you can reach me at Margaret.orgtonatemple.com"], warm_pii)
    text = enriched.transcript.text
    assert "margaret" not in text.lower() and "orgton" not in text.lower()
    assert text == "My name is <PERSON>, you can reach me at <EMAIL_ADDRESS>"


def test_an_address_the_recognizer_broke_into_two_sentences_is_one_address(warm_pii: EnrichmentConfig) -> None:
    text = clean(["I live at 742.", "Evergreen Terrace, Springfield."], warm_pii).transcript.text
    assert "742" not in text and "Evergreen" not in text and "Springfield" not in text
    assert text.startswith("I live at <LOCATION>")


@pytest.mark.parametrize(
    ("line", "value", "kind"),
    [
        ("Call me on 555-123-4567, my SSN is 123-45-6789.", "555-123-4567", "PHONE_NUMBER"),
        ("Call me on 555-123-4567, my SSN is 123-45-6789.", "123-45-6789", "US_SSN"),
        ("My passport number is 531 284 779.", "531 284 779", "PASSPORT_NUMBER"),
        ("I live at 221B Baker Street.", "221B Baker Street", "LOCATION"),
    ],
)
def test_values_are_typed_by_the_cue_nearest_to_them(
    warm_pii: EnrichmentConfig, line: str, value: str, kind: str
) -> None:
    transcript = make_transcript([line])
    raw = transcript.segments[0].text
    found = {raw[s.start : s.end]: s.type for s in find_pii(transcript, warm_pii).spans}
    assert found[value] == kind


def test_leetspeak_never_makes_a_person(warm_pii: EnrichmentConfig) -> None:
    transcript = make_transcript(["Shut up, you b1tch.", "B1tch, please.", "What a sh1t day, @sshole."])
    assert [s for s in find_pii(transcript, warm_pii).spans if s.type == "PERSON"] == []
