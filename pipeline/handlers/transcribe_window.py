"""TranscribeWindow: ``{"job_id", "audio_uri", "window", "task_token"}`` — sends one window to the
endpoint and leaves its state paused until ResumeTranscription (or the sweeper) resumes it."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.transcription import invoke_window
from pipeline.handlers.events import WindowEvent
from pipeline.handlers.runtime import logger, runtime, tracer
from shared import contract


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@event_parser(model=WindowEvent)
def handler(event: WindowEvent, context: LambdaContext) -> dict[str, Any]:
    logger.append_keys(job_id=event.job_id)
    rt = runtime()
    return invoke_window(
        event.job_id,
        event.audio_uri,
        event.window,
        event.task_token,
        runtime=rt.sagemaker_runtime,
        endpoint=rt.setting(contract.ENV_ENDPOINT_NAME),
        callbacks=rt.callbacks,
        budget=rt.inference_budget,
    )
