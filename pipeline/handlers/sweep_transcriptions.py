"""SweepTranscriptions (on a schedule): inferences whose notification never came are resolved from
what the endpoint wrote, or failed once their budget is spent."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.transcription import sweep
from pipeline.handlers.runtime import logger, runtime, tracer
from shared import contract
from shared.env import env_int


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    rt = runtime()
    grace = env_int(rt.env, contract.ENV_NOTIFICATION_GRACE_SECONDS, 300, minimum=0)
    return sweep(sfn=rt.stepfunctions, s3=rt.s3, callbacks=rt.callbacks, grace_seconds=grace)
