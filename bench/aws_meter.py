"""The AWS meter of bench/runtime.py: counts the requests a runtime's boto3 clients make, and the
DynamoDB capacity units they would consume (moto does not report ConsumedCapacity). bench/runtime.py's
docstring states the sizing and billing rules."""

from __future__ import annotations

import copy
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cloudflow.adapters.dynamodb_item_size import item_size, units

# Assumed in-region round trip per request, for the modelled duration only (not measured here).
ROUND_TRIP_SECONDS = {"dynamodb": 0.005, "sqs": 0.010, "s3": 0.020, "scheduler": 0.030}
SQS_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Index:
    """A global secondary index: its key attributes and the attributes it projects."""

    name: str
    keys: tuple[str, ...]
    projected: tuple[str, ...] | None  # None: ALL

    def entry(self, item: dict[str, Any], table_keys: tuple[str, ...]) -> tuple[str, str] | None:
        """What the index holds for `item` (its key, its projection), None when not indexed."""
        if any(k not in item for k in self.keys):
            return None
        names = sorted(item) if self.projected is None else [*table_keys, *self.projected]
        return (_text([item[k] for k in self.keys]), _text([item.get(n) for n in names]))


def _text(values: list[Any]) -> str:
    return json.dumps(values, sort_keys=True, default=repr)


# --- the request meter -----------------------------------------------------------------------------------------

@dataclass
class Usage:
    """Everything the runtime's clients did while enabled."""

    requests: Counter[str] = field(default_factory=Counter)  # "service:Operation"
    sqs_billed: Counter[str] = field(default_factory=Counter)  # "fifo" / "standard": 64 KB chunks
    wru: float = 0.0
    index_wru: float = 0.0  # the part of `wru` spent on global secondary indexes
    rru: float = 0.0
    # DynamoDB requests (and their units) on mock-config attempt counters (`M#` items): test-only bookkeeping
    mock_requests: int = 0
    mock_wru: float = 0.0
    mock_rru: float = 0.0
    aws_seconds: float = 0.0  # inside the runtime's AWS calls (moto's time, in place of the network)
    round_trip_seconds: float = 0.0  # the assumed network time of those calls (ROUND_TRIP_SECONDS)
    own_seconds: float = 0.0  # the meter's own work inside invocations, taken off their durations


