"""``ScaleToZero``: Application Auto Scaling of an async endpoint variant between 0 and a maximum.

Target tracking on ``ApproximateBacklogSizePerInstance`` scales out and back in to zero; a step
policy on a ``HasBacklogWithoutCapacity`` alarm starts the first instance (target tracking alone
never leaves zero).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from constructs import Construct

SAGEMAKER_NAMESPACE = "AWS/SageMaker"


class ScaleToZero(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        endpoint_name: str,
        variant_name: str,
        max_instances: int,
        backlog_per_instance: int,
        scale_in_cooldown: cdk.Duration,
        scale_out_cooldown: cdk.Duration,
    ) -> None:
        super().__init__(scope, construct_id)

        def metric(name: str) -> cloudwatch.Metric:
            return cloudwatch.Metric(
                namespace=SAGEMAKER_NAMESPACE,
                metric_name=name,
                dimensions_map={"EndpointName": endpoint_name},
                statistic="Average",
                period=cdk.Duration.minutes(1),
            )

        self.target = target = appscaling.ScalableTarget(
            self,
            "Target",
            service_namespace=appscaling.ServiceNamespace.SAGEMAKER,
            resource_id=f"endpoint/{endpoint_name}/variant/{variant_name}",
            scalable_dimension="sagemaker:variant:DesiredInstanceCount",
            min_capacity=0,
            max_capacity=max_instances,
        )
        target.scale_to_track_metric(
            "BacklogPerInstance",
            target_value=float(backlog_per_instance),
            custom_metric=metric("ApproximateBacklogSizePerInstance"),
            scale_in_cooldown=scale_in_cooldown,
            scale_out_cooldown=scale_out_cooldown,
        )
        scale_from_zero = appscaling.StepScalingAction(
            self,
            "ScaleFromZero",
            scaling_target=target,
            adjustment_type=appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
            cooldown=scale_out_cooldown,
            metric_aggregation_type=appscaling.MetricAggregationType.MAXIMUM,
        )
        scale_from_zero.add_adjustment(adjustment=1, lower_bound=0)
        self.backlog_without_capacity_alarm = alarm = cloudwatch.Alarm(
            self,
            "HasBacklogWithoutCapacity",
            alarm_description="Requests are queued and the endpoint has no instance: start one.",
            metric=metric("HasBacklogWithoutCapacity"),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=2,
            datapoints_to_alarm=2,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cloudwatch_actions.ApplicationScalingAction(scale_from_zero))
