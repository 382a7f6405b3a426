"""Every replacement of moto's internals, in one module, for the moto version pinned here.

moto stands in for S3, DynamoDB, SNS, EventBridge, CloudFormation and Step Functions (it executes
the state machine's definition), but the workflow needs a few things it does not do, or does not
do as AWS does. Each function below returns ``(target, name, value)`` replacements for one of them;
:class:`Patches` applies them for the life of a sandbox (:mod:`sandbox.run`), and the integration
tests apply the same ones with pytest's ``monkeypatch`` (``tests/integration/moto_harness.py``):

=====================================  ============================================================
:func:`invoke_patches`                 a Lambda invocation runs a callable (the real handler), and
                                       a Lambda *service* error is ``Lambda.<code>`` in Step
                                       Functions, as every Lambda task's Retry names it
:func:`runtime_patches`                ``InvokeEndpointAsync`` (boto3 and Step Functions'
                                       ``aws-sdk:sagemakerruntime``) reaches the endpoint emulation
:func:`mediaconvert_sync_patches`      Step Functions' ``mediaconvert:createJob.sync``
                                       integration, which moto's interpreter lacks
:func:`sns_lambda_delivery_patches`    a topic's ``lambda`` subscriptions invoke the function
:func:`task_failure_cause_patches`     ``SendTaskFailure`` hands the paused state its cause too
=====================================  ============================================================

They reach into moto's private modules, which change between releases: :data:`MOTO_VERSION` is
the version they were written against (the ``dev`` extra pins it), :data:`TARGETS` lists every
attribute replaced, and :func:`moto_problems` says what no longer matches (a test fails with its
message when moto is bumped without checking them again).
"""

from __future__ import annotations

import importlib
import json
import time
from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sandbox.sagemaker import (
    DEFAULT_INVOCATION_TIMEOUT_SECONDS,
    DEFAULT_REQUEST_TTL_SECONDS,
    AsyncInvocation,
    AsyncResult,
)
from sandbox.subscriptions import sns_event

#: The moto release every replacement here was written against (and the ``dev`` extra's pin).
MOTO_VERSION = "5.2.5"
_SFN = "moto.stepfunctions.parser.asl.component"
_TASK = f"{_SFN}.state.exec.state_task"
#: Every ``(module, attribute)`` replaced or reached into here.
TARGETS: tuple[tuple[str, str], ...] = (
    ("moto.awslambda_simple.models", "LambdaSimpleBackend.invoke"),
    (f"{_SFN}.state.exec.state_task.state_task_lambda", "StateTaskLambda._from_error"),
    (
        f"{_SFN}.state.exec.state_task.service.state_task_service",
        "StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES",
    ),
    (
        f"{_SFN}.state.exec.state_task.service.state_task_service_callback",
        "StateTaskServiceCallback._build_sync_resolver",
    ),
    (f"{_SFN}.state.exec.state_task.state_task_factory", "state_task_service_for"),
    ("moto.sagemakerruntime.responses", "SageMakerRuntimeResponse.invoke_endpoint_async"),
    ("moto.sns.models", "Subscription.publish"),
    ("moto.stepfunctions.responses", "StepFunctionResponse.send_task_failure"),
)

InvokeFn = Callable[[str, Any, dict[str, str]], bytes]
Replacement = tuple[Any, Any, Any]


def moto_problems(targets: Iterable[tuple[str, str]] = TARGETS) -> list[str]:
    """What keeps the replacements here from being right for the installed moto (empty: nothing)."""
    try:
        installed = version("moto")
    except PackageNotFoundError:
        return ["moto is not installed (pip install -e '.[dev]')"]
    problems = []
    if installed != MOTO_VERSION:
        problems.append(f"moto {installed} is installed; sandbox/moto_patches.py was written for {MOTO_VERSION}")
    for module_name, path in targets:
        try:
            target: Any = importlib.import_module(module_name)
        except ImportError:
            problems.append(f"moto has no module {module_name}")
            continue
        for part in path.split("."):
            if part not in vars(target) and not hasattr(target, part):
                problems.append(f"{module_name}.{path} is gone (sandbox/moto_patches.py replaces it)")
                break
            target = getattr(target, part, None)
    return problems


