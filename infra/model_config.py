"""Settings of the model stack (the Distil-Whisper asynchronous endpoint), from CDK context.

Context keys (``cdk.json`` or ``-c clearscribe:<key>=<value>``):

==================================  ==================================  =================================
key                                 default                             meaning
==================================  ==================================  =================================
``clearscribe:model-id``            ``distil-whisper/distil-large-v3``  hub id (recorded in transcripts)
``clearscribe:instance-type``       ``ml.m5.xlarge``                    endpoint instance type (CPU/GPU)
``clearscribe:max-instances``       ``2``                               auto scaling maximum (minimum 0)
``clearscribe:max-concurrent-``     ``1``                               requests one instance works on
``invocations``
``clearscribe:package-weights``     ``false``                           ship weights in model.tar.gz
``clearscribe:weights-dir``         none                                local HF model dir to ship
``clearscribe:wheels-dir``          none                                wheels for ``code/requirements``
``clearscribe:transformers-         ``4.51.3``                          Hugging Face DLC versions
version`` / ``pytorch-version``     / ``2.6.0``
``clearscribe:raw-expiry-days``     ``7``                               expiry of audio/ and inference/
``clearscribe:backlog-per-          ``2``                               scaling target (queued requests
instance``                                                              per instance)
``clearscribe:long-form-strategy``  ``sequential``                      ``sequential`` or ``chunked``
==================================  ==================================  =================================

The network stack puts the endpoint in isolated subnets (no internet): there, the container cannot
download weights or pip packages at start-up, so set ``package-weights`` with a ``weights-dir`` and
a ``wheels-dir`` (see ``docs/model.md``), or give the VPC NAT gateways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Node

from infra.config import ConfigError, _bool, _int, _str

DEFAULT_MODEL_ID = "distil-whisper/distil-large-v3"
_INSTANCE_TYPE = re.compile(r"^ml\.([a-z0-9-]+)\.([a-z0-9]+)$")
# GPU families SageMaker hosts (g: graphics/inference GPUs, p: training-class GPUs).
_GPU_FAMILY = re.compile(r"^(g\d|p\d)")
# Families with local NVMe instance storage: SageMaker rejects an endpoint config volume KMS key for them.
_LOCAL_STORAGE_FAMILY = re.compile(r"^(g4dn|g5|g6|g6e|p3dn|p4d|p4de|p5|[a-z]\d[a-z]*d)$")


@dataclass(frozen=True)
class ModelConfig:
    model_id: str = DEFAULT_MODEL_ID
    instance_type: str = "ml.m5.xlarge"
    max_instances: int = 2
    max_concurrent_invocations: int = 1
    package_weights: bool = False
    weights_dir: str | None = None
    wheels_dir: str | None = None
    transformers_version: str = "4.51.3"
    pytorch_version: str = "2.6.0"
    raw_expiry_days: int = 7
    backlog_per_instance: int = 2
    long_form_strategy: str = "sequential"
    scale_in_cooldown_seconds: int = 600
    scale_out_cooldown_seconds: int = 120
    model_server_timeout_seconds: int = 3600

    def __post_init__(self) -> None:
        match = _INSTANCE_TYPE.match(self.instance_type)
        if not match:
            raise ConfigError(f"instance-type: {self.instance_type!r} is not a SageMaker instance type (ml.*)")
        if self.max_instances < 1:
            raise ConfigError("max-instances must be at least 1")
        if self.max_concurrent_invocations < 1:
            raise ConfigError("max-concurrent-invocations must be at least 1")
        if self.raw_expiry_days < 1:
            raise ConfigError("raw-expiry-days must be at least 1")
        if self.backlog_per_instance < 1:
            raise ConfigError("backlog-per-instance must be at least 1")
        if self.long_form_strategy not in ("sequential", "chunked"):
            raise ConfigError("long-form-strategy must be 'sequential' or 'chunked'")
        if self.package_weights and not self.weights_dir:
            raise ConfigError(
                "package-weights needs weights-dir: a local Hugging Face model directory, e.g. from "
                f"`huggingface-cli download {self.model_id} --local-dir DIR`"
            )

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

    @classmethod
    def from_context(cls, node: Node) -> ModelConfig:
        d = cls
        return cls(
            model_id=_str(node, "model-id", d.model_id) or d.model_id,
            instance_type=_str(node, "instance-type", d.instance_type) or d.instance_type,
            max_instances=_int(node, "max-instances", d.max_instances, minimum=1, maximum=100),
            max_concurrent_invocations=_int(
                node, "max-concurrent-invocations", d.max_concurrent_invocations, minimum=1, maximum=1000
            ),
            package_weights=_bool(node, "package-weights", d.package_weights),
            weights_dir=_str(node, "weights-dir", None),
            wheels_dir=_str(node, "wheels-dir", None),
            transformers_version=_str(node, "transformers-version", d.transformers_version) or d.transformers_version,
            pytorch_version=_str(node, "pytorch-version", d.pytorch_version) or d.pytorch_version,
            raw_expiry_days=_int(node, "raw-expiry-days", d.raw_expiry_days, minimum=1),
            backlog_per_instance=_int(node, "backlog-per-instance", d.backlog_per_instance, minimum=1),
            long_form_strategy=_str(node, "long-form-strategy", d.long_form_strategy) or d.long_form_strategy,
        )
