"""The events each workflow Lambda receives, as typed models (validated by Powertools' parser).

State data stays small: ids, pointers (S3 URIs) and summaries. A field the state machine does not
send is a wiring error and fails the step with a ``ValidationError`` naming it.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import BaseModel
from pydantic import ConfigDict, Field


class StepEvent(BaseModel):
    """Every step after RegisterJob works on one job."""

    model_config = ConfigDict(extra="ignore")
    job_id: str = Field(min_length=1)


class RegisterJobEvent(BaseModel):
    """The upload's EventBridge "Object Created" event, and the execution that runs it."""

    model_config = ConfigDict(extra="ignore")
    event: dict[str, Any]
    execution: str | None = None


class PrepareAudioExtractionEvent(StepEvent):
    source: dict[str, Any]


class CheckAudioExtractionEvent(StepEvent):
    """After ``ExtractAudio``: what ``PrepareAudioExtraction`` returned, and the MediaConvert job as
    the ``.sync`` integration describes it once it has ended (``{"Job": {…}}``)."""

    extraction: dict[str, Any]
    job: dict[str, Any]


class WindowEvent(BaseModel):
    """One item of the Map over the recording's windows, with the paused state's task token."""

    model_config = ConfigDict(extra="ignore")
    job_id: str = Field(min_length=1)
    audio_uri: str = Field(pattern=r"^s3://")
    window: dict[str, Any]
    task_token: str = Field(min_length=1)


class MergeTranscriptsEvent(StepEvent):
    windows: list[dict[str, Any]] = Field(min_length=1)
    #: CheckAudioExtraction's requests (which of them asked for the speaker turns).
    plan: list[dict[str, Any]] = Field(default_factory=list)


class EnrichEvent(StepEvent):
    """One branch of the Enrich Parallel state: the transcript and where its findings go."""

    transcript_uri: str = Field(pattern=r"^s3://")
    findings_prefix: str = Field(pattern=r"^s3://")


class WriteResultsEvent(StepEvent):
    source: dict[str, Any]
    transcript_uri: str = Field(pattern=r"^s3://")
    findings: list[dict[str, Any]]


class MarkCompleteEvent(StepEvent):
    outputs: dict[str, str] = Field(default_factory=dict)
    summary: dict[str, Any] = Field(default_factory=dict)


class StepFailureEvent(BaseModel):
    """From a Catch: the state data when it failed, and the error Step Functions caught."""

    model_config = ConfigDict(extra="ignore")
    state: dict[str, Any] | str | None = None
    error: dict[str, Any] | None = None
