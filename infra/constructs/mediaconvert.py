"""MediaConvert job template for audio extraction, and the role MediaConvert runs jobs with.

The output is what Whisper-family models consume without waste: one mono AAC-LC track at
16 kHz, 32 kb/s, in an MP4 (``.m4a``) container, about 14 MB per hour of media. Whisper
resamples everything to 16 kHz mono, so 48 kHz stereo would only cost transfer and decode time.
The job's destination (``s3://<working>/audio/<job_id>/``) and input are set per job by
``pipeline.handlers.start_audio_extraction``; the account's MediaConvert endpoint is discovered
at run time.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_iam as iam
from aws_cdk import aws_mediaconvert as mediaconvert
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.constructs import access

AUDIO_SAMPLE_RATE_HZ = 16_000
AUDIO_BITRATE_BPS = 32_000
AUDIO_SELECTOR = "Audio Selector 1"


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
                        "Extension": "m4a",
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
                                        "CodingMode": "CODING_MODE_1_0",
                                        "SampleRate": AUDIO_SAMPLE_RATE_HZ,
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
        audio_prefix: str = "audio/",
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