_MISSING = object()


class Patches:
    """Apply ``(target, name, value)`` replacements — ``setattr`` on objects, item assignment on
    dicts — and undo them in reverse order on exit (or :meth:`undo`)."""

    def __init__(self, replacements: Iterable[tuple[Any, Any, Any]]) -> None:
        self._replacements = list(replacements)
        self._saved: list[tuple[Any, Any, Any]] = []

    def apply(self) -> Patches:
        for target, name, value in self._replacements:
            if isinstance(target, dict):
                self._saved.append((target, name, target.get(name, _MISSING)))
                target[name] = value
            else:
                self._saved.append((target, name, vars(target).get(name, _MISSING)))
                setattr(target, name, value)
        return self

    def undo(self) -> None:
        while self._saved:
            target, name, original = self._saved.pop()
            if isinstance(target, dict):
                if original is _MISSING:
                    target.pop(name, None)
                else:
                    target[name] = original
            elif original is _MISSING:
                delattr(target, name)
            else:
                setattr(target, name, original)

    def __enter__(self) -> Patches:
        return self.apply()

    def __exit__(self, *exc: object) -> None:
        self.undo()


# -- Lambda ----------------------------------------------------------------------------------------
def invoke_patches(invoke: InvokeFn) -> list[tuple[Any, str, Any]]:
    """Replacements that make moto's Lambda backend call ``invoke(function_name, body,
    response_headers)`` (returning the response payload; set ``x-amz-function-error`` in
    ``response_headers`` for a function error) and that name Lambda service errors as Step
    Functions does."""
    from botocore.exceptions import ClientError
    from moto.awslambda_simple.models import LambdaSimpleBackend
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.state_task_lambda import StateTaskLambda

    name_failure = StateTaskLambda._from_error

    def lambda_service_error_names(task: Any, env: Any, ex: Exception) -> Any:
        """A Lambda service error (not a function error) is ``Lambda.<code>`` in Step Functions,
        the name the Retry of every Lambda task lists."""
        failure: Any = name_failure(task, env, ex)
        if isinstance(ex, ClientError):
            name = f"Lambda.{ex.response['Error']['Code']}"
            failure.error_name = CustomErrorName(name)
            failure.event_details["lambdaFunctionFailedEventDetails"]["error"] = name
        return failure

    def backend_invoke(
        backend: Any, function_name: str, qualifier: Any, body: Any, headers: Any, response_headers: Any
    ) -> bytes:
        return invoke(function_name, body, response_headers)

    return [
        (StateTaskLambda, "_from_error", lambda_service_error_names),
        (LambdaSimpleBackend, "invoke", backend_invoke),
    ]


# -- SageMaker asynchronous inference -----------------------------------------------------------
def runtime_patches(handle: Callable[[AsyncInvocation], AsyncResult]) -> list[tuple[Any, Any, Any]]:
    """Replacements that send moto's ``InvokeEndpointAsync`` (from boto3 and from Step Functions'
    ``aws-sdk:sagemakerruntime`` integration) to ``handle``; a ``LookupError`` it raises is
    SageMaker's ``ValidationError`` for an unknown endpoint."""
    from moto.sagemakerruntime.responses import SageMakerRuntimeResponse
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service import (
        StateTaskService,
    )

    def invoke_endpoint_async(response: Any) -> tuple[int, dict[str, str], str]:
        headers = response.headers
        invocation = AsyncInvocation(
            endpoint_name=response.path.split("/")[2],
            input_location=headers.get("X-Amzn-SageMaker-InputLocation", ""),
            content_type=headers.get("X-Amzn-SageMaker-Content-Type"),
            accept=headers.get("X-Amzn-SageMaker-Accept"),
            inference_id=headers.get("X-Amzn-SageMaker-Inference-Id"),
            custom_attributes=headers.get("X-Amzn-SageMaker-Custom-Attributes"),
            invocation_timeout_seconds=int(
                headers.get("X-Amzn-SageMaker-InvocationTimeoutSeconds") or DEFAULT_INVOCATION_TIMEOUT_SECONDS
            ),
            request_ttl_seconds=int(headers.get("X-Amzn-SageMaker-RequestTTLSeconds") or DEFAULT_REQUEST_TTL_SECONDS),
            received_at=time.time(),
        )
        try:
            result = handle(invocation)
        except LookupError as exc:
            return 400, {"x-amzn-ErrorType": "ValidationError"}, json.dumps({"message": str(exc)})
        return (
            202,
            {
                "X-Amzn-SageMaker-OutputLocation": result.output_location,
                "X-Amzn-SageMaker-FailureLocation": result.failure_location,
            },
            json.dumps({"InferenceId": result.inference_id}),
        )

    return [
        (StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES, "sagemakerruntime", "sagemaker-runtime"),
        (SageMakerRuntimeResponse, "invoke_endpoint_async", invoke_endpoint_async),
    ]


