"""The ``clearscribe`` command line."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import traceback
import unicodedata
import webbrowser
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from pipeline.local.enrich_file import enrich_file
from pipeline.local.interrupts import exit_status, interrupt_on_signals
from pipeline.local.jobs import RunOutcome
from pipeline.local.paths import ensure_writable_dir
from pipeline.local.recovery import recover_interrupted
from pipeline.local.results_index import INDEX_NAME, ResultsIndex
from pipeline.local.terminal import Progress
from pipeline.outputs.report import clock, duration_text, usd
from pipeline.outputs.writer import OUTPUT_NAMES
from postprocess.config import PII_POLICIES, EnrichmentConfig
from shared.config import DEFAULT_MODEL, OFFLINE_BASE, OFFLINE_MODEL, Settings, log_level
from shared.errors import (
    AmbiguousJobIdError,
    ClearscribeError,
    ConfigInvalidError,
    JobNotFoundError,
    OutputNotAvailableError,
)
from shared.jobstore import JobRecord
from shared.jobstore.sqlite import SQLiteJobStore
from shared.objectstore import LocalDirStore
from shared.speakers import DEFAULT_SPEAKERS, SPEAKERS_OFF, SpeakerSetting
from shared.status import JobStatus

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_CLOSED_PIPE = 0, 1, 2, 141

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
--speakers auto (or N) labels who says what: segments and captions get S1, S2, ... (never
names) and enriched.json talk time, words and sentiment per speaker; off by default.

models: {OFFLINE_MODEL} (bundled Whisper tiny.en weights, offline), {OFFLINE_BASE} (Whisper
base, multilingual, offline; needs clearscribe[multilingual]), {DEFAULT_MODEL} (default; needs a
Hugging Face hub or a local cache), any faster-whisper model name, or a CTranslate2 model dir.
The engine is the SageMaker endpoint's own (faster-whisper), with the same settings:
CLEARSCRIBE_DEVICE, _COMPUTE_TYPE, _BEAM_SIZE, _BATCH_SIZE, _STRATEGY, _CPU_THREADS."""


EXIT_EPILOG = """\
exit status: 0 done; 1 a job or the command failed (the error code is on stderr);
2 wrong usage; 130/143/129 interrupted by Ctrl-C/SIGTERM/SIGHUP; 141 output closed early
(e.g. piped into head). Error codes: docs/errors.md."""


def one_line(text: str) -> str:
    """``text`` with control characters and line separators escaped, so a message stays one line
    whatever file name or argument it quotes."""
    return "".join(repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


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


def _add_cloud(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cloud", action="store_true", help="read the deployed stack instead of the local store")
    parser.add_argument("--stack", default="ClearscribeWorkflow", help="workflow stack name (with --cloud)")
    parser.add_argument("--region", help="AWS region (with --cloud; default: from the AWS config)")
    _add_endpoint_url(parser)


def _add_endpoint_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="send the AWS calls to this endpoint instead of AWS, e.g. the one clearscribe-sandbox --serve prints "
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
        description="Run the whole pipeline locally on each input, one after another.",
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


# -- helpers ----------------------------------------------------------------------------
def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(home=args.home).with_(
        model=getattr(args, "model", None),
        ffmpeg=getattr(args, "ffmpeg", None),
        speakers=getattr(args, "speakers", None),
    )


def _enrichment_config(args: argparse.Namespace) -> EnrichmentConfig:
    try:
        config = EnrichmentConfig.from_env()
        policy = getattr(args, "pii_policy", None)
        return dataclasses.replace(config, pii_policy=policy) if policy else config
    except ValueError as exc:
        raise ConfigInvalidError(f"enrichment setting: {exc}") from None


def _local_store(settings: Settings) -> SQLiteJobStore:
    """The local job store, after cleaning up what killed runs left behind."""
    ensure_writable_dir(settings.home, what="data dir (--home)")
    store = SQLiteJobStore(settings.jobs_db)
    recover_interrupted(store, settings.home)
    return store


def _job_store(args: argparse.Namespace) -> Any:
    if getattr(args, "cloud", False):
        from pipeline.cli.cloud import open_cloud_job_store

        return open_cloud_job_store(_resolve_stack(args))
    return _local_store(_settings(args))


def _resolve_stack(args: argparse.Namespace) -> Any:
    from pipeline.cli.cloud import resolve_stack

    return resolve_stack(args.stack, region=args.region, endpoint_url=args.endpoint_url)


def _find_job(store: Any, job_id: str) -> JobRecord:
    try:
        return store.get_job(job_id)
    except JobNotFoundError:
        matches = store.find_jobs(job_id) if hasattr(store, "find_jobs") and job_id else []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            some = ", ".join(m.job_id for m in matches[:3])
            raise AmbiguousJobIdError(
                f"job id prefix {job_id!r} matches {len(matches)} jobs ({some}{', …' if len(matches) > 3 else ''}); "
                "type more of it"
            ) from None
        raise JobNotFoundError(f"no job {job_id!r} (clearscribe jobs lists them)") from None


def _read_output(uri: str, args: argparse.Namespace) -> bytes:
    if uri.startswith("s3://"):
        from pipeline.cli.cloud import read_output

        return read_output(uri, region=args.region, endpoint_url=args.endpoint_url)
    try:
        return Path(uri).read_bytes()
    except FileNotFoundError:
        raise OutputNotAvailableError(f"{uri} has been removed since; run the job again with --force") from None
    except OSError as exc:
        raise OutputNotAvailableError(f"{uri}: cannot be read ({exc.strerror})") from None


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False))


