"""The local job store: one SQLite file (``jobs.sqlite3`` in the data dir)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from shared.errors import JobNotFoundError
from shared.jobstore import JobRecord, apply_transition, check_transition, new_record, restarted_record, utc_now
from shared.status import JobStatus

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    job_id     TEXT PRIMARY KEY,
    status     TEXT NOT NULL,
    source     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    attempt    INTEGER NOT NULL DEFAULT 1,
    detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS jobs_by_status_time ON jobs (status, updated_at);
"""


class SQLiteJobStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- rows ------------------------------------------------------------------------
    @staticmethod
    def _record(row: sqlite3.Row) -> JobRecord:
        detail = json.loads(row["detail"])
        return JobRecord(
            job_id=row["job_id"],
            status=JobStatus(row["status"]),
            source=row["source"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            attempt=row["attempt"],
            stages=detail.get("stages") or {},
            error=detail.get("error"),
            outputs=detail.get("outputs"),
            summary=detail.get("summary"),
            owner=detail.get("owner"),
        )

    @staticmethod
    def _write(conn: sqlite3.Connection, rec: JobRecord) -> None:
        fields = {"stages": rec.stages, "error": rec.error, "outputs": rec.outputs, "summary": rec.summary}
        if rec.owner is not None:
            fields["owner"] = rec.owner
        detail = json.dumps(fields)
        conn.execute(
            "INSERT OR REPLACE INTO jobs (job_id, status, source, created_at, updated_at, attempt, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (rec.job_id, rec.status.value, rec.source, rec.created_at, rec.updated_at, rec.attempt, detail),
        )

    def _fetch(self, conn: sqlite3.Connection, job_id: str) -> JobRecord | None:
        row = conn.execute("SELECT * FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return self._record(row) if row else None

    # -- JobStore --------------------------------------------------------------------
    def create_job(self, job_id: str, source: str, *, owner: str | None = None) -> tuple[JobRecord, bool]:
        with self._transaction() as conn:
            existing = self._fetch(conn, job_id)
            if existing is not None:
                return existing, False
            rec = new_record(job_id, source, at=utc_now(), owner=owner)
            self._write(conn, rec)
            return rec, True

    def restart_job(self, job_id: str, source: str, *, owner: str | None = None) -> JobRecord:
        with self._transaction() as conn:
            existing = self._fetch(conn, job_id)
            if existing is None:
                raise JobNotFoundError(f"no job {job_id}")
            rec = restarted_record(existing, source, at=utc_now(), owner=owner)
            self._write(conn, rec)
            return rec

    def transition(
        self,
        job_id: str,
        target: JobStatus,
        *,
        error: dict[str, str] | None = None,
        outputs: dict[str, str] | None = None,
        summary: dict[str, Any] | None = None,
    ) -> JobRecord:
        with self._transaction() as conn:
            current = self._fetch(conn, job_id)
            if current is None:
                raise JobNotFoundError(f"no job {job_id}")
            check_transition(current, target)
            rec = apply_transition(current, target, at=utc_now(), error=error, outputs=outputs, summary=summary)
            self._write(conn, rec)
            return rec

    def get_job(self, job_id: str) -> JobRecord:
        with self._connect() as conn:
            rec = self._fetch(conn, job_id)
        if rec is None:
            raise JobNotFoundError(f"no job {job_id}")
        return rec

    def find_jobs(self, prefix: str) -> list[JobRecord]:
        """Jobs whose id starts with ``prefix`` (lets users type a short id)."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT * FROM jobs WHERE substr(job_id, 1, ?) = ? ORDER BY updated_at DESC",
                (len(prefix), prefix),
            ).fetchall()
        return [self._record(r) for r in rows]

    def list_jobs(self, status: JobStatus | None = None, limit: int | None = None) -> list[JobRecord]:
        sql = "SELECT * FROM jobs"
        args: list[Any] = []
        if status is not None:
            sql += " WHERE status = ?"
            args.append(status.value)
        sql += " ORDER BY updated_at DESC, job_id"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        with self._connect() as conn:
            rows = conn.execute(sql, args).fetchall()
        return [self._record(r) for r in rows]
