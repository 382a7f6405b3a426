"""Settings of the model stack (the Distil-Whisper asynchronous endpoint), from CDK context.

Context keys (``cdk.json`` or ``-c clearscribe:<key>=<value>``); docs/model.md explains each:

======================================  ==================================  ===============================
key                                     default                             meaning
======================================  ==================================  ===============================
``clearscribe:model-id``                ``distil-whisper/distil-large-v3-`` hub id (CTranslate2 weights), or
                                        ``ct2``                             ``offline-tiny.en`` / ``offline-base``
``clearscribe:model-revision``          ``main``                            hub branch, tag or commit
``clearscribe:weights-dir``             none                                local CTranslate2 model dir to ship
``clearscribe:artifact-cache-dir``      per-user cache dir                  staged artifacts, joined weights
``clearscribe:instance-type``           ``ml.g4dn.xlarge``                  endpoint instance type
``clearscribe:max-instances``           ``2``                               auto scaling maximum (minimum 0)
``clearscribe:autoscaling``             ``true``                            scale 0…max; ``false`` to change
                                                                            the instance type (see docs)
``clearscribe:max-concurrent-``         ``1``                               requests one instance works on
``invocations``
``clearscribe:long-form-strategy``      ``chunked``                         see docs/model.md
``clearscribe:batch-size``              GPU ``16``, CPU ``1``               chunks decoded together
``clearscribe:compute-type``            GPU ``float16``, CPU ``int8``       CTranslate2 compute type
``clearscribe:beam-size``               ``5``                               beam width
``clearscribe:invocation-timeout-``     ``3600``                            async ``InvocationTimeoutSeconds``
``seconds``
``clearscribe:max-audio-seconds``       from the instance type              longest window accepted
``clearscribe:raw-expiry-days``         ``7``                               expiry of audio/ and inference/
``clearscribe:backlog-per-instance``    ``2``                               scaling target
``clearscribe:speakers``                ``off``                             speaker labels: off, auto or N
                                                                            (1-20), as ``run --speakers``
``clearscribe:vocabulary``              none                                terms to expect: a list, or the
                                                                            path of a vocabulary file, as
                                                                            ``run --vocabulary``
``clearscribe:corrections``             none                                ``heard => written`` rules: a
                                                                            list, or the path of a file, as
                                                                            ``run --corrections``
======================================  ==================================  ===============================

The artifact is always self-contained (weights, code, the speaker encoder and every package the
code imports inside ``model.tar.gz``) and the model runs with network isolation: the endpoint
needs no egress at all. The container image and its packages are fixed in
``infra/inference_image.py`` (bumped together with the test that proves the pair).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import platformdirs
from constructs import Node

from infra.config import PREFIX, ConfigError, context_bool, context_int, context_str
from shared.config import OFFLINE_MODELS
from shared.contract import DEFAULT_MODEL_ID, STRATEGIES
from shared.corrections import Correction, corrections_to_env, parse_corrections
from shared.engine_settings import COMPUTE_TYPES, DEFAULT_BATCH_SIZE, DEFAULT_BEAM_SIZE
from shared.errors import ConfigInvalidError
from shared.speakers import DEFAULT_SPEAKERS, SpeakerSetting
from shared.vocabulary import MAX_ENV_BYTES, env_bytes, file_lines, parse_vocabulary

T = TypeVar("T")

_INSTANCE_TYPE = re.compile(r"^ml\.([a-z0-9-]+)\.([a-z0-9]+)$")
# GPU families SageMaker hosts (g: graphics/inference GPUs, p: training-class GPUs).
_GPU_FAMILY = re.compile(r"^(g\d|p\d)")
# Families with local NVMe instance storage: SageMaker rejects an endpoint config volume KMS key for them.
_LOCAL_STORAGE_FAMILY = re.compile(r"^(g4dn|g5|g6|g6e|p3dn|p4d|p4de|p5|[a-z]\d[a-z]*d)$")
#: The async limit on ``InvocationTimeoutSeconds``.
MAX_INVOCATION_TIMEOUT_SECONDS = 3600
#: Share of the invocation timeout a recording may use: room for model load and decoding jitter.
TIMEOUT_HEADROOM = 0.8

#: Upper estimates of the real-time factor (processing seconds per audio second) of
#: distil-large-v3 on faster-whisper with the default decoding of each processor (GPU: float16,
#: chunked, batch 16, beam 5; CPU: int8, chunked, batch 1, beam 5), per instance family. They come
#: from faster-whisper's published figures, not from a run on these instances (docs/model.md,
#: "What the duration guard expects"): large-v2, float16, batch 8, beam 5 transcribes 13 minutes in
#: 17 s on an RTX 3070 Ti (0.022); distil-large-v3's decoder has 2 layers to large-v2's 32; a T4
#: (g4dn) has about half that card's float16 throughput. Replace them by a measurement
#: (``python -m bench.bench_gpu`` on the instance, then ``clearscribe:max-audio-seconds``).
GPU_REAL_TIME_FACTOR = {"g4dn": 0.05, "g5": 0.03, "g6": 0.03, "g6e": 0.02, "p3": 0.03, "p4d": 0.02, "p5": 0.02}
DEFAULT_GPU_REAL_TIME_FACTOR = 0.05
#: CPU: faster-whisper publishes Whisper small, int8, batch 8: 13 minutes in 51 s on 8 threads
#: (0.065); distil-large-v3's encoder is about 2.6 times small's size, batch 1 and 4 vCPUs halve
#: the throughput twice: 0.065 × 2.6 × 4 ≈ 0.7 on 4 vCPUs, scaling with the vCPU count.
CPU_REAL_TIME_FACTOR_4_VCPU = 0.7
_SIZE_VCPUS = {"medium": 1, "large": 2, "xlarge": 4}
#: Speaker diarization's processing seconds per audio second (on the CPU whatever the instance):
#: 8.4 s for a 10.2-minute conversation on 2 busy cores (docs/benchmarks.md), rounded up.
DIARIZATION_REAL_TIME_FACTOR = 0.02


def default_artifact_cache_dir() -> Path:
    return Path(platformdirs.user_cache_dir("clearscribe", appauthor=False)) / "model-artifacts"


@dataclass(frozen=True)
class ModelConfig:
    model_id: str = DEFAULT_MODEL_ID
    model_revision: str = "main"
    weights_dir: str | None = None
    artifact_cache_dir: str | None = None
    instance_type: str = "ml.g4dn.xlarge"
    max_instances: int = 2
    #: False only while changing the instance type: SageMaker refuses that change for a variant
    #: registered with Application Auto Scaling (docs/deploy.md, "Changing the instance type").
    autoscaling: bool = True
    max_concurrent_invocations: int = 1
    long_form_strategy: str = "chunked"
    batch_size: int | None = None  # None: 16 on a GPU, 1 on a CPU
    compute_type: str | None = None  # None: float16 on a GPU, int8 on a CPU
    beam_size: int = DEFAULT_BEAM_SIZE
    invocation_timeout_seconds: int = MAX_INVOCATION_TIMEOUT_SECONDS
    max_audio_seconds: int | None = None  # None: from the instance type's estimated real-time factor
    raw_expiry_days: int = 7
    backlog_per_instance: int = 2
    scale_in_cooldown_seconds: int = 600
    scale_out_cooldown_seconds: int = 120
    model_server_timeout_seconds: int = MAX_INVOCATION_TIMEOUT_SECONDS
    #: Speaker labels (``shared.speakers``): ``off``, ``auto`` or a number of speakers.
    speakers: str = DEFAULT_SPEAKERS
    #: Terms the decoder is told to expect (``shared.vocabulary``) and the corrections of what it hears
    #: (``shared.corrections``): the engine settings ``run --vocabulary`` and ``--corrections`` set.
    vocabulary: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "speakers", str(SpeakerSetting.parse(self.speakers)))
        except ValueError as exc:
            raise ConfigError(f"speakers: {exc}") from None
        if not _INSTANCE_TYPE.match(self.instance_type):
            raise ConfigError(f"instance-type: {self.instance_type!r} is not a SageMaker instance type (ml.*)")
        if self.max_instances < 1:
            raise ConfigError("max-instances must be at least 1")
        if self.max_concurrent_invocations < 1:
            raise ConfigError("max-concurrent-invocations must be at least 1")
        if self.raw_expiry_days < 1:
            raise ConfigError("raw-expiry-days must be at least 1")
        if self.backlog_per_instance < 1:
            raise ConfigError("backlog-per-instance must be at least 1")
        if self.long_form_strategy not in STRATEGIES:
            raise ConfigError(f"long-form-strategy must be one of {', '.join(STRATEGIES)}")
        if self.batch_size is not None and self.batch_size < 1:
            raise ConfigError("batch-size must be at least 1")
        if self.beam_size < 1:
            raise ConfigError("beam-size must be at least 1")
        if self.compute_type is not None and self.compute_type not in COMPUTE_TYPES[self.device]:
            raise ConfigError(
                f"compute-type {self.compute_type!r} does not run on {self.instance_type} ({self.device}): "
                f"use one of {', '.join(COMPUTE_TYPES[self.device])}"
            )
        if not 1 <= self.invocation_timeout_seconds <= MAX_INVOCATION_TIMEOUT_SECONDS:
            raise ConfigError(f"invocation-timeout-seconds must be within [1, {MAX_INVOCATION_TIMEOUT_SECONDS}]")
        if self.max_audio_seconds is not None and self.max_audio_seconds < 1:
            raise ConfigError("max-audio-seconds must be at least 1")
        corrections_size = env_bytes(corrections_to_env(self.corrections))
        if corrections_size > MAX_ENV_BYTES:
            raise ConfigError(
                f"corrections: {corrections_size} bytes as the endpoint's environment value; at most "
                f"{MAX_ENV_BYTES} fit: keep the rules that matter"
            )

    # -- derived -------------------------------------------------------------------------------
    @property
    def instance_family(self) -> str:
        return self.instance_type.split(".")[1]

    @property
    def is_gpu(self) -> bool:
        return bool(_GPU_FAMILY.match(self.instance_family))

    @property
    def processor(self) -> str:
        return "gpu" if self.is_gpu else "cpu"

    @property
    def has_local_storage(self) -> bool:
        """True for instance families with NVMe instance storage (no volume KMS key allowed)."""
        return bool(_LOCAL_STORAGE_FAMILY.match(self.instance_family))

    @property
    def device(self) -> str:
        """The engine's device: CUDA on a GPU instance (and nothing else: no quiet CPU fallback)."""
        return "cuda" if self.is_gpu else "cpu"

    @property
    def strategy(self) -> str:
        return self.long_form_strategy

    @property
    def decode_batch_size(self) -> int:
        return self.batch_size or DEFAULT_BATCH_SIZE[self.device]

    @property
    def decode_compute_type(self) -> str:
        return self.compute_type or COMPUTE_TYPES[self.device][0]

    @property
    def is_offline_model(self) -> bool:
        return self.model_id in OFFLINE_MODELS

    @property
    def cache_dir(self) -> Path:
        return Path(self.artifact_cache_dir).expanduser() if self.artifact_cache_dir else default_artifact_cache_dir()

    @property
    def labels_speakers(self) -> bool:
        return SpeakerSetting.parse(self.speakers).enabled

    @property
    def estimated_real_time_factor(self) -> float:
        """Upper estimate of processing seconds per audio second on this instance type, speaker
        diarization included when it is on."""
        diarization = DIARIZATION_REAL_TIME_FACTOR if self.labels_speakers else 0.0
        if self.is_gpu:
            return GPU_REAL_TIME_FACTOR.get(self.instance_family, DEFAULT_GPU_REAL_TIME_FACTOR) + diarization
        size = self.instance_type.split(".")[2]
        multiple = re.fullmatch(r"(\d+)xlarge", size)
        vcpus = 4 * int(multiple.group(1)) if multiple else _SIZE_VCPUS.get(size, 4)
        return CPU_REAL_TIME_FACTOR_4_VCPU * 4 / vcpus + diarization

    @property
    def longest_audio_seconds(self) -> int:
        """The longest recording the endpoint is given: finishable within the invocation timeout."""
        if self.max_audio_seconds is not None:
            return self.max_audio_seconds
        usable = self.invocation_timeout_seconds * TIMEOUT_HEADROOM
        return int(math.floor(usable / self.estimated_real_time_factor / 60) * 60)

    @classmethod
    def from_context(cls, node: Node) -> ModelConfig:
        d = cls
        batch = context_int(node, "batch-size", 0, minimum=0, maximum=256)
        max_audio = context_int(node, "max-audio-seconds", 0, minimum=0)
        return cls(
            model_id=context_str(node, "model-id", d.model_id) or d.model_id,
            model_revision=context_str(node, "model-revision", d.model_revision) or d.model_revision,
            weights_dir=context_str(node, "weights-dir", None),
            artifact_cache_dir=context_str(node, "artifact-cache-dir", None),
            instance_type=context_str(node, "instance-type", d.instance_type) or d.instance_type,
            max_instances=context_int(node, "max-instances", d.max_instances, minimum=1, maximum=100),
            autoscaling=context_bool(node, "autoscaling", d.autoscaling),
            max_concurrent_invocations=context_int(
                node, "max-concurrent-invocations", d.max_concurrent_invocations, minimum=1, maximum=1000
            ),
            long_form_strategy=context_str(node, "long-form-strategy", d.long_form_strategy) or d.long_form_strategy,
            batch_size=batch or None,
            compute_type=context_str(node, "compute-type", None),
            beam_size=context_int(node, "beam-size", d.beam_size, minimum=1, maximum=20),
            invocation_timeout_seconds=context_int(
                node,
                "invocation-timeout-seconds",
                d.invocation_timeout_seconds,
                minimum=1,
                maximum=MAX_INVOCATION_TIMEOUT_SECONDS,
            ),
            max_audio_seconds=max_audio or None,
            raw_expiry_days=context_int(node, "raw-expiry-days", d.raw_expiry_days, minimum=1),
            backlog_per_instance=context_int(node, "backlog-per-instance", d.backlog_per_instance, minimum=1),
            speakers=context_str(node, "speakers", d.speakers) or d.speakers,
            vocabulary=_read_context_lines(node, "vocabulary", parse_vocabulary),
            corrections=_read_context_lines(node, "corrections", parse_corrections),
        )


def _read_context_lines(node: Node, key: str, parse: Callable[..., tuple[T, ...]]) -> tuple[T, ...]:
    """A context key that holds a file's lines: a list of them (JSON on the command line), or the path of
    the file (relative to the directory ``cdk`` runs in), read now, at synth time. Bad lines fail the
    synth, named by file (or key) and line."""
    value = node.try_get_context(PREFIX + key)
    if value is None or value == "" or value == []:
        return ()
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{PREFIX}{key}: not a JSON list ({exc.msg})") from None
    try:
        if isinstance(value, str):
            path = Path(value).expanduser()
            return parse(file_lines(path, what=key), source=str(path))
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{PREFIX}{key}: expected a list of strings or the path of a file, got {value!r}")
        lines = [(i, item.strip()) for i, item in enumerate(value, start=1) if item.strip()]
        return parse(lines, source=f"{PREFIX}{key} item")
    except ConfigInvalidError as exc:
        raise ConfigError(exc.message) from None
