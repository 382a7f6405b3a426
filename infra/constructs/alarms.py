"""``WorkflowAlarms``: CloudWatch alarms on what needs an operator, all sent to one SNS topic.

docs/operations.md ("Alarms") says what each one means and what to do. Every alarm treats missing
data as not breaching: no executions, no messages and no requests are all fine.

* ``ExecutionsFailed`` / ``ExecutionsTimedOut`` — a job ended in FAILED through the state machine
  (the job table says why), or an execution ran out of time.
* one alarm per dead-letter queue, named as the queue (``TriggerDeadLetters``,
  ``UnrecordedFailures``) — an event the workflow could not act on waits in it.
* ``MarkFailedErrors`` — the function that records failures failed itself.
* ``InferenceFailures`` / ``ExpiredInferences`` / ``NotificationFailures`` — the endpoint failed an
  invocation, let one expire in its queue (``RequestTTLSeconds``), or could not announce a result
  (the sweeper resolves those; the alarm says it had to).
* ``BacklogWithoutCapacity`` — requests have waited with no instance for longer than
  ``backlog_minutes`` (the endpoint does not scale out from zero).
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

FIVE_MINUTES = cdk.Duration.minutes(5)


class WorkflowAlarms(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        state_machine: sfn.StateMachine,
        dead_letter_queues: Sequence[sqs.IQueue],
        mark_failed: lambda_.IFunction,
        endpoint_name: str,
        variant_name: str,
        backlog_minutes: int,
        key: kms.IKey,
    ) -> None:
        super().__init__(scope, construct_id)
        self.topic = sns.Topic(self, "Topic", display_name="clearscribe operations", master_key=key, enforce_ssl=True)
        # CloudWatch publishes to the encrypted topic: it needs the key.
        key.grant_encrypt_decrypt(iam.ServicePrincipal("cloudwatch.amazonaws.com"))
        self.alarms: dict[str, cloudwatch.Alarm] = {}

        self._at_least_one(
            "ExecutionsFailed",
            state_machine.metric_failed(period=FIVE_MINUTES),
            "A job's execution failed (its job record holds the error code)",
        )
        self._at_least_one(
            "ExecutionsTimedOut",
            state_machine.metric_timed_out(period=FIVE_MINUTES),
            "An execution ran out of time (the state machine's timeout)",
        )
        for queue in dead_letter_queues:
            self._at_least_one(
                queue.node.id,
                queue.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum"),
                f"Events wait in {queue.node.id}: a start or a failure that was not recorded",
            )
        self._at_least_one("MarkFailedErrors", mark_failed.metric_errors(period=FIVE_MINUTES),
                           "The function that records failed jobs failed")  # fmt: skip
        # SageMaker publishes the invocation metrics per endpoint and variant, the backlog per endpoint
        # ("Monitor asynchronous endpoint", SageMaker developer guide): an alarm on other dimensions
        # would watch a metric that never exists.
        variant = {"EndpointName": endpoint_name, "VariantName": variant_name}
        for metric, what in (
            ("InvocationFailures", "The endpoint failed an inference"),
            ("ExpiredRequests", "An inference expired in the endpoint's queue (RequestTTLSeconds)"),
            ("NotificationFailures", "The endpoint could not announce a result (the sweep resolves it)"),
        ):
            self._at_least_one(metric, _endpoint_metric(variant, metric, "Sum", FIVE_MINUTES), what)
        backlog = _endpoint_metric(
            {"EndpointName": endpoint_name}, "HasBacklogWithoutCapacity", "Maximum", cdk.Duration.minutes(1)
        )
        self._add(
            "BacklogWithoutCapacity",
            backlog,
            f"Requests have waited {backlog_minutes} min with no endpoint instance",
            evaluation_periods=backlog_minutes,
        )

    def _at_least_one(self, name: str, metric: cloudwatch.IMetric, what: str) -> None:
        self._add(name, metric, what, evaluation_periods=1)

    def _add(self, name: str, metric: cloudwatch.IMetric, what: str, *, evaluation_periods: int) -> None:
        alarm = cloudwatch.Alarm(
            self,
            name,
            metric=metric,
            threshold=1,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=f"clearscribe: {what}. docs/operations.md, Alarms: {name}",
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        self.alarms[name] = alarm


def _endpoint_metric(dimensions: dict[str, str], name: str, statistic: str, period: cdk.Duration) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/SageMaker",
        metric_name=name,
        dimensions_map=dimensions,
        statistic=statistic,
        period=period,
    )
