"""The ``clearscribe`` command line's arguments: its commands, their options and help."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from pipeline.cli.describe import one_line
from pipeline.outputs.media_spans import MARGIN_SECONDS
from postprocess.config import PII_POLICIES
from shared.config import DEFAULT_MODEL, OFFLINE_BASE, OFFLINE_MODEL, REDACT_MEDIA_FILLS
from shared.speakers import DEFAULT_SPEAKERS, SPEAKERS_OFF, SpeakerSetting
from shared.status import JobStatus

#: Exit status of a wrong usage (argparse's).
EXIT_USAGE = 2

DESCRIPTION = """\
Turn recorded video or audio into clean, enriched transcripts: speech recognition
(Whisper), PII redaction, profanity masking and sentiment, with job status kept in a
local SQLite store (or, with --cloud, the deployed AWS stack's DynamoDB table)."""

RUN_EPILOG = f"""\
examples:
  clearscribe run meeting.mp4 --model {OFFLINE_MODEL}
  clearscribe run *.mp4 --out transcripts/ --json

Inputs: any audio or video ffmpeg can decode (mp4, mov, mkv, webm, m4a, mp3, wav, ...),
in English: with a multilingual model, audio clearly in another language fails with
UNSUPPORTED_LANGUAGE.
Outputs per job under --out (default: <home>/results/<job_id>/): enriched.json,
transcript.srt, transcript.vtt, transcript.txt and report.html (sentiment timeline,
marked redactions, timings), all made from the clean text; --out gets an index.html
listing its jobs, refreshed after each input.
The same file run again reports the existing job (job ids come from the content);
--force processes it again. Exit status: 0 if every input completed, 1 otherwise.
A file with several audio tracks is transcribed from its default track, or from the
first non-silent one when the default is silent.
--jobs N runs N inputs at once, each in a process of its own with its share of the CPU
threads (cores // N, or $CLEARSCRIBE_CPU_THREADS each); outputs, job records and exit
status are those of a run one after another, and the JSON lines come in input order.
Default ($CLEARSCRIBE_JOBS, else from this machine): min(cores // threads per job,
available memory // memory per job, inputs), at least 1; threads per job is
$CLEARSCRIBE_CPU_THREADS or 1, memory per job 450 MiB + 1.32 x the model's model.bin
(about 570 MB for offline-tiny.en; 2.5 GB for distil-large-v3, an extrapolation);
1 on a CUDA GPU.
--speakers auto (or N) labels who says what: segments and captions get S1, S2, ... (never
names) and enriched.json talk time, words and sentiment per speaker; off by default.
--redact-media also writes redacted.<ext> (the input's container and suffix): the video copied
untouched, the audio of every redacted span (its word times, {MARGIN_SECONDS} s more each side, and up to
the words heard around it) replaced by a 1 kHz tone, or silence with --redact-media-with silence;
masked profanity too with --redact-media-profanity. Subtitle and data streams are left out. Off by
default.

models: {OFFLINE_MODEL} (bundled Whisper tiny.en weights, offline), {OFFLINE_BASE} (Whisper
base, multilingual, offline; needs clearscribe[multilingual]), {DEFAULT_MODEL} (default; needs a
Hugging Face hub or a local cache), any faster-whisper model name, or a CTranslate2 model dir.
The engine is the SageMaker endpoint's own (faster-whisper), with the same settings:
CLEARSCRIBE_DEVICE, _COMPUTE_TYPE, _BEAM_SIZE, _BATCH_SIZE, _STRATEGY, _CPU_THREADS,
_VOCABULARY, _CORRECTIONS.

--vocabulary FILE lists terms to expect, one per line; --corrections FILE rewrites what is
heard, one 'heard => written' rule per line, e.g.:
  cube control => kubectl
Both are part of a job's identity: another file's content is another job."""


EXIT_EPILOG = """\
exit status: 0 done; 1 a job or the command failed (the error code is on stderr);
2 wrong usage; 130/143/129 interrupted by Ctrl-C/SIGTERM/SIGHUP; 141 output closed early
(e.g. piped into head). Error codes: docs/errors.md."""


class CommandLineParser(argparse.ArgumentParser):
    """argparse with usage errors on one line (and a hint for file names that start with '-')."""

    def error(self, message: str) -> NoReturn:
        hint = ""
        dashed = [a for a in sys.argv[1:] if a.startswith("-") and a != "-" and Path(a).exists()]
        if dashed:
            hint = f" (to name the file {dashed[0]!r}, write ./{dashed[0]} or put -- before it)"
        self.exit(EXIT_USAGE, one_line(f"{self.prog}: error: {message}{hint}; see {self.prog} --help") + "\n")


def positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{raw!r} must be 1 or more")
    return value


def speaker_setting(raw: str) -> SpeakerSetting:
    try:
        return SpeakerSetting.parse(raw)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def path_arg(raw: str) -> Path:
    if not raw.strip():
        raise argparse.ArgumentTypeError("an empty path")
    return Path(raw)


def _common_options() -> CommandLineParser:
    common = CommandLineParser(add_help=False)
    common.add_argument(
        "--home",
        type=path_arg,
        help="data dir holding jobs.sqlite3 and results (default: $CLEARSCRIBE_HOME, else the per-user data dir)",
    )
    common.add_argument("--debug", action="store_true", help="debug logs, and a traceback for unexpected errors")
    return common


def _add_pii_policy(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--pii-policy",
        choices=PII_POLICIES,
        help="strict also hides every number of 3+ digits that is no quantity, amount, time or date, and every "
        "capitalised word outside the dictionary (default: $CLEARSCRIBE_PII_POLICY or standard)",
    )


def _add_redact_media(run: argparse.ArgumentParser) -> None:
    media = run.add_mutually_exclusive_group()
    media.add_argument(
        "--redact-media",
        action="store_const",
        const=True,
        help="also write redacted.<ext>: the recording with the audio of every redacted span replaced "
        "(default: $CLEARSCRIBE_REDACT_MEDIA or off)",
    )
    media.add_argument(
        "--no-redact-media", dest="redact_media", action="store_const", const=False, help="no redacted recording"
    )
    run.add_argument(
        "--redact-media-with",
        choices=REDACT_MEDIA_FILLS,
        help="what replaces the redacted audio: a 1 kHz tone or silence (implies --redact-media; "
        "default: $CLEARSCRIBE_REDACT_MEDIA_WITH or tone)",
    )
    run.add_argument(
        "--redact-media-profanity",
        action="store_const",
        const=True,
        help="replace the audio of masked profanity too (implies --redact-media; "
        "default: $CLEARSCRIBE_REDACT_MEDIA_PROFANITY or off)",
    )


def _add_cloud(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cloud", action="store_true", help="read the deployed stack instead of the local store")
    parser.add_argument("--stack", default="ClearscribeWorkflow", help="workflow stack name (with --cloud)")
    parser.add_argument("--region", help="AWS region (with --cloud; default: from the AWS config)")
    _add_endpoint_url(parser)


def _add_endpoint_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="send the AWS calls to this endpoint instead of AWS, e.g. the one python -m sandbox --serve prints "
        "(default: $AWS_ENDPOINT_URL, else AWS)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = CommandLineParser(
        prog="clearscribe",
        description=DESCRIPTION,
        epilog=EXIT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=CommandLineParser)
    common = _common_options()

    run = sub.add_parser(
        "run",
        parents=[common],
        help="transcribe and enrich video/audio files locally",
        description="Run the whole pipeline locally on each input: one after another, or several at once (--jobs).",
        epilog=RUN_EPILOG + "\n\n" + EXIT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("paths", nargs="+", type=path_arg, metavar="PATH", help="video or audio files")
    run.add_argument("--out", type=path_arg, help="output dir (default: <home>/results)")
    run.add_argument("--model", help=f"model name or model dir (default: $CLEARSCRIBE_MODEL or {DEFAULT_MODEL})")
    _add_pii_policy(run)
    speakers = run.add_mutually_exclusive_group()
    speakers.add_argument(
        "--speakers",
        type=speaker_setting,
        metavar="N|auto",
        help="label who says what: auto finds the number of speakers, N (1-20) is how many there are "
        f"(default: $CLEARSCRIBE_SPEAKERS or {DEFAULT_SPEAKERS}: it adds more than 15%% to the transcription time)",
    )
    speakers.add_argument(
        "--no-speakers",
        dest="speakers",
        action="store_const",
        const=SpeakerSetting.parse(SPEAKERS_OFF),
        help="no speaker labels",
    )
    run.add_argument(
        "--vocabulary",
        type=path_arg,
        metavar="FILE",
        help="terms the recordings hold that the model may not know (product names, people's names, jargon): "
        "one term or phrase per line, blank lines and lines starting with # ignored; given to the decoder as a "
        "hint (default: $CLEARSCRIBE_VOCABULARY, terms separated by ';')",
    )
    run.add_argument(
        "--corrections",
        type=path_arg,
        metavar="FILE",
        help="words the model hears wrong, replaced before PII redaction, captions and the text: one rule "
        "'heard => written' per line (whole words, any case; the written form kept as given) "
        "(default: $CLEARSCRIBE_CORRECTIONS, rules separated by ';')",
    )
    run.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        metavar="N",
        help="inputs processed at once, each in its own process with its share of the CPU threads (default: "
        "$CLEARSCRIBE_JOBS, else min(cores // threads per job, available memory // memory per job, inputs); "
        "see below)",
    )
    _add_redact_media(run)
    run.add_argument("--ffmpeg", help="ffmpeg binary to use (default: $CLEARSCRIBE_FFMPEG, else the bundled one)")
    run.add_argument("--force", action="store_true", help="process again even if the job completed before")
    run.add_argument("--json", action="store_true", help="print one JSON object per input (JSON lines)")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress output")

    enrich = sub.add_parser(
        "enrich",
        parents=[common],
        help="enrich an existing transcript (plain text or Transcript JSON) without transcribing",
        description="Run PII redaction, profanity masking and sentiment on a transcript file. "
        "SRT/VTT are written when the transcript has timestamps.",
    )
    enrich.add_argument("file", type=path_arg, metavar="FILE", help="plain-text transcript or Transcript JSON")
    enrich.add_argument("--out", type=path_arg, help="output dir (default: <home>/results)")
    enrich.add_argument("--json", action="store_true", help="print the result record as JSON")
    enrich.add_argument("--force", action="store_true", help="enrich again even if done before")
    _add_pii_policy(enrich)

    jobs = sub.add_parser("jobs", parents=[common], help="list jobs, newest first")
    jobs.add_argument("--status", type=str.upper, choices=[s.value for s in JobStatus], help="only this status")
    jobs.add_argument("--limit", type=positive_int, default=None, help="at most this many (1 or more)")
    jobs.add_argument("--json", action="store_true", help="print a JSON array")
    _add_cloud(jobs)

    show = sub.add_parser(
        "show", parents=[common], help="status, stage timings, summary and (cloud) estimated cost of one job"
    )
    show.add_argument("job_id", metavar="JOB_ID", help="job id (a unique prefix is enough)")
    show.add_argument("--json", action="store_true", help="print the job record as JSON")
    _add_cloud(show)

    transcript = sub.add_parser("transcript", parents=[common], help="print a job's clean transcript")
    transcript.add_argument("job_id", metavar="JOB_ID", help="job id (a unique prefix is enough)")
    transcript.add_argument("--format", choices=("txt", "json", "srt", "vtt"), default="txt")
    _add_cloud(transcript)

    report = sub.add_parser(
        "report",
        parents=[common],
        help="write (and open) a job's HTML report",
        description="Write a completed job's report.html (sentiment timeline, marked redactions, stage timings and, "
        "for cloud jobs, the estimated cost) from its enriched transcript, and print where it is. A local job's "
        "report goes next to its enriched.json; a cloud job's (--cloud) to ./<job_id>.report.html unless --out says.",
    )
    report.add_argument("job_id", metavar="JOB_ID", help="job id (a unique prefix is enough)")
    report.add_argument("--out", type=path_arg, metavar="FILE", help="write the report to this file instead")
    report.add_argument(
        "--open", action="store_true", help="open it in the web browser (with no display, only print the path)"
    )
    _add_cloud(report)

    submit = sub.add_parser("submit", parents=[common], help="upload videos to the deployed stack's input bucket")
    submit.add_argument("paths", nargs="+", type=path_arg, metavar="VIDEO")
    submit.add_argument("--stack", default="ClearscribeWorkflow", help="workflow stack name")
    submit.add_argument("--region", help="AWS region (default: from the AWS config)")
    submit.add_argument("--json", action="store_true", help="print one JSON object per upload")
    _add_endpoint_url(submit)
    rerun = sub.add_parser(
        "rerun",
        parents=[common],
        help="run a deployed stack's job again from its source object (locally: run --force)",
    )
    rerun.add_argument("job_id", metavar="JOB_ID", help="job id (a unique prefix is enough)")
    rerun.add_argument("--stack", default="ClearscribeWorkflow", help="workflow stack name")
    rerun.add_argument("--region", help="AWS region (default: from the AWS config)")
    rerun.add_argument("--json", action="store_true", help="print the started execution as JSON")
    _add_endpoint_url(rerun)
    return parser
