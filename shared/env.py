"""Reading settings from environment variables: one parser for every host.

Standard library only: the SageMaker model artifact ships this module with the inference package.
A value clearscribe cannot use raises ``ConfigInvalidError`` naming the variable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from shared.errors import ConfigInvalidError


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


def env_choice(environ: Mapping[str, str], name: str, choices: Sequence[str], default: str) -> str:
    """``environ[name]`` lower-cased, one of ``choices``; ``default`` when unset or empty."""
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in choices:
        raise ConfigInvalidError(f"{name}={raw!r} is not one of {', '.join(choices)}")
    return raw


ON_WORDS = ("on", "true", "yes", "1")
OFF_WORDS = ("off", "false", "no", "0")


def env_flag(environ: Mapping[str, str], name: str, default: bool) -> bool:
    """``environ[name]`` as on (``on``, ``true``, ``yes``, ``1``) or off (``off``, ``false``, ``no``,
    ``0``), case ignored; ``default`` when unset or empty."""
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ON_WORDS:
        return True
    if raw in OFF_WORDS:
        return False
    raise ConfigInvalidError(f"{name}={raw!r} is not on or off")
