"""The search index on moto: a flow's declaration of searchable fields and tag keys, an execution's tags on
its record, and entries of fields and tags found apart by index name."""

from __future__ import annotations

from typing import Any

from cloudflow.ports import Blob, SearchDeclaration, SearchField, UnitRecord
from cloudflow.runtime.execution_tags import ExecutionTag, tags_from_attr, tags_to_attr
from cloudflow.runtime.search_tags import tag_index, tag_text


def _root(flow: str, name: str, start_ms: int, **attrs: Any) -> UnitRecord:
    return UnitRecord(f"{flow}:{name}", "r", 1, "RUNNING", Blob(data=b"s"), Blob(), "",
                      {"flow": flow, "name": name, "start_ms": start_ms, **attrs})


def test_the_declaration_keeps_fields_and_tag_keys(store: Any) -> None:
    assert store.get_search_declaration("orders") is None
    declared = SearchDeclaration(fields=(SearchField("customer", "$.customer.id"),), tags=("customer", "région x"))
    assert store.put_search_declaration("orders", declared) is False  # not in the catalog yet
    store.register_flow("orders", 1, must_be_new=True)
    assert store.get_search_declaration("orders") is None  # in the catalog, nothing declared
    assert store.put_search_declaration("orders", declared) is True
    assert store.get_search_declaration("orders") == declared
    assert store.put_search_declaration("orders", SearchDeclaration(tags=("team",)))
    assert store.get_search_declaration("orders") == SearchDeclaration(tags=("team",))


def test_a_declaration_written_before_tags_has_no_tag_keys(store: Any) -> None:
    store.register_flow("orders", 1, must_be_new=True)
    store._db.update_item(TableName=store._table, Key={"pk": {"S": "FLOWS"}, "sk": {"S": "F#orders"}},
                          UpdateExpression="SET search_fields = :f",
                          ExpressionAttributeValues={":f": {"S": '[{"name":"customer","path":"$.c"}]'}})
    assert store.get_search_declaration("orders") == SearchDeclaration(fields=(SearchField("customer", "$.c"),))


def test_an_execution_record_keeps_its_tags_with_empty_values(store: Any) -> None:
    tags = (ExecutionTag("b", "2"), ExecutionTag("a", ""), ExecutionTag("é", "x y"))
    store.save_unit(_root("orders", "o1", 10, tags=tags_to_attr(tags)), 0)
    record = store.get_unit("orders:o1", "r")
    assert tags_from_attr(record.attrs.get("tags")) == tags


def test_field_and_tag_entries_of_one_name_are_found_apart(store: Any) -> None:
    for name, start_ms in (("o1", 10), ("o2", 20), ("o3", 30)):
        store.save_unit(_root("orders", name, start_ms), 0)
    store.put_search_entries("orders", "o1", 10, {"customer": '"c-42"', tag_index("customer"): tag_text("c-42")})
    store.put_search_entries("orders", "o2", 20, {tag_index("customer"): tag_text("c-42")})
    store.put_search_entries("orders", "o2", 20, {tag_index("customer"): tag_text("c-42")})  # a repeat: no new entry
    store.put_search_entries("orders", "o3", 30, {"customer": '"c-42"'})

    def names(index: str, after: tuple[int, str] | None = None, limit: int = 10) -> tuple[list[str], bool]:
        found, more = store.search_executions("orders", index, '"c-42"', None, after, limit)
        return [e.name for e in found], more

    assert names(tag_index("customer")) == (["o2", "o1"], False)
    assert names("customer") == (["o3", "o1"], False)
    assert names(tag_index("customer"), limit=1) == (["o2"], True)
    assert names(tag_index("customer"), after=(20, "o2")) == (["o1"], False)
