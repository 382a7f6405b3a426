"""What the Lambda handlers share: one logger, one tracer, settings and lazily built clients.

* ``logger`` is Powertools' ``Logger`` for the ``clearscribe`` logger hierarchy: every module's
  ``shared.log.get_logger`` records come out through it as JSON, with the Lambda request id and
  the job id as keys; its level comes from ``LOG_LEVEL`` (every function gets it from the stack).
  The event is never logged: it may name files, and findings summaries are all a log may hold.
* ``tracer`` is Powertools' ``Tracer`` (X-Ray is on for every function; Powertools switches it
  off outside Lambda).
* :func:`job_step` makes a step's handler of a plain function of its parsed event.
* :class:`CloudRuntime` holds the settings (the function's environment, names in
  ``shared.contract``) and the clients, built on first use and kept for the life of the
  container. Tests replace them with :func:`configure`.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, Protocol, TypeVar

from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.callbacks import CallbackStore
from pipeline.cloud.extraction import DurationLimit, mediaconvert_client
from pipeline.cloud.transcription import InferenceBudget
from postprocess.config import EnrichmentConfig
from shared import contract
from shared.env import env_int
from shared.jobstore import JobStore
from shared.jobstore.dynamodb import DynamoDBJobStore
from shared.log import DEFAULT_HANDLER_NAME

logger = Logger(service=contract.SERVICE_NAME, log_uncaught_exceptions=False)
tracer = Tracer(service=contract.SERVICE_NAME)
# Powertools' handler replaces the plain JSON one of shared.log, which a module imported before
# this one may have installed (outside Lambda, e.g. in tests).
for _handler in list(logging.getLogger(contract.SERVICE_NAME).handlers):
    if _handler.get_name() == DEFAULT_HANDLER_NAME:
        logging.getLogger(contract.SERVICE_NAME).removeHandler(_handler)

T = TypeVar("T")


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

    def _get(self, name: str, build: Callable[[], T]) -> T:
        if name not in self._cache:
            self._cache[name] = build()
        value: T = self._cache[name]
        return value

    def _boto3_client(self, service: str) -> Any:
        import boto3  # in the Lambda runtime; imported here so the module loads without it

        return boto3.client(service)  # type: ignore[call-overload]  # any service by name

    @property
    def s3(self) -> Any:
        return self._get("s3", lambda: self._boto3_client("s3"))

    @property
    def dynamodb(self) -> Any:
        return self._get("dynamodb", lambda: self._boto3_client("dynamodb"))

    @property
    def mediaconvert(self) -> Any:
        endpoint = self.env.get(contract.ENV_MEDIACONVERT_ENDPOINT) or None
        return self._get("mediaconvert", lambda: mediaconvert_client(endpoint_url=endpoint))

    @property
    def job_store(self) -> JobStore:
        return self._get(
            "job_store", lambda: DynamoDBJobStore(self.setting(contract.ENV_JOB_TABLE), client=self.dynamodb)
        )

    @property
    def sagemaker_runtime(self) -> Any:
        return self._get("sagemaker_runtime", lambda: self._boto3_client("sagemaker-runtime"))

    @property
    def stepfunctions(self) -> Any:
        return self._get("stepfunctions", lambda: self._boto3_client("stepfunctions"))

    @property
    def callbacks(self) -> CallbackStore:
        return self._get(
            "callbacks", lambda: CallbackStore(self.setting(contract.ENV_CALLBACK_TABLE), client=self.dynamodb)
        )

    @property
    def duration_limit(self) -> DurationLimit:
        """The longest recording the deployment takes (``MAX_DURATION_SECONDS``)."""
        return self._get(
            "duration_limit",
            lambda: DurationLimit(
                env_int(self.env, contract.ENV_MAX_DURATION_SECONDS, contract.MAX_DURATION_SECONDS, minimum=1)
            ),
        )

    @property
    def window_seconds(self) -> int:
        return env_int(self.env, contract.ENV_WINDOW_SECONDS, contract.WINDOW_SECONDS, minimum=60)

    @property
    def labels_speakers(self) -> bool:
        """Whether the endpoint labels speakers (the model stack's setting, passed on by the stack)."""
        from shared.errors import ConfigInvalidError
        from shared.speakers import DEFAULT_SPEAKERS, SpeakerSetting

        raw = self.env.get(contract.ENV_SPEAKERS) or DEFAULT_SPEAKERS
        try:
            return SpeakerSetting.parse(raw).enabled
        except ValueError as exc:
            raise ConfigInvalidError(f"{contract.ENV_SPEAKERS}: {exc}") from None

    @property
    def inference_budget(self) -> InferenceBudget:
        """Each window's time in the endpoint's queue and in processing (``REQUEST_TTL_SECONDS``,
        ``INVOCATION_TIMEOUT_SECONDS``), from the same budget the paused state waits."""
        return self._get(
            "inference_budget",
            lambda: InferenceBudget(
                invocation_timeout_seconds=int(self.setting(contract.ENV_INVOCATION_TIMEOUT_SECONDS)),
                request_ttl_seconds=int(self.setting(contract.ENV_REQUEST_TTL_SECONDS)),
                grace_seconds=env_int(self.env, contract.ENV_NOTIFICATION_GRACE_SECONDS, 300, minimum=0),
            ),
        )

    @cached_property
    def enrichment(self) -> EnrichmentConfig:
        """The enrichment settings (``CLEARSCRIBE_PII_*``, the same variables as a local run)."""
        cached: EnrichmentConfig | None = self._cache.get("enrichment")
        return cached if cached is not None else EnrichmentConfig.from_env(self.env)


RUNTIME = CloudRuntime()


def configure(env: Mapping[str, str] | None = None, **overrides: Any) -> CloudRuntime:
    """Start over with new settings and/or injected clients (``s3=…``, ``mediaconvert=…``,
    ``job_store=…``); returns the runtime every handler now uses."""
    global RUNTIME
    RUNTIME = CloudRuntime(env, **overrides)
    return RUNTIME


def runtime() -> CloudRuntime:
    return RUNTIME


class JobEvent(Protocol):
    job_id: str


E = TypeVar("E", bound=JobEvent)
StepFunction = Callable[[E, LambdaContext], dict[str, Any]]


def job_step(model: type[E]) -> Callable[[StepFunction[E]], Callable[[Any, LambdaContext], dict[str, Any]]]:
    """The Lambda handler of a step of one job, from a function of its parsed event: the request's
    context on every log line (cleared between invocations), a trace without the response (results
    name files), the event parsed with ``model`` (another shape fails the step naming the field)
    and the job id on every log line."""

    def decorate(step: StepFunction[E]) -> Callable[[Any, LambdaContext], dict[str, Any]]:
        @logger.inject_lambda_context(clear_state=True)
        @tracer.capture_lambda_handler(capture_response=False)
        @event_parser(model=model)
        @functools.wraps(step)
        def handler(event: E, context: LambdaContext) -> dict[str, Any]:
            logger.append_keys(job_id=event.job_id)
            return step(event, context)

        return handler

    return decorate
