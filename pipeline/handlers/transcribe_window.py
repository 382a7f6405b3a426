"""TranscribeWindow: ``{"job_id", "audio_uri", "window", "task_token"}`` — sends one window to the
endpoint and leaves its state paused until ResumeTranscription (or the sweeper) resumes it."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.transcription import invoke_window
from pipeline.handlers.events import WindowEvent
from pipeline.handlers.runtime import job_step, runtime
from shared import contract


@job_step(WindowEvent)
def handler(event: WindowEvent, context: LambdaContext) -> dict[str, Any]:
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
