"""The cloud job store: one DynamoDB table, partition key ``job_id``.

Item attributes: ``job_id``, ``status``, ``source``, ``created_at``, ``updated_at``, ``attempt``,
``stages`` (map), and when set ``error``, ``outputs``, ``summary`` (maps) and ``owner`` (the ARN
of the execution that registered the attempt). The global secondary
index ``by-status`` (partition key ``status``, sort key ``updated_at``, projection ALL) serves
listings by status, newest first.

Every write is conditional: a new job only if ``attribute_not_exists(job_id)``; a status change
only if the stored status is one of :func:`shared.status.allowed_previous` of the target (and the
item has not changed since it was read — a lost race is re-read and re-checked).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from shared.errors import InvalidTransitionError, JobNotFoundError
from shared.jobstore import JobRecord, apply_transition, check_transition, new_record, restarted_record, utc_now
from shared.status import JobStatus, allowed_previous

STATUS_INDEX = "by-status"
_OPTIONAL = ("error", "outputs", "summary", "owner")
_RACE_RETRIES = 5


def _to_dynamo(value: Any) -> Any:
    """JSON-able value → value the boto3 serializer accepts (floats become Decimals)."""
    return json.loads(json.dumps(value), parse_float=Decimal)


def _from_dynamo(value: Any) -> Any:
    """Deserialized value → plain JSON types (Decimals become int or float)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | set | tuple):
        return [_from_dynamo(v) for v in value]
    return value


def _is_conditional_failure(exc: Exception) -> bool:
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"


class DynamoDBJobStore:
    """``JobStore`` backed by DynamoDB (low-level client; boto3 is imported only when needed)."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

        if client is None:
            import boto3

            client = boto3.client("dynamodb")
        self.table_name = table_name
        self.client = client
        self._serializer = TypeSerializer()
        self._deserializer = TypeDeserializer()

    # -- items -----------------------------------------------------------------------
    def _item(self, rec: JobRecord) -> dict[str, Any]:
        data = rec.to_dict()
        plain = {k: v for k, v in data.items() if not (k in _OPTIONAL and v is None)}
        return {k: self._serializer.serialize(v) for k, v in _to_dynamo(plain).items()}

    def _record(self, item: dict[str, Any]) -> JobRecord:
        data = {k: _from_dynamo(self._deserializer.deserialize(v)) for k, v in item.items()}
        return JobRecord.from_dict(data)

    def _fetch(self, job_id: str) -> JobRecord | None:
        resp = self.client.get_item(TableName=self.table_name, Key={"job_id": {"S": job_id}}, ConsistentRead=True)
        item = resp.get("Item")
        return self._record(item) if item else None

    # -- JobStore --------------------------------------------------------------------
    def create_job(self, job_id: str, source: str, *, owner: str | None = None) -> tuple[JobRecord, bool]:
        now = utc_now()
        rec = new_record(job_id, source, at=now, owner=owner)
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=self._item(rec),
                ConditionExpression="attribute_not_exists(job_id)",
            )
        except Exception as exc:
            if not _is_conditional_failure(exc):
                raise
            existing = self._fetch(job_id)
            if existing is None:  # deleted in between: vanishingly rare, report it as a race
                raise
            return existing, False
        return rec, True

    def restart_job(self, job_id: str, source: str, *, owner: str | None = None) -> JobRecord:
        existing = self._fetch(job_id)
        if existing is None:
            raise JobNotFoundError(f"no job {job_id}")
        rec = restarted_record(existing, source, at=utc_now(), owner=owner)
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=self._item(rec),
                ConditionExpression="attribute_exists(job_id) AND attempt = :seen",
                ExpressionAttributeValues={":seen": {"N": str(existing.attempt)}},
            )
        except Exception as exc:
            if _is_conditional_failure(exc):
                raise InvalidTransitionError(f"job {job_id}: restarted concurrently") from None
            raise
        return rec

    def transition(
        self,
        job_id: str,
        target: JobStatus,
        *,
        error: dict[str, str] | None = None,
        outputs: dict[str, str] | None = None,
        summary: dict[str, Any] | None = None,
    ) -> JobRecord:
        allowed = sorted(s.value for s in allowed_previous(target))
        placeholders = {f":p{i}": {"S": value} for i, value in enumerate(allowed)}
        condition = f"#status IN ({', '.join(placeholders)}) AND updated_at = :seen"
        for _ in range(_RACE_RETRIES):
            current = self._fetch(job_id)
            if current is None:
                raise JobNotFoundError(f"no job {job_id}")
            check_transition(current, target)
            rec = apply_transition(current, target, at=utc_now(), error=error, outputs=outputs, summary=summary)
            try:
                self.client.put_item(
                    TableName=self.table_name,
                    Item=self._item(rec),
                    ConditionExpression=condition,
                    ExpressionAttributeNames={"#status": "status"},
                    ExpressionAttributeValues={**placeholders, ":seen": {"S": current.updated_at}},
                )
            except Exception as exc:
                if not _is_conditional_failure(exc):
                    raise
                continue  # changed since read: re-read and re-check
            return rec
        raise InvalidTransitionError(f"job {job_id}: too many concurrent updates moving to {target.value}")

    def get_job(self, job_id: str) -> JobRecord:
        rec = self._fetch(job_id)
        if rec is None:
            raise JobNotFoundError(f"no job {job_id}")
        return rec

    def find_jobs(self, prefix: str) -> list[JobRecord]:
        """Jobs whose id starts with ``prefix`` (lets users type a short id), newest first."""
        records = self._scan(
            FilterExpression="begins_with(job_id, :prefix)",
            ExpressionAttributeValues={":prefix": {"S": prefix}},
        )
        return _newest_first(records)

    def list_jobs(self, status: JobStatus | None = None, limit: int | None = None) -> list[JobRecord]:
        if status is None:
            records = _newest_first(self._scan())
            return records[:limit] if limit is not None else records
        records = []
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": STATUS_INDEX,
            "KeyConditionExpression": "#status = :status",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":status": {"S": status.value}},
            "ScanIndexForward": False,
        }
        while True:
            if limit is not None:
                kwargs["Limit"] = max(1, limit - len(records))
            resp = self.client.query(**kwargs)
            records.extend(self._record(item) for item in resp.get("Items", []))
            if limit is not None and len(records) >= limit:
                break
            if "LastEvaluatedKey" not in resp:
                break
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]
        records = _newest_first(records)
        return records[:limit] if limit is not None else records

    def _scan(self, **extra: Any) -> list[JobRecord]:
        records: list[JobRecord] = []
        kwargs: dict[str, Any] = {"TableName": self.table_name, **extra}
        while True:
            resp = self.client.scan(**kwargs)
            records.extend(self._record(item) for item in resp.get("Items", []))
            if "LastEvaluatedKey" not in resp:
                return records
            kwargs["ExclusiveStartKey"] = resp["LastEvaluatedKey"]


def _newest_first(records: list[JobRecord]) -> list[JobRecord]:
    """Same order as the SQLite store: ``updated_at`` descending, then ``job_id``."""
    by_id = sorted(records, key=lambda r: r.job_id)
    return sorted(by_id, key=lambda r: r.updated_at, reverse=True)
