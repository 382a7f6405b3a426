"""How the speech engine decodes: one set of settings, read the same way on every host.

``clearscribe run`` and the SageMaker endpoint read the same environment variables
(``shared.contract``), so the same values give the same engine: device, compute type, beam width,
batch size, strategy and CPU threads, and what the user tells it about their words: a vocabulary
(``shared.vocabulary``) and corrections (``shared.corrections``). Only the device tells the hosts apart: on a GPU the
weights run in float16 and 16 chunks go through the model at once, on a CPU in int8 one at a time
(docs/model.md). Standard library only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from shared.contract import (
    ENV_BATCH_SIZE,
    ENV_BEAM_SIZE,
    ENV_COMPUTE_TYPE,
    ENV_CORRECTIONS,
    ENV_CPU_THREADS,
    ENV_DEVICE,
    ENV_STRATEGY,
    ENV_VOCABULARY,
    ENV_WINDOW_SECONDS,
    STRATEGIES,
    WINDOW_SECONDS,
)
from shared.corrections import Correction, corrections_from_env
from shared.env import env_choice, env_int
from shared.errors import ConfigInvalidError
from shared.vocabulary import check_size, vocabulary_from_env

DEVICES = ("auto", "cpu", "cuda")
#: CTranslate2 compute types by device, the default first (docs/model.md, "Compute type").
COMPUTE_TYPES: dict[str, tuple[str, ...]] = {
    "cpu": ("int8", "int8_float32", "int16", "float32"),
    "cuda": ("float16", "int8_float16", "int8", "int8_float32", "bfloat16", "int8_bfloat16", "float32"),
}
#: Chunks decoded together by default: on a GPU a batch fills the device, on a CPU one chunk at a
#: time keeps memory low at the same speed (docs/benchmarks.md, "Speech engines").
DEFAULT_BATCH_SIZE = {"cpu": 1, "cuda": 16}
DEFAULT_BEAM_SIZE = 5
#: The shortest window a recording may be cut into (each cut looks 10 s back for a quiet moment).
MIN_WINDOW_SECONDS = 60


@dataclass(frozen=True)
class EngineSettings:
    """The engine's settings as asked for; ``None`` and ``auto`` are decided by the device."""

    device: str = "auto"
    compute_type: str | None = None
    beam_size: int = DEFAULT_BEAM_SIZE
    batch_size: int | None = None
    strategy: str = "chunked"
    cpu_threads: int = 0  # 0: one per core
    window_seconds: int = WINDOW_SECONDS
    #: Terms the decoder is told to expect (``shared.vocabulary``).
    vocabulary: tuple[str, ...] = ()
    #: Rules applied to the words the engine hears (``shared.corrections``).
    corrections: tuple[Correction, ...] = ()

    def __post_init__(self) -> None:
        if self.device not in DEVICES:
            raise ConfigInvalidError(f"{ENV_DEVICE}={self.device!r} is not one of {', '.join(DEVICES)}")
        if self.strategy not in STRATEGIES:
            raise ConfigInvalidError(f"{ENV_STRATEGY}={self.strategy!r} is not one of {', '.join(STRATEGIES)}")
        if self.beam_size < 1 or (self.batch_size is not None and self.batch_size < 1) or self.cpu_threads < 0:
            raise ConfigInvalidError("beam size and batch size must be at least 1, CPU threads at least 0")
        if self.window_seconds < MIN_WINDOW_SECONDS:
            raise ConfigInvalidError(
                f"{ENV_WINDOW_SECONDS}={self.window_seconds} must be at least {MIN_WINDOW_SECONDS}"
            )
        if self.compute_type is not None and self.device != "auto":
            check_compute_type(self.device, self.compute_type)
        check_size(self.vocabulary, where=ENV_VOCABULARY)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> EngineSettings:
        env = os.environ if environ is None else environ
        batch = env_int(env, ENV_BATCH_SIZE, 0, minimum=1)
        return cls(
            device=env_choice(env, ENV_DEVICE, DEVICES, cls.device),
            compute_type=env.get(ENV_COMPUTE_TYPE, "").strip().lower() or None,
            beam_size=env_int(env, ENV_BEAM_SIZE, cls.beam_size, minimum=1),
            batch_size=batch or None,
            strategy=env_choice(env, ENV_STRATEGY, STRATEGIES, cls.strategy),
            cpu_threads=env_int(env, ENV_CPU_THREADS, cls.cpu_threads, minimum=0),
            window_seconds=env_int(env, ENV_WINDOW_SECONDS, cls.window_seconds, minimum=MIN_WINDOW_SECONDS),
            vocabulary=vocabulary_from_env(env.get(ENV_VOCABULARY, ""), name=ENV_VOCABULARY),
            corrections=corrections_from_env(env.get(ENV_CORRECTIONS, ""), name=ENV_CORRECTIONS),
        )

    def resolved(self, cuda_devices: int | None = None) -> ResolvedSettings:
        """The settings for this machine: ``auto`` is CUDA when CTranslate2 sees a CUDA device."""
        device = self.device
        if device == "auto":
            if cuda_devices is None:
                cuda_devices = cuda_device_count()
            device = "cuda" if cuda_devices > 0 else "cpu"
        compute_type = self.compute_type or COMPUTE_TYPES[device][0]
        check_compute_type(device, compute_type)
        return ResolvedSettings(
            device=device,
            compute_type=compute_type,
            beam_size=self.beam_size,
            batch_size=self.batch_size or DEFAULT_BATCH_SIZE[device],
            strategy=self.strategy,
            cpu_threads=self.cpu_threads or os.cpu_count() or 1,
            window_seconds=self.window_seconds,
            vocabulary=self.vocabulary,
            corrections=self.corrections,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ResolvedSettings:
    """What the engine runs with: every choice made."""

    device: str
    compute_type: str
    beam_size: int
    batch_size: int
    strategy: str
    cpu_threads: int
    window_seconds: int = WINDOW_SECONDS
    vocabulary: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()


def check_compute_type(device: str, compute_type: str) -> None:
    allowed = COMPUTE_TYPES[device]
    if compute_type not in allowed:
        raise ConfigInvalidError(
            f"{ENV_COMPUTE_TYPE}={compute_type!r} does not run on {device}: use one of {', '.join(allowed)}"
        )


def cuda_device_count() -> int:
    """CUDA devices CTranslate2 can use here (0 without a GPU, a driver or CUDA support)."""
    try:
        import ctranslate2
    except ImportError:  # pragma: no cover - the engine cannot load either
        return 0
    try:
        return int(ctranslate2.get_cuda_device_count())
    except (RuntimeError, OSError):
        return 0
