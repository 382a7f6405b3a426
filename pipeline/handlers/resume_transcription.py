"""ResumeTranscription: the endpoint's success and error notifications (SNS) → the paused
``TranscribeWindow`` state resumed with the transcript's location or the typed error."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.parser import event_parser
from aws_lambda_powertools.utilities.parser.models import SnsModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from pipeline.cloud.transcription import resume_from_notification
from pipeline.handlers.runtime import logger, runtime, tracer


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler(capture_response=False)
@event_parser(model=SnsModel)
def handler(event: SnsModel, context: LambdaContext) -> dict[str, Any]:
    rt = runtime()
    outcomes = [
        resume_from_notification(
            json.loads(str(record.Sns.Message)), sfn=rt.stepfunctions, s3=rt.s3, callbacks=rt.callbacks
        )
        for record in event.Records
    ]
    return {"outcomes": outcomes}
