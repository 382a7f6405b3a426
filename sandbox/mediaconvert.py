"""A MediaConvert emulator: the service's REST API on a local port, jobs run with ffmpeg.

moto has no MediaConvert. This serves the calls the workflow makes (``CreateJobTemplate``,
``GetJobTemplate``, ``CreateJob``, ``GetJob``, ``CancelJob``, ``ListJobs``) in MediaConvert's
wire format (``/2017-08-29/…``, camelCase JSON), so boto3 clients reach it through
``AWS_ENDPOINT_URL_MEDIACONVERT`` and the handlers run unchanged.

* **Validation**: job and template settings are checked against the API model and the AAC table
  (:mod:`sandbox.mediaconvert_rules`); what MediaConvert rejects is answered the way it
  answers: HTTP 400, ``x-amzn-ErrorType: BadRequestException``, body ``{"message": …}``.
* **Transcoding**: a job reads its input from S3, probes it, and writes each output with ffmpeg
  exactly as its settings say (audio selector track, codec, profile, sample rate, channels from
  the coding mode, bit rate, container, name modifier, extension, destination); a CBR bit rate
  is what the written audio averages, within 5 %. Only audio-only
  file outputs in MP4 with AAC are emulated; other settings are refused at ``CreateJob`` as not
  emulated rather than run differently.
* **Status**: ``SUBMITTED`` → ``PROGRESSING`` → ``COMPLETE`` or ``ERROR`` (``errorCode``,
  ``errorMessage``); ``GetJob`` of a finished job reports ``outputGroupDetails[].outputDetails[]
  .durationInMs`` measured on the file written. An input that cannot be opened fails with code
  1010 and the message form of MediaConvert's error code reference; an input without an audio
  track for the audio selector fails with code 1040 (the message is the emulator's own).
"""

from __future__ import annotations

import copy
import itertools
import json
import random
import re
import shutil
import string
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sandbox.mediaconvert_rules import settings_problems, wire_name

API_PREFIX = "/2017-08-29"
RUNNING = ("SUBMITTED", "PROGRESSING")
#: File access error (MediaConvert error code reference): the input cannot be opened.
ERROR_INPUT_UNREADABLE = 1010
#: Job settings the input cannot satisfy (here: no audio track for the audio selector).
ERROR_NO_AUDIO = 1040
#: Anything else that went wrong while transcoding.
ERROR_TRANSCODE = 1999
_CHANNELS = {"CODING_MODE_1_0": 1, "CODING_MODE_2_0": 2}
#: How far the written audio's bit rate may be above the CBR setting, and how many encodes get it there.
CBR_TOLERANCE = 0.05
CBR_ATTEMPTS = 4
_CONTAINER_EXTENSIONS = {"MP4": "mp4"}


