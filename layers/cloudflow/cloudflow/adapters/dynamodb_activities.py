"""ActivityStore on the runtime's DynamoDB table (key `pk`/`sk`), beside the execution store's items.

    pk ACTIVITIES        sk A#<name>                 an activity: name, arn, creation_ms
    pk ACTIVITY#<name>   sk SEQ                      the activity's task counter (`next`)
                         sk T#<sequence, 12 digits>  a pending task: token, input, state, enqueued_ms
                         sk K#<sha256 of the token>  "this token was queued" (a re-run queues nothing)

The prefixes differ from the execution store's (`EX#`, `FLOW#`, `USAGE#` in its index), and these items
carry no index attributes, so they never show up in its queries. Every activity sits in one partition
(Step Functions allows 10,000 per account and region): ListActivities is one query per page.

Queueing a task numbers it (an atomic counter), then writes the task and its token marker in one
transaction conditional on the marker: a second queueing of the same token writes nothing. Claiming is a
delete conditional on the task still being there, returning the old item: of two workers that race for
a task, only one gets it back. Task and marker items expire (TTL `expires_at`) after the task's timeout.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from botocore.exceptions import ClientError

from cloudflow.activities.registry import Activities, ActivityRecord, PendingActivityTask
from cloudflow.adapters.dynamodb_store import DynamoDbExecutionStore
from cloudflow.adapters.dynamodb_table import conditional_failed
from cloudflow.runtime.runtime import Runtime

_REGISTRY_PK = "ACTIVITIES"


def _queue_pk(activity: str) -> str:
    return f"ACTIVITY#{activity}"


def _task_sk(sequence: int) -> str:
    return f"T#{sequence:012d}"


def _record(item: dict[str, Any]) -> ActivityRecord:
    return ActivityRecord(item["name"]["S"], item["arn"]["S"], int(item["creation_ms"]["N"]))


def _task(item: dict[str, Any]) -> PendingActivityTask:
    return PendingActivityTask(
        activity=item["activity"]["S"], activity_arn=item["activity_arn"]["S"], token=item["token"]["S"],
        input=item["input"]["S"], state_name=item["state_name"]["S"], enqueued_ms=int(item["enqueued_ms"]["N"]),
        sequence=int(item["seq"]["N"]),
    )


class DynamoDbActivityStore:
    """The ActivityStore port on DynamoDB; `client` is a boto3 DynamoDB client (injected)."""

    def __init__(self, client: Any, table: str) -> None:
        self._db = client
        self._table = table

    @classmethod
    def beside(cls, store: DynamoDbExecutionStore) -> DynamoDbActivityStore:
        """The activity store in the same table, through the same client, as an execution store."""
        return cls(store._db, store._table)

    # --- activities ----------------------------------------------------------------------------

    def create_activity(self, record: ActivityRecord) -> ActivityRecord:
        item = {"pk": {"S": _REGISTRY_PK}, "sk": {"S": f"A#{record.name}"}, "name": {"S": record.name},
                "arn": {"S": record.arn}, "creation_ms": {"N": str(record.creation_ms)}}
        try:
            self._db.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
            return record
        except ClientError as error:
            if not conditional_failed(error):
                raise
        existing = self.get_activity(record.name)
        return existing if existing is not None else self.create_activity(record)  # deleted in between

    def get_activity(self, name: str) -> ActivityRecord | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key={"pk": {"S": _REGISTRY_PK}, "sk": {"S": f"A#{name}"}}).get("Item")
        return None if item is None else _record(item)

    def list_activities(self, limit: int, after: str | None) -> tuple[list[ActivityRecord], bool]:
        kwargs: dict[str, Any] = {
            "TableName": self._table, "ConsistentRead": True, "Limit": limit + 1,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :a)",
            "ExpressionAttributeValues": {":pk": {"S": _REGISTRY_PK}, ":a": {"S": "A#"}},
        }
        if after is not None:
            kwargs["ExclusiveStartKey"] = {"pk": {"S": _REGISTRY_PK}, "sk": {"S": f"A#{after}"}}
        items: list[dict[str, Any]] = []
        while len(items) <= limit:  # one look ahead says whether another page follows
            page = self._db.query(**kwargs)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return [_record(item) for item in items[:limit]], len(items) > limit

    def delete_activity(self, name: str) -> None:
        self._db.delete_item(TableName=self._table, Key={"pk": {"S": _REGISTRY_PK}, "sk": {"S": f"A#{name}"}})

    # --- pending tasks -------------------------------------------------------------------------

    def enqueue_task(self, task: PendingActivityTask, ttl_seconds: int) -> bool:
        pk = {"S": _queue_pk(task.activity)}
        marker = {"pk": pk, "sk": {"S": f"K#{hashlib.sha256(task.token.encode()).hexdigest()}"}}
        if "Item" in self._db.get_item(TableName=self._table, Key=marker, ConsistentRead=True):
            return False  # queued before: do not even draw a number
        counter = self._db.update_item(
            TableName=self._table, Key={"pk": pk, "sk": {"S": "SEQ"}}, UpdateExpression="ADD #n :one",
            ExpressionAttributeNames={"#n": "next"}, ExpressionAttributeValues={":one": {"N": "1"}},
            ReturnValues="UPDATED_NEW")
        sequence = int(counter["Attributes"]["next"]["N"])
        expires = {"N": str(time.time_ns() // 1_000_000_000 + ttl_seconds)}
        item = {
            "pk": pk, "sk": {"S": _task_sk(sequence)}, "seq": {"N": str(sequence)},
            "activity": {"S": task.activity}, "activity_arn": {"S": task.activity_arn}, "token": {"S": task.token},
            "input": {"S": task.input}, "state_name": {"S": task.state_name},
            "enqueued_ms": {"N": str(task.enqueued_ms)}, "expires_at": expires,
        }
        try:
            self._db.transact_write_items(TransactItems=[
                {"Put": {"TableName": self._table, "ConditionExpression": "attribute_not_exists(pk)",
                         "Item": {**marker, "seq": {"N": str(sequence)}, "expires_at": expires}}},
                {"Put": {"TableName": self._table, "Item": item}},
            ])
        except ClientError as error:
            if conditional_failed(error):
                return False  # another run of the same step queued it first
            raise
        return True

    def oldest_tasks(self, activity: str, limit: int, after: int | None = None) -> list[PendingActivityTask]:
        kwargs: dict[str, Any] = {
            "TableName": self._table, "ConsistentRead": True, "Limit": limit,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :t)",
            "ExpressionAttributeValues": {":pk": {"S": _queue_pk(activity)}, ":t": {"S": "T#"}},
        }
        if after is not None:
            kwargs["ExclusiveStartKey"] = {"pk": {"S": _queue_pk(activity)}, "sk": {"S": _task_sk(after)}}
        return [_task(item) for item in self._db.query(**kwargs).get("Items", [])]

    def remove_task(self, task: PendingActivityTask) -> bool:
        key = {"pk": {"S": _queue_pk(task.activity)}, "sk": {"S": _task_sk(task.sequence)}}
        try:
            answer = self._db.delete_item(TableName=self._table, Key=key, ConditionExpression="attribute_exists(pk)",
                                          ReturnValues="ALL_OLD")
        except ClientError as error:
            if conditional_failed(error):
                return False  # another worker took it
            raise
        old = answer.get("Attributes")
        return old is not None and old.get("token", {}).get("S") == task.token


def activities_for(runtime: Runtime) -> Activities:
    """The activities of a runtime whose execution store is on DynamoDB: same table, same client."""
    store = runtime.store
    if not isinstance(store, DynamoDbExecutionStore):
        raise TypeError(f"activities need the DynamoDB execution store, not {type(store).__name__}")
    settings = runtime.settings
    return Activities(DynamoDbActivityStore.beside(store), runtime.clock, settings.region, settings.account)


def ambient_activities() -> Activities:
    """The activities of the runtime the current handler runs on (`wiring.shared_runtime()`): what an
    `ActivityTaskResolver` in the runtime's own `tasks` uses, so the local runtime needs no table name."""
    from cloudflow.adapters.wiring import shared_runtime

    return activities_for(shared_runtime())
