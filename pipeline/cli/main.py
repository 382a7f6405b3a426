"""The ``clearscribe`` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shared.config import DEFAULT_MODEL, OFFLINE_MODEL, Settings
from shared.errors import ClearscribeError, JobNotFoundError
from shared.jobstore import JobRecord
from shared.status import JobStatus

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

DESCRIPTION = """\
Turn recorded video or audio into clean, enriched transcripts: speech recognition
(Whisper), PII redaction, profanity masking and sentiment, with job status kept in a
local SQLite store (or, with --cloud, the deployed AWS stack's DynamoDB table)."""

RUN_EPILOG = f"""\
examples:
  clearscribe run meeting.mp4 --model {OFFLINE_MODEL}
  clearscribe run *.mp4 --out transcripts/ --json

Inputs: any audio or video ffmpeg can decode (mp4, mov, mkv, webm, m4a, mp3, wav, ...).
Outputs per job under --out (default: <home>/results/<job_id>/): enriched.json,
transcript.srt, transcript.vtt, transcript.txt, all made from the clean text.
The same file run again reports the existing job (job ids come from the content);
--force processes it again. Exit status: 0 if every input completed, 1 otherwise.
A file with several audio tracks is transcribed from its default track, or from the
first non-silent one when the default is silent.

models: {OFFLINE_MODEL} (bundled tiny.en weights, offline, either engine), {DEFAULT_MODEL}
(default; needs a Hugging Face hub or a local cache), any faster-whisper model name, or a
path to a model directory (CTranslate2 for faster-whisper, Hugging Face for transformers)."""


def _add_home(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--home",
        type=Path,
        help="data dir holding jobs.sqlite3 and results (default: $CLEARSCRIBE_HOME, else the per-user data dir)",
    )


def _add_cloud(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--cloud", action="store_true", help="read the deployed stack instead of the local store")
    parser.add_argument("--stack", default="ClearscribeWorkflow", help="workflow stack name (with --cloud)")
    parser.add_argument("--region", help="AWS region (with --cloud; default: from the AWS config)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clearscribe", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="transcribe and enrich video/audio files locally",
        description="Run the whole pipeline locally on each input, one after another.",
        epilog=RUN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="video or audio files")
    run.add_argument("--out", type=Path, help="output dir (default: <home>/results)")
    run.add_argument("--model", help=f"model name or model dir (default: $CLEARSCRIBE_MODEL or {DEFAULT_MODEL})")
    run.add_argument(
        "--engine",
        choices=("faster-whisper", "transformers"),
        default="faster-whisper",
        help="speech engine (transformers: the SageMaker inference module, needs clearscribe[inference])",
    )
    run.add_argument("--ffmpeg", help="ffmpeg binary to use (default: $CLEARSCRIBE_FFMPEG, else the bundled one)")
    run.add_argument("--force", action="store_true", help="process again even if the job completed before")
    run.add_argument("--json", action="store_true", help="print one JSON object per input (JSON lines)")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress output")
    _add_home(run)

    enrich = sub.add_parser(
        "enrich",
        help="enrich an existing transcript (plain text or Transcript JSON) without transcribing",
        description="Run PII redaction, profanity masking and sentiment on a transcript file. "
        "SRT/VTT are written when the transcript has timestamps.",
    )
    enrich.add_argument("file", type=Path, metavar="FILE", help="plain-text transcript or Transcript JSON")
    enrich.add_argument("--out", type=Path, help="output dir (default: <home>/results)")
    enrich.add_argument("--json", action="store_true", help="print the result record as JSON")
    enrich.add_argument("--force", action="store_true", help="enrich again even if done before")
    _add_home(enrich)

    jobs = sub.add_parser("jobs", help="list jobs, newest first")
    jobs.add_argument("--status", type=str.upper, choices=[s.value for s in JobStatus], help="only this status")
    jobs.add_argument("--limit", type=int, default=None, help="at most this many")
    jobs.add_argument("--json", action="store_true", help="print a JSON array")
    _add_home(jobs)
    _add_cloud(jobs)

    show = sub.add_parser("show", help="status, stage timings and summary of one job")
    show.add_argument("job_id", metavar="JOB_ID", help="job id (a unique prefix is enough)")
    show.add_argument("--json", action="store_true", help="print the job record as JSON")
    _add_home(show)
    _add_cloud(show)

    transcript = sub.add_parser("transcript", help="print a job's clean transcript")
    transcript.add_argument("job_id", metavar="JOB_ID", help="job id (a unique prefix is enough)")
    transcript.add_argument("--format", choices=("txt", "json", "srt", "vtt"), default="txt")
    _add_home(transcript)
    _add_cloud(transcript)

    submit = sub.add_parser("submit", help="upload videos to the deployed stack's input bucket")
    submit.add_argument("paths", nargs="+", type=Path, metavar="VIDEO")
    submit.add_argument("--stack", default="ClearscribeWorkflow", help="workflow stack name")
    submit.add_argument("--region", help="AWS region (default: from the AWS config)")
    submit.add_argument("--json", action="store_true", help="print one JSON object per upload")
    rerun = sub.add_parser(
        "rerun",
        help="run a deployed stack's job again from its source object (locally: run --force)",
    )
    rerun.add_argument("job_id", metavar="JOB_ID", help="job id (a unique prefix is enough)")
    rerun.add_argument("--stack", default="ClearscribeWorkflow", help="workflow stack name")
    rerun.add_argument("--region", help="AWS region (default: from the AWS config)")
    rerun.add_argument("--json", action="store_true", help="print the started execution as JSON")
    return parser


# -- helpers ----------------------------------------------------------------------------
def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(home=getattr(args, "home", None)).with_(
        model=getattr(args, "model", None), ffmpeg=getattr(args, "ffmpeg", None)
    )


def _local_store(settings: Settings) -> Any:
    from shared.jobstore.sqlite import SQLiteJobStore

    return SQLiteJobStore(settings.jobs_db)


def _job_store(args: argparse.Namespace) -> Any:
    if getattr(args, "cloud", False):
        from pipeline.cloud.commands import open_cloud_job_store, resolve_stack

        return open_cloud_job_store(resolve_stack(args.stack, region=args.region))
    return _local_store(_settings(args))


def _find_job(store: Any, job_id: str) -> JobRecord:
    try:
        return store.get_job(job_id)
    except JobNotFoundError:
        matches = store.find_jobs(job_id) if hasattr(store, "find_jobs") else []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise JobNotFoundError(f"job id prefix {job_id!r} is ambiguous ({len(matches)} jobs)") from None
        raise


def _read_output(uri: str) -> bytes:
    if uri.startswith("s3://"):
        from pipeline.cloud.commands import read_output

        return read_output(uri)
    return Path(uri).read_bytes()


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False))


