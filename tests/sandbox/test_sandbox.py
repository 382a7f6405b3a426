"""Recordings through the synthesized workflow on this machine (``sandbox``): one
deployment stood up per session from one synthesis, every input of ``tests.sandbox.recordings``
uploaded to it together. What each test checks is what an operator would see after
``python -m sandbox``: the job table, the outputs in the output bucket, the ``--cloud`` query
commands, what is left running, and MediaConvert's answer to settings it rejects."""

from __future__ import annotations

import copy
import itertools
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import av
import jiwer
import jsonschema
import pytest
from botocore.exceptions import ClientError

from pipeline.asr.inference.windows import plan_windows
from pipeline.outputs import cost
from postprocess.schema import load_enriched_schema
from sandbox.executions import execution_history
from sandbox.mediaconvert import plan_outputs
from sandbox.templates import CloudAssembly
from shared import contract
from tests.sandbox.conftest import LocalRuns, SandboxRun
from tests.sandbox.recordings import LONG, SPOKEN, Spoken
from tests.support.scripts import normalise_words

pytestmark = pytest.mark.slow

STAGES = ("queued", "extracting", "transcribing", "enriching")
NUMBER_WORDS = "zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|hundred|thousand"
#: Word error rate of the sandbox's clean transcript against a local run's on the same video, with the
#: same engine and settings: all that differs is the audio, which the cloud path encodes as AAC at
#: 28 kb/s (the MediaConvert template) before the endpoint decodes it, and Whisper tiny.en answers a
#: small change in its input with other words: 0 to 12% on five voices, neither side more accurate
#: than the other (docs/benchmarks.md, "Both paths"). Two engines were 40% apart.
MAX_WER_TO_LOCAL_ON_THE_VIDEO = 0.15
#: The longest silence in the spoken recordings (espeak-ng's pause between paragraphs is under one).
MAX_PAUSE_SECONDS = 3.0


SPOKEN_IDS = [s.name.split()[0] for s in SPOKEN]


def _job_table(sandbox_run: SandboxRun) -> str:
    """The job table, as the query commands find it (the stack's outputs)."""
    from pipeline.cli.cloud import resolve_stack

    sandbox = sandbox_run.sandbox
    return resolve_stack(sandbox.workflow_stack, client=sandbox.client("cloudformation")).table_name


