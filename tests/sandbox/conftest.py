"""The sandbox, stood up once per session from the app synthesized once per session.

``sandbox_assembly`` synthesizes the CDK app as ``clearscribe-sandbox`` does (offline model, short
polls) with the test session's artifact cache, so the model archive is built at most once across
sessions. ``sandbox_run`` stands the deployment up, uploads every recording of
``tests.sandbox.recordings`` and keeps what came of each, with the sandbox still running for the
query-side tests. ``local_transcripts`` is what ``clearscribe run`` makes of the same spoken
recordings on this machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.sandbox.run import InputReport, Leftovers, Sandbox, run_inputs
from infra.sandbox.synth import synthesize
from infra.sandbox.templates import CloudAssembly
from tests.sandbox.recordings import SPOKEN, make_recordings


@pytest.fixture(scope="session")
def sandbox_assembly(tmp_path_factory: pytest.TempPathFactory, offline_model_context: dict[str, Any]) -> Path:
    return synthesize(tmp_path_factory.mktemp("sandbox") / "cdk.out", offline_model_context)


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
def local_transcripts(sandbox_inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Spoken recording name → the clean TXT of ``clearscribe run`` on it (same offline model)."""
    root = tmp_path_factory.mktemp("local-run")
    exe = Path(sys.executable).with_name("clearscribe")
    paths = [str(sandbox_inputs[s.name]) for s in SPOKEN]
    proc = subprocess.run(
        [str(exe), "run", *paths, "--model", "offline-tiny.en", "--home", str(root / "home"), "--json"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    records = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return {s.name: Path(r["outputs"]["txt"]).read_text(encoding="utf-8") for s, r in zip(SPOKEN, records, strict=True)}


@pytest.fixture(scope="session")
def sandbox_run(
    sandbox_assembly: Path, sandbox_inputs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SandboxRun]:
    root = tmp_path_factory.mktemp("sandbox-run")
    inputs = sandbox_inputs
    with Sandbox(CloudAssembly(sandbox_assembly), root / "deployment") as sandbox:
        reports = run_inputs(sandbox, list(inputs.values()), root / "out", timeout=900)
        yield SandboxRun(
            sandbox=sandbox,
            inputs=inputs,
            reports={r.input: r for r in reports},
            out_dir=root / "out",
            leftovers=sandbox.leftovers(),
            notifications=sandbox.notifications(),
        )
