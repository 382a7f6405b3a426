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

from shared.contract import ENV_SPEAKERS
from shared.engine_settings import EngineSettings
from shared.env import env_choice, env_flag, env_int
from shared.errors import ConfigInvalidError
from shared.speakers import DEFAULT_SPEAKER_SETTING, DEFAULT_SPEAKERS, SpeakerSetting

DEFAULT_MODEL = "distil-large-v3"
#: Whisper tiny.en, shipped in a package (the ``local`` extra): no network needed.
OFFLINE_MODEL = "offline-tiny.en"
#: Whisper base, multilingual (it tells the spoken language), shipped in packages (the ``multilingual`` extra).
OFFLINE_BASE = "offline-base"
OFFLINE_MODELS = (OFFLINE_MODEL, OFFLINE_BASE)

#: The engine settings when no variable sets them.
DEFAULT_ENGINE_SETTINGS = EngineSettings()

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

#: What replaces the redacted stretches of a recording's audio in ``redacted.<ext>`` (``--redact-media-with``).
REDACT_MEDIA_FILLS = ("tone", "silence")

__all__ = [
    "DEFAULT_MODEL",
    "OFFLINE_BASE",
    "OFFLINE_MODEL",
    "OFFLINE_MODELS",
    "REDACT_MEDIA_FILLS",
    "MediaRedaction",
    "Settings",
    "env_int",
    "log_level",
]


def log_level(environ: Mapping[str, str]) -> str:
    """``CLEARSCRIBE_LOG_LEVEL``, checked (default ``WARNING``)."""
    raw = environ.get("CLEARSCRIBE_LOG_LEVEL", "").strip().upper() or "WARNING"
    if raw not in LOG_LEVELS:
        raise ConfigInvalidError(f"CLEARSCRIBE_LOG_LEVEL={raw!r} is not one of {', '.join(LOG_LEVELS)}")
    return raw


def speakers(environ: Mapping[str, str]) -> SpeakerSetting:
    """``CLEARSCRIBE_SPEAKERS`` (the endpoint's variable too), checked (default ``off``, ``shared.speakers``)."""
    raw = environ.get(ENV_SPEAKERS, "").strip() or DEFAULT_SPEAKERS
    try:
        return SpeakerSetting.parse(raw)
    except ValueError as exc:
        raise ConfigInvalidError(f"{ENV_SPEAKERS}: {exc}") from None


@dataclass(frozen=True)
class MediaRedaction:
    """Whether ``clearscribe run`` writes ``redacted.<ext>`` (the recording with the audio of every redacted
    span replaced), what replaces it (``tone`` or ``silence``), and whether masked profanity is replaced too.

    Read from ``CLEARSCRIBE_REDACT_MEDIA`` (on|off, default off), ``CLEARSCRIBE_REDACT_MEDIA_WITH``
    (tone|silence, default tone) and ``CLEARSCRIBE_REDACT_MEDIA_PROFANITY`` (on|off, default off); the run
    options ``--redact-media``, ``--redact-media-with`` and ``--redact-media-profanity`` override them.
    """

    enabled: bool = False
    fill: str = "tone"
    profanity: bool = False

    def __post_init__(self) -> None:
        if self.fill not in REDACT_MEDIA_FILLS:
            raise ConfigInvalidError(f"redacted media fill {self.fill!r} is not one of {', '.join(REDACT_MEDIA_FILLS)}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> MediaRedaction:
        return cls(
            enabled=env_flag(environ, "CLEARSCRIBE_REDACT_MEDIA", False),
            fill=env_choice(environ, "CLEARSCRIBE_REDACT_MEDIA_WITH", REDACT_MEDIA_FILLS, "tone"),
            profanity=env_flag(environ, "CLEARSCRIBE_REDACT_MEDIA_PROFANITY", False),
        )

    def to_dict(self) -> dict[str, object]:
        """What a job's identity keeps of it (only asked for when enabled)."""
        return {"fill": self.fill, "profanity": self.profanity}


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
    #: How the engine decodes (``CLEARSCRIBE_DEVICE``, ``_BEAM_SIZE``, …): what the endpoint reads too.
    engine: EngineSettings = DEFAULT_ENGINE_SETTINGS
    speakers: SpeakerSetting = DEFAULT_SPEAKER_SETTING
    redact_media: MediaRedaction = MediaRedaction()

    @classmethod
    def from_env(cls, home: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            home=Path(home) if home else default_home(env),
            model=env.get("CLEARSCRIBE_MODEL", "").strip() or DEFAULT_MODEL,
            ffmpeg=env.get("CLEARSCRIBE_FFMPEG") or None,
            max_bytes=env_int(env, "CLEARSCRIBE_MAX_BYTES", cls.max_bytes, minimum=1),
            max_duration_seconds=env_int(env, "CLEARSCRIBE_MAX_DURATION", cls.max_duration_seconds, minimum=1),
            engine=EngineSettings.from_env(env),
            speakers=speakers(env),
            redact_media=MediaRedaction.from_env(env),
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
