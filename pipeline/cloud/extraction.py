"""PrepareAudioExtraction / CheckAudioExtraction: the Elemental MediaConvert job around the
workflow's ``ExtractAudio`` state, which creates it and waits for it (Step Functions' optimized
MediaConvert integration, ``createJob.sync``: no polling in the workflow).

The job is made from the deployment's job template (an audio-only output group); the input is
the source object and the destination is overridden to ``s3://<working>/audio/<job_id>/``.
The template is read once per container and the job's settings are sent in full, so what runs
does not depend on how MediaConvert merges partial overrides. When the job has completed, its
reported duration is checked against the deployment's maximum (:class:`DurationLimit`) and the
recording is planned as windows (``pipeline.asr.inference.windows``), before any inference.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from pipeline.asr.inference.windows import plan_requests
from pipeline.cloud.events import SourceObject
from shared.contract import AUDIO_PREFIX
from shared.errors import AudioExtractionError, RecordingTooLongError
from shared.jobstore import JobStore, advance
from shared.log import get_logger
from shared.s3uri import parse_s3_uri, s3_uri
from shared.status import JobStatus

log = get_logger("clearscribe.cloud.extraction")

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
def prepare_audio_extraction(
    job_id: str,
    source: Mapping[str, Any] | SourceObject,
    *,
    mediaconvert: Any,
    template: str,
    role_arn: str,
    working_bucket: str,
    store: JobStore,
) -> dict[str, Any]:
    """Mark the job EXTRACTING and write the MediaConvert ``CreateJob`` request the ``ExtractAudio``
    state sends. Returns ``{"request", "audio_uri"}``: ``audio_uri`` is where the audio will be
    (confirmed by :func:`check_audio_extraction`). The request's client token is the job's attempt,
    so a retried state does not start a second job."""
    src = source if isinstance(source, SourceObject) else SourceObject.from_dict(source)
    record = advance(store, job_id, JobStatus.EXTRACTING)
    destination = audio_destination(working_bucket, job_id)
    settings = job_settings(template_settings(mediaconvert, template), src.uri, destination)
    log.info("audio extraction requested", extra={"job_id": job_id})
    return {
        "request": {
            "JobTemplate": template,
            "Role": role_arn,
            "Settings": settings,
            "UserMetadata": {"job_id": job_id},
            "ClientRequestToken": f"{job_id}-attempt-{record.attempt}",
        },
        "audio_uri": expected_audio_uri(settings, src.key, destination),
    }


@dataclass(frozen=True)
class DurationLimit:
    """The longest recording the deployment transcribes (``clearscribe:max-duration-seconds``)."""

    max_seconds: float

    def check(self, duration_seconds: float | None) -> None:
        """Raise ``RecordingTooLongError`` for a recording longer than the maximum."""
        if duration_seconds is not None and duration_seconds > self.max_seconds:
            raise RecordingTooLongError(
                f"the recording lasts {_minutes(duration_seconds)}, longer than this deployment's maximum of "
                f"{_minutes(self.max_seconds)} (clearscribe:max-duration-seconds)"
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
    job: Mapping[str, Any],
    *,
    s3: Any,
    store: JobStore,
    limit: DurationLimit,
    window_seconds: float,
    speakers: bool = False,
) -> dict[str, Any]:
    """After ``ExtractAudio``: the MediaConvert job (``job``, as ``GetJob`` describes it) has
    completed. Checks its duration against ``limit`` (``RecordingTooLongError``, before any
    inference), finds the file it wrote (``GetJob`` reports no output paths: the destination is
    listed), plans the windows the recording is transcribed in (with ``speakers``, the request for
    the recording's speaker turns too: :func:`~pipeline.asr.inference.windows.plan_requests`), and
    marks the job TRANSCRIBING.
    Returns ``{"audio_uri", "duration_seconds", "windows"}``."""
    status = job.get("Status")
    if status != "COMPLETE":
        message = job.get("ErrorMessage") or "no error message"
        raise AudioExtractionError(
            f"MediaConvert job {job.get('Id')} {status}: {message} (code {job.get('ErrorCode')})"
        )
    duration = output_duration_seconds(job)
    if duration is None:
        raise AudioExtractionError(f"MediaConvert job {job.get('Id')} reported no duration for its output")
    limit.check(duration)
    audio_uri = find_audio_output(s3, str(extraction["audio_uri"]))
    windows = [w.to_dict() for w in plan_requests(duration, window_seconds, speakers=speakers)]
    advance(store, job_id, JobStatus.TRANSCRIBING)
    log.info(
        "audio extraction complete",
        extra={"job_id": job_id, "mediaconvert_job_id": job.get("Id"), "windows": len(windows)},
    )
    return {"audio_uri": audio_uri, "duration_seconds": duration, "windows": windows}


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
