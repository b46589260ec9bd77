"""Searchable tags: a tag's index name and value text (in the index the searchable fields use), what a
start indexes of its tags, and a declaration's tag keys."""

from __future__ import annotations

import pytest

from cloudflow.errors import InvalidInputError
from cloudflow.runtime.execution_tags import ExecutionTag
from cloudflow.runtime.search_index import index_partition, query_text
from cloudflow.runtime.search_tags import (
    MAX_TAG_KEYS,
    check_tag_keys,
    tag_index,
    tag_query_text,
    tag_text,
    tag_values,
)


def test_a_tag_has_its_own_index_beside_a_field_of_the_same_name() -> None:
    assert tag_index("customer") == "tag:customer"
    assert index_partition("orders", tag_index("customer"), tag_text("c-42")) == 'SX#orders#tag:customer#"c-42"'
    assert index_partition("orders", tag_index("customer"), '"c-42"') != index_partition("orders", "customer",
                                                                                          '"c-42"')


def test_tag_values_are_indexed_and_searched_as_the_text_written() -> None:
    assert tag_text("c-42") == query_text("c-42") == '"c-42"'  # as a field holding that string
    assert tag_text("é x") == '"é x"'
    assert tag_query_text("42") == '"42"'  # a tag value is text, never the number 42
    assert tag_query_text("true") == '"true"'
    assert tag_text("v" * 256) == f'"{"v" * 256}"'  # never too long to index, unlike a field's value
    assert tag_query_text("v" * 256) is not None and tag_query_text("v" * 257) is None
    assert tag_query_text("a#b") is None and tag_query_text("\ud800") is None  # no tag can hold these


def test_only_tags_under_declared_keys_are_indexed() -> None:
    tags = [ExecutionTag("customer", "c-42"), ExecutionTag("team", "blue"), ExecutionTag("region", "")]
    assert tag_values(["customer", "region", "absent"], tags) == {"tag:customer": '"c-42"', "tag:region": '""'}
    assert tag_values([], tags) == {} and tag_values(["customer"], []) == {}


def test_check_tag_keys() -> None:
    assert check_tag_keys(["customer", "cost center", "a:b"]) == ["customer", "cost center", "a:b"]
    assert check_tag_keys([]) == []
    for keys, field in ((["a", "a"], "tags.1"), (["ok", "aws:x"], "tags.1"), ([""], "tags.0"),
                        (["k" * 129], "tags.0"), (["a#b"], "tags.0"),
                        ([f"k{i}" for i in range(MAX_TAG_KEYS + 1)], "tags")):
        with pytest.raises(InvalidInputError) as refused:
            check_tag_keys(keys)
        assert refused.value.field == field, keys
