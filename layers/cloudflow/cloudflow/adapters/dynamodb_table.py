"""One DynamoDB table as the adapters use it: keys, blob attributes, conditional failures, queries."""

from __future__ import annotations

from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from cloudflow.ports import Blob, HistoryPage

FLOWS_PK = "FLOWS"  # the flow catalog: one partition, as small as the number of flows
SERIALIZER = TypeSerializer()
DESERIALIZER = TypeDeserializer()


def execution_pk(execution_id: str) -> str:
    """The partition of everything one execution keeps."""
    return f"EX#{execution_id}"


def blob_attrs(prefix: str, blob: Blob) -> dict[str, Any]:
    """A blob as item attributes: inline bytes, or the key of its payload-store object."""
    if blob.ref is not None:
        return {f"{prefix}_ref": {"S": blob.ref}}
    if blob.data is not None:
        return {prefix: {"B": blob.data}}
    return {}


def blob_of(item: dict[str, Any], prefix: str) -> Blob:
    """The blob `blob_attrs` wrote."""
    if f"{prefix}_ref" in item:
        return Blob(ref=item[f"{prefix}_ref"]["S"])
    if prefix in item:
        return Blob(data=bytes(item[prefix]["B"]))
    return Blob()


def page_of(item: dict[str, Any], execution_id: str, unit: str) -> HistoryPage:
    """A history page item (or a result item carrying its child's last page) as the page it holds."""
    return HistoryPage(execution_id, unit, int(item["first_event_id"]["N"]), blob_of(item, "events"),
                       int(item["count"]["N"]), int(item["transitions"]["N"]), "", "")


TAIL_FIELDS = ("tail", "tail_ref", "tail_first", "tail_count", "tail_transitions")
"""A unit record's attributes holding its history tail (UnitRecord.tail)."""


def tail_attrs(tail: HistoryPage | None) -> dict[str, Any]:
    """A unit record's history tail as item attributes (none without a tail)."""
    if tail is None:
        return {}
    return {**blob_attrs("tail", tail.events), "tail_first": {"N": str(tail.first_event_id)},
            "tail_count": {"N": str(tail.count)}, "tail_transitions": {"N": str(tail.transitions)}}


def tail_of(item: dict[str, Any], execution_id: str, unit: str) -> HistoryPage | None:
    """The history tail `tail_attrs` wrote, None when the item has none."""
    if "tail_first" not in item:
        return None
    return HistoryPage(execution_id, unit, int(item["tail_first"]["N"]), blob_of(item, "tail"),
                       int(item["tail_count"]["N"]), int(item["tail_transitions"]["N"]), "", "")


def conditional_failed(error: ClientError) -> bool:
    """Whether a write was refused by its condition (the item changed, or exists already)."""
    return error.response.get("Error", {}).get("Code") in (
        "ConditionalCheckFailedException", "TransactionCanceledException")


class DynamoDbTable:
    """A boto3 DynamoDB client on one table, with the queries every store needs."""

    def __init__(self, client: Any, table: str, retention_days: int = 90) -> None:
        self._db = client
        self._table = table
        self._retention_s = retention_days * 86400

    def _query(self, pk: str, sk_prefix: str, projection: str | None = None,
               names: dict[str, str] | None = None) -> list[dict[str, Any]]:
        kwargs: dict[str, Any] = {
            "TableName": self._table, "ConsistentRead": True,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":prefix": {"S": sk_prefix}},
        }
        if projection:
            kwargs["ProjectionExpression"] = projection
        if names:
            kwargs["ExpressionAttributeNames"] = names
        items: list[dict[str, Any]] = []
        while True:
            page = self._db.query(**kwargs)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _unit_tail(self, execution_id: str, unit: str) -> HistoryPage | None:
        """The history tail of a unit's record (None: no record, or no tail)."""
        key = {"pk": {"S": execution_pk(execution_id)}, "sk": {"S": f"U#{unit}"}}
        item = self._db.get_item(TableName=self._table, ConsistentRead=True, Key=key,
                                 ProjectionExpression=", ".join(TAIL_FIELDS)).get("Item")
        return None if item is None else tail_of(item, execution_id, unit)

    def _query_upto(self, kwargs: dict[str, Any], count: int) -> list[dict[str, Any]]:
        """Up to `count` items of a query (following its pages: a 1 MB page may hold fewer)."""
        items: list[dict[str, Any]] = []
        kwargs = {**kwargs, "Limit": count}
        while len(items) < count:
            page = self._db.query(**kwargs)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
            kwargs["Limit"] = count - len(items)
        return items[:count]