# -- SNS -------------------------------------------------------------------------------------------
def sns_lambda_delivery_patches(deliver: Callable[[str, dict[str, Any]], None]) -> list[Replacement]:
    """Replacements that hand a message for a ``lambda`` subscription to ``deliver(function_arn,
    event)`` with the event SNS sends, after moto's own filter policy check; every other protocol
    is delivered by moto as before."""
    from moto.sns.models import Subscription

    original = Subscription.publish

    def publish(subscription: Any, message: str, message_id: str, subject: str | None = None, **kw: Any) -> None:
        if subscription.protocol != "lambda":
            original(subscription, message, message_id, subject=subject, **kw)
            return
        matcher = subscription._filter_policy_matcher
        if matcher is not None and not matcher.matches(kw.get("message_attributes"), message):
            return
        event = sns_event(
            topic_arn=subscription.topic.arn,
            subscription_arn=subscription.arn,
            message=message,
            message_id=message_id,
            subject=subject,
        )
        deliver(subscription.endpoint, event)

    return [(Subscription, "publish", publish)]


# -- Step Functions --------------------------------------------------------------------------------
def task_failure_cause_patches() -> list[tuple[Any, str, Any]]:
    """moto's ``SendTaskFailure`` passes the error on to the paused state but drops the ``cause``
    (moto 5.2.5); Step Functions hands the state both, and MarkFailed records the message from the
    cause. This replacement passes the cause on as well."""
    from moto.core.responses import EmptyResult
    from moto.stepfunctions.responses import StepFunctionResponse

    def send_task_failure(response: Any) -> Any:
        response.stepfunction_backend.send_task_failure(
            response._get_param("taskToken"), error=response._get_param("error"), cause=response._get_param("cause")
        )
        return EmptyResult()

    return [(StepFunctionResponse, "send_task_failure", send_task_failure)]


# -- MediaConvert's optimized integration, createJob.sync ------------------------------------------
# What the service does (Step Functions developer guide, "Create an AWS Elemental MediaConvert
# job"): the state's parameters go to ``CreateJob`` (of the sandbox's MediaConvert emulation) and
# the state waits until the job has ended. ``COMPLETE``: the state's result is the job as ``GetJob``
# describes it (``{"Job": {…}}``). ``ERROR`` or ``CANCELED``: the state fails with
# ``States.TaskFailed``, the job's description as the cause. Service errors of ``CreateJob`` are
# ``MediaConvert.<error code>``, as for every optimized integration. The job is checked every half
# second, as moto checks its own ``.sync`` integrations.
#: Job statuses that end a job.
ENDED = frozenset({"COMPLETE", "ERROR", "CANCELED"})


def _wire(response: Mapping[str, Any]) -> dict[str, Any]:
    """A boto3 response as the state sees it: JSON, timestamps in epoch seconds (MediaConvert's
    wire format for them), no ``ResponseMetadata``."""
    import datetime

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
