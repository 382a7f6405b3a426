"""The ``clearscribe`` command line: its commands and how their errors end (one line, an exit status).

The arguments are in ``pipeline.cli.parser``, what is printed about a job in ``pipeline.cli.describe``,
the ``--cloud`` side in ``pipeline.cli.cloud``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
import traceback
import urllib.parse
import webbrowser
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.cli.describe import describe_record, describe_summary, one_line
from pipeline.cli.parser import build_parser
from pipeline.local.enrich_file import enrich_file
from pipeline.local.interrupts import exit_status, interrupt_on_signals
from pipeline.local.jobs import RunOutcome
from pipeline.local.parallelism import plan_jobs
from pipeline.local.paths import ensure_writable_dir
from pipeline.local.recovery import recover_interrupted
from pipeline.local.results_index import INDEX_NAME, ResultsIndex
from pipeline.local.terminal import Progress
from pipeline.outputs.writer import MEDIA_OUTPUT, OUTPUT_NAMES
from postprocess.config import EnrichmentConfig
from postprocess.document import EnrichedTranscript, Summary
from shared.config import MediaRedaction, Settings, log_level
from shared.corrections import read_corrections_file
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
from shared.status import JobStatus
from shared.vocabulary import read_vocabulary_file

__all__ = ["build_parser", "main"]

EXIT_OK, EXIT_FAILED, EXIT_CLOSED_PIPE = 0, 1, 141


# -- helpers ----------------------------------------------------------------------------
def _settings(args: argparse.Namespace) -> Settings:
    configured = Settings.from_env(home=args.home)
    settings = configured.with_(
        model=getattr(args, "model", None),
        ffmpeg=getattr(args, "ffmpeg", None),
        speakers=getattr(args, "speakers", None),
        redact_media=_media_redaction(args, configured.redact_media),
    )
    engine: dict[str, Any] = {}
    if getattr(args, "vocabulary", None):
        engine["vocabulary"] = read_vocabulary_file(args.vocabulary)
    if getattr(args, "corrections", None):
        engine["corrections"] = read_corrections_file(args.corrections)
    return settings.with_(engine=dataclasses.replace(settings.engine, **engine)) if engine else settings


def _media_redaction(args: argparse.Namespace, configured: MediaRedaction) -> MediaRedaction:
    """The environment's media redaction setting with the run options over it: ``--redact-media-with`` and
    ``--redact-media-profanity`` imply ``--redact-media``."""
    asked = getattr(args, "redact_media", None)
    fill = getattr(args, "redact_media_with", None)
    profanity = getattr(args, "redact_media_profanity", None)
    if asked is False and (fill or profanity):
        raise ConfigInvalidError("--no-redact-media contradicts --redact-media-with and --redact-media-profanity")
    enabled = configured.enabled if asked is None and not (fill or profanity) else asked is not False
    return dataclasses.replace(
        configured, enabled=enabled, fill=fill or configured.fill, profanity=profanity or configured.profanity
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


def _report(path: Path, outcome: RunOutcome, *, as_json: bool) -> None:
    """One result: a JSON line on stdout, or a short summary (errors on stderr)."""
    if as_json:
        _print_json(outcome.to_dict())
    elif outcome.status is JobStatus.COMPLETE:
        note = " (already done; --force to redo)" if outcome.reused else ""
        print(f"{path}: COMPLETE {outcome.job_id}{note}")
        if outcome.outputs:
            print(f"  outputs:    {Path(outcome.outputs['json']).parent}/")
        for line in describe_summary(Summary.from_record(outcome.summary, where=f"job {outcome.job_id}")):
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
    jobs, threads = plan_jobs(args.jobs, inputs=len(args.paths), settings=settings)
    store = _local_store(settings)
    index = ResultsIndex(out_dir, store, args.paths)
    all_ok = True

    def finished(path: Path, outcome: RunOutcome) -> None:
        nonlocal all_ok
        all_ok &= outcome.status is JobStatus.COMPLETE
        _report(path, outcome, as_json=args.json)
        try:
            index.record(outcome)
        except ClearscribeError as exc:  # the index is a convenience: the job's own outputs are written
            print(one_line(f"clearscribe: {out_dir / INDEX_NAME} not updated: {exc.message}"), file=sys.stderr)

    if jobs > 1:
        from pipeline.local.batch import WorkerConfig, run_batch

        level = logging.getLogger("clearscribe").level
        config = WorkerConfig(settings, enrichment, out_dir, args.force, threads, level)
        run_batch(args.paths, config, jobs=jobs, on_outcome=finished, progress=None if args.quiet else sys.stderr)
    else:
        runner = LocalRunner(
            settings,
            store,
            engine_factory=lambda: load_engine(settings.model, settings=settings),
            enrichment=enrichment,
            out_dir=out_dir,
            progress=Progress(quiet=args.quiet),
        )
        for path in args.paths:
            finished(path, runner.run(path, force=args.force))
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
    for line in describe_record(record):
        print(line)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.outputs.report import ReportFacts, render_report

    record = _find_job(_job_store(args), args.job_id)
    json_uri = (record.outputs or {}).get("json")
    if record.status is not JobStatus.COMPLETE or not json_uri:
        raise OutputNotAvailableError(
            f"job {record.job_id} has no transcript to report on (status {record.status.value})"
        )
    enriched = EnrichedTranscript.from_json(_read_output(json_uri, args), where=json_uri)
    summary = Summary.from_record(record.summary, where=f"job {record.job_id}")
    if args.out:
        target = args.out
    elif json_uri.startswith("s3://"):
        target = Path(f"{record.job_id}.report.html")
    else:
        target = Path(json_uri).with_name(OUTPUT_NAMES["html"])
    facts = ReportFacts(
        status=record.status.value,
        finished_at=record.updated_at,
        cost=summary.estimated_cost if summary else None,
        media=_media_link((record.outputs or {}).get(MEDIA_OUTPUT), target),
    )
    html = render_report(enriched, facts)
    written = Path(LocalDirStore(target.parent).put_bytes(target.name, html.encode("utf-8"), "text/html")).absolute()
    print(written)
    if args.open:
        if _has_display():
            webbrowser.open(written.as_uri())
        else:
            print("no display to open a browser on; open the file above", file=sys.stderr)
    return EXIT_OK


def _media_link(media: str | None, report: Path) -> str | None:
    """The redacted recording's URL relative to where the report is written (None when the job wrote none,
    or it is gone)."""
    if not media or media.startswith("s3://") or not Path(media).is_file():
        return None
    relative = os.path.relpath(Path(media).absolute(), report.absolute().parent)
    return urllib.parse.quote(Path(relative).as_posix())


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
