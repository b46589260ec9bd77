"""ExecutionStore on one DynamoDB table (key `pk`/`sk`), laid out around the access paths.

    pk EX#<execution>  sk U#<unit>                       unit record: version, status, snapshot, outbox
                       sk H#<unit>#<first event id>      history page (usage_pk/usage_sk: GSI Usage)
                       sk J#<join>                       join: totals, failed, shards done
                       sk J#<join>#S<shard>              join shard: which of its 100 children are counted
                       sk R#<join>#<index>               a child's result (and its last history page)
                       sk I#<join>#<index>               a child input waiting for a MaxConcurrency slot
    pk FLOW#<name>     sk V#<version>                    an immutable flow version
                       sk A#<alias>                      an alias (LATEST, ...): the version it points at
                       sk P#<number>                     a published (numbered) version: its content version
    pk FLOWS           sk F#<name>                       the management API's flow catalog entry (and the
                                                         flow's searchable fields, `search_fields`)
    pk SX#<flow>#<field>#<value>  sk <start ms>#<name>   an execution indexed by an input field's value

Counting a child is one conditional update of its shard (`attribute_not_exists(c<i>)`), so a
duplicate report never counts twice and the shard item stays under 1 KB; the shard that fills up
counts itself once on the join item the same way. A join of at most 100 children is its own shard.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from cloudflow.errors import ConflictError
from cloudflow.ports import (
    Blob,
    ExecutionSummary,
    FlowRecord,
    HistoryPage,
    JoinCount,
    JoinRecord,
    PublishedVersion,
    SearchField,
    UnitRecord,
)
from cloudflow.runtime.search_index import index_partition, index_sort

SHARD_SIZE = 100
_RUN_LIMIT_S = 366 * 86400  # an index entry outlives its execution's longest run (a year) plus its retention
_FLOWS_PK = "FLOWS"  # the flow catalog: one partition, as small as the number of flows
_SER = TypeSerializer()
_DES = TypeDeserializer()
_UNIT_FIELDS = {"pk", "sk", "version", "status", "snap", "snap_ref", "outbox", "outbox_ref", "outbox_key",
                "expires_at"}


def _pk(execution_id: str) -> str:
    return f"EX#{execution_id}"


def _blob_attrs(prefix: str, blob: Blob) -> dict[str, Any]:
    if blob.ref is not None:
        return {f"{prefix}_ref": {"S": blob.ref}}
    if blob.data is not None:
        return {prefix: {"B": blob.data}}
    return {}


def _blob(item: dict[str, Any], prefix: str) -> Blob:
    if f"{prefix}_ref" in item:
        return Blob(ref=item[f"{prefix}_ref"]["S"])
    if prefix in item:
        return Blob(data=bytes(item[prefix]["B"]))
    return Blob()


def _conditional_failed(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in (
        "ConditionalCheckFailedException", "TransactionCanceledException")


class DynamoDbExecutionStore:
    """The ExecutionStore port on DynamoDB; `client` is a boto3 DynamoDB client (injected)."""

    def __init__(self, client: Any, table: str, retention_days: int = 90) -> None:
        self._db = client
        self._table = table
        self._retention_s = retention_days * 86400

    def _expiry(self) -> dict[str, Any]:
        """TTL for join, result, parked-input and mock-counter items (they outlive no execution's history)."""
        return {"expires_at": {"N": str(time.time_ns() // 1_000_000_000 + self._retention_s)}}

    # --- units ---------------------------------------------------------------------------------

    def get_unit(self, execution_id: str, unit: str) -> UnitRecord | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key={"pk": {"S": _pk(execution_id)}, "sk": {"S": f"U#{unit}"}}).get("Item")
        return None if item is None else self._unit(execution_id, item)

    def _unit(self, execution_id: str, item: dict[str, Any]) -> UnitRecord:
        attrs = {k: _DES.deserialize(v) for k, v in item.items() if k not in _UNIT_FIELDS}
        return UnitRecord(
            execution_id=execution_id, unit=item["sk"]["S"][2:], version=int(item["version"]["N"]),
            status=item["status"]["S"], snapshot=_blob(item, "snap"), outbox=_blob(item, "outbox"),
            outbox_key=item.get("outbox_key", {}).get("S", ""), attrs=attrs,
            expires_at=int(item["expires_at"]["N"]) if "expires_at" in item else None,
        )

    def save_unit(self, record: UnitRecord, expected_version: int) -> None:
        item: dict[str, Any] = {
            "pk": {"S": _pk(record.execution_id)}, "sk": {"S": f"U#{record.unit}"},
            "version": {"N": str(record.version)}, "status": {"S": record.status},
            "outbox_key": {"S": record.outbox_key},
            **_blob_attrs("snap", record.snapshot), **_blob_attrs("outbox", record.outbox),
        }
        if record.expires_at is not None:
            item["expires_at"] = {"N": str(record.expires_at)}
        for key, value in record.attrs.items():
            if value is not None:
                item[key] = _SER.serialize(value)
        if expected_version == 0:
            condition, values = "attribute_not_exists(pk)", {}
        else:
            condition, values = "version = :expected", {":expected": {"N": str(expected_version)}}
        try:
            self._db.put_item(TableName=self._table, Item=item, ConditionExpression=condition,
                              **({"ExpressionAttributeValues": values} if values else {}))
        except ClientError as error:
            if _conditional_failed(error):
                raise ConflictError(f"unit {record.unit} of {record.execution_id} moved past version "
                                    f"{expected_version}") from error
            raise

    def list_units(self, execution_id: str, prefix: str) -> list[UnitRecord]:
        items = self._query(_pk(execution_id), f"U#{prefix}",
                            projection="pk, sk, version, #s, outbox_key", names={"#s": "status"})
        return [self._unit(execution_id, item) for item in items]

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

    # --- history and usage ---------------------------------------------------------------------

    @staticmethod
    def _page_attrs(page: HistoryPage) -> dict[str, Any]:
        attrs: dict[str, Any] = {
            "first_event_id": {"N": str(page.first_event_id)}, "count": {"N": str(page.count)},
            "transitions": {"N": str(page.transitions)}, **_blob_attrs("events", page.events),
        }
        if page.transitions:  # the sparse Usage index holds only pages that metered something
            attrs["usage_pk"] = {"S": f"USAGE#{page.flow}#{page.day}"}
            attrs["usage_sk"] = {"S": f"{page.execution_id}#{page.unit}#{page.first_event_id:010d}"}
        if page.expires_at is not None:
            attrs["expires_at"] = {"N": str(page.expires_at)}
        return attrs

    def put_history_page(self, page: HistoryPage) -> None:
        item = {"pk": {"S": _pk(page.execution_id)}, "sk": {"S": f"H#{page.unit}#{page.first_event_id:010d}"},
                **self._page_attrs(page)}
        self._db.put_item(TableName=self._table, Item=item)

    def history_pages(self, execution_id: str, unit: str) -> list[HistoryPage]:
        items = self._query(_pk(execution_id), f"H#{unit}#")
        join_id, dot, index = unit.rpartition(".")
        if dot:
            final = self._db.get_item(TableName=self._table, ConsistentRead=True, Key={
                "pk": {"S": _pk(execution_id)}, "sk": {"S": f"R#{join_id}#{int(index):07d}"}}).get("Item")
            if final is not None and "first_event_id" in final:
                items.append(final)
        return [HistoryPage(execution_id, unit, int(i["first_event_id"]["N"]), _blob(i, "events"),
                            int(i["count"]["N"]), int(i["transitions"]["N"]), "", "") for i in items]

    def metered_transitions(self, execution_id: str) -> int:
        pages = self._query(_pk(execution_id), "H#", projection="transitions")
        finals = self._query(_pk(execution_id), "R#", projection="transitions")
        return sum(int(item["transitions"]["N"]) for item in (*pages, *finals) if "transitions" in item)

    def usage(self, flow: str, day: str) -> int:
        kwargs: dict[str, Any] = {
            "TableName": self._table, "IndexName": "Usage", "KeyConditionExpression": "usage_pk = :u",
            "ExpressionAttributeValues": {":u": {"S": f"USAGE#{flow}#{day}"}}, "ProjectionExpression": "transitions",
        }
        total = 0
        while True:
            page = self._db.query(**kwargs)
            total += sum(int(item["transitions"]["N"]) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return total
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # --- flows ---------------------------------------------------------------------------------

    def put_flow(self, name: str, version: str, definition: str) -> None:
        try:
            self._db.put_item(TableName=self._table, ConditionExpression="attribute_not_exists(pk)", Item={
                "pk": {"S": f"FLOW#{name}"}, "sk": {"S": f"V#{version}"}, "definition": {"S": definition}})
        except ClientError as error:
            if not _conditional_failed(error):  # the same version exists: versions are immutable
                raise

    def get_flow(self, name: str, version: str) -> str | None:
        item = self._db.get_item(TableName=self._table, Key={
            "pk": {"S": f"FLOW#{name}"}, "sk": {"S": f"V#{version}"}}).get("Item")
        return None if item is None else str(item["definition"]["S"])

    def put_flow_alias(self, name: str, alias: str, version: str) -> None:
        self._db.put_item(TableName=self._table, Item={
            "pk": {"S": f"FLOW#{name}"}, "sk": {"S": f"A#{alias}"}, "version": {"S": version}})

    def get_flow_alias(self, name: str, alias: str) -> str | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True, Key={
            "pk": {"S": f"FLOW#{name}"}, "sk": {"S": f"A#{alias}"}}).get("Item")
        return None if item is None else str(item["version"]["S"])

    def mock_invocation(self, execution_id: str, state_name: str, token: str) -> int:
        """One conditional update of the state's counter item: the token's number is the count before it,
        recorded beside the count, so a step re-run after a crash reads back the same number (test-only
        bookkeeping: the item grows by ~20 bytes per mocked call of the state)."""
        key = self._join_key(execution_id, f"M#{state_name}")
        names = {"#t": f"t{token[-16:]}"}
        _, item = self._update_once(
            key, "SET #t = if_not_exists(calls, :zero), calls = if_not_exists(calls, :zero) + :one, expires_at = :x",
            "attribute_not_exists(#t)", names,
            {":zero": {"N": "0"}, ":one": {"N": "1"}, ":x": self._expiry()["expires_at"]})
        return int(item[names["#t"]]["N"])

    # --- joins ---------------------------------------------------------------------------------

    def _join_key(self, execution_id: str, sk: str) -> dict[str, Any]:
        return {"pk": {"S": _pk(execution_id)}, "sk": {"S": sk}}

    def create_join(self, join: JoinRecord) -> None:
        item: dict[str, Any] = {
            **self._join_key(join.execution_id, f"J#{join.join_id}"),
            "parent_unit": {"S": join.parent_unit}, "parent_frame_id": {"S": join.parent_frame_id},
            "kind": {"S": join.kind}, "state_name": {"S": join.state_name}, "total": {"N": str(join.total)},
            "window": {"N": str(join.window)}, "closed": {"BOOL": False},
            "failed": {"N": "0"}, "shards_done": {"N": "0"}, "transitions": {"N": "0"}, **self._expiry(),
        }
        if join.tolerated_count is not None:
            item["tolerated_count"] = {"N": str(join.tolerated_count)}
        if join.tolerated_percentage is not None:
            item["tolerated_percentage"] = {"N": repr(join.tolerated_percentage)}
        try:
            self._db.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
        except ClientError as error:
            if not _conditional_failed(error):
                raise

    def get_join(self, execution_id: str, join_id: str) -> JoinRecord | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key=self._join_key(execution_id, f"J#{join_id}")).get("Item")
        if item is None:
            return None
        return JoinRecord(
            execution_id, join_id, item["parent_unit"]["S"], item["parent_frame_id"]["S"], item["kind"]["S"],
            item["state_name"]["S"], int(item["total"]["N"]), int(item["window"]["N"]),
            int(item["tolerated_count"]["N"]) if "tolerated_count" in item else None,
            float(item["tolerated_percentage"]["N"]) if "tolerated_percentage" in item else None,
            bool(item["closed"]["BOOL"]),
        )

    def close_join(self, execution_id: str, join_id: str) -> None:
        self._db.update_item(TableName=self._table, Key=self._join_key(execution_id, f"J#{join_id}"),
                             UpdateExpression="SET closed = :t", ExpressionAttributeValues={":t": {"BOOL": True}},
                             ConditionExpression="attribute_exists(pk)")

    def put_child_inputs(self, execution_id: str, join_id: str, inputs: list[tuple[int, Blob]]) -> None:
        requests = [{"PutRequest": {"Item": {**self._join_key(execution_id, f"I#{join_id}#{index:07d}"),
                                             **_blob_attrs("input", blob), **self._expiry()}}}
                    for index, blob in inputs]
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self._table: requests[start:start + 25]}
            while pending:
                pending = self._db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    def get_child_input(self, execution_id: str, join_id: str, index: int) -> Blob | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key=self._join_key(execution_id, f"I#{join_id}#{index:07d}")).get("Item")
        return None if item is None else _blob(item, "input")

    def put_result(self, execution_id: str, join_id: str, index: int, result: Blob,
                   final_page: HistoryPage | None = None) -> None:
        item = {**self._join_key(execution_id, f"R#{join_id}#{index:07d}"), **_blob_attrs("result", result),
                **self._expiry()}
        if final_page is not None:
            item.update(self._page_attrs(final_page))
        self._db.put_item(TableName=self._table, Item=item)

    def results(self, execution_id: str, join_id: str) -> list[Blob]:
        items = self._query(_pk(execution_id), f"R#{join_id}#", projection="#r, result_ref",
                            names={"#r": "result"})
        return [_blob(item, "result") for item in items]

    def count_child(
        self, execution_id: str, join_id: str, total: int, index: int, failed: bool, transitions: int
    ) -> JoinCount:
        failures = self._count_failure(execution_id, join_id, index) if failed else 0
        if total <= SHARD_SIZE:  # one shard: the join item itself counts (one write per child, not two)
            counted, top = self._count_once(f"J#{join_id}", execution_id, f"c{index}",
                                            {"done": 1, "transitions": transitions})
            return JoinCount(int(top["done"]["N"]) == total, int(top["failed"]["N"]), int(top["transitions"]["N"]),
                             counted)
        shard = index // SHARD_SIZE
        shard_size = min(SHARD_SIZE, total - shard * SHARD_SIZE)
        counted, shard_item = self._count_once(
            f"J#{join_id}#S{shard:05d}", execution_id, f"c{index}", {"done": 1, "transitions": transitions})
        if int(shard_item.get("done", {"N": "0"})["N"]) < shard_size:
            return JoinCount(False, failures, 0, counted)
        shard_transitions = int(shard_item.get("transitions", {"N": "0"})["N"])
        _, top = self._count_once(f"J#{join_id}", execution_id, f"s{shard}",
                                  {"shards_done": 1, "transitions": shard_transitions})
        all_done = int(top["shards_done"]["N"]) == math.ceil(total / SHARD_SIZE)
        return JoinCount(all_done, int(top["failed"]["N"]), int(top["transitions"]["N"]), counted)

    def _count_failure(self, execution_id: str, join_id: str, index: int) -> int:
        _, top = self._count_once(f"J#{join_id}", execution_id, f"f{index}", {"failed": 1})
        return int(top["failed"]["N"])

    def _count_once(
        self, sk: str, execution_id: str, flag: str, additions: dict[str, int]
    ) -> tuple[bool, dict[str, Any]]:
        """ADD `additions` and SET `flag`, only if `flag` is not set yet; returns (counted now, item)."""
        names = {"#flag": flag, **{f"#a{i}": name for i, name in enumerate(additions)}}
        values = {":t": {"BOOL": True}, ":x": self._expiry()["expires_at"],
                  **{f":a{i}": {"N": str(v)} for i, v in enumerate(additions.values())}}
        adds = ", ".join(f"#a{i} :a{i}" for i in range(len(additions)))
        return self._update_once(self._join_key(execution_id, sk), f"SET #flag = :t, expires_at = :x ADD {adds}",
                                 "attribute_not_exists(#flag)", names, values)

    def _update_once(self, key: dict[str, Any], update: str, condition: str, names: dict[str, str],
                     values: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        """A conditional update; returns (applied, the item after it, or as it stood when the condition failed)."""
        try:
            answer = self._db.update_item(
                TableName=self._table, Key=key, UpdateExpression=update, ConditionExpression=condition,
                ExpressionAttributeNames=names, ExpressionAttributeValues=values, ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
            return True, dict(answer["Attributes"])
        except ClientError as error:
            if not _conditional_failed(error):
                raise
            old: Any = error.response.get("Item")
            if old is None:  # older endpoints do not return the item: read it
                old = self._db.get_item(TableName=self._table, Key=key, ConsistentRead=True)["Item"]
            return False, dict(old)

    # --- the management API: flow catalog, published versions, executions by flow, history pages ---

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

    def register_flow(self, name: str, now_ms: int, must_be_new: bool) -> bool:
        key = {"pk": {"S": _FLOWS_PK}, "sk": {"S": f"F#{name}"}}
        if must_be_new:
            try:
                self._db.put_item(TableName=self._table, ConditionExpression="attribute_not_exists(pk)", Item={
                    **key, "name": {"S": name}, "created_ms": {"N": str(now_ms)}, "updated_ms": {"N": str(now_ms)}})
                return True
            except ClientError as error:
                if _conditional_failed(error):
                    return False
                raise
        self._db.update_item(
            TableName=self._table, Key=key,
            UpdateExpression="SET #n = :n, created_ms = if_not_exists(created_ms, :t), updated_ms = :t",
            ExpressionAttributeNames={"#n": "name"},
            ExpressionAttributeValues={":n": {"S": name}, ":t": {"N": str(now_ms)}})
        return True

    @staticmethod
    def _flow_record(item: dict[str, Any]) -> FlowRecord:
        return FlowRecord(item["name"]["S"], int(item["created_ms"]["N"]), int(item["updated_ms"]["N"]))

    def get_flow_record(self, name: str) -> FlowRecord | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True, Key={
            "pk": {"S": _FLOWS_PK}, "sk": {"S": f"F#{name}"}}).get("Item")
        return None if item is None else self._flow_record(item)

    def list_flows(self, after: str | None, limit: int) -> tuple[list[FlowRecord], bool]:
        kwargs: dict[str, Any] = {
            "TableName": self._table, "ConsistentRead": True,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :f)",
            "ExpressionAttributeValues": {":pk": {"S": _FLOWS_PK}, ":f": {"S": "F#"}},
        }
        if after is not None:
            kwargs["ExclusiveStartKey"] = {"pk": {"S": _FLOWS_PK}, "sk": {"S": f"F#{after}"}}
        items = self._query_upto(kwargs, limit + 1)  # one look-ahead says whether another page follows
        return [self._flow_record(item) for item in items[:limit]], len(items) > limit

    def list_flow_aliases(self, name: str) -> dict[str, str]:
        return {item["sk"]["S"][2:]: item["version"]["S"] for item in self._query(f"FLOW#{name}", "A#")}

    def delete_flow(self, name: str) -> None:
        # The catalog entry goes first: a delete cut short leaves a flow that still exists (its LATEST alias),
        # which a retry deletes, rather than a listed flow that does not.
        keys = [{"pk": {"S": _FLOWS_PK}, "sk": {"S": f"F#{name}"}}]
        keys.extend({"pk": item["pk"], "sk": item["sk"]}
                    for prefix in ("A#", "P#") for item in self._query(f"FLOW#{name}", prefix, projection="pk, sk"))
        for start in range(0, len(keys), 25):
            pending: dict[str, Any] = {self._table: [{"DeleteRequest": {"Key": key}} for key in keys[start:start + 25]]}
            while pending:
                pending = self._db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    @staticmethod
    def _published(name: str, item: dict[str, Any]) -> PublishedVersion:
        return PublishedVersion(name, int(item["sk"]["S"][2:]), item["version"]["S"], int(item["created_ms"]["N"]),
                                item.get("description", {}).get("S", ""))

    def _published_range(self, name: str, newest_first: bool, below: int | None, count: int) -> list[PublishedVersion]:
        high = f"P#{below - 1:010d}" if below is not None else "P#9999999999"
        if below is not None and below <= 1:
            return []
        items = self._query_upto({
            "TableName": self._table, "ConsistentRead": True, "ScanIndexForward": not newest_first,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": {":pk": {"S": f"FLOW#{name}"}, ":lo": {"S": "P#0000000000"},
                                          ":hi": {"S": high}},
        }, count)
        return [self._published(name, item) for item in items]

    def publish_version(self, name: str, version: str, now_ms: int, description: str = "") -> PublishedVersion:
        while True:
            newest = self._published_range(name, True, None, 1)
            if newest and newest[0].version == version:
                return newest[0]  # nothing changed since the last publish: that version, as Step Functions does
            number = newest[0].number + 1 if newest else 1
            item = {"pk": {"S": f"FLOW#{name}"}, "sk": {"S": f"P#{number:010d}"}, "version": {"S": version},
                    "created_ms": {"N": str(now_ms)}}
            if description:
                item["description"] = {"S": description}
            try:
                self._db.put_item(TableName=self._table, Item=item, ConditionExpression="attribute_not_exists(pk)")
                return PublishedVersion(name, number, version, now_ms, description)
            except ClientError as error:  # a concurrent publish took this number: look again
                if not _conditional_failed(error):
                    raise

    def get_published_version(self, name: str, number: int) -> PublishedVersion | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True, Key={
            "pk": {"S": f"FLOW#{name}"}, "sk": {"S": f"P#{number:010d}"}}).get("Item")
        return None if item is None else self._published(name, item)

    def list_published_versions(self, name: str, before: int | None, limit: int) -> tuple[list[PublishedVersion], bool]:
        found = self._published_range(name, True, before, limit + 1)
        return found[:limit], len(found) > limit

    def list_executions(
        self, flow: str, status: str | None, started_from_ms: int | None, started_before_ms: int | None,
        after: tuple[int, str] | None, limit: int,
    ) -> tuple[list[ExecutionSummary], bool]:
        low = f"{max(started_from_ms or 0, 0):013d}"
        high = f"{started_before_ms - 1:013d}#~" if started_before_ms is not None else "9999999999999#~"
        if started_before_ms is not None and (started_before_ms <= 0 or low > high):
            return [], False
        kwargs: dict[str, Any] = {
            "TableName": self._table, "IndexName": "ByFlow", "ScanIndexForward": False,
            "KeyConditionExpression": "gsi1pk = :f AND gsi1sk BETWEEN :lo AND :hi",
            "ExpressionAttributeValues": {":f": {"S": f"FLOW#{flow}"}, ":lo": {"S": low}, ":hi": {"S": high}},
        }
        if status is not None:
            kwargs["FilterExpression"] = "#s = :s"
            kwargs["ExpressionAttributeNames"] = {"#s": "status"}
            kwargs["ExpressionAttributeValues"][":s"] = {"S": status}
        if after is not None:
            start_ms, name = after
            kwargs["ExclusiveStartKey"] = {
                "gsi1pk": {"S": f"FLOW#{flow}"}, "gsi1sk": {"S": f"{start_ms:013d}#{name}"},
                "pk": {"S": _pk(f"{flow}:{name}")}, "sk": {"S": "U#r"}}
        items = self._query_upto(kwargs, limit + 1)
        found = [ExecutionSummary(flow=flow, name=item["name"]["S"], status=item["status"]["S"],
                                  start_ms=int(item["start_ms"]["N"]),
                                  stop_ms=int(item["stop_ms"]["N"]) if "stop_ms" in item else None)
                 for item in items[:limit]]
        return found, len(items) > limit

    def history_pages_from(self, execution_id: str, unit: str, event_id: int, reverse: bool,
                           limit: int) -> list[HistoryPage]:
        prefix = f"H#{unit}#"
        first, last = f"{prefix}{0:010d}", f"{prefix}{max(event_id, 0):010d}"
        base: dict[str, Any] = {
            "TableName": self._table, "ConsistentRead": True,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :lo AND :hi",
        }
        values = {":pk": {"S": _pk(execution_id)}, ":lo": {"S": first}, ":hi": {"S": last}}
        if reverse:  # from the page holding the event backwards: one descending query
            items = self._query_upto({**base, "ScanIndexForward": False, "ExpressionAttributeValues": values}, limit)
        else:
            holding = self._query_upto({**base, "ScanIndexForward": False, "ExpressionAttributeValues": values}, 1)
            start = holding[0]["sk"]["S"] if holding else first
            items = self._query_upto({**base, "ExpressionAttributeValues": {
                **values, ":lo": {"S": start}, ":hi": {"S": f"{prefix}{9_999_999_999:010d}"}}}, limit)
        return [HistoryPage(execution_id, unit, int(i["first_event_id"]["N"]), _blob(i, "events"),
                            int(i["count"]["N"]), int(i["transitions"]["N"]), "", "") for i in items]

    # --- searchable input fields ---------------------------------------------------------------------

    def get_search_fields(self, name: str) -> list[SearchField] | None:
        item = self._db.get_item(TableName=self._table, Key={"pk": {"S": _FLOWS_PK}, "sk": {"S": f"F#{name}"}},
                                 ProjectionExpression="search_fields").get("Item")
        if not item or "search_fields" not in item:
            return None
        return [SearchField(str(f["name"]), str(f["path"])) for f in json.loads(item["search_fields"]["S"])]

    def put_search_fields(self, name: str, fields: list[SearchField]) -> bool:
        text = json.dumps([{"name": f.name, "path": f.path} for f in fields], separators=(",", ":"))
        try:
            self._db.update_item(TableName=self._table, Key={"pk": {"S": _FLOWS_PK}, "sk": {"S": f"F#{name}"}},
                                 UpdateExpression="SET search_fields = :f", ConditionExpression="attribute_exists(pk)",
                                 ExpressionAttributeValues={":f": {"S": text}})
            return True
        except ClientError as error:
            if _conditional_failed(error):
                return False
            raise

    def put_search_entries(self, flow: str, name: str, start_ms: int, values: dict[str, str]) -> None:
        expires = {"N": str(time.time_ns() // 1_000_000_000 + self._retention_s + _RUN_LIMIT_S)}
        requests = [{"PutRequest": {"Item": {
            "pk": {"S": index_partition(flow, field, text)}, "sk": {"S": index_sort(start_ms, name)},
            "name": {"S": name}, "start_ms": {"N": str(start_ms)}, "expires_at": expires}}}
            for field, text in sorted(values.items())]
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self._table: requests[start:start + 25]}
            while pending:
                pending = self._db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    def search_executions(
        self, flow: str, field: str, value: str, status: str | None, after: tuple[int, str] | None, limit: int,
    ) -> tuple[list[ExecutionSummary], bool]:
        partition = index_partition(flow, field, value)
        kwargs: dict[str, Any] = {
            "TableName": self._table, "ScanIndexForward": False, "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": partition}},
        }
        if after is not None:
            kwargs["ExclusiveStartKey"] = {"pk": {"S": partition}, "sk": {"S": index_sort(*after)}}
        found: list[ExecutionSummary] = []
        while len(found) <= limit:  # one look-ahead says whether another page follows
            page = self._db.query(**kwargs, Limit=min(100, max(limit + 1 - len(found), 25)))
            entries = [(item["name"]["S"], int(item["start_ms"]["N"])) for item in page.get("Items", [])]
            found.extend(self._current(flow, entries, status))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return found[:limit], len(found) > limit

    def _current(self, flow: str, entries: list[tuple[str, int]], status: str | None) -> list[ExecutionSummary]:
        """The indexed executions' root records as they stand, in index order: those gone (expired, or the
        name reused since) left out, and with `status` only those in it."""
        if not entries:
            return []
        keys = [{"pk": {"S": _pk(f"{flow}:{name}")}, "sk": {"S": "U#r"}} for name, _ in entries]
        got: dict[str, dict[str, Any]] = {}
        pending: dict[str, Any] = {self._table: {
            "Keys": keys, "ConsistentRead": True, "ProjectionExpression": "#n, #s, start_ms, stop_ms",
            "ExpressionAttributeNames": {"#n": "name", "#s": "status"}}}
        while pending:
            answer = self._db.batch_get_item(RequestItems=pending)
            for item in answer.get("Responses", {}).get(self._table, []):
                got[item["name"]["S"]] = item
            pending = answer.get("UnprocessedKeys") or {}
        summaries = []
        for name, start_ms in entries:
            item = got.get(name)
            if item is None or int(item["start_ms"]["N"]) != start_ms or (
                    status is not None and item["status"]["S"] != status):
                continue
            summaries.append(ExecutionSummary(flow=flow, name=name, status=item["status"]["S"],
                                              start_ms=int(item["start_ms"]["N"]),
                                              stop_ms=int(item["stop_ms"]["N"]) if "stop_ms" in item else None))
        return summaries
