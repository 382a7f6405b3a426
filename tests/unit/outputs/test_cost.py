"""The cost estimate's arithmetic, against figures worked out by hand from the price table."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.asr.inference.windows import plan_windows
from pipeline.outputs.cost import (
    FIXED_TRANSITIONS,
    INVOCATIONS_PER_WINDOW,
    PRICE_TABLE,
    TRANSITIONS_PER_WINDOW,
    CostSettings,
    estimate_cloud_cost,
)

# A 10-minute recording: extraction 40 s, transcription 500 s, enrichment 12 s.
TIMINGS = {"extract_seconds": 40.0, "transcribe_seconds": 500.0, "enrich_seconds": 12.0}
SETTINGS = CostSettings(
    region="us-east-1",
    instance_type="ml.g4dn.xlarge",
    pii_memory_mb=2048,
    enricher_memory_mb=1024,
    window_seconds=1200,
    # Prices the table cannot confirm, given as an operator would (the numbers are this test's own).
    price_overrides={"endpoint_instance_hour": 0.72, "mediaconvert_minute": 0.006},
)


def quantities(
    duration: float, settings: CostSettings = SETTINGS, timings: dict[str, float] = TIMINGS
) -> dict[str, float]:
    estimate = estimate_cloud_cost(duration_seconds=duration, timings=timings, settings=settings)
    return {line.item: line.quantity for line in estimate.lines}


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
    # One window (10 min < 20 min). Invocations: RegisterJob, PrepareAudioExtraction,
    # CheckAudioExtraction, MergeTranscripts, 3 enrichers, WriteResults, MarkComplete = 9, plus
    # TranscribeWindow and ResumeTranscription for the window = 11 at $0.20 per million.
    # Transitions: RegisterJob, IsDuplicate, PrepareAudioExtraction, ExtractAudio, CheckAudioExtraction,
    # Transcribe, MergeTranscripts, Enrich + its 3 branches, WriteResults, MarkComplete, JobComplete = 14,
    # plus TranscribeWindow = 15 at $0.025 per 1,000.
    assert lines["lambda_requests"].quantity == 11
    assert lines["lambda_requests"].detail == "1 window"
    assert lines["lambda_requests"].cost == pytest.approx(11 * 0.0000002)
    assert lines["state_transitions"].quantity == 15
    assert lines["state_transitions"].cost == pytest.approx(15 * 0.000025)

    total = 0.06 + 0.1 + 48 * 0.0000166667 + 11 * 0.0000002 + 15 * 0.000025
    assert estimate.total == pytest.approx(total)
    stored = estimate.to_dict()
    assert stored["complete"] is True and stored["total_usd"] == pytest.approx(total, abs=1e-6)


@pytest.mark.parametrize(
    ("duration", "window_seconds", "windows"),
    [(0.0, 1200, 1), (1200.0, 1200, 1), (1200.5, 1200, 2), (3600.0, 1200, 3), (3600.0, 600, 6), (5 * 3600, 1200, 15)],
)
def test_each_window_adds_its_invocations_and_its_transition(
    duration: float, window_seconds: int, windows: int
) -> None:
    one = quantities(1.0, replace(SETTINGS, window_seconds=window_seconds))
    these = quantities(duration, replace(SETTINGS, window_seconds=window_seconds))

    assert these["lambda_requests"] - one["lambda_requests"] == INVOCATIONS_PER_WINDOW * (windows - 1)
    assert these["state_transitions"] - one["state_transitions"] == TRANSITIONS_PER_WINDOW * (windows - 1)
    assert len(plan_windows(duration, window_seconds)) == windows  # as the workflow plans them


def test_an_hour_in_twenty_minute_windows_is_three_windows() -> None:
    # 9 invocations once + 2 for each of 3 windows; 14 transitions once + 1 for each window.
    assert quantities(3600.0)["lambda_requests"] == 15
    assert quantities(3600.0)["state_transitions"] == 17


def test_a_one_hour_recording_takes_at_most_thirty_state_transitions() -> None:
    default = CostSettings(region="us-east-1")
    assert quantities(3600.0, default)["state_transitions"] <= 30
    assert quantities(3600.0, default)["state_transitions"] == FIXED_TRANSITIONS + len(plan_windows(3600.0, 1200))


def test_with_speaker_labels_a_long_recording_is_one_request_more() -> None:
    """Its windows go unlabelled and one more request tells the speakers apart over the whole
    recording; a recording of one window labels itself."""
    labelled = replace(SETTINGS, speakers=True)
    assert quantities(3600.0, labelled)["lambda_requests"] - quantities(3600.0)["lambda_requests"] == (
        INVOCATIONS_PER_WINDOW
    )
    assert quantities(3600.0, labelled)["state_transitions"] - quantities(3600.0)["state_transitions"] == (
        TRANSITIONS_PER_WINDOW
    )
    assert quantities(600.0, labelled) == quantities(600.0)


def test_waiting_is_free_however_long_the_stages_take() -> None:
    """Nothing polls: the extraction and the transcription may take minutes or hours for the same
    transitions and invocations (only the endpoint's instance-seconds grow)."""
    quick = quantities(3600.0, timings={"extract_seconds": 5.0, "transcribe_seconds": 60.0, "enrich_seconds": 1.0})
    slow = quantities(3600.0, timings={"extract_seconds": 900.0, "transcribe_seconds": 7200.0, "enrich_seconds": 1.0})

    assert (quick["lambda_requests"], quick["state_transitions"]) == (
        slow["lambda_requests"],
        slow["state_transitions"],
    )
    assert slow["endpoint"] == 120 * quick["endpoint"]


def test_an_item_without_a_price_is_left_out_of_the_total_and_said_so() -> None:
    settings = CostSettings(
        region="us-east-1", instance_type="ml.g5.xlarge", pii_memory_mb=2048, enricher_memory_mb=512
    )
    estimate = estimate_cloud_cost(duration_seconds=600.0, timings=TIMINGS, settings=settings)
    assert estimate.unpriced == ["mediaconvert", "endpoint"]
    # 12 s × (2 + 0.5 + 0.5) GB = 36 GB-s.
    assert estimate.total == pytest.approx(36 * 0.0000166667 + 11 * 0.0000002 + 15 * 0.000025)
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
    assert estimate.total == pytest.approx(15 * 0.00003)


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
        "CLEARSCRIBE_WINDOW_SECONDS": "900",
    }
    settings = CostSettings.from_env(env)
    assert settings == CostSettings(
        region="eu-west-1", instance_type="ml.g5.xlarge", pii_memory_mb=3008, enricher_memory_mb=1024,
        window_seconds=900, price_overrides={"endpoint_instance_hour": 1.5},
    )  # fmt: skip
    assert CostSettings.from_env({**env, "COST_REGION": "us-east-1"}).region == "us-east-1"
    assert CostSettings.from_env({}).window_seconds == 1200  # the workflow's default window
    with pytest.raises(ValueError, match="PRICE_MEDIACONVERT_MINUTE_USD"):
        CostSettings.from_env({**env, "PRICE_MEDIACONVERT_MINUTE_USD": "a lot"})
    assert CostSettings.from_env({**env, "CLEARSCRIBE_SPEAKERS": "auto"}).speakers is True
    assert CostSettings.from_env(env).speakers is False
    with pytest.raises(ValueError):
        CostSettings.from_env({**env, "CLEARSCRIBE_SPEAKERS": "everyone"})
    for bad in ("twenty minutes", "30"):  # not a number, shorter than any window may be
        with pytest.raises(ValueError, match="CLEARSCRIBE_WINDOW_SECONDS"):
            CostSettings.from_env({**env, "CLEARSCRIBE_WINDOW_SECONDS": bad})


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
