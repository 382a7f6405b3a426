"""Task tokens waiting for an asynchronous inference, kept in a DynamoDB table.

``TranscribeWindow`` stores the token of its paused state under the inference's id before it
invokes the endpoint; the function subscribed to the endpoint's notification topics (and the
sweeper, for a notification that never came) finds it there by that id, resumes the execution and
removes it. Items expire on their own (``expires_at``, the table's TTL attribute) a day after their
deadline, so the table holds only work in flight.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from typing import Any

#: Kept this long after its deadline before DynamoDB's TTL removes a forgotten item.
EXPIRY_AFTER_DEADLINE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PendingInference:
    """An inference a paused execution waits for."""

    inference_id: str
    task_token: str
    job_id: str
    window_index: int
    created_at: float  # seconds since the epoch
    deadline: float  # when the wait gives up (its budget spent)
    output_location: str = ""
    failure_location: str = ""

    def to_item(self) -> dict[str, Any]:
        item: dict[str, Any] = {}
        for name, value in asdict(self).items():
            if isinstance(value, str):
                item[name] = {"S": value}
            else:
                item[name] = {"N": repr(value)}
        item["expires_at"] = {"N": str(int(self.deadline + EXPIRY_AFTER_DEADLINE_SECONDS))}
        return item

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> PendingInference:
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = item.get(field.name)
            if raw is None:
                continue
            if "S" in raw:
                values[field.name] = raw["S"]
            else:
                values[field.name] = int(raw["N"]) if field.type in ("int", int) else float(raw["N"])
        return cls(**values)


class CallbackStore:
    """The table of :class:`PendingInference` items (key ``inference_id``)."""

    def __init__(self, table: str, client: Any) -> None:
        self.table = table
        self.client = client

    def put(self, pending: PendingInference) -> None:
        self.client.put_item(TableName=self.table, Item=pending.to_item())

    def record_locations(self, inference_id: str, output_location: str, failure_location: str) -> bool:
        """Add where the endpoint will write to a stored item; False (nothing written) when the
        item is gone already: the notification came first and resolved it."""
        from botocore.exceptions import ClientError

        try:
            self.client.update_item(
                TableName=self.table,
                Key={"inference_id": {"S": inference_id}},
                UpdateExpression="SET output_location = :o, failure_location = :f",
                ConditionExpression="attribute_exists(inference_id)",
                ExpressionAttributeValues={":o": {"S": output_location}, ":f": {"S": failure_location}},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def get(self, inference_id: str) -> PendingInference | None:
        item = self.client.get_item(
            TableName=self.table, Key={"inference_id": {"S": inference_id}}, ConsistentRead=True
        )
        return PendingInference.from_item(item["Item"]) if "Item" in item else None

    def remove(self, inference_id: str) -> bool:
        """Remove the item; False when it was gone already (resolved by someone else)."""
        answer = self.client.delete_item(
            TableName=self.table, Key={"inference_id": {"S": inference_id}}, ReturnValues="ALL_OLD"
        )
        return "Attributes" in answer

    def pending(self, *, older_than: float | None = None) -> Iterator[PendingInference]:
        """Every item, or those created before ``older_than`` (seconds since the epoch)."""
        options: dict[str, Any] = {"TableName": self.table, "ConsistentRead": True}
        if older_than is not None:
            options["FilterExpression"] = "created_at < :t"
            options["ExpressionAttributeValues"] = {":t": {"N": repr(older_than)}}
        while True:
            page = self.client.scan(**options)
            for item in page.get("Items") or ():
                yield PendingInference.from_item(item)
            if "LastEvaluatedKey" not in page:
                return
            options["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def now() -> float:
    return time.time()