def _describe_summary(summary: dict[str, Any] | None) -> list[str]:
    if not summary:
        return []
    pii = summary.get("pii_counts") or {}
    pii_text = ", ".join(f"{k} {v}" for k, v in sorted(pii.items())) or "none"
    sentiment = summary.get("sentiment") or {}
    return [
        f"  audio:      {summary.get('duration_seconds', 0):.1f} s, {summary.get('words', 0)} words",
        f"  PII:        {pii_text}",
        f"  profanity:  {summary.get('profanity_count', 0)}",
        f"  sentiment:  {sentiment.get('label', '?')} ({sentiment.get('compound', 0):+.2f})",
    ]


def _report(path: Path, outcome: Any, *, as_json: bool) -> None:
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
        print(f"{path}: FAILED {outcome.job_id}: {error.get('code')}: {error.get('message')}", file=sys.stderr)


# -- commands ---------------------------------------------------------------------------
def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.asr.engine import load_engine
    from pipeline.local.runner import LocalRunner
    from pipeline.local.terminal import Progress

    settings = _settings(args)
    store = _local_store(settings)
    progress = Progress(quiet=args.quiet)
    runner = LocalRunner(
        settings,
        store,
        engine_factory=lambda: load_engine(args.engine, settings.model, settings=settings),
        out_dir=args.out,
        progress=progress,
    )
    all_ok = True
    for path in args.paths:
        outcome = runner.run(path, force=args.force)
        all_ok &= outcome.status is JobStatus.COMPLETE
        _report(path, outcome, as_json=args.json)
    return EXIT_OK if all_ok else EXIT_FAILED


def cmd_enrich(args: argparse.Namespace) -> int:
    from pipeline.local.enrich_file import enrich_file

    settings = _settings(args)
    outcome = enrich_file(
        args.file, store=_local_store(settings), out_dir=args.out or settings.results_dir, force=args.force
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
    if record.error:
        print(f"error:   {record.error['code']}: {record.error['message']}")
    print("stages:")
    for stage, times in record.stages.items():
        print(f"  {stage:<13} {times.get('started_at', '')} → {times.get('ended_at', '…')}")
    if record.summary:
        print("summary:")
        for line in _describe_summary(record.summary):
            print(line)
    if record.outputs:
        print("outputs:")
        for fmt, uri in record.outputs.items():
            print(f"  {fmt:<4} {uri}")
    return EXIT_OK


def cmd_transcript(args: argparse.Namespace) -> int:
    record = _find_job(_job_store(args), args.job_id)
    if record.status is not JobStatus.COMPLETE or not record.outputs:
        raise JobNotFoundError(f"job {record.job_id} has no transcript (status {record.status.value})")
    data = _read_output(record.outputs[args.format])
    sys.stdout.write(data.decode("utf-8"))
    return EXIT_OK


def cmd_submit(args: argparse.Namespace) -> int:
    from pipeline.cloud.commands import resolve_stack, submit_video

    resources = resolve_stack(args.stack, region=args.region)
    for path in args.paths:
        result = submit_video(path, resources)
        if args.json:
            _print_json(result)
        else:
            print(f"{path}: uploaded to s3://{result['bucket']}/{result['key']} (job {result['job_id']})")
    return EXIT_OK


def cmd_rerun(args: argparse.Namespace) -> int:
    from pipeline.cloud.commands import open_cloud_job_store, rerun_job, resolve_stack

    resources = resolve_stack(args.stack, region=args.region)
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
    "submit": cmd_submit,
    "rerun": cmd_rerun,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ClearscribeError as exc:
        print(f"clearscribe: {exc.code}: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("clearscribe: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        # AWS errors (no credentials, no such stack, access denied) are the user's to fix: one line.
        if not type(exc).__module__.startswith("botocore."):
            raise
        print(f"clearscribe: AWS_ERROR: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