def _describe_summary(summary: dict[str, Any] | None) -> list[str]:
    if not summary:
        return []
    pii = summary.get("pii_counts") or {}
    pii_text = ", ".join(f"{k} {v}" for k, v in sorted(pii.items())) or "none"
    sentiment = summary.get("sentiment") or {}
    lines = [
        f"  audio:      {summary.get('duration_seconds', 0):.1f} s, {summary.get('words', 0)} words",
        f"  PII:        {pii_text}",
        f"  profanity:  {summary.get('profanity_count', 0)}",
        f"  sentiment:  {sentiment.get('label', '?')} ({sentiment.get('compound', 0):+.2f})",
    ]
    speech, covered = summary.get("speech_seconds"), summary.get("covered_seconds")
    if speech:
        lines.append(f"  speech:     {speech:.1f} s detected, {covered or 0:.1f} s of it with words")
    if "speakers" in summary:
        lines += _describe_speakers(summary["speakers"])
    for warning in summary.get("warnings") or []:
        span = f"{clock(warning.get('start', 0))}–{clock(warning.get('end', 0))}"
        lines.append(one_line(f"  WARNING:    {span} {warning.get('code', '')}: {warning.get('message', '')}"))
    return lines


def _describe_speakers(speakers: list[dict[str, Any]]) -> list[str]:
    """One line per speaker: talk time (and its share), words, sentiment."""
    if not speakers:
        return ["  speakers:   none found"]
    total = sum(float(s.get("talk_seconds") or 0.0) for s in speakers)
    lines = [f"  speakers:   {len(speakers)}"]
    for speaker in speakers:
        talk = float(speaker.get("talk_seconds") or 0.0)
        share = f" ({talk / total:.0%})" if total else ""
        sentiment = speaker.get("sentiment") or {}
        lines.append(
            one_line(
                f"    {speaker.get('id', '?'):<4} talks {duration_text(talk)}{share}, {speaker.get('words', 0)} words, "
                f"sentiment {sentiment.get('label', '?')} ({sentiment.get('compound', 0):+.2f})"
            )
        )
    return lines


def _report(path: Path, outcome: RunOutcome, *, as_json: bool) -> None:
    """One result: a JSON line on stdout, or a short summary (errors on stderr)."""
    if as_json:
        _print_json(outcome.to_dict())
    elif outcome.status is JobStatus.COMPLETE:
        note = " (already done; --force to redo)" if outcome.reused else ""
        print(f"{path}: COMPLETE {outcome.job_id}{note}")
        if outcome.outputs:
            print(f"  outputs:    {Path(outcome.outputs['json']).parent}/")
        for line in _describe_summary(outcome.summary):
            print(line)
    else:
        error = outcome.error or {}
        kept = "; the earlier result is kept" if outcome.previous_result_kept else ""
        message = f"{path}: FAILED {outcome.job_id}: {error.get('code')}: {error.get('message')}{kept}"
        print(one_line(message), file=sys.stderr)


