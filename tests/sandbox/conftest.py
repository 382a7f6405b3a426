"""The sandbox, stood up once per session from the app synthesized once per session.

``sandbox_assembly`` synthesizes the CDK app as ``python -m sandbox`` does (offline model, a
sweep after two seconds) with windows of :data:`WINDOW_SECONDS` (so the long recording is
several) and the test session's artifact cache, so the model archive is built at most once
across sessions. ``sandbox_run`` stands the deployment up (scheduled rules firing every
:data:`SCHEDULE_SECONDS`), uploads every recording of ``tests.sandbox.recordings`` and keeps what
came of each, with the sandbox still running for the query-side tests. ``local_runs`` is what
``clearscribe run`` makes, with the endpoint's engine settings and the workflow's window length,
of the same spoken recordings and of the audio the endpoint itself transcribed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sandbox.run import InputReport, Leftovers, Sandbox, run_inputs
from sandbox.synth import synthesize
from sandbox.templates import CloudAssembly
from shared.contract import AUDIO_PREFIX, ENV_ENGINE, ENV_WINDOW_SECONDS
from tests.sandbox.recordings import SPOKEN, make_recordings

#: The shortest window the workflow allows: the long recording is three of them.
WINDOW_SECONDS = 60
#: How often the sweeper's schedule fires in the tests (the template says every minute).
SCHEDULE_SECONDS = 3


@pytest.fixture(scope="session")
def sandbox_assembly(tmp_path_factory: pytest.TempPathFactory, offline_model_context: dict[str, Any]) -> Path:
    context = {**offline_model_context, "clearscribe:window-seconds": WINDOW_SECONDS}
    return synthesize(tmp_path_factory.mktemp("sandbox") / "cdk.out", context)


@dataclass
class SandboxRun:
    sandbox: Sandbox
    inputs: dict[str, Path]
    reports: dict[str, InputReport]
    out_dir: Path
    leftovers: Leftovers
    notifications: list[dict[str, Any]]

    def report(self, name: str) -> InputReport:
        return self.reports[str(self.inputs[name])]

    def logs(self) -> str:
        """Everything every function and the endpoint wrote to their logs."""
        return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in self.sandbox.log_dir.glob("*.log"))


@pytest.fixture(scope="session")
def sandbox_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_recordings(tmp_path_factory.mktemp("sandbox-inputs"))


@pytest.fixture(scope="session")
def sandbox_run(
    sandbox_assembly: Path, sandbox_inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxRun]:
    root = tmp_path_factory.mktemp("sandbox-run")
    inputs = sandbox_inputs
    with Sandbox(CloudAssembly(sandbox_assembly), root / "deployment", schedule_seconds=SCHEDULE_SECONDS) as sandbox:
        reports = run_inputs(sandbox, list(inputs.values()), root / "out", timeout=900)
        yield SandboxRun(
            sandbox=sandbox,
            inputs=inputs,
            reports={r.input: r for r in reports},
            out_dir=root / "out",
            leftovers=sandbox.leftovers(),
            notifications=sandbox.notifications(),
        )


@dataclass(frozen=True)
class LocalRuns:
    """``clearscribe run`` with the endpoint's engine settings: on each spoken recording (``videos``)
    and on the audio MediaConvert extracted from it, which the endpoint transcribed (``audio``);
    each a spoken recording's name → its ``enriched.json``."""

    videos: dict[str, dict[str, Any]]
    audio: dict[str, dict[str, Any]]
    environment: dict[str, str]


def _run_locally(paths: list[Path], home: Path, environment: dict[str, str]) -> list[dict[str, Any]]:
    exe = Path(sys.executable).with_name("clearscribe")
    env = {**os.environ, **environment}
    proc = subprocess.run(
        [str(exe), "run", *map(str, paths), "--model", "offline-tiny.en", "--home", str(home), "--json"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return [json.loads(Path(r["outputs"]["json"]).read_text(encoding="utf-8")) for r in records]


@pytest.fixture(scope="session")
def local_runs(sandbox_run: SandboxRun, tmp_path_factory: pytest.TempPathFactory) -> LocalRuns:
    root = tmp_path_factory.mktemp("local-run")
    (endpoint,) = sandbox_run.sandbox.endpoints.values()
    assert endpoint.container is not None
    environment = {k: v for k, v in endpoint.container.environment.items() if k in ENV_ENGINE}
    # The windows are the workflow's (CheckAudioExtraction plans them), not the endpoint's.
    functions = sandbox_run.sandbox.lambdas.functions.values()
    (environment[ENV_WINDOW_SECONDS],) = {
        f.config.variables[ENV_WINDOW_SECONDS] for f in functions if ENV_WINDOW_SECONDS in f.config.variables
    }
    s3 = sandbox_run.sandbox.client("s3")
    audio: list[Path] = []
    for spoken in SPOKEN:
        job_id = sandbox_run.report(spoken.name).job_id
        (location,) = {
            r["requestParameters"]["inputLocation"]
            for r in endpoint.results
            if f"/{AUDIO_PREFIX}{job_id}/" in r["requestParameters"]["inputLocation"]
        }
        bucket, _, key = location[len("s3://") :].partition("/")
        audio.append(root / "audio" / f"{job_id}{Path(key).suffix}")
        audio[-1].parent.mkdir(exist_ok=True)
        s3.download_file(bucket, key, str(audio[-1]))
    videos = [sandbox_run.inputs[s.name] for s in SPOKEN]
    names = [s.name for s in SPOKEN]
    return LocalRuns(
        videos=dict(zip(names, _run_locally(videos, root / "home", environment), strict=True)),
        audio=dict(zip(names, _run_locally(audio, root / "home", environment), strict=True)),
        environment=environment,
    )
