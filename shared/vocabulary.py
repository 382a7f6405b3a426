"""Custom vocabulary: the terms a recording is likely to hold that the speech model does not know.

Product names, people's names and jargon are what Whisper gets wrong most. A vocabulary file lists
them, one term or phrase per line; blank lines and lines whose first non-blank character is ``#``
are ignored (a ``#`` later in a line is part of the term: ``C#``). The engine gives the terms to
the decoder as a hint (``pipeline.asr.inference.engine``, docs/model.md "Custom vocabulary").

The vocabulary is an engine setting: ``clearscribe run --vocabulary FILE`` and the endpoint read it
from the same environment variable (``CLEARSCRIBE_VOCABULARY``), the terms separated by ``;``. A
SageMaker container's environment value holds at most :data:`MAX_ENV_BYTES` bytes (UTF-8), so a
vocabulary must fit in that on both paths: what runs locally runs on AWS.

Standard library only: the SageMaker model artifact ships this module with the inference package.
"""

from __future__ import annotations

from pathlib import Path

from shared.errors import ConfigInvalidError

#: What separates the terms in the environment variable; no term may hold it.
SEPARATOR = ";"
#: The longest value of one environment variable of a SageMaker model's container, in bytes
#: (``ContainerDefinition.Environment`` in the SageMaker API reference).
MAX_ENV_BYTES = 1024
#: Beyond this many terms the hint dilutes and the decoder's prompt runs out of room
#: (docs/model.md, "Custom vocabulary"): the CDK app warns, the engine keeps what fits.
ADVISED_MAX_TERMS = 50

__all__ = [
    "ADVISED_MAX_TERMS",
    "MAX_ENV_BYTES",
    "SEPARATOR",
    "env_bytes",
    "file_lines",
    "parse_vocabulary",
    "read_vocabulary_file",
    "vocabulary_from_env",
    "vocabulary_prompt",
    "vocabulary_to_env",
]


def file_lines(path: Path, *, what: str) -> list[tuple[int, str]]:
    """``(line number, line)`` of a UTF-8 text file, without blank lines and ``#`` comment lines;
    ``ConfigInvalidError`` naming the file when it cannot be read."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigInvalidError(f"{what} file {path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise ConfigInvalidError(f"{what} file {path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise ConfigInvalidError(f"{what} file {path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            lines.append((number, stripped))
    return lines


def _term(raw: str, *, where: str) -> str:
    term = " ".join(raw.split())
    if SEPARATOR in term:
        raise ConfigInvalidError(f"{where}: a term may not contain {SEPARATOR!r}")
    return term


def _unique(terms: list[str]) -> tuple[str, ...]:
    """``terms`` in order, each once (compared case-insensitively: the first spelling is kept)."""
    seen: dict[str, str] = {}
    for term in terms:
        seen.setdefault(term.casefold(), term)
    return tuple(seen.values())


def parse_vocabulary(lines: list[tuple[int, str]], *, source: str) -> tuple[str, ...]:
    """The terms of a vocabulary file's lines (see :func:`file_lines`), checked."""
    terms = _unique([_term(line, where=f"{source}:{number}") for number, line in lines])
    check_size(terms, where=source)
    return terms


def read_vocabulary_file(path: Path) -> tuple[str, ...]:
    """The terms of a vocabulary file: one term or phrase per line (``ConfigInvalidError`` naming the
    file, and the line for a bad one)."""
    return parse_vocabulary(file_lines(path, what="vocabulary"), source=str(path))


def vocabulary_to_env(terms: tuple[str, ...] | list[str]) -> str:
    """The environment variable's value for ``terms``."""
    return SEPARATOR.join(terms)


def vocabulary_from_env(raw: str, *, name: str) -> tuple[str, ...]:
    """The terms of the environment variable ``name``'s value."""
    terms = _unique([t for t in (" ".join(part.split()) for part in raw.split(SEPARATOR)) if t])
    check_size(terms, where=name)
    return terms


def env_bytes(value: str) -> int:
    """The size of an environment value as SageMaker counts it."""
    return len(value.encode("utf-8"))


def check_size(terms: tuple[str, ...], *, where: str) -> None:
    """A vocabulary must fit in one environment variable of the endpoint's container."""
    size = env_bytes(vocabulary_to_env(terms))
    if size > MAX_ENV_BYTES:
        raise ConfigInvalidError(
            f"{where}: the vocabulary is {size} bytes written as {len(terms)} terms separated by "
            f"{SEPARATOR!r}; at most {MAX_ENV_BYTES} fit in the endpoint's environment: keep the terms "
            "the model gets wrong"
        )


def vocabulary_prompt(terms: tuple[str, ...]) -> str:
    """The hint the decoder is given: the terms as a comma-separated list."""
    return ", ".join(terms)
