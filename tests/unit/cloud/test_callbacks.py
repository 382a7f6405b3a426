"""The task tokens waiting for an inference (``pipeline.cloud.callbacks``) as DynamoDB items, and the
SageMaker notification that resumes one, read from the documented message shape (fake clients)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import SnsModel
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cloud.callbacks import EXPIRY_AFTER_DEADLINE_SECONDS, CallbackStore, PendingInference
from pipeline.cloud.transcription import InferenceBudget, outcome_of_notification
from shared.errors import TranscriptionError

EVENTS = Path(__file__).resolve().parents[2] / "events"


def load_event(name: str) -> dict[str, Any]:
    return dict(json.loads((EVENTS / name).read_text(encoding="utf-8")))


text = st.text(st.characters(codec="utf-8"), max_size=80)
seconds = st.floats(min_value=0, max_value=4e9, allow_nan=False, allow_infinity=False)


@given(
    inference_id=text.filter(bool),
    token=text.filter(bool),
    job_id=text.filter(bool),
    window=st.integers(min_value=0, max_value=400),
    created=seconds,
    wait=st.floats(min_value=0, max_value=1e6),
    output=text,
    failure=text,
)
def test_a_pending_inference_survives_the_trip_through_a_dynamodb_item(
    inference_id: str, token: str, job_id: str, window: int, created: float, wait: float, output: str, failure: str
) -> None:
    pending = PendingInference(inference_id, token, job_id, window, created, created + wait, output, failure)

    item = pending.to_item()

    assert PendingInference.from_item(json.loads(json.dumps(item))) == pending  # as DynamoDB returns it
    assert item["inference_id"] == {"S": inference_id}
    assert int(item["expires_at"]["N"]) == int(pending.deadline + EXPIRY_AFTER_DEADLINE_SECONDS)


def test_an_item_stored_before_its_locations_reads_back_without_them() -> None:
    pending = PendingInference("job-1.w0", "token", "job-1", 0, 10.0, 20.0)
    item = {k: v for k, v in pending.to_item().items() if k not in ("output_location", "failure_location")}
    assert PendingInference.from_item(item) == pending


def test_the_wait_is_the_queue_and_processing_budget_plus_the_grace() -> None:
    assert InferenceBudget(invocation_timeout_seconds=3600, request_ttl_seconds=60, grace_seconds=300).wait_seconds == (
        3960
    )


class Table:
    """A DynamoDB client's calls on one table: ``scan`` in pages of ``page`` items."""

    def __init__(self, items: list[dict[str, Any]] | None = None, *, page: int = 2, refuse: str | None = None) -> None:
        self.items = list(items or [])
        self.page = page
        self.refuse = refuse
        self.scans: list[dict[str, Any]] = []

    def scan(self, **options: Any) -> dict[str, Any]:
        self.scans.append(options)
        start = int(options.get("ExclusiveStartKey", {}).get("at", 0))
        page: dict[str, Any] = {"Items": self.items[start : start + self.page]}
        if start + self.page < len(self.items):
            page["LastEvaluatedKey"] = {"at": start + self.page}
        return page

    def update_item(self, **options: Any) -> dict[str, Any]:
        if self.refuse:
            raise ClientError({"Error": {"Code": self.refuse, "Message": "no"}}, "UpdateItem")
        return {}


def test_every_page_of_pending_inferences_is_read_with_the_age_filter() -> None:
    items = [PendingInference(f"job-1.w{i}", "t", "job-1", i, 1.0, 2.0).to_item() for i in range(5)]
    table = Table(items, page=2)

    found = list(CallbackStore("callbacks", table).pending(older_than=1234.5))

    assert [p.window_index for p in found] == [0, 1, 2, 3, 4]
    assert len(table.scans) == 3
    assert all(scan["FilterExpression"] == "created_at < :t" for scan in table.scans)
    assert all(scan["ExpressionAttributeValues"] == {":t": {"N": "1234.5"}} for scan in table.scans)
    assert all(scan["ConsistentRead"] is True for scan in table.scans)


def test_locations_for_an_item_already_resolved_are_not_written() -> None:
    assert CallbackStore("callbacks", Table()).record_locations("job-1.w0", "s3://o", "s3://f") is True
    gone = CallbackStore("callbacks", Table(refuse="ConditionalCheckFailedException"))
    assert gone.record_locations("job-1.w0", "s3://o", "s3://f") is False
    with pytest.raises(ClientError, match="ProvisionedThroughputExceeded"):
        CallbackStore("callbacks", Table(refuse="ProvisionedThroughputExceededException")).record_locations(
            "job-1.w0", "s3://o", "s3://f"
        )


class Bucket:
    """``ListObjectsV2`` over a set of keys (how the steps ask whether an object exists)."""

    def __init__(self, *keys: str) -> None:
        self.keys = sorted(keys)

    def list_objects_v2(self, *, Bucket: str, Prefix: str, MaxKeys: int) -> dict[str, Any]:
        return {"Contents": [{"Key": k} for k in self.keys if k.startswith(Prefix)][:MaxKeys]}


def test_a_completed_notification_names_the_inference_and_its_output() -> None:
    message = load_event("sagemaker_async_inference_completed.json")
    outcome = outcome_of_notification(message, Bucket())
    assert outcome.inference_id == "job-5f0eb2c057af4775b09e9b63.w1"
    assert outcome.output_location == message["responseParameters"]["outputLocation"]
    assert outcome.error is None


def test_a_failed_notification_without_its_failure_object_fails_with_the_reason_given() -> None:
    message = load_event("sagemaker_async_inference_failed.json")
    outcome = outcome_of_notification(message, Bucket())
    assert outcome.output_location is None
    assert isinstance(outcome.error, TranscriptionError)
    assert outcome.error.message == f"the inference failed: {message['failureReason']}"


def test_a_completed_status_without_an_output_location_is_a_failure() -> None:
    message = load_event("sagemaker_async_inference_completed.json")
    message["responseParameters"] = {}
    outcome = outcome_of_notification(message, Bucket())
    assert outcome.output_location is None and isinstance(outcome.error, TranscriptionError)


def test_sns_delivers_the_notification_as_the_resume_function_parses_it() -> None:
    event = SnsModel.model_validate(load_event("sns_sagemaker_inference_completed.json"))
    (record,) = event.Records
    assert json.loads(str(record.Sns.Message)) == load_event("sagemaker_async_inference_completed.json")