def _enriched(report: Any) -> dict[str, Any]:
    return json.loads(Path(report.outputs["json"]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("spoken", SPOKEN, ids=SPOKEN_IDS)
def test_a_spoken_recording_completes_with_every_output_downloaded(sandbox_run: SandboxRun, spoken: Spoken) -> None:
    report = sandbox_run.report(spoken.name)
    assert report.status == "COMPLETE", report.error
    assert report.error is None and report.execution_arn
    assert set(report.outputs) >= {"json", "srt", "vtt", "txt"}
    for path in report.outputs.values():
        assert Path(path).is_relative_to(sandbox_run.out_dir / report.job_id) and Path(path).stat().st_size > 0
    enriched = _enriched(report)
    jsonschema.validate(enriched, load_enriched_schema())
    assert enriched["job_id"] == report.job_id


@pytest.mark.parametrize("spoken", SPOKEN, ids=SPOKEN_IDS)
def test_the_job_record_holds_every_stage_in_order(sandbox_run: SandboxRun, spoken: Spoken) -> None:
    report = sandbox_run.report(spoken.name)
    assert list(report.stages) == list(STAGES)
    times = [(report.stages[s]["started_at"], report.stages[s]["ended_at"]) for s in STAGES]
    assert all(start <= end for start, end in times)
    assert all(times[i][1] <= times[i + 1][0] for i in range(len(times) - 1))
    # The table itself (not the report's copy) says the same.
    table = _job_table(sandbox_run)
    item = sandbox_run.sandbox.client("dynamodb").get_item(TableName=table, Key={"job_id": {"S": report.job_id}})
    assert item["Item"]["status"]["S"] == "COMPLETE"
    assert set(item["Item"]["stages"]["M"]) == set(STAGES)


@pytest.mark.parametrize("spoken", SPOKEN, ids=SPOKEN_IDS)
def test_no_pii_value_or_swear_word_reaches_an_output_the_table_or_a_log(
    sandbox_run: SandboxRun, spoken: Spoken
) -> None:
    report = sandbox_run.report(spoken.name)
    texts = {fmt: Path(path).read_text(encoding="utf-8").lower() for fmt, path in report.outputs.items()}
    table = _job_table(sandbox_run)
    item = sandbox_run.sandbox.client("dynamodb").get_item(TableName=table, Key={"job_id": {"S": report.job_id}})
    texts["job table"] = json.dumps(item["Item"]).lower()
    texts["logs"] = sandbox_run.logs().lower()
    secret_words = spoken.script.secret_words
    windows = {digits[i : i + 7] for digits in spoken.script.secret_numbers for i in range(len(digits) - 6)}
    assert secret_words and windows, "the script has nothing that could leak"
    for where, text in texts.items():
        for word in secret_words:
            assert not re.search(rf"\b{word}\b", text), f"{word!r} leaked into {where}"
        digits = re.sub(r"[\s,.\-()]", "", text)
        assert not any(window in digits for window in windows), f"a phone number leaked into {where}"
        assert not re.search(rf"\b(?:(?:{NUMBER_WORDS})\W+){{6,}}", text), f"spoken digits leaked into {where}"
    enriched = _enriched(report)
    assert enriched["pii"]["counts"].get("PERSON", 0) >= 1 and "<PERSON>" in enriched["transcript"]["text"]
    assert enriched["profanity"]["count"] >= 1


@pytest.mark.parametrize("spoken", SPOKEN, ids=SPOKEN_IDS)
def test_the_endpoint_and_a_local_run_give_the_same_words_for_the_same_audio(
    sandbox_run: SandboxRun, local_runs: LocalRuns, spoken: Spoken
) -> None:
    # The local run is given the audio the endpoint transcribed and the endpoint's engine settings.
    cloud = _enriched(sandbox_run.report(spoken.name))["transcript"]
    local = local_runs.audio[spoken.name]["transcript"]

    assert local_runs.environment["CLEARSCRIBE_BATCH_SIZE"] == "16"  # the GPU's batches, run on this CPU
    assert [s["text"] for s in local["segments"]] == [s["text"] for s in cloud["segments"]]
    assert [(s["start"], s["end"]) for s in local["segments"]] == [(s["start"], s["end"]) for s in cloud["segments"]]
    assert local["text"] == cloud["text"] and cloud["text"]


@pytest.mark.parametrize("spoken", SPOKEN, ids=SPOKEN_IDS)
def test_on_the_same_video_only_the_cloud_paths_audio_encoding_tells_the_transcripts_apart(
    sandbox_run: SandboxRun, local_runs: LocalRuns, spoken: Spoken
) -> None:
    cloud = _enriched(sandbox_run.report(spoken.name))["transcript"]["text"]
    local = local_runs.videos[spoken.name]["transcript"]["text"]
    error = jiwer.wer(" ".join(normalise_words(local)), " ".join(normalise_words(cloud)))
    assert error <= MAX_WER_TO_LOCAL_ON_THE_VIDEO, f"WER against the local run {error:.3f}"


@pytest.mark.parametrize(
    "name, status, code, cause",
    [
        # MediaConvert cannot open it: its job ends in ERROR 1010, CheckAudioExtraction fails the job.
        ("text", "FAILED", "AUDIO_EXTRACTION_FAILED", "(code 1010)"),
        ("no audio", "FAILED", "AUDIO_EXTRACTION_FAILED", "matches no audio track"),
        # RegisterJob refuses it before a job exists: the execution fails, the table stays empty.
        ("empty", "FAILED", "EMPTY_FILE", "empty"),
        # The upload rule's suffix filter never starts an execution.
        ("unsupported", "IGNORED", None, None),
    ],
)
def test_unwanted_inputs_end_as_aws_would_end_them(
    sandbox_run: SandboxRun, name: str, status: str, code: str | None, cause: str | None
) -> None:
    report = sandbox_run.report(name)
    assert report.status == status, report
    assert report.outputs == {}
    if code is None:
        assert report.error is None and report.execution_arn is None and "no rule matches" in (report.reason or "")
        return
    assert report.error is not None and report.error["code"] == code and cause in report.error["message"]
    described = sandbox_run.sandbox.client("stepfunctions").describe_execution(executionArn=report.execution_arn)
    assert described["status"] in ("SUCCEEDED", "FAILED")
    if report.job_id is None:
        assert described["status"] == "FAILED"


def test_nothing_is_left_running(sandbox_run: SandboxRun) -> None:
    assert not sandbox_run.leftovers, sandbox_run.leftovers.describe()


def _windows(sandbox_run: SandboxRun, spoken: Spoken) -> list[dict[str, Any]]:
    """The windows CheckAudioExtraction planned for ``spoken``'s job (from its execution's history)."""
    history = _history(sandbox_run, spoken)
    (planned,) = [
        json.loads(e["stateExitedEventDetails"]["output"])["audio"]["windows"]
        for e in history
        if e["type"] == "TaskStateExited" and e["stateExitedEventDetails"]["name"] == "CheckAudioExtraction"
    ]
    return list(planned)


def _history(sandbox_run: SandboxRun, spoken: Spoken) -> list[dict[str, Any]]:
    arn = sandbox_run.report(spoken.name).execution_arn
    assert arn is not None, f"{spoken.name} started no execution"
    return execution_history(sandbox_run.sandbox.client("stepfunctions"), arn)


def test_the_endpoint_notified_its_topics_once_per_window(sandbox_run: SandboxRun) -> None:
    config = sandbox_run.sandbox.assembly.resource("AWS::SageMaker::EndpointConfig").properties
    topics = config["AsyncInferenceConfig"]["OutputConfig"]["NotificationConfig"]
    completed = [n for n in sandbox_run.notifications if n["message"]["invocationStatus"] == "Completed"]
    expected = {f"{sandbox_run.report(s.name).job_id}.w{w['index']}" for s in SPOKEN for w in _windows(sandbox_run, s)}
    assert sorted(n["message"]["inferenceId"] for n in completed) == sorted(expected)
    assert {n["topic"] for n in completed} == {topics["SuccessTopic"]}
    output_path = config["AsyncInferenceConfig"]["OutputConfig"]["S3OutputPath"].rstrip("/")
    assert all(n["message"]["responseParameters"]["outputLocation"].startswith(output_path + "/") for n in completed)
    # Every notification reached the function subscribed to the topics, none was lost.
    subscriptions = sandbox_run.sandbox.subscriptions
    assert subscriptions.failed == 0 and subscriptions.delivered >= len(sandbox_run.notifications)


def test_a_recording_several_windows_long_goes_through_the_map_and_is_merged_in_order(
    sandbox_run: SandboxRun,
) -> None:
    windows = _windows(sandbox_run, LONG)
    duration = float(av.open(str(sandbox_run.inputs[LONG.name])).duration) / 1e6
    window_s = int(sandbox_run.sandbox.lambdas.functions[_any_step(sandbox_run)].config.variables[
        contract.ENV_WINDOW_SECONDS])  # fmt: skip
    assert len(windows) == math.ceil(duration / window_s) >= 3
    assert [w["index"] for w in windows] == list(range(len(windows)))
    history = _history(sandbox_run, LONG)
    iterations = [e for e in history if e["type"] == "MapIterationSucceeded"]
    assert len(iterations) == len(windows)
    segments = _enriched(sandbox_run.report(LONG.name))["transcript"]["segments"]
    assert [s["id"] for s in segments] == list(range(len(segments)))
    pairs = list(itertools.pairwise(segments))
    assert all(a["start"] <= b["start"] for a, b in pairs)
    # Nothing was transcribed twice on both sides of a cut.
    texts = [s["text"] for s in segments]
    assert len(set(texts)) == len(texts)
    # The recording is speech from end to end: no window's audio fell between two windows.
    assert max(b["start"] - a["end"] for a, b in pairs) < MAX_PAUSE_SECONDS
    assert segments[-1]["end"] > duration - MAX_PAUSE_SECONDS
    words = normalise_words(" ".join(s["text"] for s in segments))
    assert words[:2] == ["welcome", "to"], words[:5]
    # The script's last sentence ("… and the closing word of this meeting is harbour") ends the
    # transcript: its two longest words, which tiny.en hears where it mishears the short ones.
    assert {"closing", "meeting"} <= set(words[-10:]), words[-10:]


def _any_step(sandbox_run: SandboxRun) -> str:
    return next(
        n for n, f in sandbox_run.sandbox.lambdas.functions.items() if contract.ENV_WINDOW_SECONDS in f.config.variables
    )


def test_state_transitions_are_the_fixed_path_plus_one_per_window(sandbox_run: SandboxRun) -> None:
    """Counted in the execution's history, they are what the cost model computes; an hour in the
    default 20-minute windows is within 30."""
    for spoken in SPOKEN:
        entered = [e for e in _history(sandbox_run, spoken) if e["type"].endswith("StateEntered")]
        windows = len(_windows(sandbox_run, spoken))
        assert len(entered) == cost.FIXED_TRANSITIONS + cost.TRANSITIONS_PER_WINDOW * windows, spoken.name
        assert not [e for e in entered if e["type"] == "WaitStateEntered"]
    an_hour = len(plan_windows(3600, contract.WINDOW_SECONDS))
    assert cost.FIXED_TRANSITIONS + cost.TRANSITIONS_PER_WINDOW * an_hour <= 30


def test_a_lost_notification_is_recovered_by_the_sweeper(sandbox_run: SandboxRun, tmp_path: Path) -> None:
    sandbox = sandbox_run.sandbox
    # Another upload of a recording (another key: another job), with every SNS delivery lost.
    video = tmp_path / "weekly planning (again).mp4"
    video.write_bytes(sandbox_run.inputs[SPOKEN[0].name].read_bytes())
    sweeps_before = sandbox.lambdas.functions[_sweeper(sandbox_run)].invocations
    sandbox.subscriptions.lose_messages = True
    try:
        submission = sandbox.submit(video)
        report = sandbox.outcome(submission, tmp_path / "out", timeout=600)
    finally:
        sandbox.subscriptions.lose_messages = False
    assert report.status == "COMPLETE", report.error
    assert sandbox.subscriptions.lost >= 1
    assert sandbox.lambdas.functions[_sweeper(sandbox_run)].invocations > sweeps_before
    log = (sandbox.log_dir / f"{_sweeper(sandbox_run)}.log").read_text(encoding="utf-8")
    assert "sweep resolved inferences whose notification did not arrive" in log
    assert (
        _enriched(report)["transcript"]["text"] == _enriched(sandbox_run.report(SPOKEN[0].name))["transcript"]["text"]
    )


def _sweeper(sandbox_run: SandboxRun) -> str:
    (rule,) = sandbox_run.sandbox.schedules
    (target,) = rule.targets
    return str(target["Arn"]).split(":function:")[-1]


# -- the query side --------------------------------------------------------------------------------
def clearscribe_cloud(sandbox_run: SandboxRun, *args: str) -> subprocess.CompletedProcess[str]:
    sandbox = sandbox_run.sandbox
    exe = Path(sys.executable).with_name("clearscribe")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "AWS_ACCESS_KEY_ID": "sandbox",
        "AWS_SECRET_ACCESS_KEY": "sandbox",
    }
    cloud = ("--cloud", "--stack", sandbox.workflow_stack, "--region", sandbox.region, "--endpoint-url",
             sandbox.endpoint_url)  # fmt: skip
    proc = subprocess.run([str(exe), *args, *cloud], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def test_the_cloud_commands_query_the_sandbox(sandbox_run: SandboxRun) -> None:
    listed = json.loads(clearscribe_cloud(sandbox_run, "jobs", "--json").stdout)
    by_id = {job["job_id"]: job for job in listed}
    for spoken in SPOKEN:
        report = sandbox_run.report(spoken.name)
        assert by_id[report.job_id]["status"] == "COMPLETE"
        shown = json.loads(clearscribe_cloud(sandbox_run, "show", report.job_id[:12], "--json").stdout)
        assert shown["job_id"] == report.job_id and set(shown["stages"]) == set(STAGES)
        text = clearscribe_cloud(sandbox_run, "transcript", report.job_id).stdout
        assert text == Path(report.outputs["txt"]).read_text(encoding="utf-8")
    failed = sandbox_run.report("no audio")
    assert by_id[failed.job_id]["status"] == "FAILED"


# -- MediaConvert's rules --------------------------------------------------------------------------
def _invalid_aac(settings: dict[str, Any]) -> dict[str, Any]:
    """The job template's settings with the AAC bit rate MediaConvert refuses at 16 kHz, LC 1.0."""
    injected = copy.deepcopy(settings)
    aac = injected["OutputGroups"][0]["Outputs"][0]["AudioDescriptions"][0]["CodecSettings"]["AacSettings"]
    assert (aac["CodecProfile"], aac["CodingMode"], aac["SampleRate"]) == ("LC", "CODING_MODE_1_0", 16000)
    aac["Bitrate"] = 32000
    return injected


def test_mediaconvert_rejects_the_invalid_aac_bitrate_as_the_service_does(sandbox_run: SandboxRun) -> None:
    sandbox = sandbox_run.sandbox
    template = sandbox.assembly.resource("AWS::MediaConvert::JobTemplate")
    mediaconvert = sandbox.client("mediaconvert")
    before = len(mediaconvert.list_jobs()["Jobs"])
    role = next(f for f in sandbox.lambdas.functions.values() if "MEDIACONVERT_ROLE_ARN" in f.config.variables)
    attempts = {
        "CreateJobTemplate": lambda: mediaconvert.create_job_template(
            Name="invalid-aac", Settings=_invalid_aac(template.properties["SettingsJson"])
        ),
        "CreateJob": lambda: mediaconvert.create_job(
            Role=role.config.variables[contract.ENV_MEDIACONVERT_ROLE_ARN],
            JobTemplate=template.name,
            Settings={
                **_invalid_aac(template.properties["SettingsJson"]),
                "Inputs": [{"FileInput": "s3://nowhere/input.mp4"}],
            },
        ),
    }
    for operation, attempt in attempts.items():
        with pytest.raises(ClientError) as raised:
            attempt()
        error = raised.value.response
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400, operation
        assert error["Error"]["Code"] == "BadRequestException", operation
        message = error["Error"]["Message"]
        assert message.startswith("/outputGroups/0/outputs/0/audioDescriptions/0/codecSettings/aacSettings")
        assert "32000" in message and "28000" in message, message
    assert len(mediaconvert.list_jobs()["Jobs"]) == before


def test_the_sandbox_reads_its_settings_from_the_templates(sandbox_run: SandboxRun, sandbox_assembly: Path) -> None:
    """Every function runs with exactly its template environment, under the template's name."""
    assembly = CloudAssembly(sandbox_assembly)
    functions = {
        f.name: f
        for f in assembly.resources("AWS::Lambda::Function")
        if str(f.properties.get("Runtime", "")).startswith("python")
    }
    running = sandbox_run.sandbox.lambdas.functions
    assert set(running) == set(functions) and len(running) >= 10
    for name, function in running.items():
        template_vars = (functions[name].properties.get("Environment") or {}).get("Variables", {})
        assert function.config.variables == {k: str(v) for k, v in template_vars.items()}
        assert function.config.handler == functions[name].properties["Handler"]
        env = function.environment()
        assert {k: env[k] for k in template_vars} == function.config.variables
        assert not {k for k in env if k.startswith("CLEARSCRIBE_") and k not in template_vars}


def test_mediaconvert_wrote_the_audio_its_settings_describe(sandbox_run: SandboxRun, tmp_path: Path) -> None:
    sandbox = sandbox_run.sandbox
    mediaconvert, s3 = sandbox.client("mediaconvert"), sandbox.client("s3")
    completed = mediaconvert.list_jobs(Status="COMPLETE")["Jobs"]
    assert len(completed) >= len(SPOKEN)  # and one more once the sweeper's test has run
    for job in completed:
        aac = job["Settings"]["OutputGroups"][0]["Outputs"][0]["AudioDescriptions"][0]["CodecSettings"]["AacSettings"]
        ((output,),) = plan_outputs(job["Settings"])
        bucket, _, key = output.uri[len("s3://") :].partition("/")
        assert key.endswith(f".{contract.AUDIO_EXTENSION}")
        local = tmp_path / Path(key).name
        s3.download_file(bucket, key, str(local))
        with av.open(str(local)) as container:
            assert container.format.name.startswith("mov,mp4") and not container.streams.video
            (stream,) = container.streams.audio
            assert stream.codec_context.name == "aac" and stream.codec_context.profile == "LC"
            assert stream.rate == aac["SampleRate"] and stream.channels == 1
            duration_ms = float(stream.duration * stream.time_base) * 1000
            bitrate = 8 * sum(packet.size for packet in container.demux(stream)) / (duration_ms / 1000)
        # CBR: what was written averages the setting (ffmpeg's own encoder alone overshoots by up to 25 %).
        assert abs(bitrate - aac["Bitrate"]) <= 0.1 * aac["Bitrate"], bitrate
        (details,) = job["OutputGroupDetails"][0]["OutputDetails"]
        assert abs(details["DurationInMs"] - duration_ms) <= 50
