"""``index.html`` of a results folder: every job in it, with a link to its report.

``clearscribe run`` refreshes it after each input, so a batch can be followed in a browser. The
jobs listed are this run's inputs (in the order given, those not reached yet as "waiting"), then
every other job folder already in the results folder, newest first. What each row says comes
from the job store (status, summary), so the index never reads the transcripts themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pipeline.local.jobs import RunOutcome
from pipeline.outputs.formatting import source_name
from pipeline.outputs.report import IndexEntry, render_index
from pipeline.outputs.writer import CONTENT_TYPES, OUTPUT_NAMES
from postprocess.document import Summary
from shared.errors import JobNotFoundError
from shared.jobstore import JobRecord, JobStore
from shared.objectstore import LocalDirStore

INDEX_NAME = "index.html"
WAITING = "WAITING"


class ResultsIndex:
    """The index of ``out_dir`` for one run over ``inputs``."""

    def __init__(self, out_dir: Path, store: JobStore, inputs: Sequence[Path]) -> None:
        self.out_dir = Path(out_dir)
        self.store = store
        self.inputs = [Path(p) for p in inputs]
        self.outcomes: list[RunOutcome] = []

    @property
    def path(self) -> Path:
        return self.out_dir / INDEX_NAME

    def record(self, outcome: RunOutcome) -> Path:
        """Add the outcome of the next input and rewrite the index; returns its path."""
        self.outcomes.append(outcome)
        return self.write()

    def entries(self) -> list[IndexEntry]:
        entries: list[IndexEntry] = []
        listed: set[str] = set()
        for path, outcome in zip(self.inputs, self.outcomes, strict=False):
            entries.append(self._entry(outcome.job_id, path.name, outcome.status.value, outcome.summary, outcome.error))
            listed.add(outcome.job_id)
        entries += [IndexEntry(name=path.name, status=WAITING) for path in self.inputs[len(self.outcomes) :]]
        others = []
        for folder in self._job_folders():
            if folder.name in listed:
                continue
            try:
                record: JobRecord | None = self.store.get_job(folder.name)
            except JobNotFoundError:
                record = None
            others.append((record.updated_at if record else "", folder.name, record))
        for _, job_id, record in sorted(others, key=lambda item: (item[0], item[1]), reverse=True):
            if record is None:
                entries.append(self._entry(job_id, job_id, "UNKNOWN", None, None))
            else:
                name = source_name(record.source)
                entries.append(self._entry(job_id, name, record.status.value, record.summary, record.error))
        return entries

    def write(self) -> Path:
        html = render_index(self.entries(), title=self.out_dir.resolve().name or str(self.out_dir))
        return Path(LocalDirStore(self.out_dir).put_bytes(INDEX_NAME, html.encode("utf-8"), CONTENT_TYPES["html"]))

    def _job_folders(self) -> list[Path]:
        if not self.out_dir.is_dir():
            return []
        return [p for p in self.out_dir.iterdir() if p.is_dir() and (p / OUTPUT_NAMES["json"]).is_file()]

    def _entry(
        self, job_id: str, name: str, status: str, summary: dict[str, Any] | None, error: dict[str, str] | None
    ) -> IndexEntry:
        """A row; the links are there when the files are (a failed re-run keeps the earlier result)."""
        folder = self.out_dir / job_id

        def link(fmt: str) -> str | None:
            return f"{quote(job_id)}/{OUTPUT_NAMES[fmt]}" if (folder / OUTPUT_NAMES[fmt]).is_file() else None

        return IndexEntry(
            name=name,
            status=status,
            job_id=job_id,
            report_href=link("html"),
            transcript_href=link("txt"),
            summary=Summary.from_record(summary, where=f"job {job_id}"),
            error=error,
        )
