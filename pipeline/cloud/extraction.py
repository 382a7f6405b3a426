"""StartAudioExtraction / CheckAudioExtraction: an Elemental MediaConvert job, polled.

The job is made from the deployment's job template (an audio-only output group); the input is
the source object and the destination is overridden to ``s3://<working>/audio/<job_id>/``.
The template is read once per container and the job's settings are sent in full, so what runs
does not depend on how MediaConvert merges partial overrides. When the job completes, its
reported duration is checked against what the deployed endpoint can finish (:class:`EndpointLimit`),
so an over-long recording fails at once instead of timing out an hour into inference.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from pipeline.cloud.events import SourceObject
from pipeline.cloud.polling import PollBudgetExhausted, PollPolicy
from shared.contract import AUDIO_PREFIX
from shared.errors import AudioExtractionError, AudioExtractionTimeout, RecordingTooLongError
from shared.jobstore import JobStore, advance
from shared.log import get_logger
from shared.s3uri import parse_s3_uri, s3_uri
from shared.status import JobStatus

log = get_logger("clearscribe.cloud.extraction")

RUNNING = frozenset({"SUBMITTED", "PROGRESSING"})
FAILED = frozenset({"ERROR", "CANCELED"})
_DEFAULT_AUDIO_SELECTORS = {"Audio Selector 1": {"DefaultSelection": "DEFAULT"}}
_CONTAINER_EXTENSIONS = {"MP4": "mp4", "MOV": "mov", "M2TS": "m2ts", "MPEG2TS": "ts", "MXF": "mxf"}

_template_cache: dict[tuple[int, str], dict[str, Any]] = {}


# -- the MediaConvert client ---------------------------------------------------------------
def mediaconvert_client(region: str | None = None, endpoint_url: str | None = None) -> Any:
    """A MediaConvert client on the regional endpoint (or ``endpoint_url``).

    Account-specific endpoints (``DescribeEndpoints``) are no longer needed: MediaConvert serves
    every account on its regional endpoint, which is what boto3 calls by default.
    """
    import boto3

    return boto3.session.Session().client("mediaconvert", region_name=region, endpoint_url=endpoint_url)


# -- job settings --------------------------------------------------------------------------
def template_settings(mediaconvert: Any, template: str) -> dict[str, Any]:
    """The ``Settings`` of job template ``template`` (read once per client and name)."""
    key = (id(mediaconvert), template)
    if key not in _template_cache:
        response = mediaconvert.get_job_template(Name=template)
        _template_cache[key] = response["JobTemplate"]["Settings"]
    return copy.deepcopy(_template_cache[key])


def audio_destination(working_bucket: str, job_id: str) -> str:
    return s3_uri(working_bucket, f"{AUDIO_PREFIX}{job_id}/")


def job_settings(template: Mapping[str, Any], source_uri: str, destination: str) -> dict[str, Any]:
    """The template's settings with the input set to ``source_uri`` and every file output group
    writing to ``destination``."""
    settings = copy.deepcopy(dict(template))
    groups = settings.get("OutputGroups") or []
    if not groups:
        raise AudioExtractionError("the MediaConvert job template has no output group")
    inputs = settings.get("Inputs") or [{}]
    first = dict(inputs[0])
    first["FileInput"] = source_uri
    first.setdefault("AudioSelectors", copy.deepcopy(_DEFAULT_AUDIO_SELECTORS))
    settings["Inputs"] = [first]
    for group in groups:
        group_settings = group.setdefault("OutputGroupSettings", {})
        group_settings.setdefault("Type", "FILE_GROUP_SETTINGS")
        group_settings.setdefault("FileGroupSettings", {})["Destination"] = destination
    return settings


def expected_audio_uri(settings: Mapping[str, Any], source_key: str, destination: str) -> str:
    """Where MediaConvert names the first output: destination + input stem + modifier + extension."""
    output = (settings["OutputGroups"][0].get("Outputs") or [{}])[0]
    container = (output.get("ContainerSettings") or {}).get("Container", "MP4")
    extension = output.get("Extension") or _CONTAINER_EXTENSIONS.get(container, "mp4")
    stem = PurePosixPath(source_key).stem
    return f"{destination}{stem}{output.get('NameModifier', '')}.{extension}"


# -- the steps -----------------------------------------------------------------------------
def start_audio_extraction(
    job_id: str,
    source: Mapping[str, Any] | SourceObject,
    *,
    mediaconvert: Any,
    template: str,
    role_arn: str,
    working_bucket: str,
    store: JobStore,
    poll: PollPolicy,
) -> dict[str, Any]:
    """Mark the job EXTRACTING and submit the MediaConvert job.

    Returns ``{"mediaconvert_job_id", "audio_uri", "status": "PROGRESSING", "poll"}``; the
    ``audio_uri`` is where the audio will be (confirmed by :func:`check_audio_extraction`).
    A retried call reuses the same client request token, so it does not start a second job.
    """
    src = source if isinstance(source, SourceObject) else SourceObject.from_dict(source)
    record = advance(store, job_id, JobStatus.EXTRACTING)
    destination = audio_destination(working_bucket, job_id)
    settings = job_settings(template_settings(mediaconvert, template), src.uri, destination)
    response = mediaconvert.create_job(
        JobTemplate=template,
        Role=role_arn,
        Settings=settings,
        UserMetadata={"job_id": job_id},
        ClientRequestToken=f"{job_id}-attempt-{record.attempt}",
    )
    mediaconvert_job_id = response["Job"]["Id"]
    log.info("audio extraction started", extra={"job_id": job_id, "mediaconvert_job_id": mediaconvert_job_id})
    return {
        "mediaconvert_job_id": mediaconvert_job_id,
        "audio_uri": expected_audio_uri(settings, src.key, destination),
        "status": "PROGRESSING",
        "poll": poll.first_poll(),
    }


@dataclass(frozen=True)
class EndpointLimit:
    """The longest recording the deployed endpoint finishes within its invocation timeout."""

    max_audio_seconds: float
    endpoint: str = "the endpoint"  # how the error message names it (its instance type)

    def check(self, duration_seconds: float | None) -> None:
        """Raise ``RecordingTooLongError`` for a recording the endpoint cannot finish."""
        if duration_seconds is not None and duration_seconds > self.max_audio_seconds:
            raise RecordingTooLongError(
                f"the recording lasts {_minutes(duration_seconds)}; {self.endpoint} finishes at most "
                f"{_minutes(self.max_audio_seconds)} within its invocation timeout: split the recording "
                "or deploy a faster instance type"
            )


def _minutes(seconds: float) -> str:
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def output_duration_seconds(job: Mapping[str, Any]) -> float | None:
    """The duration MediaConvert reports for the job's outputs (``OutputGroupDetails[].OutputDetails[]
    .DurationInMs``, the longest one), in seconds; None when ``GetJob`` reports none."""
    durations = [
        detail["DurationInMs"]
        for group in job.get("OutputGroupDetails") or ()
        for detail in group.get("OutputDetails") or ()
        if isinstance(detail.get("DurationInMs"), int | float)
    ]
    return max(durations) / 1000 if durations else None


def check_audio_extraction(
    job_id: str,
    extraction: Mapping[str, Any],
    *,
    mediaconvert: Any,
    store: JobStore,
    poll: PollPolicy,
    s3: Any = None,
    limit: EndpointLimit | None = None,
) -> dict[str, Any]:
    """One poll of the MediaConvert job.

    Still running: the same dict with the next ``poll``. ``COMPLETE``: ``duration_seconds`` is the
    audio's duration as MediaConvert reports it; a recording longer than ``limit`` allows raises
    ``RecordingTooLongError`` here, before any inference; otherwise the job is marked
    TRANSCRIBING and ``audio_uri`` is the file MediaConvert wrote (``GetJob`` does not report
    output paths, so with an ``s3`` client the destination is listed to find it; without one the
    name predicted at start is kept). ``ERROR``/``CANCELED`` raise
    ``AudioExtractionError`` with MediaConvert's message; an exhausted poll budget raises
    ``AudioExtractionTimeout`` (and cancels the MediaConvert job).
    """
    mediaconvert_job_id = extraction["mediaconvert_job_id"]
    job = mediaconvert.get_job(Id=mediaconvert_job_id)["Job"]
    status = job["Status"]
    result = {**extraction, "status": status}
    if status == "COMPLETE":
        duration = output_duration_seconds(job)
        result["duration_seconds"] = duration
        if limit is not None:
            limit.check(duration)
        if s3 is not None:
            result["audio_uri"] = find_audio_output(s3, str(extraction["audio_uri"]))
        advance(store, job_id, JobStatus.TRANSCRIBING)
        log.info("audio extraction complete", extra={"job_id": job_id, "mediaconvert_job_id": mediaconvert_job_id})
        return result
    if status in FAILED:
        code = job.get("ErrorCode")
        log.warning(
            "audio extraction failed",
            extra={"job_id": job_id, "mediaconvert_status": status, "mediaconvert_error_code": code},
        )
        message = job.get("ErrorMessage") or "no error message"
        raise AudioExtractionError(f"MediaConvert job {mediaconvert_job_id} {status}: {message} (code {code})")
    if status not in RUNNING:
        raise AudioExtractionError(f"MediaConvert job {mediaconvert_job_id} has unknown status {status}")
    try:
        result["poll"] = poll.next_poll(extraction.get("poll"))
    except PollBudgetExhausted as exc:
        _cancel_quietly(mediaconvert, mediaconvert_job_id)
        raise AudioExtractionTimeout(f"MediaConvert job {mediaconvert_job_id} {exc}") from None
    return result


def find_audio_output(s3: Any, expected_uri: str) -> str:
    """The audio file in the destination folder of ``expected_uri``: that very object when it
    exists, else the only (or the first) object MediaConvert wrote there."""
    bucket, key = parse_s3_uri(expected_uri)
    folder = key.rsplit("/", 1)[0] + "/"
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=folder).get("Contents") or []
    keys = sorted(obj["Key"] for obj in listed if not obj["Key"].endswith("/"))
    if key in keys:
        return expected_uri
    if not keys:
        raise AudioExtractionError("MediaConvert reported COMPLETE but wrote no audio file")
    return s3_uri(bucket, keys[0])


def _cancel_quietly(mediaconvert: Any, mediaconvert_job_id: str) -> None:
    try:
        mediaconvert.cancel_job(Id=mediaconvert_job_id)
    except Exception as exc:  # the timeout is the error to report, not the clean-up
        log.warning(
            "could not cancel the MediaConvert job",
            extra={"mediaconvert_job_id": mediaconvert_job_id, "exception": type(exc).__name__},
        )
