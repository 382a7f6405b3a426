"""Local settings, from defaults, environment variables and CLI flags (in rising priority).

A value clearscribe cannot use raises ``ConfigInvalidError`` naming the variable, before any
work starts.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from shared.contract import ENV_SPEAKERS, STRATEGIES
from shared.errors import ConfigInvalidError
from shared.speakers import DEFAULT_SPEAKER_SETTING, DEFAULT_SPEAKERS, SpeakerSetting

DEFAULT_MODEL = "distil-large-v3"
OFFLINE_MODEL = "offline-tiny.en"
#: Local speech engines: CTranslate2, or the SageMaker inference module (transformers).
ENGINES = ("faster-whisper", "transformers")

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def env_int(environ: Mapping[str, str], name: str, default: int, *, minimum: int = 0) -> int:
    """``environ[name]`` as a whole number of at least ``minimum``; ``default`` when unset or empty."""
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigInvalidError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigInvalidError(f"{name}={raw!r} must be at least {minimum}")
    return value


def log_level(environ: Mapping[str, str]) -> str:
    """``CLEARSCRIBE_LOG_LEVEL``, checked (default ``WARNING``)."""
    raw = environ.get("CLEARSCRIBE_LOG_LEVEL", "").strip().upper() or "WARNING"
    if raw not in LOG_LEVELS:
        raise ConfigInvalidError(f"CLEARSCRIBE_LOG_LEVEL={raw!r} is not one of {', '.join(LOG_LEVELS)}")
    return raw


def strategy(environ: Mapping[str, str]) -> str:
    """``CLEARSCRIBE_STRATEGY``, checked (default ``chunked``)."""
    raw = environ.get("CLEARSCRIBE_STRATEGY", "").strip().lower() or Settings.strategy
    if raw not in STRATEGIES:
        raise ConfigInvalidError(f"CLEARSCRIBE_STRATEGY={raw!r} is not one of {', '.join(STRATEGIES)}")
    return raw


def speakers(environ: Mapping[str, str]) -> SpeakerSetting:
    """``CLEARSCRIBE_SPEAKERS`` (the endpoint's variable too), checked (default ``off``, ``shared.speakers``)."""
    raw = environ.get(ENV_SPEAKERS, "").strip() or DEFAULT_SPEAKERS
    try:
        return SpeakerSetting.parse(raw)
    except ValueError as exc:
        raise ConfigInvalidError(f"{ENV_SPEAKERS}: {exc}") from None


def default_home(environ: Mapping[str, str] | None = None) -> Path:
    """``$CLEARSCRIBE_HOME``, else the per-user data dir (e.g. ``~/.local/share/clearscribe``)."""
    env = (os.environ if environ is None else environ).get("CLEARSCRIBE_HOME")
    return Path(env).expanduser() if env else Path(platformdirs.user_data_dir("clearscribe", appauthor=False))


@dataclass(frozen=True)
class Settings:
    home: Path
    model: str = DEFAULT_MODEL
    ffmpeg: str | None = None  # None: the static binary from imageio-ffmpeg
    max_bytes: int = 8 * 1024**3
    max_duration_seconds: int = 6 * 3600
    extract_timeout_seconds: int = 3600
    beam_size: int | None = None  # None: each engine's default (FASTER_WHISPER_BEAMS, inference DEFAULT_BEAMS)
    strategy: str = "chunked"
    batch_size: int = 1
    compute_type: str = "int8"
    cpu_threads: int = 0  # 0: one per core
    language: str | None = "en"
    speakers: SpeakerSetting = DEFAULT_SPEAKER_SETTING

    @classmethod
    def from_env(cls, home: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            home=Path(home) if home else default_home(env),
            model=env.get("CLEARSCRIBE_MODEL", "").strip() or DEFAULT_MODEL,
            ffmpeg=env.get("CLEARSCRIBE_FFMPEG") or None,
            max_bytes=env_int(env, "CLEARSCRIBE_MAX_BYTES", cls.max_bytes, minimum=1),
            max_duration_seconds=env_int(env, "CLEARSCRIBE_MAX_DURATION", cls.max_duration_seconds, minimum=1),
            beam_size=env_int(env, "CLEARSCRIBE_BEAM_SIZE", 0, minimum=1) or None,
            strategy=strategy(env),
            batch_size=env_int(env, "CLEARSCRIBE_BATCH_SIZE", cls.batch_size, minimum=1),
            cpu_threads=env_int(env, "CLEARSCRIBE_CPU_THREADS", cls.cpu_threads, minimum=0),
            speakers=speakers(env),
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})  # type: ignore[arg-type]

    @property
    def jobs_db(self) -> Path:
        return self.home / "jobs.sqlite3"

    @property
    def results_dir(self) -> Path:
        return self.home / "results"

    @property
    def work_dir(self) -> Path:
        return self.home / "work"

    @property
    def locks_dir(self) -> Path:
        return self.home / "locks"
