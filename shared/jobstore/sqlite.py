"""The local job store: one SQLite file (``jobs.sqlite3`` in the data dir).

Several ``clearscribe`` processes may share one store: the file is in WAL mode (readers never
block the writer) and every write is one ``BEGIN IMMEDIATE`` transaction that waits up to
``BUSY_TIMEOUT_SECONDS`` for another writer.

The layout is versioned with SQLite's ``user_version``; opening a store migrates it forward in
one transaction. A file that is not a SQLite database, is damaged, belongs to another program or
was written by a newer clearscribe raises ``StoreCorruptError`` naming the file and what to do.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from shared.errors import JobNotFoundError, OutputNotWritableError, StoreBusyError, StoreCorruptError
from shared.jobstore import JobRecord, apply_transition, check_transition, new_record, restarted_record, utc_now
from shared.status import RUNNING, JobStatus

BUSY_TIMEOUT_SECONDS = 60.0

# Each entry takes the layout from version i to i + 1. Stores made before versioning have
# user_version 0 and already hold the version-1 table: ``IF NOT EXISTS`` makes that step a no-op.
_MIGRATIONS: tuple[str, ...] = (
    """
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
    """,
    # What runs a job (``process PID on HOST``) and when it last reported in, to tell a live job
    # from one whose process was killed.
    "ALTER TABLE jobs ADD COLUMN owner TEXT; ALTER TABLE jobs ADD COLUMN heartbeat_at TEXT;",
)
SCHEMA_VERSION = len(_MIGRATIONS)
_COLUMNS = {"job_id", "status", "source", "created_at", "updated_at", "attempt", "detail"}


class SQLiteJobStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputNotWritableError(f"{self.path.parent}: cannot create the data dir ({exc.strerror})") from None
        self._migrate()

    # -- connection ------------------------------------------------------------------
    def _corrupt(self, what: str) -> StoreCorruptError:
        return StoreCorruptError(
            f"{self.path}: {what}; move it aside (mv {self.path} {self.path}.bad) and clearscribe starts a new, "
            "empty job store (results already written stay where they are)"
        )

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        except sqlite3.Error as exc:
            raise OutputNotWritableError(f"{self.path}: cannot open the job store ({exc})") from None
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreBusyError(
                    f"{self.path}: the job store stayed locked by another process for {BUSY_TIMEOUT_SECONDS:g} s"
                ) from None
            if "readonly" in str(exc) or "unable to open" in str(exc):
                raise OutputNotWritableError(f"{self.path}: the job store cannot be written ({exc})") from None
            raise self._corrupt(f"not a readable clearscribe job store ({exc})") from None
        except sqlite3.DatabaseError as exc:
            raise self._corrupt(f"not a readable clearscribe job store ({exc})") from None
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

    def _migrate(self) -> None:
        with self._connect() as conn:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise self._corrupt(f"written by a newer clearscribe (store version {version}, this one reads up to "
                                    f"{SCHEMA_VERSION}); upgrade clearscribe, or")  # fmt: skip
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "jobs" not in tables and tables:
                raise self._corrupt("a SQLite database of another program (it has no jobs table)")
            if "jobs" in tables:
                columns = {r[1] for r in conn.execute("PRAGMA table_info(jobs)")}
                if not columns >= _COLUMNS:
                    raise self._corrupt("a database whose jobs table is not clearscribe's")
            if version == SCHEMA_VERSION:
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have migrated while this one waited for the write lock.
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                for step in _MIGRATIONS[version:]:
                    for statement in filter(str.strip, step.split(";")):
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
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
            last_rerun=detail.get("last_rerun"),
            owner=row["owner"],
            heartbeat_at=row["heartbeat_at"],
        )

    @staticmethod
    def _write(conn: sqlite3.Connection, rec: JobRecord) -> None:
        detail = {"stages": rec.stages, "error": rec.error, "outputs": rec.outputs, "summary": rec.summary}
        if rec.last_rerun:
            detail["last_rerun"] = rec.last_rerun
        conn.execute(
            "INSERT OR REPLACE INTO jobs"
            " (job_id, status, source, created_at, updated_at, attempt, detail, owner, heartbeat_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rec.job_id,
                rec.status.value,
                rec.source,
                rec.created_at,
                rec.updated_at,
                rec.attempt,
                json.dumps(detail),
                rec.owner,
                rec.heartbeat_at,
            ),
        )

    def _fetch(self, conn: sqlite3.Connection, job_id: str) -> JobRecord | None:
        row = conn.execute("SELECT * FROM jobs WHERE job_id = ?", (job_id,)).fetchone()
        return self._record(row) if row else None

    def _fetch_existing(self, conn: sqlite3.Connection, job_id: str) -> JobRecord:
        rec = self._fetch(conn, job_id)
        if rec is None:
            raise JobNotFoundError(f"no job {job_id}")
        return rec

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
            rec = restarted_record(self._fetch_existing(conn, job_id), source, at=utc_now(), owner=owner)
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
            current = self._fetch_existing(conn, job_id)
            check_transition(current, target)
            rec = apply_transition(current, target, at=utc_now(), error=error, outputs=outputs, summary=summary)
            if target.is_terminal:  # nothing runs it any more
                rec.owner = rec.heartbeat_at = None
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

    # -- local runs ------------------------------------------------------------------
    def running_jobs(self) -> list[JobRecord]:
        """Jobs in a status that is not terminal (being run now, or left behind by a killed run)."""
        marks = ", ".join("?" for _ in RUNNING)
        with self._connect() as conn:
            rows = conn.execute(f"SELECT * FROM jobs WHERE status IN ({marks})", [s.value for s in RUNNING]).fetchall()
        return [self._record(r) for r in rows]

    def heartbeat(self, job_id: str, owner: str) -> None:
        """``owner`` is still running ``job_id`` (no effect once the job has ended or changed hands)."""
        with self._transaction() as conn:
            conn.execute("UPDATE jobs SET heartbeat_at = ? WHERE job_id = ? AND owner = ?", (utc_now(), job_id, owner))

    def revert_rerun(self, previous: JobRecord, attempt: int, error: dict[str, str]) -> JobRecord:
        """Put back ``previous`` (a completed attempt) after its re-run, ``attempt``, failed with ``error``.

        The failure is kept in ``last_rerun``; the previous outputs and summary stay the job's result.
        """
        with self._transaction() as conn:
            current = self._fetch_existing(conn, previous.job_id)
            if current.attempt != attempt:  # another run has moved the job on since: leave it alone
                return current
            rec = JobRecord.from_dict(previous.to_dict())
            rec.updated_at = utc_now()
            rec.last_rerun = {"attempt": attempt, "error": error, "at": rec.updated_at}
            rec.owner = rec.heartbeat_at = None
            self._write(conn, rec)
            return rec
