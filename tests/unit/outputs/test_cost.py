"""The cost estimate's arithmetic, against figures worked out by hand from the price table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.outputs.cost import (
    PRICE_TABLE,
    CostSettings,
    estimate_cloud_cost,
    poll_count,
)

# A 10-minute recording: extraction 40 s, transcription 500 s, enrichment 12 s.
TIMINGS = {"extract_seconds": 40.0, "transcribe_seconds": 500.0, "enrich_seconds": 12.0}
SETTINGS = CostSettings(
    region="us-east-1",
    instance_type="ml.g4dn.xlarge",
    pii_memory_mb=2048,
    enricher_memory_mb=1024,
    poll_initial_seconds=15,
    poll_max_seconds=300,
    # Prices the table cannot confirm, given as an operator would (the numbers are this test's own).
    price_overrides={"endpoint_instance_hour": 0.72, "mediaconvert_minute": 0.006},
)


@pytest.mark.parametrize(
    "seconds, checks",
    [
        (0, 1),  # checked once after the first wait, whatever happens
        (15, 1),
        (15.1, 2),
        (45, 2),  # 15 + 30
        (46, 3),
        (225, 4),  # 15 + 30 + 60 + 120
        (465, 5),  # … + 240
        (765, 6),  # … + 300 (the cap)
        (766, 7),
    ],
)
def test_polls_follow_the_capped_backoff(seconds: float, checks: int) -> None:
    assert poll_count(seconds, initial_seconds=15, max_seconds=300) == checks


def test_zero_waits_still_count_one_second_per_check() -> None:
    assert poll_count(3.5, initial_seconds=0, max_seconds=0) == 4


def test_every_line_matches_the_hand_computed_figure() -> None:
    estimate = estimate_cloud_cost(duration_seconds=600.0, timings=TIMINGS, settings=SETTINGS)
    lines = {line.item: line for line in estimate.lines}

    # MediaConvert: 10 output minutes at $0.006.
    assert lines["mediaconvert"].quantity == 10.0
    assert lines["mediaconvert"].cost == pytest.approx(0.06)
    # Endpoint: 500 instance-seconds at $0.72 an hour = $0.1.
    assert lines["endpoint"].cost == pytest.approx(0.1)
    # Lambda compute: 12 s × (2 + 1 + 1) GB = 48 GB-s at $0.0000166667.
    assert lines["lambda_compute"].quantity == pytest.approx(48.0)
    assert lines["lambda_compute"].cost == pytest.approx(48 * 0.0000166667)
    # Polls: extraction 40 s → 2 checks (15, 45); transcription 500 s → 6 (15, 45, 105, 225, 465, 765).
    # Invocations: 7 + 8 = 15 at $0.20 per million; transitions: 11 + 3 × 8 = 35 at $0.025 per 1,000.
    assert lines["lambda_requests"].quantity == 15
    assert lines["lambda_requests"].cost == pytest.approx(15 * 0.0000002)
    assert lines["state_transitions"].quantity == 35
    assert lines["state_transitions"].cost == pytest.approx(35 * 0.000025)

    total = 0.06 + 0.1 + 48 * 0.0000166667 + 15 * 0.0000002 + 35 * 0.000025
    assert estimate.total == pytest.approx(total)
    stored = estimate.to_dict()
    assert stored["complete"] is True and stored["total_usd"] == pytest.approx(total, abs=1e-6)


def test_an_item_without_a_price_is_left_out_of_the_total_and_said_so() -> None:
    settings = CostSettings(
        region="us-east-1", instance_type="ml.g5.xlarge", pii_memory_mb=2048, enricher_memory_mb=512
    )
    estimate = estimate_cloud_cost(duration_seconds=600.0, timings=TIMINGS, settings=settings)
    assert estimate.unpriced == ["mediaconvert", "endpoint"]
    # 12 s × (2 + 0.5 + 0.5) GB = 36 GB-s.
    assert estimate.total == pytest.approx(36 * 0.0000166667 + 15 * 0.0000002 + 35 * 0.000025)
    assert estimate.to_dict()["complete"] is False


def test_another_region_takes_its_own_state_transition_price() -> None:
    settings = CostSettings(region="sa-east-1", pii_memory_mb=2048, enricher_memory_mb=1024)
    estimate = estimate_cloud_cost(duration_seconds=60, timings=TIMINGS, settings=settings)
    lines = {line.item: line for line in estimate.lines}
    assert lines["state_transitions"].unit_price == pytest.approx(0.0375 / 1000)
    assert lines["lambda_compute"].unit_price is None  # Lambda is confirmed for us-east-1 only


def test_a_region_not_in_the_table_prices_only_what_is_given() -> None:
    settings = CostSettings(region="mars-north-1", price_overrides={"state_transition": 0.00003})
    estimate = estimate_cloud_cost(duration_seconds=60, timings=TIMINGS, settings=settings)
    assert [line.item for line in estimate.lines if line.unit_price is not None] == ["state_transitions"]
    assert estimate.total == pytest.approx(35 * 0.00003)


def test_without_memory_sizes_the_compute_line_says_so() -> None:
    estimate = estimate_cloud_cost(duration_seconds=60, timings=TIMINGS, settings=CostSettings(region="us-east-1"))
    compute = next(line for line in estimate.lines if line.item == "lambda_compute")
    assert compute.cost is None and "not configured" in compute.detail


def test_settings_come_from_the_environment() -> None:
    env = {
        "AWS_REGION": "eu-west-1",
        "ENDPOINT_INSTANCE_TYPE": "ml.g5.xlarge",
        "PII_LAMBDA_MEMORY_MB": "3008",
        "ENRICHER_LAMBDA_MEMORY_MB": "1024",
        "PRICE_ENDPOINT_INSTANCE_HOUR_USD": "1.5",
        "POLL_INITIAL_SECONDS": "5",
        "POLL_MAX_SECONDS": "60",
    }
    settings = CostSettings.from_env(env)
    assert settings == CostSettings(
        region="eu-west-1", instance_type="ml.g5.xlarge", pii_memory_mb=3008, enricher_memory_mb=1024,
        poll_initial_seconds=5, poll_max_seconds=60, price_overrides={"endpoint_instance_hour": 1.5},
    )  # fmt: skip
    assert CostSettings.from_env({**env, "COST_REGION": "us-east-1"}).region == "us-east-1"
    with pytest.raises(ValueError, match="PRICE_MEDIACONVERT_MINUTE_USD"):
        CostSettings.from_env({**env, "PRICE_MEDIACONVERT_MINUTE_USD": "a lot"})


def test_the_price_table_is_the_documented_one() -> None:
    docs = (Path(__file__).resolve().parents[3] / "docs" / "report.md").read_text(encoding="utf-8")
    row = next(line for line in docs.splitlines() if line.startswith("| Step Functions standard"))
    documented = {
        region.strip(): float(price) / 1000
        for regions, price in re.findall(r"([a-z0-9, -]+): \$([0-9.]+)", row.split("|")[2])
        for region in regions.split(",")
    }
    assert documented == {region: prices.state_transition for region, prices in PRICE_TABLE.items()}
    assert "us-east-1: $0.0000166667" in docs and "us-east-1: $0.20 per million" in docs
    assert {r for r, p in PRICE_TABLE.items() if p.lambda_gb_second is not None} == {"us-east-1"}
    # No SageMaker instance or MediaConvert audio price could be confirmed (the docs say why).
    assert all(not prices.endpoint_instance_hour for prices in PRICE_TABLE.values())
    assert all(prices.mediaconvert_minute is None for prices in PRICE_TABLE.values())
