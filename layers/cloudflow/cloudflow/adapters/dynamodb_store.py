"""ExecutionStore on one DynamoDB table (key `pk`/`sk`), laid out around the access paths.

    pk EX#<execution>  sk U#<unit>                       unit record: version, status, snapshot, outbox, and
                                                         the history of its latest steps (tail_*) until paged
                       sk H#<unit>#<first event id>      history page (usage_pk/usage_sk: GSI Usage)
                       sk J#<join>                       join: totals, failed, shards done
                       sk J#<join>#S<shard>              join shard: which of its 100 children are counted
                       sk R#<join>#<index>               a child's result (and its last history page)
                       sk I#<join>#<index>               a child input waiting for a MaxConcurrency slot
    pk FLOW#<name>     sk V#<version>                    an immutable flow version
                       sk A#<alias>                      an alias (LATEST, ...): the version it points at
                       sk P#<number>                     a published (numbered) version: its content version
    pk FLOWS           sk F#<name>                       the management API's flow catalog entry (and the
                                                         flow's searchable fields and tag keys,
                                                         `search_fields`, `search_tags`)
    pk SX#<flow>#<field>#<value>  sk <start ms>#<name>   an execution indexed by an input field's value
    pk SX#<flow>#tag:<key>#<value>  (same sort key)      an execution indexed by a tag's value

Counting a child is one conditional update of its shard (`attribute_not_exists(c<i>)`), so a
duplicate report never counts twice and the shard item stays under 1 KB; the shard that fills up
counts itself once on the join item the same way. A join of at most 100 children is its own shard.
"""

from __future__ import annotations

import math
import time
from typing import Any

from botocore.exceptions import ClientError

from cloudflow.adapters.dynamodb_catalog import DynamoDbCatalog
from cloudflow.adapters.dynamodb_item_size import READ_UNIT_BYTES, WRITE_UNIT_BYTES, item_size, units
from cloudflow.adapters.dynamodb_table import (
    DESERIALIZER,
    FLOWS_PK,
    SERIALIZER,
    TAIL_FIELDS,
    blob_attrs,
    blob_of,
    conditional_failed,
    execution_pk,
    page_of,
    tail_attrs,
    tail_of,
)
from cloudflow.errors import ConflictError
from cloudflow.ports import (
    Blob,
    Capacity,
    ChildResult,
    HistoryPage,
    JoinCount,
    JoinRecord,
    UnitRecord,
)

SHARD_SIZE = 100
_UNIT_FIELDS = {"pk", "sk", "version", "status", "snap", "snap_ref", "outbox", "outbox_ref", "outbox_key",
                "expires_at", *TAIL_FIELDS}


