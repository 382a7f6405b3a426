"""The estimated AWS cost of one cloud job, from its recorded stage timings and a price table.

What a job uses, and how it is counted (docs/report.md explains each line and its limits):

* **MediaConvert**: one audio-only output as long as the recording (output minutes).
* **SageMaker endpoint**: instance-seconds of the transcription stage (request queued → transcript
  found), on the configured instance type.
* **Lambda compute**: GB-seconds of the three enrichers, each counted for the whole enrichment
  stage (they run in parallel inside it: an upper bound). The workflow-step functions' own
  durations are not recorded, so their compute is not included.
* **Lambda requests**: every function invocation of the successful path, the two per window
  (``TranscribeWindow``, and ``ResumeTranscription`` on the endpoint's notification) included.
* **Step Functions**: state transitions of the successful path of the state machine, one per window.

The windows are not recorded: their number comes from the recording's duration and the
deployment's window length (``CLEARSCRIBE_WINDOW_SECONDS``), as the workflow plans them. The
scheduled sweep for lost notifications runs whether there are jobs or not and is not a job's cost.

Prices are list prices in USD, without free tiers or savings plans, from :data:`PRICE_TABLE`
(by region) with the ``PRICE_*_USD`` environment variables taking precedence. A price the
table does not hold (see docs/report.md for why) leaves its line unpriced and the estimate
partial, never a guess.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline.asr.inference.windows import plan_requests
from shared import contract
from shared.env import env_int
from shared.errors import ConfigInvalidError
from shared.speakers import DEFAULT_SPEAKERS, SpeakerSetting

#: When the prices in :data:`PRICE_TABLE` were read from the AWS pricing pages.
PRICES_AS_OF = "2026-11-29"

# -- the environment of the function that writes the results (set by the workflow stack) --------
ENV_REGION = "COST_REGION"  # optional: the region whose prices apply (default: AWS_REGION)
ENV_INSTANCE_TYPE = contract.ENV_ENDPOINT_INSTANCE_TYPE  # the endpoint's instance type, e.g. ml.g4dn.xlarge
ENV_PII_MEMORY_MB = contract.ENV_PII_MEMORY_MB  # memory of the PII function
ENV_ENRICHER_MEMORY_MB = contract.ENV_ENRICHER_MEMORY_MB  # memory of the profanity and sentiment functions
#: Optional price overrides (USD), one per priced item; they win over the table.
ENV_PRICES = {
    "mediaconvert_minute": "PRICE_MEDIACONVERT_MINUTE_USD",
    "endpoint_instance_hour": "PRICE_ENDPOINT_INSTANCE_HOUR_USD",
    "lambda_gb_second": "PRICE_LAMBDA_GB_SECOND_USD",
    "lambda_request": "PRICE_LAMBDA_REQUEST_USD",
    "state_transition": "PRICE_STATE_TRANSITION_USD",
}
COST_ENVIRONMENT = (ENV_REGION, ENV_INSTANCE_TYPE, ENV_PII_MEMORY_MB, ENV_ENRICHER_MEMORY_MB, *ENV_PRICES.values())


@dataclass(frozen=True)
class RegionPrices:
    """List prices of one region (USD); None where no price could be confirmed."""

    state_transition: float | None = None
    lambda_gb_second: float | None = None  # x86, first duration tier
    lambda_request: float | None = None
    mediaconvert_minute: float | None = None  # one audio-only output minute
    endpoint_instance_hour: Mapping[str, float] = field(default_factory=dict)  # by instance type


def _per_thousand(price: float) -> float:
    return price / 1000


#: Step Functions Standard workflows, "State transitions pricing table" of
#: https://aws.amazon.com/step-functions/pricing/ (price per 1,000 state transitions).
_STATE_TRANSITION_PER_1000 = {
    "us-east-1": 0.0250,
    "us-east-2": 0.0250,
    "us-west-1": 0.0279,
    "us-west-2": 0.0250,
    "ca-central-1": 0.0250,
    "sa-east-1": 0.0375,
    "us-gov-east-1": 0.0300,
    "us-gov-west-1": 0.0300,
    "eu-west-1": 0.0250,
    "eu-central-1": 0.0250,
    "eu-west-2": 0.0250,
    "eu-west-3": 0.0297,
    "eu-north-1": 0.0250,
    "ap-southeast-1": 0.0250,
    "ap-northeast-1": 0.0250,
    "ap-southeast-2": 0.0250,
    "ap-northeast-2": 0.0271,
    "ap-south-1": 0.0285,
}
#: Lambda x86 in US East (N. Virginia), https://aws.amazon.com/lambda/pricing/: $0.0000166667 per
#: GB-second (first tier) and $0.20 per million requests. Other regions' Lambda prices were not
#: confirmed; MediaConvert audio-only and SageMaker instance prices were not confirmed for any
#: region (docs/report.md).
_LAMBDA = {"us-east-1": (0.0000166667, 0.0000002)}

PRICE_TABLE: dict[str, RegionPrices] = {
    region: RegionPrices(
        state_transition=_per_thousand(per_1000),
        lambda_gb_second=_LAMBDA.get(region, (None, None))[0],
        lambda_request=_LAMBDA.get(region, (None, None))[1],
    )
    for region, per_1000 in _STATE_TRANSITION_PER_1000.items()
}

# -- the state machine's successful path (infra/constructs/transcription_workflow.py) ----------
#: States entered once: RegisterJob, IsDuplicate, PrepareAudioExtraction, ExtractAudio,
#: CheckAudioExtraction, Transcribe (the Map), MergeTranscripts, Enrich (the Parallel state and its
#: three branch tasks), WriteResults, MarkComplete, JobComplete.
FIXED_TRANSITIONS = 14
#: States entered per window: TranscribeWindow.
TRANSITIONS_PER_WINDOW = 1
#: Function invocations once per job: RegisterJob, PrepareAudioExtraction, CheckAudioExtraction,
#: MergeTranscripts, three enrichers, WriteResults, MarkComplete.
FIXED_INVOCATIONS = 9
#: Function invocations per window: TranscribeWindow, ResumeTranscription.
INVOCATIONS_PER_WINDOW = 2


def _env_float(env: Mapping[str, str], name: str) -> float | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if value < 0:
        raise ValueError(f"{name}={raw!r} must not be negative")
    return value


def _env_int(env: Mapping[str, str], name: str) -> int | None:
    value = _env_float(env, name)
    return None if value is None else int(value)


@dataclass(frozen=True)
class CostSettings:
    """What the estimate needs to know about the deployed stack."""

    region: str | None = None
    instance_type: str | None = None
    pii_memory_mb: int | None = None
    enricher_memory_mb: int | None = None
    window_seconds: int = contract.WINDOW_SECONDS
    #: Whether the endpoint labels speakers: a recording of several windows is then one request more.
    speakers: bool = False
    price_overrides: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> CostSettings:
        """From the variables in :data:`COST_ENVIRONMENT`, ``AWS_REGION`` and the window length
        (``CLEARSCRIBE_WINDOW_SECONDS``) and speaker setting. Raises ``ValueError`` on a bad number
        or setting."""
        env = os.environ if env is None else env
        overrides = {item: value for item, name in ENV_PRICES.items() if (value := _env_float(env, name)) is not None}
        try:
            window_seconds = env_int(env, contract.ENV_WINDOW_SECONDS, contract.WINDOW_SECONDS, minimum=60)
        except ConfigInvalidError as exc:  # a bad number is a ValueError here, as for every other setting
            raise ValueError(exc.message) from None
        return cls(
            region=(env.get(ENV_REGION) or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None),
            instance_type=(env.get(ENV_INSTANCE_TYPE) or "").strip() or None,
            pii_memory_mb=_env_int(env, ENV_PII_MEMORY_MB),
            enricher_memory_mb=_env_int(env, ENV_ENRICHER_MEMORY_MB),
            window_seconds=window_seconds,
            speakers=SpeakerSetting.parse(env.get(contract.ENV_SPEAKERS) or DEFAULT_SPEAKERS).enabled,
            price_overrides=overrides,
        )

    def price(self, item: str, table: RegionPrices | None) -> float | None:
        """The price of ``item`` (a key of :data:`ENV_PRICES`): the override, else the table's."""
        if item in self.price_overrides:
            return self.price_overrides[item]
        if table is None:
            return None
        if item == "endpoint_instance_hour":
            return table.endpoint_instance_hour.get(self.instance_type or "")
        value: float | None = getattr(table, item)
        return value


