"""Local settings, from defaults, environment variables and CLI flags (in rising priority)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

DEFAULT_MODEL = "distil-large-v3"
OFFLINE_MODEL = "offline-tiny.en"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def default_home() -> Path:
    """``$CLEARSCRIBE_HOME``, else the per-user data dir (e.g. ``~/.local/share/clearscribe``)."""
    env = os.environ.get("CLEARSCRIBE_HOME")
    return Path(env) if env else Path(platformdirs.user_data_dir("clearscribe", appauthor=False))


@dataclass(frozen=True)
class Settings:
    home: Path
    model: str = DEFAULT_MODEL
    ffmpeg: str | None = None  # None: the static binary from imageio-ffmpeg
    max_bytes: int = 8 * 1024**3
    max_duration_seconds: int = 6 * 3600
    extract_timeout_seconds: int = 3600
    beam_size: int = 5
    compute_type: str = "int8"
    cpu_threads: int = 0  # 0: one per core
    language: str | None = "en"

    @classmethod
    def from_env(cls, home: Path | None = None) -> Settings:
        return cls(
            home=Path(home) if home else default_home(),
            model=os.environ.get("CLEARSCRIBE_MODEL", DEFAULT_MODEL),
            ffmpeg=os.environ.get("CLEARSCRIBE_FFMPEG") or None,
            max_bytes=_env_int("CLEARSCRIBE_MAX_BYTES", cls.max_bytes),
            max_duration_seconds=_env_int("CLEARSCRIBE_MAX_DURATION", cls.max_duration_seconds),
            beam_size=_env_int("CLEARSCRIBE_BEAM_SIZE", cls.beam_size),
            cpu_threads=_env_int("CLEARSCRIBE_CPU_THREADS", cls.cpu_threads),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    @property
    def jobs_db(self) -> Path:
        return self.home / "jobs.sqlite3"

    @property
    def results_dir(self) -> Path:
        return self.home / "results"

    @property
    def work_dir(self) -> Path:
        return self.home / "work"
