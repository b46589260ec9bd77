"""The management API's queries on the execution table: the flow catalog, published versions, executions by
flow, history a page at a time, and the search index of declared input fields and tag keys."""

from __future__ import annotations

import json
import time
from typing import Any

from botocore.exceptions import ClientError

from cloudflow.adapters.dynamodb_table import FLOWS_PK, DynamoDbTable, conditional_failed, execution_pk, page_of
from cloudflow.ports import (
    ExecutionSummary,
    FlowRecord,
    HistoryPage,
    PublishedVersion,
    SearchDeclaration,
    SearchField,
)
from cloudflow.runtime.search_index import index_partition, index_sort

_RUN_LIMIT_S = 366 * 86400  # an index entry outlives its execution's longest run (a year) plus its retention


class DynamoDbCatalog(DynamoDbTable):
    """ManagementStore on the execution table."""

    @staticmethod
    def _flow_record(item: dict[str, Any]) -> FlowRecord:
        return FlowRecord(item["name"]["S"], int(item["created_ms"]["N"]), int(item["updated_ms"]["N"]))

    def get_flow_record(self, name: str) -> FlowRecord | None:
        item = self._db.get_item(TableName=self._table, ConsistentRead=True, Key={
            "pk": {"S": FLOWS_PK}, "sk": {"S": f"F#{name}"}}).get("Item")
        return None if item is None else self._flow_record(item)

    def list_flows(self, after: str | None, limit: int) -> tuple[list[FlowRecord], bool]:
        kwargs: dict[str, Any] = {
            "TableName": self._table, "ConsistentRead": True,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :f)",
            "ExpressionAttributeValues": {":pk": {"S": FLOWS_PK}, ":f": {"S": "F#"}},
        }
        if after is not None:
            kwargs["ExclusiveStartKey"] = {"pk": {"S": FLOWS_PK}, "sk": {"S": f"F#{after}"}}
        items = self._query_upto(kwargs, limit + 1)  # one look-ahead says whether another page follows
        return [self._flow_record(item) for item in items[:limit]], len(items) > limit

    def list_flow_aliases(self, name: str) -> dict[str, str]:
        return {item["sk"]["S"][2:]: item["version"]["S"] for item in self._query(f"FLOW#{name}", "A#")}

    def delete_flow(self, name: str) -> None:
        # The catalog entry goes first: a delete cut short leaves a flow that still exists (its LATEST alias),
        # which a retry deletes, rather than a listed flow that does not.
        keys = [{"pk": {"S": FLOWS_PK}, "sk": {"S": f"F#{name}"}}]
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
                if not conditional_failed(error):
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
                "pk": {"S": execution_pk(f"{flow}:{name}")}, "sk": {"S": "U#r"}}
        items = self._query_upto(kwargs, limit + 1)
        found = [ExecutionSummary(flow=flow, name=item["name"]["S"], status=item["status"]["S"],
                                  start_ms=int(item["start_ms"]["N"]),
                                  stop_ms=int(item["stop_ms"]["N"]) if "stop_ms" in item else None)
                 for item in items[:limit]]
        return found, len(items) > limit

    def history_pages_from(self, execution_id: str, unit: str, event_id: int, reverse: bool,
                           limit: int) -> list[HistoryPage]:
        # The record's tail follows the pages; a page at or after the tail's first event is a crashed step's
        # leftover (ExecutionStore.history_pages), so the pages read end before it.
        tail = self._unit_tail(execution_id, unit)
        end = tail.first_event_id - 1 if tail is not None else 9_999_999_999
        prefix = f"H#{unit}#"
        first, last = f"{prefix}{0:010d}", f"{prefix}{max(min(event_id, end), 0):010d}"
        base: dict[str, Any] = {
            "TableName": self._table, "ConsistentRead": True,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :lo AND :hi",
        }
        values = {":pk": {"S": execution_pk(execution_id)}, ":lo": {"S": first}, ":hi": {"S": last}}
        tail_wanted = tail is not None and (event_id >= tail.first_event_id or not reverse)
        if reverse:  # from the page holding the event backwards: one descending query
            items = self._query_upto({**base, "ScanIndexForward": False, "ExpressionAttributeValues": values},
                                     limit - 1 if tail_wanted else limit) if limit > int(tail_wanted) else []
        else:
            holding = self._query_upto({**base, "ScanIndexForward": False, "ExpressionAttributeValues": values}, 1)
            start = holding[0]["sk"]["S"] if holding else first
            items = self._query_upto({**base, "ExpressionAttributeValues": {
                **values, ":lo": {"S": start}, ":hi": {"S": f"{prefix}{end:010d}"}}}, limit)
        pages = [page_of(item, execution_id, unit) for item in items]
        if tail is None or not tail_wanted:
            return pages
        if reverse:
            return [tail, *pages]
        return [*pages, tail] if len(pages) < limit else pages

    # --- searchable input fields and tag keys --------------------------------------------------------

    def get_search_declaration(self, name: str) -> SearchDeclaration | None:
        item = self._db.get_item(TableName=self._table, Key={"pk": {"S": FLOWS_PK}, "sk": {"S": f"F#{name}"}},
                                 ProjectionExpression="search_fields, search_tags").get("Item")
        if not item or "search_fields" not in item:
            return None
        # An entry declared before tags were searchable has no search_tags: no tag keys.
        return SearchDeclaration(
            fields=tuple(SearchField(str(f["name"]), str(f["path"])) for f in json.loads(item["search_fields"]["S"])),
            tags=tuple(str(key) for key in json.loads(item.get("search_tags", {}).get("S", "[]"))))

    def put_search_declaration(self, name: str, declaration: SearchDeclaration) -> bool:
        fields = json.dumps([{"name": f.name, "path": f.path} for f in declaration.fields], separators=(",", ":"))
        tags = json.dumps(list(declaration.tags), separators=(",", ":"), ensure_ascii=False)
        try:
            self._db.update_item(TableName=self._table, Key={"pk": {"S": FLOWS_PK}, "sk": {"S": f"F#{name}"}},
                                 UpdateExpression="SET search_fields = :f, search_tags = :t",
                                 ConditionExpression="attribute_exists(pk)",
                                 ExpressionAttributeValues={":f": {"S": fields}, ":t": {"S": tags}})
            return True
        except ClientError as error:
            if conditional_failed(error):
                return False
            raise

    def put_search_entries(self, flow: str, name: str, start_ms: int, values: dict[str, str]) -> None:
        expires = {"N": str(time.time_ns() // 1_000_000_000 + self._retention_s + _RUN_LIMIT_S)}
        requests = [{"PutRequest": {"Item": {
            "pk": {"S": index_partition(flow, index, text)}, "sk": {"S": index_sort(start_ms, name)},
            "name": {"S": name}, "start_ms": {"N": str(start_ms)}, "expires_at": expires}}}
            for index, text in sorted(values.items())]
        for start in range(0, len(requests), 25):
            pending: dict[str, Any] = {self._table: requests[start:start + 25]}
            while pending:
                pending = self._db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    def search_executions(
        self, flow: str, index: str, value: str, status: str | None, after: tuple[int, str] | None, limit: int,
    ) -> tuple[list[ExecutionSummary], bool]:
        partition = index_partition(flow, index, value)
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
        keys = [{"pk": {"S": execution_pk(f"{flow}:{name}")}, "sk": {"S": "U#r"}} for name, _ in entries]
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