class MediaConvertError(Exception):
    """An API error, answered as MediaConvert answers it."""

    def __init__(self, status: int, error_type: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message


def bad_request(message: str) -> MediaConvertError:
    return MediaConvertError(HTTPStatus.BAD_REQUEST, "BadRequestException", message)


def not_found(message: str) -> MediaConvertError:
    return MediaConvertError(HTTPStatus.NOT_FOUND, "NotFoundException", message)


# -- wire format -----------------------------------------------------------------------------------
def from_wire(shape: Any, value: Any) -> Any:
    """A request body member (camelCase) as the API shape names it (PascalCase)."""
    if shape.type_name == "structure" and isinstance(value, Mapping):
        by_wire = {wire_name(name, member): (name, member) for name, member in shape.members.items()}
        result = {}
        for key, item in value.items():
            name, member = by_wire.get(key, (key, None))
            result[name] = from_wire(member, item) if member is not None else item
        return result
    if shape.type_name == "list" and isinstance(value, list):
        return [from_wire(shape.member, item) for item in value]
    if shape.type_name == "map" and isinstance(value, Mapping):
        return {key: from_wire(shape.value, item) for key, item in value.items()}
    return value


def to_wire(shape: Any, value: Any) -> Any:
    """An API value (PascalCase) in the response's wire form (camelCase, epoch timestamps)."""
    if shape.type_name == "structure" and isinstance(value, Mapping):
        return {
            wire_name(name, shape.members[name]): to_wire(shape.members[name], item)
            for name, item in value.items()
            if name in shape.members and item is not None
        }
    if shape.type_name == "list" and isinstance(value, list):
        return [to_wire(shape.member, item) for item in value]
    if shape.type_name == "map" and isinstance(value, Mapping):
        return {key: to_wire(shape.value, item) for key, item in value.items()}
    return value


def _operation_shapes(operation: str) -> tuple[Any, Any]:
    from sandbox.mediaconvert_rules import _service_model

    model = _service_model().operation_model(operation)
    return model.input_shape, model.output_shape


# -- jobs ------------------------------------------------------------------------------------------
@dataclass
class Job:
    id: str
    arn: str
    settings: dict[str, Any]
    role: str
    template: str | None
    user_metadata: dict[str, str]
    token: str | None
    status: str = "SUBMITTED"
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    error_code: int | None = None
    error_message: str | None = None
    output_details: list[list[dict[str, Any]]] = field(default_factory=list)
    cancel: threading.Event = field(default_factory=threading.Event)

    def to_api(self) -> dict[str, Any]:
        """The ``Job`` structure ``GetJob`` returns."""
        body: dict[str, Any] = {
            "Id": self.id,
            "Arn": self.arn,
            "Status": self.status,
            "Role": self.role,
            "Settings": self.settings,
            "UserMetadata": self.user_metadata,
            "CreatedAt": int(self.created_at),
            "Queue": self.arn.split(":jobs/")[0] + ":queues/Default",
            "Timing": {
                "SubmitTime": int(self.created_at),
                "StartTime": int(self.started_at) if self.started_at else None,
                "FinishTime": int(self.finished_at) if self.finished_at else None,
            },
        }
        if self.template:
            body["JobTemplate"] = self.template
        if self.status == "COMPLETE":
            body["OutputGroupDetails"] = [{"OutputDetails": details} for details in self.output_details]
            body["JobPercentComplete"] = 100
        if self.status == "ERROR":
            body["ErrorCode"] = self.error_code
            body["ErrorMessage"] = self.error_message
        return body


class JobFailed(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class AudioOutput:
    """One audio-only file output: ffmpeg arguments, and the constant bit rate it must have."""

    uri: str
    container: str
    codec_args: tuple[str, ...]
    bitrate: int
    moov_at_start: bool


def _merged(template: Mapping[str, Any], job: Mapping[str, Any]) -> dict[str, Any]:
    """The template's settings with the job's on top (objects merged, arrays replaced)."""
    result = copy.deepcopy(dict(template))
    for key, value in job.items():
        if isinstance(value, Mapping) and isinstance(result.get(key), Mapping):
            result[key] = _merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def plan_outputs(settings: Mapping[str, Any]) -> list[list[AudioOutput]]:
    """What each output group writes, or ``MediaConvertError`` for settings not emulated."""
    inputs = settings.get("Inputs") or []
    if len(inputs) != 1 or not inputs[0].get("FileInput"):
        raise bad_request("sandbox: exactly one input with a fileInput is emulated")
    source = inputs[0]["FileInput"]
    groups = []
    for g, group in enumerate(settings.get("OutputGroups") or []):
        group_settings = group.get("OutputGroupSettings") or {}
        if group_settings.get("Type") != "FILE_GROUP_SETTINGS":
            raise bad_request(f"sandbox: /outputGroups/{g}: only FILE_GROUP_SETTINGS output groups are emulated")
        destination = (group_settings.get("FileGroupSettings") or {}).get("Destination")
        if not destination or not destination.startswith("s3://"):
            raise bad_request(f"/outputGroups/{g}/outputGroupSettings/fileGroupSettings: destination is required")
        outputs = []
        for o, output in enumerate(group.get("Outputs") or []):
            where = f"/outputGroups/{g}/outputs/{o}"
            if output.get("VideoDescription") or output.get("CaptionDescriptions"):
                raise bad_request(f"sandbox: {where}: only audio-only outputs are emulated")
            container_settings = output.get("ContainerSettings") or {}
            container = container_settings.get("Container", "MP4")
            if container not in _CONTAINER_EXTENSIONS:
                raise bad_request(f"sandbox: {where}: container {container} is not emulated")
            (audio,) = output.get("AudioDescriptions") or [None]
            codec = (audio or {}).get("CodecSettings") or {}
            if codec.get("Codec") != "AAC":
                raise bad_request(f"sandbox: {where}: only AAC audio is emulated")
            aac = codec.get("AacSettings") or {}
            mode = aac.get("CodingMode", "CODING_MODE_2_0")
            if mode not in _CHANNELS or aac.get("CodecProfile", "LC") != "LC" or aac.get("RateControlMode") == "VBR":
                raise bad_request(f"sandbox: {where}: only AAC-LC CBR mono or stereo is emulated")
            extension = output.get("Extension") or _CONTAINER_EXTENSIONS[container]
            outputs.append(
                AudioOutput(
                    uri=output_uri(destination, source, output.get("NameModifier", ""), extension),
                    container=container,
                    codec_args=(
                        "-c:a",
                        "aac",
                        "-profile:a",
                        "aac_low",
                        "-ar",
                        str(aac.get("SampleRate", 48000)),
                        "-ac",
                        str(_CHANNELS[mode]),
                    ),
                    bitrate=int(aac.get("Bitrate", 64000)),
                    moov_at_start=(container_settings.get("Mp4Settings") or {}).get("MoovPlacement")
                    == "PROGRESSIVE_DOWNLOAD",
                )
            )
        groups.append(outputs)
    if not groups:
        raise bad_request("/outputGroups: at least one output group is required")
    return groups


def output_uri(destination: str, source: str, name_modifier: str, extension: str) -> str:
    """Where MediaConvert writes an output: a destination ending in ``/`` is a folder and the
    file is named after the input; otherwise its last part is the base name."""
    base = destination + PurePosixPath(source.split("?", 1)[0]).stem if destination.endswith("/") else destination
    return f"{base}{name_modifier}.{extension}"


def _job_id() -> str:
    suffix = "".join(random.choices(string.ascii_lowercase + string.digits, k=6))
    return f"{int(time.time() * 1000)}-{suffix}"


class MediaConvertEmulator:
    """The emulated service: templates and jobs, an HTTP endpoint, ffmpeg workers.

    ``s3`` is a boto3 S3 client (the sandbox's); ``ffmpeg`` the binary that transcodes.
    """

    def __init__(
        self,
        *,
        s3: Any,
        workdir: Path,
        ffmpeg: str,
        region: str,
        account: str,
        workers: int = 2,
        on_change: Callable[[Job], None] | None = None,
    ) -> None:
        self.s3 = s3
        self.workdir = Path(workdir)
        self.ffmpeg = ffmpeg
        self.region = region
        self.account = account
        self.templates: dict[str, dict[str, Any]] = {}
        self.jobs: dict[str, Job] = {}
        self.on_change = on_change
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="mediaconvert")
        self._server: ThreadingHTTPServer | None = None
        self._host = ""
        self._thread: threading.Thread | None = None
        self._processes: dict[str, subprocess.Popen[bytes]] = {}

    # -- the API ---------------------------------------------------------------------------
    def create_job_template(self, request: Mapping[str, Any]) -> dict[str, Any]:
        name = request.get("Name")
        if not name:
            raise bad_request("/name: is required")
        settings = request.get("Settings") or {}
        problems = settings_problems(settings, "JobTemplateSettings")
        if problems:
            raise bad_request("; ".join(problems))
        with self._lock:
            if name in self.templates:
                raise MediaConvertError(HTTPStatus.CONFLICT, "ConflictException", f"Template {name} already exists")
            template = {
                "Name": name,
                "Arn": f"arn:aws:mediaconvert:{self.region}:{self.account}:jobTemplates/{name}",
                "Settings": copy.deepcopy(settings),
                "Type": "CUSTOM",
                "CreatedAt": int(time.time()),
                **{k: request[k] for k in ("Category", "Description", "StatusUpdateInterval") if k in request},
            }
            self.templates[name] = template
        return {"JobTemplate": template}

    def get_job_template(self, name: str) -> dict[str, Any]:
        template = self.templates.get(name)
        if template is None:
            raise not_found(f"Template {name} does not exist")
        return {"JobTemplate": template}

    def create_job(self, request: Mapping[str, Any]) -> dict[str, Any]:
        role = request.get("Role") or ""
        if not re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:role/.+", role):
            raise bad_request("/role: a valid IAM role ARN is required")
        template_name = request.get("JobTemplate")
        base: Mapping[str, Any] = {}
        if template_name:
            if template_name not in self.templates:
                raise bad_request(f"/jobTemplate: Template {template_name} does not exist")
            base = self.templates[template_name]["Settings"]
        settings = _merged(base, request.get("Settings") or {})
        problems = settings_problems(settings)
        if problems:
            raise bad_request("; ".join(problems))
        plan = plan_outputs(settings)
        token = request.get("ClientRequestToken")
        with self._lock:
            for job in self.jobs.values():
                if token and job.token == token:
                    return {"Job": job.to_api()}
            job_id = _job_id()
            job = Job(
                id=job_id,
                arn=f"arn:aws:mediaconvert:{self.region}:{self.account}:jobs/{job_id}",
                settings=settings,
                role=role,
                template=template_name,
                user_metadata=dict(request.get("UserMetadata") or {}),
                token=token,
            )
            self.jobs[job_id] = job
        self._pool.submit(self._run, job, plan)
        return {"Job": job.to_api()}

    def get_job(self, job_id: str) -> dict[str, Any]:
        job = self.jobs.get(job_id)
        if job is None:
            raise not_found(f"Job {job_id} does not exist")
        return {"Job": job.to_api()}

    def cancel_job(self, job_id: str) -> dict[str, Any]:
        job = self.jobs.get(job_id)
        if job is None:
            raise not_found(f"Job {job_id} does not exist")
        if job.status not in RUNNING:
            raise bad_request(f"Job {job_id} is {job.status} and cannot be canceled")
        job.cancel.set()
        process = self._processes.get(job_id)
        if process is not None:
            process.kill()
        self._finish(job, "CANCELED")
        return {}

    def list_jobs(self, status: str | None = None) -> dict[str, Any]:
        jobs = [j for j in self.jobs.values() if status is None or j.status == status]
        jobs.sort(key=lambda j: j.created_at, reverse=True)
        return {"Jobs": [j.to_api() for j in jobs]}

    def running_jobs(self) -> list[Job]:
        return [j for j in self.jobs.values() if j.status in RUNNING]

    # -- transcoding -----------------------------------------------------------------------
    def _finish(self, job: Job, status: str, *, code: int | None = None, message: str | None = None) -> None:
        with self._lock:
            if job.status not in RUNNING:
                return
            job.status = status
            job.error_code, job.error_message = code, message
            job.finished_at = time.time()
        if self.on_change is not None:
            self.on_change(job)

    def _run(self, job: Job, plan: list[list[AudioOutput]]) -> None:
        if job.cancel.is_set():
            return
        with self._lock:
            job.status, job.started_at = "PROGRESSING", time.time()
        scratch = Path(tempfile.mkdtemp(prefix=f"job-{job.id}-", dir=self.workdir))
        try:
            details = self._transcode(job, plan, scratch)
        except JobFailed as failure:
            self._finish(job, "ERROR", code=failure.code, message=failure.message)
        except Exception as exc:  # the service reports every failure as a job error
            self._finish(job, "ERROR", code=ERROR_TRANSCODE, message=f"Transcoding failed: {type(exc).__name__}")
        else:
            job.output_details = details
            self._finish(job, "COMPLETE")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _transcode(self, job: Job, plan: list[list[AudioOutput]], scratch: Path) -> list[list[dict[str, Any]]]:
        source = job.settings["Inputs"][0]["FileInput"]
        local = scratch / ("input" + PurePosixPath(source).suffix)
        bucket, _, key = source[len("s3://") :].partition("/")
        try:
            self.s3.download_file(bucket, key, str(local))
        except Exception:
            raise JobFailed(
                ERROR_INPUT_UNREADABLE, f"Unable to open input file [{source}]: [Failed probe/open: [Can't read input]]"
            ) from None
        audio_tracks = _audio_tracks(local)
        if audio_tracks is None:
            raise JobFailed(
                ERROR_INPUT_UNREADABLE,
                f"Unable to open input file [{source}]: [Failed probe/open: [No parser found for container]]",
            )
        selector = next(iter(job.settings["Inputs"][0].get("AudioSelectors") or {"Audio Selector 1": {}}))
        if audio_tracks == 0:
            raise JobFailed(ERROR_NO_AUDIO, f"Audio selector [{selector}] matches no audio track of input [{source}]")
        details = []
        for outputs in plan:
            group_details = []
            for output in outputs:
                written = scratch / PurePosixPath(output.uri).name
                self._encode_cbr(job, local, written, output)
                duration_ms = _duration_ms(written)
                out_bucket, _, out_key = output.uri[len("s3://") :].partition("/")
                self.s3.upload_file(str(written), out_bucket, out_key)
                group_details.append({"DurationInMs": duration_ms})
            details.append(group_details)
        return details

    def _encode_cbr(self, job: Job, source: Path, target: Path, output: AudioOutput) -> None:
        """Encode at the output's bit rate. ffmpeg's AAC encoder treats ``-b:a`` as a target that
        it overshoots on speech at low rates (28 kb/s asked, up to 35 kb/s written), where
        MediaConvert's CBR writes the rate asked; so the request is scaled down until what is
        written is within :data:`CBR_TOLERANCE` of the setting."""
        requested = output.bitrate
        for _ in range(CBR_ATTEMPTS):
            self._ffmpeg(job, source, target, output, requested)
            written = _audio_bitrate(target)
            if written <= output.bitrate * (1 + CBR_TOLERANCE):
                return
            requested = max(1000, round(requested * output.bitrate / written))

    def _ffmpeg(self, job: Job, source: Path, target: Path, output: AudioOutput, bitrate: int) -> None:
        # Audio selector "DEFAULT" with no tracks named: the input's first audio track.
        command = [self.ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(source), "-map", "0:a:0", "-vn", "-sn",
                   "-dn", *output.codec_args, "-b:a", str(bitrate)]  # fmt: skip
        if output.moov_at_start:
            command += ["-movflags", "+faststart"]
        command += ["-f", "mp4", str(target)]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._processes[job.id] = process
        try:
            _, stderr = process.communicate()
        finally:
            self._processes.pop(job.id, None)
        if job.cancel.is_set():
            raise JobFailed(ERROR_TRANSCODE, "canceled")
        if process.returncode != 0:
            reason = " ".join(stderr.decode("utf-8", "replace").split())[-300:]
            raise JobFailed(
                ERROR_TRANSCODE, f"Transcoding failed for input [{job.settings['Inputs'][0]['FileInput']}]: [{reason}]"
            )

    # -- the HTTP endpoint -------------------------------------------------------------------
    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the emulator is not serving")
        return f"http://{self._host}:{self._server.server_port}"

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start answering on ``host:port`` (a free port by default); returns the endpoint URL."""
        emulator = self

        class Handler(_ApiHandler):
            service = emulator

        self._host = host
        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="mediaconvert-api", daemon=True)
        self._thread.start()
        return self.endpoint_url

    def close(self) -> None:
        """Stop serving, cancel what still runs and wait for the workers."""
        for job in self.running_jobs():
            job.cancel.set()
        for process in list(self._processes.values()):
            process.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()


def _audio_tracks(path: Path) -> int | None:
    """How many audio streams the file holds, or None when it is not media that can be opened."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams:
                return None
            return len(container.streams.audio)
    except (av.error.FFmpegError, OSError, UnicodeDecodeError):
        return None


def _audio_bitrate(path: Path) -> float:
    """The bit rate of the audio payload of ``path`` (bits of its packets per second)."""
    import av

    with av.open(str(path)) as container:
        (stream,) = container.streams.audio
        bits = 8 * sum(packet.size for packet in container.demux(stream))
        seconds = float(stream.duration * stream.time_base) if stream.duration and stream.time_base else 0.0
    return bits / seconds if seconds > 0 else 0.0


def _duration_ms(path: Path) -> int:
    import av

    with av.open(str(path)) as container:
        (stream,) = container.streams.audio
        if stream.duration is not None and stream.time_base is not None:
            return round(float(stream.duration * stream.time_base) * 1000)
        return round((container.duration or 0) / 1000)


_ROUTES = (
    ("POST", re.compile(rf"^{API_PREFIX}/jobTemplates$"), "CreateJobTemplate"),
    ("GET", re.compile(rf"^{API_PREFIX}/jobTemplates/(?P<name>[^/]+)$"), "GetJobTemplate"),
    ("POST", re.compile(rf"^{API_PREFIX}/jobs$"), "CreateJob"),
    ("GET", re.compile(rf"^{API_PREFIX}/jobs$"), "ListJobs"),
    ("GET", re.compile(rf"^{API_PREFIX}/jobs/(?P<id>[^/]+)$"), "GetJob"),
    ("DELETE", re.compile(rf"^{API_PREFIX}/jobs/(?P<id>[^/]+)$"), "CancelJob"),
)
_SUCCESS = {"CreateJobTemplate": 201, "CreateJob": 201, "CancelJob": 202}


class _ApiHandler(BaseHTTPRequestHandler):
    service: MediaConvertEmulator
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # the sandbox reports jobs, not requests
        return

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        try:
            for route_method, pattern, operation in _ROUTES:
                match = pattern.match(parts.path)
                if match and route_method == method:
                    body = self._call(
                        operation, {k: unquote(v) for k, v in match.groupdict().items()}, raw, parts.query
                    )
                    self._reply(_SUCCESS.get(operation, 200), body)
                    return
            raise not_found(f"no such operation: {method} {parts.path}")
        except MediaConvertError as error:
            self._reply(error.status, {"message": error.message}, error_type=error.error_type)
        except (ValueError, KeyError) as exc:
            self._reply(400, {"message": f"malformed request ({type(exc).__name__})"}, error_type="BadRequestException")

    def _call(self, operation: str, path_args: Mapping[str, str], raw: bytes, query: str) -> dict[str, Any]:
        input_shape, output_shape = _operation_shapes(operation)
        request = from_wire(input_shape, json.loads(raw)) if raw else {}
        service = self.service
        if operation == "CreateJobTemplate":
            result = service.create_job_template(request)
        elif operation == "GetJobTemplate":
            result = service.get_job_template(path_args["name"])
        elif operation == "CreateJob":
            result = service.create_job(request)
        elif operation == "GetJob":
            result = service.get_job(path_args["id"])
        elif operation == "CancelJob":
            result = service.cancel_job(path_args["id"])
        else:
            statuses = parse_qs(query).get("status")
            result = service.list_jobs(statuses[0] if statuses else None)
        return to_wire(output_shape, result) if output_shape is not None else {}

    def _reply(self, status: int, body: Mapping[str, Any], *, error_type: str | None = None) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", f"{next(_request_ids):016x}")
        if error_type:
            self.send_header("x-amzn-ErrorType", error_type)
        self.end_headers()
        self.wfile.write(data)


_request_ids = itertools.count(random.getrandbits(48))
