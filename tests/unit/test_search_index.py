"""Searchable input fields: dotted paths, the values indexed (as JSON text) and the declaration's checks."""

from __future__ import annotations

import pytest

from cloudflow.errors import InvalidInputError
from cloudflow.ports import SearchField
from cloudflow.runtime.search_index import (
    check_fields,
    index_partition,
    index_sort,
    index_values,
    path_segments,
    query_text,
    value_text,
)


def test_path_segments() -> None:
    assert path_segments("$.customer.id") == ["customer", "id"]
    assert path_segments("$.a") == ["a"]
    assert path_segments("$.order-no.v_2") == ["order-no", "v_2"]


@pytest.mark.parametrize("path", ["$", "$.", "customer.id", "$.a..b", "$.a[0]", "$.*", "$..a", "$['a']",
                                  "$.a.", "$.a b", "$." + "a" * 300])
def test_bad_paths(path: str) -> None:
    with pytest.raises(ValueError):
        path_segments(path)


def test_values_found_by_path() -> None:
    fields = [SearchField("customer", "$.customer.id"), SearchField("amount", "$.amount"),
              SearchField("vip", "$.flags.vip"), SearchField("missing", "$.nope.deeper"),
              SearchField("object", "$.customer"), SearchField("list", "$.items"), SearchField("null", "$.none"),
              SearchField("through_list", "$.items.id")]
    document = {"customer": {"id": "c-42"}, "amount": 12.0, "flags": {"vip": True}, "items": [{"id": 1}],
                "none": None}
    assert index_values(fields, document) == {"customer": '"c-42"', "amount": "12", "vip": "true"}
    assert index_values(fields, "not an object") == {}
    assert index_values(fields, None) == {}


def test_value_text() -> None:
    assert value_text("c-42") == '"c-42"'
    assert value_text(42) == "42" and value_text(42.0) == "42" and value_text(1.5) == "1.5"
    assert value_text(False) == "false"
    assert value_text("x" * 254) is not None and value_text("x" * 255) is None  # 257 characters with quotes
    assert value_text(float("nan")) is None and value_text({"a": 1}) is None and value_text(None) is None
    assert value_text("é") == '"é"'


def test_query_text() -> None:
    assert query_text("c-42") == '"c-42"'
    assert query_text('"42"') == '"42"'
    assert query_text("42") == "42" and query_text("42.0") == "42"
    assert query_text("true") == "true"
    assert query_text("null") == '"null"' and query_text("[1]") == '"[1]"'  # not indexable: the text itself
    assert query_text("y" * 300) is None


def test_keys() -> None:
    assert index_partition("orders", "customer", '"c-42"') == 'SX#orders#customer#"c-42"'
    assert index_sort(1_700_000_000_000, "run-1") == "1700000000000#run-1"
    assert index_sort(5, "a") < index_sort(10, "a")  # zero-padded: string order is time order


def test_check_fields() -> None:
    good = [SearchField("customer", "$.customer.id"), SearchField("region", "$.region")]
    assert check_fields(good) == good
    with pytest.raises(InvalidInputError) as bad_path:
        check_fields([SearchField("customer", "$.customer[0]")])
    assert bad_path.value.field == "fields.0.path" and "customer" in bad_path.value.message
    with pytest.raises(InvalidInputError) as twice:
        check_fields([SearchField("a", "$.a"), SearchField("a", "$.b")])
    assert twice.value.field == "fields.1.name"
    with pytest.raises(InvalidInputError) as many:
        check_fields([SearchField(f"f{i}", f"$.f{i}") for i in range(11)])
    assert many.value.field == "fields"
    with pytest.raises(InvalidInputError):
        check_fields([SearchField("x" * 65, "$.a")])
