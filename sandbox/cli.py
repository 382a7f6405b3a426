"""``python -m sandbox VIDEO... [--out DIR] [--json]``: the synthesized AWS workflow, run on this machine."""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
#: Modules of the ``dev`` extra the sandbox cannot run without (module → what it is for).
REQUIRED = {
    "moto": "moto",
    "flask": "moto's server (moto[server])",
    "faster_whisper": "faster-whisper",
    "presidio_analyzer": "presidio",
}

DESCRIPTION = """\
Run recordings through the AWS workflow as synthesized, on this machine, before deploying it.

The CDK app is synthesized with the bundled offline model (-c clearscribe:model-id=offline-tiny.en)
and a sweep after two seconds; everything is read from the templates. moto stands in for S3,
DynamoDB, SNS, Step Functions (it executes the state machine's definition, with MediaConvert's
.sync integration added) and CloudFormation; each Lambda function runs its real handler in a
process of its own with exactly its template environment, called by the states, by the SNS
subscriptions (the endpoint's notifications) and by the scheduled rules (the sweeper);
MediaConvert is emulated with ffmpeg after checking the job settings against the documented
rules; the SageMaker asynchronous endpoint is emulated with the synthesized model artifact,
served by the inference toolkit itself in a Python environment of the container image's pinned
packages (built once, a few minutes and a few GB), with no network and on the CPU. Each video is uploaded to the
input bucket and the event S3 would send goes through the upload rule (a file the rule ignores
is reported as IGNORED)."""

EPILOG = """\
For each input: status (COMPLETE, FAILED, IGNORED), the job id, the error {code, message},
the execution ARN, the stage times from the job table, and the outputs (enriched.json, SRT, VTT,
TXT, report.html) downloaded into --out/<job_id>/. The functions' and the endpoint's logs go to
--out/logs/. With --serve the sandbox stays up afterwards, so that
  clearscribe jobs|show|transcript|report --cloud --endpoint-url URL
can query it (the command to use is printed).

exit status: 0 every input completed and nothing is left running; 1 otherwise (or the sandbox
could not be stood up: the reason is on stderr); 2 wrong usage. Needs the dev extra
(pip install -e '.[dev]'), Node.js (for the CDK), ffmpeg and CPython 3.12 (the image's).
docs/operations.md says what the sandbox proves and what it does not."""


def _context_item(raw: str) -> tuple[str, Any]:
    key, sep, value = raw.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{raw!r} is not KEY=VALUE")
    return key, value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sandbox",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("videos", nargs="+", type=Path, metavar="VIDEO", help="files to upload, one job each")
    parser.add_argument("--out", type=Path, default=Path("sandbox-results"), help="where outputs and logs go")
    parser.add_argument("--json", action="store_true", help="one JSON object per input (JSON lines) on stdout")
    parser.add_argument(
        "-c",
        "--context",
        action="append",
        type=_context_item,
        default=[],
        metavar="KEY=VALUE",
        help="CDK context for the synthesis, as with cdk synth -c (repeatable)",
    )
    parser.add_argument(
        "--assembly", type=Path, metavar="DIR", help="use this synthesized cloud assembly (cdk.out) instead"
    )
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds to wait for one execution (3600)")
    parser.add_argument("--ffmpeg", help="ffmpeg binary the MediaConvert emulator runs (default: the bundled one)")
    parser.add_argument("--serve", action="store_true", help="stay up after the run for --cloud queries (Ctrl-C ends)")
    return parser


def missing_requirements() -> list[str]:
    return [what for module, what in REQUIRED.items() if importlib.util.find_spec(module) is None]


def _say(message: str) -> None:
    print(f"sandbox: {message}", file=sys.stderr, flush=True)


def _print_report(report: Any, *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.to_dict(), ensure_ascii=False), flush=True)
        return
    if report.status == "COMPLETE":
        folder = Path(next(iter(report.outputs.values()))).parent if report.outputs else "-"
        print(f"{report.input}: COMPLETE {report.job_id} (outputs in {folder}/)")
        for stage, times in report.stages.items():
            print(f"  {stage:<13} {times.get('started_at', '')} → {times.get('ended_at', '…')}")
    elif report.status == "IGNORED":
        print(f"{report.input}: IGNORED: {report.reason}")
    else:
        error = report.error or {}
        job = report.job_id or "(no job)"
        print(f"{report.input}: {report.status} {job}: {error.get('code')}: {error.get('message')}")
    sys.stdout.flush()


def _serve(sandbox: Any, stack: str) -> None:
    print(
        f"\nsandbox serving at {sandbox.endpoint_url} (Ctrl-C to stop); query it with e.g.\n"
        f"  AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox clearscribe jobs --cloud --stack {stack} "
        f"--region {sandbox.region} --endpoint-url {sandbox.endpoint_url}",
        file=sys.stderr,
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    missing = missing_requirements()
    if missing:
        _say(f"needs the dev extra ({', '.join(missing)} missing): pip install -e '.[dev]'")
        return EXIT_FAILED
    absent = [str(p) for p in args.videos if not p.is_file()]
    if absent:
        _say(f"no such file: {', '.join(absent)}")
        return EXIT_USAGE
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)  # stopped like Ctrl-C: every process it started ends
    from sandbox.run import Sandbox, SandboxError, run_inputs
    from sandbox.synth import SynthError, synthesize
    from sandbox.templates import CloudAssembly, TemplateError

    workdir = Path(tempfile.mkdtemp(prefix="clearscribe-sandbox-"))
    try:
        if args.assembly is None:
            _say("synthesizing the CDK app (offline-tiny.en) …")
            assembly_dir = synthesize(workdir / "cdk.out", dict(args.context))
        else:
            assembly_dir = args.assembly
        assembly = CloudAssembly(assembly_dir)
        _say("standing up the deployment …")
        with Sandbox(assembly, workdir / "deployment", ffmpeg=args.ffmpeg) as sandbox:
            _say(f"running {len(args.videos)} input(s) …")
            reports = run_inputs(sandbox, args.videos, args.out, timeout=args.timeout)
            for report in reports:
                _print_report(report, as_json=args.json)
            leftovers = sandbox.leftovers()
            if leftovers:
                _say(f"still running: {leftovers.describe()}")
            shutil.copytree(sandbox.log_dir, args.out / "logs", dirs_exist_ok=True)
            if args.serve:
                _serve(sandbox, sandbox.workflow_stack)
        ok = all(r.status == "COMPLETE" for r in reports) and not leftovers
        return EXIT_OK if ok else EXIT_FAILED
    except (SynthError, TemplateError, SandboxError) as exc:
        _say(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