class AwsMeter:
    """Counts requests and DynamoDB capacity of the clients it is attached to."""

    def __init__(self, raw_dynamodb: Any, table: str) -> None:
        self.usage = Usage()
        self.enabled = True
        self._raw = raw_dynamodb  # unhooked: the meter's own look-ups are not counted
        described = raw_dynamodb.describe_table(TableName=table)["Table"]
        self._keys = tuple(k["AttributeName"] for k in described["KeySchema"])
        self._indexes = [
            Index(i["IndexName"], tuple(k["AttributeName"] for k in i["KeySchema"]),
                  None if i["Projection"]["ProjectionType"] == "ALL"
                  else tuple(i["Projection"].get("NonKeyAttributes", [])))
            for i in described.get("GlobalSecondaryIndexes", [])
        ]
        self._items: dict[tuple[str, ...], tuple[int, tuple[Any, ...]]] = {}  # key -> (size, index entries)

    def attach(self, client: Any) -> None:
        events = client.meta.events
        events.register("before-parameter-build.*.*", self._keep_params)
        events.register("before-call.*.*", self._started)
        events.register("after-call.*.*", self._finished)

    # --- hooks ---------------------------------------------------------------------------------------------

    def _keep_params(self, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["bench_params"] = copy.copy(params)

    def _started(self, context: dict[str, Any], **_: Any) -> None:
        context["bench_started"] = time.perf_counter()

    def _finished(self, http_response: Any, parsed: dict[str, Any], model: Any, context: dict[str, Any],
                  **_: Any) -> None:
        now = time.perf_counter()
        if not self.enabled:
            return
        service, operation = model.service_model.service_name, model.name
        self.usage.aws_seconds += now - context.get("bench_started", now)
        self.usage.round_trip_seconds += ROUND_TRIP_SECONDS.get(service, 0.0)
        self.usage.requests[f"{service}:{operation}"] += 1
        params, ok = context.get("bench_params", {}), http_response.status_code < 300
        if service == "dynamodb":
            wru, rru = self.usage.wru, self.usage.rru
            self._dynamodb(operation, params, parsed, ok)
            if _is_mock_bookkeeping(params):
                self.usage.mock_requests += 1
                self.usage.mock_wru += self.usage.wru - wru
                self.usage.mock_rru += self.usage.rru - rru
        elif service == "sqs":
            self._sqs(operation, params)
        self.usage.own_seconds += time.perf_counter() - now

    # --- SQS -------------------------------------------------------------------------------------------------

    def _sqs(self, operation: str, params: dict[str, Any]) -> None:
        kind = "fifo" if params.get("QueueUrl", "").endswith(".fifo") else "standard"
        if operation == "SendMessage":
            size = len(params.get("MessageBody", "").encode()) + len(json.dumps(params.get("MessageAttributes", {})))
        elif operation == "SendMessageBatch":
            size = sum(len(e.get("MessageBody", "").encode()) + len(json.dumps(e.get("MessageAttributes", {})))
                       for e in params.get("Entries", []))
        else:
            size = 0
        self.usage.sqs_billed[kind] += units(size, SQS_CHUNK)

    # --- DynamoDB writes -------------------------------------------------------------------------------------

    def _dynamodb(self, operation: str, params: dict[str, Any], parsed: dict[str, Any], ok: bool) -> None:
        if operation == "PutItem":
            self.usage.wru += self._write(params["Item"], params["Item"] if ok else None, ok)
        elif operation == "UpdateItem":
            self.usage.wru += self._write(params["Key"], self._updated(params, parsed) if ok else None, ok)
        elif operation == "DeleteItem":
            self.usage.wru += self._write(params["Key"], None, ok)
        elif operation == "BatchWriteItem":
            self._batch_write(params, parsed)
        elif operation == "TransactWriteItems":
            self._transact_write(params)
        elif operation == "GetItem":
            self.usage.rru += self._get_cost(params, parsed.get("Item"))
        elif operation == "BatchGetItem":
            for table, request in params.get("RequestItems", {}).items():
                for key in request.get("Keys", []):
                    self.usage.rru += self._get_cost({**request, "Key": key, "TableName": table}, None)
        elif operation in ("Query", "Scan"):
            self.usage.rru += self._query_cost(operation, params)

    def _key(self, item: dict[str, Any]) -> tuple[str, ...]:
        return tuple(_text([item.get(k)]) for k in self._keys)

    def _write(self, key_or_item: dict[str, Any], new: dict[str, Any] | None, changed: bool) -> int:
        """WRU of one write: new is the item afterwards (None: deleted); changed False: a failed condition."""
        key = self._key(key_or_item)
        old_size, old_entries = self._items.get(key, (0, (None,) * len(self._indexes)))
        if not changed:
            return units(old_size, 1024)
        new_size = item_size(new) if new is not None else 0
        new_entries = tuple(i.entry(new, self._keys) if new is not None else None for i in self._indexes)
        if new is None:
            self._items.pop(key, None)
        else:
            self._items[key] = (new_size, new_entries)
        index_writes = sum(_index_writes(a, b) for a, b in zip(old_entries, new_entries, strict=True))
        self.usage.index_wru += index_writes
        return units(max(old_size, new_size), 1024) + index_writes

    def _updated(self, params: dict[str, Any], parsed: dict[str, Any]) -> dict[str, Any] | None:
        if params.get("ReturnValues") == "ALL_NEW" and "Attributes" in parsed:
            return dict(parsed["Attributes"])
        answer = self._raw.get_item(TableName=params["TableName"], Key=params["Key"], ConsistentRead=True)
        return answer.get("Item")

    def _batch_write(self, params: dict[str, Any], parsed: dict[str, Any]) -> None:
        unprocessed = parsed.get("UnprocessedItems") or {}
        for table, requests in params.get("RequestItems", {}).items():
            for request in requests:
                if request in unprocessed.get(table, []):
                    continue
                if "PutRequest" in request:
                    item = request["PutRequest"]["Item"]
                    self.usage.wru += self._write(item, item, True)
                else:
                    self.usage.wru += self._write(request["DeleteRequest"]["Key"], None, True)

    def _transact_write(self, params: dict[str, Any]) -> None:
        for entry in params.get("TransactItems", []):
            for kind, request in entry.items():
                if kind == "Put":
                    self.usage.wru += 2 * self._write(request["Item"], request["Item"], True)
                else:
                    key = self._key(request["Key"])
                    self.usage.wru += 2 * units(self._items.get(key, (0,))[0], 1024)

    # --- DynamoDB reads --------------------------------------------------------------------------------------

    def _get_cost(self, params: dict[str, Any], item: dict[str, Any] | None) -> float:
        known = self._items.get(self._key(params["Key"]))
        size = known[0] if known else (item_size(item) if item else 0)
        return (1.0 if params.get("ConsistentRead") else 0.5) * units(size, 4096)

    def _query_cost(self, operation: str, params: dict[str, Any]) -> float:
        """Repeat the page without its projection and filter: the sizes of the items it evaluated."""
        repeat = {k: v for k, v in params.items() if k not in (
            "ProjectionExpression", "FilterExpression", "Select", "ExpressionAttributeNames",
            "ExpressionAttributeValues", "ReturnConsumedCapacity")}
        condition = params.get("KeyConditionExpression", "")
        names = {k: v for k, v in params.get("ExpressionAttributeNames", {}).items() if k in condition}
        values = {k: v for k, v in params.get("ExpressionAttributeValues", {}).items() if k in condition}
        if names:
            repeat["ExpressionAttributeNames"] = names
        if values:
            repeat["ExpressionAttributeValues"] = values
        page = getattr(self._raw, operation.lower())(**repeat)
        size = sum(item_size(item) for item in page.get("Items", []))
        consistent = params.get("ConsistentRead") and "IndexName" not in params
        return (1.0 if consistent else 0.5) * units(size, 4096)


def _is_mock_bookkeeping(params: dict[str, Any]) -> bool:
    """A request on a mock-config attempt counter (sk `M#...`): exists only for mocked test cases."""
    key = params.get("Key") or params.get("Item") or {}
    return str(key.get("sk", {}).get("S", "")).startswith("M#")


def _index_writes(old: tuple[str, str] | None, new: tuple[str, str] | None) -> int:
    if old == new:
        return 0
    if old is None or new is None:
        return 1
    return 2 if old[0] != new[0] else 1  # the index key changed: a delete and a put
