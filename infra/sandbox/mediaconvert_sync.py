"""Step Functions' optimized MediaConvert integration, ``createJob.sync``, in moto's interpreter.

moto's interpreter knows no MediaConvert integration. This one does what the service does (Step
Functions developer guide, "Create an AWS Elemental MediaConvert job"): it sends the state's
parameters to ``CreateJob`` — of the sandbox's MediaConvert emulation — and waits until the job
has ended. ``COMPLETE``: the state's result is the job as ``GetJob`` describes it (``{"Job": {…}}``).
``ERROR`` or ``CANCELED``: the state fails with ``States.TaskFailed``, the job's description as the
cause. Service errors of ``CreateJob`` are ``MediaConvert.<error code>``, as for every optimized
integration. The job is checked every half second, as moto checks its own ``.sync`` integrations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: Job statuses that end a job.
ENDED = frozenset({"COMPLETE", "ERROR", "CANCELED"})


def _wire(response: Mapping[str, Any]) -> dict[str, Any]:
    """A boto3 response as the state sees it: JSON, timestamps in epoch seconds (MediaConvert's
    wire format for them), no ``ResponseMetadata``."""
    import datetime
    import json

    def default(value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return int(value.timestamp())
        raise TypeError(f"{type(value).__name__} is not JSON")

    data = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    return dict(json.loads(json.dumps(data, default=default)))


def _details(**details: Any) -> Any:
    """moto's ``EventDetails`` (a total TypedDict of which each event sets one key)."""
    return dict(details)


def mediaconvert_sync_patches(client: Callable[[], Any]) -> list[tuple[Any, str, Any]]:
    """Replacements that give moto's interpreter the ``mediaconvert`` service; ``client()`` makes a
    boto3 MediaConvert client of the sandbox's emulation."""
    from botocore.exceptions import ClientError
    from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
        FailureEvent,
        FailureEventException,
    )
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import state_task_factory
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.resource import ResourceCondition
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_callback import (
        StateTaskServiceCallback,
    )
    from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

    class MediaConvertCreateJobSync(StateTaskServiceCallback):
        def __init__(self) -> None:
            # moto's waiting code needs a task token for every task it waits on (its own ``.sync``
            # integrations all list the callback pattern too); the definition still may not use
            # ``.waitForTaskToken`` (:meth:`_get_supported_parameters`), which MediaConvert lacks.
            patterns: set[Any] = {ResourceCondition.Sync, ResourceCondition.WaitForTaskToken}
            super().__init__(supported_integration_patterns=patterns)

        def _get_supported_parameters(self) -> set[str] | None:
            """``CreateJob``'s parameters (the only action emulated; None rejects the definition)."""
            if self.resource.api_action.lower() != "createjob" or self.resource.condition != ResourceCondition.Sync:
                return None
            import botocore.session

            model = botocore.session.get_session().get_service_model("mediaconvert")
            shape = model.operation_model("CreateJob").input_shape
            return None if shape is None else set(shape.members)

        def _from_error(self, env: Any, ex: Exception) -> Any:
            if isinstance(ex, ClientError):
                name = f"MediaConvert.{ex.response['Error']['Code']}"
                return FailureEvent(
                    env=env,
                    error_name=CustomErrorName(name),
                    event_type=HistoryEventType.TaskFailed,
                    event_details=_details(
                        taskFailedEventDetails=TaskFailedEventDetails(
                            error=name,
                            cause=ex.response["Error"].get("Message", ""),
                            resource=self._get_sfn_resource(),
                            resourceType=self._get_sfn_resource_type(),
                        )
                    ),
                )
            return super()._from_error(env=env, ex=ex)

        def _eval_service_task(
            self, env: Any, resource_runtime_part: Any, normalised_parameters: dict[str, Any], state_credentials: Any
        ) -> None:
            if self.resource.api_action.lower() != "createjob":
                raise ValueError(f"the MediaConvert integration has no action {self.resource.api_action}")
            env.stack.append(_wire(client().create_job(**normalised_parameters)))

        def _build_sync_resolver(
            self, env: Any, resource_runtime_part: Any, normalised_parameters: dict[str, Any], state_credentials: Any
        ) -> Callable[[], Any] | None:
            created: Mapping[str, Any] = env.stack.pop()
            job_id = created["Job"]["Id"]
            mediaconvert = client()

            def resolve() -> Any | None:
                described = _wire(mediaconvert.get_job(Id=job_id))
                status = described["Job"]["Status"]
                if status not in ENDED:
                    return None
                if status == "COMPLETE":
                    return described
                raise FailureEventException(
                    FailureEvent(
                        env=env,
                        error_name=StatesErrorName(typ=StatesErrorNameType.StatesTaskFailed),
                        event_type=HistoryEventType.TaskFailed,
                        event_details=_details(
                            taskFailedEventDetails=TaskFailedEventDetails(
                                resource=self._get_sfn_resource(),
                                resourceType=self._get_sfn_resource_type(),
                                error=StatesErrorNameType.StatesTaskFailed.to_name(),
                                cause=to_json_str(described),
                            )
                        ),
                    )
                )

            return resolve

    original = state_task_factory.state_task_service_for

    def state_task_service_for(service_name: str) -> Any:
        if service_name == "mediaconvert":
            return MediaConvertCreateJobSync()
        return original(service_name=service_name)

    return [(state_task_factory, "state_task_service_for", state_task_service_for)]