@dataclass(frozen=True)
class CostLine:
    item: str  # mediaconvert | endpoint | lambda_compute | lambda_requests | state_transitions
    quantity: float
    unit: str
    unit_price: float | None  # USD per unit; None: no price
    detail: str = ""

    @property
    def cost(self) -> float | None:
        return None if self.unit_price is None else self.quantity * self.unit_price

    def to_dict(self) -> dict[str, Any]:
        cost = self.cost
        return {
            "item": self.item,
            "quantity": round(self.quantity, 3),
            "unit": self.unit,
            "unit_price": self.unit_price,
            "usd": None if cost is None else round(cost, 6),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class CostEstimate:
    region: str | None
    lines: tuple[CostLine, ...]

    @property
    def total(self) -> float:
        """The sum of the priced lines."""
        return sum(line.cost or 0.0 for line in self.lines)

    @property
    def unpriced(self) -> list[str]:
        return [line.item for line in self.lines if line.unit_price is None]

    def to_dict(self) -> dict[str, Any]:
        """The stored form (job summary, report): small, JSON-able."""
        return {
            "currency": "USD",
            "region": self.region,
            "prices_as_of": PRICES_AS_OF,
            "total_usd": round(self.total, 6),
            "complete": not self.unpriced,
            "lines": [line.to_dict() for line in self.lines],
        }


def estimate_cloud_cost(
    *,
    duration_seconds: float,
    timings: Mapping[str, float],
    settings: CostSettings,
    table: Mapping[str, RegionPrices] | None = None,
) -> CostEstimate:
    """The cost of one job from the recording's duration and the stage ``timings``
    (``extract_seconds``, ``transcribe_seconds``, ``enrich_seconds``)."""
    prices = (PRICE_TABLE if table is None else table).get(settings.region or "")
    transcribe = float(timings.get("transcribe_seconds", 0.0))
    enrich = float(timings.get("enrich_seconds", 0.0))
    windows = len(plan_requests(max(0.0, duration_seconds), settings.window_seconds, speakers=settings.speakers))

    def price(item: str) -> float | None:
        return settings.price(item, prices)

    hour_price = price("endpoint_instance_hour")
    enricher_mb = (settings.pii_memory_mb, settings.enricher_memory_mb, settings.enricher_memory_mb)
    if all(mb is not None for mb in enricher_mb):
        gb = sum(mb or 0 for mb in enricher_mb) / 1024
        compute = CostLine(
            "lambda_compute", enrich * gb, "GB-second", price("lambda_gb_second"), "enrichers, upper bound"
        )
    else:
        compute = CostLine("lambda_compute", 0.0, "GB-second", None, "function memory sizes not configured")
    lines = [
        CostLine("mediaconvert", max(0.0, duration_seconds) / 60, "output minute", price("mediaconvert_minute"),
                 "one audio-only output"),
        CostLine("endpoint", transcribe, "instance-second", None if hour_price is None else hour_price / 3600,
                 settings.instance_type or "instance type not configured"),
        compute,
        CostLine("lambda_requests", FIXED_INVOCATIONS + INVOCATIONS_PER_WINDOW * windows, "request",
                 price("lambda_request"), f"{windows} window{'s' if windows != 1 else ''}"),
        CostLine("state_transitions", FIXED_TRANSITIONS + TRANSITIONS_PER_WINDOW * windows, "transition",
                 price("state_transition")),
    ]  # fmt: skip
    return CostEstimate(region=settings.region, lines=tuple(lines))
