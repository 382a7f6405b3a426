"""The synthesized MediaConvert job template against MediaConvert's documented AAC rules.

moto has no MediaConvert and CloudFormation does not validate ``SettingsJson``: an invalid
combination is only rejected by the service, at template creation or at every CreateJob. So the
codec settings are checked here against the table of the MediaConvert User Guide, "AAC output
reference tables", section "CBR Bitrate control mode"
(https://docs.aws.amazon.com/mediaconvert/latest/ug/aac-support.html), as the sandbox's
MediaConvert emulator transcribes it (``sandbox.mediaconvert_rules``).
"""

from __future__ import annotations

from typing import Any

import pytest

from sandbox.mediaconvert_rules import AAC_CBR_BITRATES, aac_cbr_problem, settings_problems
from shared import contract
from tests.infra.fixtures_workflow import build_workflow_app

CHANNELS = {"CODING_MODE_1_0": 1, "CODING_MODE_2_0": 2}


def cbr_combination_is_valid(aac: dict[str, Any]) -> bool:
    return aac_cbr_problem(aac) is None


@pytest.fixture(scope="module")
def job_template() -> dict[str, Any]:
    template = build_workflow_app().template_json()
    (found,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::MediaConvert::JobTemplate"]
    return found


@pytest.fixture(scope="module")
def outputs(job_template: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for group in job_template["Properties"]["SettingsJson"]["OutputGroups"] for o in group["Outputs"]]


def test_the_template_has_one_audio_only_output_in_an_m4a(outputs: list[dict[str, Any]]) -> None:
    (output,) = outputs
    assert output["ContainerSettings"]["Container"] == "MP4"
    assert output["Extension"] == contract.AUDIO_EXTENSION == "m4a"
    assert "VideoDescription" not in output
    (audio,) = output["AudioDescriptions"]
    assert audio["CodecSettings"]["Codec"] == "AAC"


def test_every_setting_is_one_mediaconvert_accepts(job_template: dict[str, Any]) -> None:
    """Every member exists in the API model, within its enum and range, and the AAC combination is
    in the table."""
    assert settings_problems(job_template["Properties"]["SettingsJson"], "JobTemplateSettings") == []
    for output in [o for g in job_template["Properties"]["SettingsJson"]["OutputGroups"] for o in g["Outputs"]]:
        for audio in output["AudioDescriptions"]:
            aac = audio["CodecSettings"]["AacSettings"]
            assert aac["RateControlMode"] == "CBR"
            assert (aac["CodecProfile"], aac["CodingMode"], aac["SampleRate"]) in AAC_CBR_BITRATES


def test_the_audio_is_what_the_endpoint_expects(outputs: list[dict[str, Any]]) -> None:
    aac = outputs[0]["AudioDescriptions"][0]["CodecSettings"]["AacSettings"]
    assert aac["SampleRate"] == contract.SAMPLE_RATE == 16000
    assert CHANNELS[aac["CodingMode"]] == contract.AUDIO_CHANNELS == 1
    assert aac["Bitrate"] == contract.AUDIO_BITRATE_BPS


@pytest.mark.parametrize(
    ("sample_rate", "bitrate", "valid"),
    [(16000, 32000, False), (16000, 28000, True), (16000, 16000, True), (22050, 16000, False), (48000, 64000, True)],
)
def test_the_table_check_rejects_what_mediaconvert_rejects(sample_rate: int, bitrate: int, valid: bool) -> None:
    aac = {"CodecProfile": "LC", "CodingMode": "CODING_MODE_1_0", "SampleRate": sample_rate, "Bitrate": bitrate}
    assert cbr_combination_is_valid(aac) is valid