# -- commands ---------------------------------------------------------------------------
def cmd_run(args: argparse.Namespace) -> int:
    # The speech engine's modules (numpy, ctranslate2) are imported only by the command that uses them.
    from pipeline.asr.engine import check_model, load_engine
    from pipeline.local.runner import LocalRunner

    settings = _settings(args)
    enrichment = _enrichment_config(args)
    out_dir = ensure_writable_dir(args.out or settings.results_dir, what="output dir (--out)")
    check_model(settings.model)
    store = _local_store(settings)
    runner = LocalRunner(
        settings,
        store,
        engine_factory=lambda: load_engine(settings.model, settings=settings),
        enrichment=enrichment,
        out_dir=out_dir,
        progress=Progress(quiet=args.quiet),
    )
    index = ResultsIndex(out_dir, store, args.paths)
    all_ok = True
    for path in args.paths:
        outcome = runner.run(path, force=args.force)
        all_ok &= outcome.status is JobStatus.COMPLETE
        _report(path, outcome, as_json=args.json)
        try:
            index.record(outcome)
        except ClearscribeError as exc:  # the index is a convenience: the job's own outputs are written
            print(one_line(f"clearscribe: {out_dir / INDEX_NAME} not updated: {exc.message}"), file=sys.stderr)
    if not args.quiet and not args.json:
        print(f"index of {out_dir}: {index.path}")
    return EXIT_OK if all_ok else EXIT_FAILED


def cmd_enrich(args: argparse.Namespace) -> int:
    settings = _settings(args)
    enrichment = _enrichment_config(args)
    out_dir = ensure_writable_dir(args.out or settings.results_dir, what="output dir (--out)")
    outcome = enrich_file(
        args.file,
        store=_local_store(settings),
        home=settings.home,
        out_dir=out_dir,
        force=args.force,
        enrichment=enrichment,
    )
    _report(args.file, outcome, as_json=args.json)
    return EXIT_OK if outcome.status is JobStatus.COMPLETE else EXIT_FAILED