class DynamoDbExecutionStore(DynamoDbCatalog):
    """The ExecutionStore port on DynamoDB (with the management API's queries, DynamoDbCatalog); `client`
    is a boto3 DynamoDB client (injected)."""

    def _expiry(self) -> dict[str, Any]:
        """TTL for join, result, parked-input and mock-counter items (they outlive no execution's history)."""
        return {"expires_at": {"N": str(time.time_ns() // 1_000_000_000 + self._retention_s)}}

    # --- units ---------------------------------------------------------------------------------

    def get_unit(self, execution_id: str, unit: str) -> UnitRecord | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key={"pk": {"S": execution_pk(execution_id)}, "sk": {"S": f"U#{unit}"}}).get("Item")
        return None if item is None else self._unit(execution_id, item)

    def _unit(self, execution_id: str, item: dict[str, Any]) -> UnitRecord:
        attrs = {k: DESERIALIZER.deserialize(v) for k, v in item.items() if k not in _UNIT_FIELDS}
        return UnitRecord(
            execution_id=execution_id, unit=item["sk"]["S"][2:], version=int(item["version"]["N"]),
            status=item["status"]["S"], snapshot=blob_of(item, "snap"), outbox=blob_of(item, "outbox"),
            outbox_key=item.get("outbox_key", {}).get("S", ""), attrs=attrs,
            expires_at=int(item["expires_at"]["N"]) if "expires_at" in item else None,
            tail=tail_of(item, execution_id, item["sk"]["S"][2:]),
        )

    @staticmethod
    def _unit_item(record: UnitRecord) -> dict[str, Any]:
        item: dict[str, Any] = {
            "pk": {"S": execution_pk(record.execution_id)}, "sk": {"S": f"U#{record.unit}"},
            "version": {"N": str(record.version)}, "status": {"S": record.status},
            "outbox_key": {"S": record.outbox_key},
            **blob_attrs("snap", record.snapshot), **blob_attrs("outbox", record.outbox), **tail_attrs(record.tail),
        }
        if record.expires_at is not None:
            item["expires_at"] = {"N": str(record.expires_at)}
        for key, value in record.attrs.items():
            if value is not None:
                item[key] = SERIALIZER.serialize(value)
        return item

    def unit_capacity(self, record: UnitRecord) -> Capacity:
        size = item_size(self._unit_item(record))
        return Capacity(units(size, WRITE_UNIT_BYTES), units(size, READ_UNIT_BYTES))

    def save_unit(self, record: UnitRecord, expected_version: int) -> None:
        item = self._unit_item(record)
        if expected_version == 0:
            condition, values = "attribute_not_exists(pk)", {}
        else:
            condition, values = "version = :expected", {":expected": {"N": str(expected_version)}}
        try:
            self._db.put_item(TableName=self._table, Item=item, ConditionExpression=condition,
                              **({"ExpressionAttributeValues": values} if values else {}))
        except ClientError as error:
            if conditional_failed(error):
                raise ConflictError(f"unit {record.unit} of {record.execution_id} moved past version "
                                    f"{expected_version}") from error
            raise

    def list_units(self, execution_id: str, prefix: str) -> list[UnitRecord]:
        items = self._query(execution_pk(execution_id), f"U#{prefix}",
                            projection="pk, sk, version, #s, outbox_key", names={"#s": "status"})
        return [self._unit(execution_id, item) for item in items]

    # --- history and usage ---------------------------------------------------------------------

    @staticmethod
    def _page_attrs(page: HistoryPage) -> dict[str, Any]:
        attrs: dict[str, Any] = {
            "first_event_id": {"N": str(page.first_event_id)}, "count": {"N": str(page.count)},
            "transitions": {"N": str(page.transitions)}, **blob_attrs("events", page.events),
        }
        if page.transitions:  # the sparse Usage index holds only pages that metered something
            attrs["usage_pk"] = {"S": f"USAGE#{page.flow}#{page.day}"}
            attrs["usage_sk"] = {"S": f"{page.execution_id}#{page.unit}#{page.first_event_id:010d}"}
        if page.expires_at is not None:
            attrs["expires_at"] = {"N": str(page.expires_at)}
        return attrs

    def put_history_page(self, page: HistoryPage) -> None:
        item = {"pk": {"S": execution_pk(page.execution_id)}, "sk": {"S": f"H#{page.unit}#{page.first_event_id:010d}"},
                **self._page_attrs(page)}
        self._db.put_item(TableName=self._table, Item=item)

    def history_pages(self, execution_id: str, unit: str) -> list[HistoryPage]:
        tail = self._unit_tail(execution_id, unit)
        items = self._query(execution_pk(execution_id), f"H#{unit}#")
        join_id, dot, index = unit.rpartition(".")
        if dot:
            final = self._db.get_item(TableName=self._table, ConsistentRead=True, Key={
                "pk": {"S": execution_pk(execution_id)}, "sk": {"S": f"R#{join_id}#{int(index):07d}"}}).get("Item")
            if final is not None and "first_event_id" in final:
                items.append(final)
        pages = [page_of(item, execution_id, unit) for item in items]
        if tail is None:
            return pages
        return [page for page in pages if page.first_event_id < tail.first_event_id] + [tail]

    def metered_transitions(self, execution_id: str) -> int:
        pk = execution_pk(execution_id)
        tails = {item["sk"]["S"][2:]: (int(item["tail_first"]["N"]), int(item["tail_transitions"]["N"]))
                 for item in self._query(pk, "U#", projection="sk, tail_first, tail_transitions")
                 if "tail_first" in item}
        total = sum(transitions for _, transitions in tails.values())
        for item in self._query(pk, "H#", projection="sk, transitions"):
            unit, _, first = item["sk"]["S"][2:].rpartition("#")
            if unit not in tails or int(first) < tails[unit][0]:  # else a crashed step's leftover (history_pages)
                total += int(item["transitions"]["N"])
        finals = self._query(pk, "R#", projection="transitions")
        return total + sum(int(item["transitions"]["N"]) for item in finals if "transitions" in item)

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
            if not conditional_failed(error):  # the same version exists: versions are immutable
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
        return {"pk": {"S": execution_pk(execution_id)}, "sk": {"S": sk}}

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
            if not conditional_failed(error):
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
                                             **blob_attrs("input", blob), **self._expiry()}}}
                    for index, blob in inputs]
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self._table: requests[start:start + 25]}
            while pending:
                pending = self._db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    def get_child_input(self, execution_id: str, join_id: str, index: int) -> Blob | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True,
                                 Key=self._join_key(execution_id, f"I#{join_id}#{index:07d}")).get("Item")
        return None if item is None else blob_of(item, "input")

    def put_result(self, execution_id: str, join_id: str, index: int, result: Blob,
                   final_page: HistoryPage | None = None, failed: bool = False) -> None:
        item = {**self._join_key(execution_id, f"R#{join_id}#{index:07d}"), **blob_attrs("result", result),
                **self._expiry()}
        if failed:  # only failures are marked: a redrive carries the others over
            item["failed"] = {"BOOL": True}
        if final_page is not None:
            item.update(self._page_attrs(final_page))
        self._db.put_item(TableName=self._table, Item=item)

    def results(self, execution_id: str, join_id: str) -> list[Blob]:
        return [child.result for child in self.child_results(execution_id, join_id)]

    def child_results(self, execution_id: str, join_id: str) -> list[ChildResult]:
        prefix = f"R#{join_id}#"
        items = self._query(execution_pk(execution_id), prefix, projection="sk, #r, result_ref, failed",
                            names={"#r": "result"})
        return [ChildResult(int(item["sk"]["S"][len(prefix):]), blob_of(item, "result"),
                            bool(item.get("failed", {}).get("BOOL", False))) for item in items]

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
            if not conditional_failed(error):
                raise
            old: Any = error.response.get("Item")
            if old is None:  # older endpoints do not return the item: read it
                old = self._db.get_item(TableName=self._table, Key=key, ConsistentRead=True)["Item"]
            return False, dict(old)

    def register_flow(self, name: str, now_ms: int, must_be_new: bool) -> bool:
        key = {"pk": {"S": FLOWS_PK}, "sk": {"S": f"F#{name}"}}
        if must_be_new:
            try:
                self._db.put_item(TableName=self._table, ConditionExpression="attribute_not_exists(pk)", Item={
                    **key, "name": {"S": name}, "created_ms": {"N": str(now_ms)}, "updated_ms": {"N": str(now_ms)}})
                return True
            except ClientError as error:
                if conditional_failed(error):
                    return False
                raise
        self._db.update_item(
            TableName=self._table, Key=key,
            UpdateExpression="SET #n = :n, created_ms = if_not_exists(created_ms, :t), updated_ms = :t",
            ExpressionAttributeNames={"#n": "name"},
            ExpressionAttributeValues={":n": {"S": name}, ":t": {"N": str(now_ms)}})
        return True
