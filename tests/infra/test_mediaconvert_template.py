"""The synthesized MediaConvert job template against MediaConvert's documented AAC rules.

moto has no MediaConvert and CloudFormation does not validate ``SettingsJson``: an invalid
combination is only rejected by the service, at template creation or at every CreateJob. So the
codec settings are checked here against the table of the MediaConvert User Guide, "AAC output
reference tables", section "CBR Bitrate control mode"
(https://docs.aws.amazon.com/mediaconvert/latest/ug/aac-support.html), transcribed below for
profile LC, coding modes 1.0 and 2.0.
"""

from __future__ import annotations

from typing import Any

import pytest

from shared import contract
from tests.infra.fixtures_workflow import build_workflow_app

# (profile, coding mode, sample rate) -> bit rates MediaConvert accepts with CBR (bit/s).
_LC_1_0_LOW = (8000, 10000, 12000, 14000)
_LC_1_0_32K = (32000, 40000, 48000, 56000, 64000, 80000, 96000, 112000, 128000, 160000, 192000)
_LC_1_0_44K = (56000, 64000, 80000, 96000, 112000, 128000, 160000, 192000, 224000, 256000)
_LC_2_0_32K = (40000, 48000, 56000, 64000, 80000, 96000, 112000, 128000, 160000, 192000, 224000, 256000, 288000,
               320000, 384000)  # fmt: skip
_LC_2_0_44K = (64000, 80000, 96000, 112000, 128000, 160000, 192000, 224000, 256000, 288000, 320000, 384000, 448000,
               512000)  # fmt: skip
AAC_CBR: dict[tuple[str, str, int], tuple[int, ...]] = {
    ("LC", "CODING_MODE_1_0", 8000): _LC_1_0_LOW,
    ("LC", "CODING_MODE_1_0", 12000): _LC_1_0_LOW,
    ("LC", "CODING_MODE_1_0", 16000): (8000, 10000, 12000, 14000, 16000, 20000, 24000, 28000),
    ("LC", "CODING_MODE_1_0", 22050): (24000, 28000),
    ("LC", "CODING_MODE_1_0", 24000): (24000, 28000),
    ("LC", "CODING_MODE_1_0", 32000): _LC_1_0_32K,
    ("LC", "CODING_MODE_1_0", 44100): _LC_1_0_44K,
    ("LC", "CODING_MODE_1_0", 48000): (*_LC_1_0_44K, 288000),
    ("LC", "CODING_MODE_1_0", 88200): (288000,),
    ("LC", "CODING_MODE_1_0", 96000): (128000, 160000, 192000, 224000, 256000, 288000),
    ("LC", "CODING_MODE_2_0", 8000): (16000, 20000),
    ("LC", "CODING_MODE_2_0", 12000): (16000, 20000),
    ("LC", "CODING_MODE_2_0", 16000): (16000, 20000, 24000, 28000, 32000),
    ("LC", "CODING_MODE_2_0", 22050): (32000,),
    ("LC", "CODING_MODE_2_0", 24000): (32000,),
    ("LC", "CODING_MODE_2_0", 32000): _LC_2_0_32K,
    ("LC", "CODING_MODE_2_0", 44100): _LC_2_0_44K,
}
CHANNELS = {"CODING_MODE_1_0": 1, "CODING_MODE_2_0": 2}


def cbr_combination_is_valid(aac: dict[str, Any]) -> bool:
    key = (aac["CodecProfile"], aac["CodingMode"], aac["SampleRate"])
    return aac["Bitrate"] in AAC_CBR.get(key, ())


@pytest.fixture(scope="module")
def outputs() -> list[dict[str, Any]]:
    template = build_workflow_app().template_json()
    (job_template,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::MediaConvert::JobTemplate"]
    return [o for group in job_template["Properties"]["SettingsJson"]["OutputGroups"] for o in group["Outputs"]]


def test_the_template_has_one_audio_only_output_in_an_m4a(outputs: list[dict[str, Any]]) -> None:
    (output,) = outputs
    assert output["ContainerSettings"]["Container"] == "MP4"
    assert output["Extension"] == contract.AUDIO_EXTENSION == "m4a"
    assert "VideoDescription" not in output
    (audio,) = output["AudioDescriptions"]
    assert audio["CodecSettings"]["Codec"] == "AAC"


def aac_settings_model() -> dict[str, dict[str, Any]]:
    """Each ``AacSettings`` field and its constraints (enum, min, max), from the MediaConvert API
    model botocore ships."""
    import botocore.session

    shape = botocore.session.get_session().get_service_model("mediaconvert").shape_for("AacSettings")
    return {name: dict(member.metadata) for name, member in shape.members.items()}


def test_every_aac_setting_is_one_mediaconvert_documents(outputs: list[dict[str, Any]]) -> None:
    model = aac_settings_model()
    for output in outputs:
        for audio in output["AudioDescriptions"]:
            aac = audio["CodecSettings"]["AacSettings"]
            for field, value in aac.items():
                assert field in model, field
                rules = model[field]
                assert value in rules.get("enum", [value]), (field, value)
                assert rules.get("min", value) <= value <= rules.get("max", value), (field, value)
            assert aac["RateControlMode"] == "CBR"
            assert cbr_combination_is_valid(aac), aac


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
