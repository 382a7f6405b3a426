"""MediaConvert job template for audio extraction, and the role MediaConvert runs jobs with.

The output is what Whisper-family models consume without waste: one mono AAC-LC track at 16 kHz
in an MP4 (``.m4a``) container, at the constant bit rate of ``shared.contract`` (28 kb/s, about
13 MB per hour of media: lower allowed rates cost words, see docs/benchmarks.md). Whisper
resamples everything to 16 kHz mono, so 48 kHz stereo would only cost transfer and decode time.
MediaConvert accepts only certain bit rates for each profile, coding mode and sample rate ("AAC
output reference tables" in its user guide); the tests check the template against that table.
The job's destination (``s3://<working>/audio/<job_id>/``) and input are set per job by
``pipeline.handlers.prepare_audio_extraction``; the state machine creates the job
(``createJob.sync``).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_iam as iam
from aws_cdk import aws_mediaconvert as mediaconvert
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs import access
from shared.contract import AUDIO_BITRATE_BPS, AUDIO_CHANNELS, AUDIO_EXTENSION, AUDIO_PREFIX, SAMPLE_RATE

AUDIO_SELECTOR = "Audio Selector 1"
CODING_MODES = {1: "CODING_MODE_1_0", 2: "CODING_MODE_2_0"}


def audio_extraction_settings() -> dict[str, Any]:
    """``SettingsJson`` of the job template (MediaConvert API shape)."""
    return {
        "TimecodeConfig": {"Source": "ZEROBASED"},
        "Inputs": [
            {
                "AudioSelectors": {AUDIO_SELECTOR: {"DefaultSelection": "DEFAULT"}},
                "TimecodeSource": "ZEROBASED",
            }
        ],
        "OutputGroups": [
            {
                "Name": "Audio for transcription",
                "OutputGroupSettings": {"Type": "FILE_GROUP_SETTINGS", "FileGroupSettings": {}},
                "Outputs": [
                    {
                        "NameModifier": "-audio",
                        "Extension": AUDIO_EXTENSION,
                        "ContainerSettings": {
                            "Container": "MP4",
                            "Mp4Settings": {"MoovPlacement": "PROGRESSIVE_DOWNLOAD"},
                        },
                        "AudioDescriptions": [
                            {
                                "AudioSourceName": AUDIO_SELECTOR,
                                "CodecSettings": {
                                    "Codec": "AAC",
                                    "AacSettings": {
                                        "CodecProfile": "LC",
                                        "CodingMode": CODING_MODES[AUDIO_CHANNELS],
                                        "SampleRate": SAMPLE_RATE,
                                        "Bitrate": AUDIO_BITRATE_BPS,
                                        "RateControlMode": "CBR",
                                        "RawFormat": "NONE",
                                        "Specification": "MPEG4",
                                    },
                                },
                            }
                        ],
                    }
                ],
            }
        ],
    }


class AudioExtraction(Construct):
    """The job template plus the role MediaConvert assumes to read uploads and write audio."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        input_bucket: s3.IBucket,
        working_bucket: s3.IBucket,
        audio_prefix: str = AUDIO_PREFIX,
        input_prefix: str = "",
    ) -> None:
        super().__init__(scope, construct_id)
        self.template = mediaconvert.CfnJobTemplate(
            self,
            "Template",
            description="clearscribe: mono 16 kHz AAC audio for speech recognition",
            category="clearscribe",
            status_update_interval="SECONDS_60",
            settings_json=audio_extraction_settings(),
        )
        self.template_name: str = self.template.attr_name
        self.template_arn: str = self.template.attr_arn
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("mediaconvert.amazonaws.com"),
            description="MediaConvert: read uploaded media, write extracted audio",
        )
        access.read_objects(self.role, input_bucket, input_prefix)
        access.write_objects(self.role, working_bucket, audio_prefix)
