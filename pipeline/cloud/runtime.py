"""What the Lambda handlers share: settings from environment variables and lazily built clients.

Each handler module holds the process-wide :data:`RUNTIME`; clients and stores are built on first
use and kept for the life of the container. Tests replace them with :func:`configure`.

Environment: ``JOB_TABLE``, ``WORKING_BUCKET``, ``OUTPUT_BUCKET``, ``MEDIACONVERT_TEMPLATE``,
``MEDIACONVERT_ROLE_ARN``, ``MEDIACONVERT_ENDPOINT`` (optional: another endpoint than the
regional one), ``ENDPOINT_NAME``, ``ENDPOINT_INSTANCE_TYPE`` and ``MAX_AUDIO_SECONDS`` (the
longest recording the endpoint finishes; optional), ``POLL_INITIAL_SECONDS``,
``POLL_MAX_SECONDS``, ``EXTRACTION_POLL_BUDGET_SECONDS``, ``TRANSCRIPTION_POLL_BUDGET_SECONDS``,
``LOG_LEVEL``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pipeline.cloud.polling import EXTRACTION, TRANSCRIPTION, PollPolicy
from shared.jobstore import JobStore

if TYPE_CHECKING:
    from pipeline.cloud.extraction import EndpointLimit


def configure_logging(env: Mapping[str, str] | None = None) -> None:
    """Apply ``LOG_LEVEL`` to the ``clearscribe`` loggers (JSON lines, see ``shared.log``)."""
    from shared.log import get_logger

    env = os.environ if env is None else env
    get_logger("clearscribe")
    level = env.get("LOG_LEVEL")
    if level:
        logging.getLogger("clearscribe").setLevel(level.upper())


class CloudRuntime:
    """Settings and clients of one Lambda container (everything built on first use)."""

    def __init__(self, env: Mapping[str, str] | None = None, **overrides: Any) -> None:
        self._env = env
        self._cache: dict[str, Any] = dict(overrides)

    @property
    def env(self) -> Mapping[str, str]:
        return os.environ if self._env is None else self._env

    def setting(self, name: str) -> str:
        value = self.env.get(name)
        if not value:
            raise RuntimeError(f"environment variable {name} is not set")
        return value

    def _get(self, name: str, build: Any) -> Any:
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    @property
    def s3(self) -> Any:
        def build() -> Any:
            import boto3

            return boto3.client("s3")

        return self._get("s3", build)

    @property
    def dynamodb(self) -> Any:
        def build() -> Any:
            import boto3

            return boto3.client("dynamodb")

        return self._get("dynamodb", build)

    @property
    def mediaconvert(self) -> Any:
        def build() -> Any:
            from pipeline.cloud.extraction import mediaconvert_client

            return mediaconvert_client(endpoint_url=self.env.get("MEDIACONVERT_ENDPOINT") or None)

        return self._get("mediaconvert", build)

    @property
    def job_store(self) -> JobStore:
        def build() -> JobStore:
            from shared.jobstore.dynamodb import DynamoDBJobStore

            return DynamoDBJobStore(self.setting("JOB_TABLE"), client=self.dynamodb)

        return self._get("job_store", build)

    @property
    def extraction_poll(self) -> PollPolicy:
        return self._get("extraction_poll", lambda: PollPolicy.from_env(EXTRACTION, self.env))

    @property
    def endpoint_limit(self) -> EndpointLimit | None:
        """What the endpoint can finish (``MAX_AUDIO_SECONDS``), or None when not configured."""

        def build() -> EndpointLimit | None:
            from pipeline.cloud.extraction import EndpointLimit

            raw = self.env.get("MAX_AUDIO_SECONDS")
            if not raw:
                return None
            instance_type = self.env.get("ENDPOINT_INSTANCE_TYPE")
            endpoint = f"the {instance_type} endpoint" if instance_type else "the endpoint"
            return EndpointLimit(float(raw), endpoint)

        return self._get("endpoint_limit", build)

    @property
    def transcription_poll(self) -> PollPolicy:
        return self._get("transcription_poll", lambda: PollPolicy.from_env(TRANSCRIPTION, self.env))


RUNTIME = CloudRuntime()


def configure(env: Mapping[str, str] | None = None, **overrides: Any) -> CloudRuntime:
    """Start over with new settings and/or injected clients (``s3=…``, ``mediaconvert=…``,
    ``job_store=…``); returns the runtime every handler now uses."""
    global RUNTIME
    RUNTIME = CloudRuntime(env, **overrides)
    return RUNTIME


def runtime() -> CloudRuntime:
    return RUNTIME