def cmd_jobs(args: argparse.Namespace) -> int:
    store = _job_store(args)
    status = JobStatus(args.status) if args.status else None
    records = store.list_jobs(status=status, limit=args.limit)
    if args.json:
        _print_json([r.listing() for r in records])
        return EXIT_OK
    if not records:
        print("no jobs")
    for r in records:
        code = f"  {r.error['code']}" if r.error else ""
        print(f"{r.job_id}  {r.status.value:<12} {r.updated_at}  {r.source}{code}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    record = _find_job(_job_store(args), args.job_id)
    if args.json:
        _print_json(record.to_dict())
        return EXIT_OK
    print(f"job:     {record.job_id} (attempt {record.attempt})")
    print(f"status:  {record.status.value}")
    print(f"source:  {record.source}")
    print(f"created: {record.created_at}   updated: {record.updated_at}")
    if record.owner and not record.status.is_terminal:
        seen = f", last seen {record.heartbeat_at}" if record.heartbeat_at else ""
        print(f"running: {record.owner}{seen}")
    if record.error:
        print(f"error:   {record.error['code']}: {record.error['message']}")
    if record.last_rerun:
        error = record.last_rerun.get("error") or {}
        print(
            f"re-run:  attempt {record.last_rerun.get('attempt')} FAILED at {record.last_rerun.get('at')}: "
            f"{error.get('code')}: {error.get('message')} (this result is from the attempt before)"
        )
    print("stages:")
    for stage, times in record.stages.items():
        took = _stage_seconds(times)
        took_text = f"  ({duration_text(took)})" if took is not None else ""
        print(f"  {stage:<13} {times.get('started_at', '')} → {times.get('ended_at', '…')}{took_text}")
    if record.summary:
        print("summary:")
        for line in _describe_summary(record.summary):
            print(line)
        cost = record.summary.get("estimated_cost")
        if cost:
            print(f"estimated cost: {_describe_cost(cost)}")
            for line in cost.get("lines") or []:
                price = "no confirmed price" if line.get("usd") is None else usd(line["usd"])
                print(f"  {line.get('item', '?'):<18} {line.get('quantity', 0):>12,} {line.get('unit', '')}s  {price}")
    if record.outputs:
        print("outputs:")
        for fmt, uri in record.outputs.items():
            print(f"  {fmt:<4} {uri}")
    return EXIT_OK


def _stage_seconds(times: dict[str, str]) -> float | None:
    """How long a finished stage took."""
    try:
        started, ended = (datetime.fromisoformat(times[k].replace("Z", "+00:00")) for k in ("started_at", "ended_at"))
    except (KeyError, ValueError):
        return None
    return max(0.0, (ended - started).total_seconds())


def _describe_cost(cost: dict[str, Any]) -> str:
    scope = "" if cost.get("complete") else " for the priced items (some have no confirmed price)"
    return f"{usd(cost.get('total_usd', 0.0))}{scope}, {cost.get('region')} list prices of {cost.get('prices_as_of')}"


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.outputs.report import ReportFacts, render_report

    record = _find_job(_job_store(args), args.job_id)
    json_uri = (record.outputs or {}).get("json")
    if record.status is not JobStatus.COMPLETE or not json_uri:
        raise OutputNotAvailableError(
            f"job {record.job_id} has no transcript to report on (status {record.status.value})"
        )
    try:
        enriched = json.loads(_read_output(json_uri, args).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise OutputNotAvailableError(f"{json_uri} is not an enriched transcript (not valid JSON)") from None
    facts = ReportFacts(
        status=record.status.value,
        finished_at=record.updated_at,
        cost=(record.summary or {}).get("estimated_cost"),
    )
    html = render_report(enriched, facts)
    if args.out:
        target = args.out
    elif json_uri.startswith("s3://"):
        target = Path(f"{record.job_id}.report.html")
    else:
        target = Path(json_uri).with_name(OUTPUT_NAMES["html"])
    written = Path(LocalDirStore(target.parent).put_bytes(target.name, html.encode("utf-8"), "text/html")).absolute()
    print(written)
    if args.open:
        if _has_display():
            webbrowser.open(written.as_uri())
        else:
            print("no display to open a browser on; open the file above", file=sys.stderr)
    return EXIT_OK


def _has_display() -> bool:
    """Whether a web browser can show a window: always on macOS and Windows; elsewhere only
    with an X11 or Wayland display (otherwise ``webbrowser`` could start a text browser in this terminal)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_transcript(args: argparse.Namespace) -> int:
    record = _find_job(_job_store(args), args.job_id)
    if record.status is not JobStatus.COMPLETE or not record.outputs:
        raise OutputNotAvailableError(f"job {record.job_id} has no transcript (status {record.status.value})")
    if args.format not in record.outputs:
        raise OutputNotAvailableError(
            f"job {record.job_id} has no {args.format} output (its transcript has no timestamps); "
            f"it has: {', '.join(sorted(record.outputs))}"
        )
    data = _read_output(record.outputs[args.format], args)
    sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK


def cmd_submit(args: argparse.Namespace) -> int:
    from pipeline.cli.cloud import submit_video

    resources = _resolve_stack(args)
    for path in args.paths:
        result = submit_video(path, resources)
        if args.json:
            _print_json(result)
        else:
            print(f"{path}: uploaded to s3://{result['bucket']}/{result['key']} (job {result['job_id']})")
    return EXIT_OK


def cmd_rerun(args: argparse.Namespace) -> int:
    from pipeline.cli.cloud import open_cloud_job_store, rerun_job

    resources = _resolve_stack(args)
    record = _find_job(open_cloud_job_store(resources), args.job_id)
    result = rerun_job(record.job_id, resources)
    if args.json:
        _print_json(result)
    else:
        print(f"{record.job_id}: started again ({result['execution_arn']})")
    return EXIT_OK


COMMANDS = {
    "run": cmd_run,
    "enrich": cmd_enrich,
    "jobs": cmd_jobs,
    "show": cmd_show,
    "transcript": cmd_transcript,
    "report": cmd_report,
    "submit": cmd_submit,
    "rerun": cmd_rerun,
}


def _fail(message: str) -> int:
    print(one_line(f"clearscribe: {message}"), file=sys.stderr)
    return EXIT_FAILED


def _quiet_closed_stdout() -> None:
    """stdout was closed by its reader (``| head``): drop what is left unwritten, exit quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    debug = args.debug
    try:
        level = "DEBUG" if debug else log_level(os.environ)
        logging.getLogger("clearscribe").setLevel(level)
        with interrupt_on_signals():
            code = COMMANDS[args.command](args)
        sys.stdout.flush()
        return code
    except ClearscribeError as exc:
        return _fail(f"{exc.code}: {exc.message}")
    except KeyboardInterrupt as exc:
        print("clearscribe: interrupted", file=sys.stderr)
        return exit_status(exc)
    except BrokenPipeError:
        _quiet_closed_stdout()
        return EXIT_CLOSED_PIPE
    except Exception as exc:
        if type(exc).__module__.startswith("botocore."):
            # AWS errors (no credentials, no such stack, access denied) are the user's to fix: one line.
            return _fail(f"AWS_ERROR: {exc}")
        if debug:
            traceback.print_exc()
        detail = f"{exc.strerror}: {exc.filename}" if isinstance(exc, OSError) and exc.filename else type(exc).__name__
        return _fail(f"INTERNAL_ERROR: {detail} (run again with --debug for the traceback)")


if __name__ == "__main__":
    sys.exit(main())
