"""Execution tags: AWS's rules for tags (lengths, characters, `aws:`, unique keys, how many), each refusal
naming the tag; the stored form; and when two starts carry the same tags."""

from __future__ import annotations

import pytest

from cloudflow.errors import InvalidInputError
from cloudflow.runtime.execution_tags import (
    MAX_TAGS,
    ExecutionTag,
    check_tags,
    key_problem,
    same_tags,
    tags_from_attr,
    tags_to_attr,
)


def test_good_tags_are_kept_as_given() -> None:
    tags = [ExecutionTag("customer", "c-42"), ExecutionTag("Région 1", "eu west"), ExecutionTag("k", ""),
            ExecutionTag("a.b:c/d=e+f-g@h_i", "٣ 三"), ExecutionTag("k" * 128, "v" * 256)]
    assert check_tags(tags) == tuple(tags)
    assert check_tags([]) == ()
    assert len(check_tags([ExecutionTag(f"k{i}") for i in range(MAX_TAGS)])) == MAX_TAGS


@pytest.mark.parametrize(("tags", "field", "words"), [
    ([ExecutionTag("")], "tags.0.key", "1 to 128"),
    ([ExecutionTag("k" * 129)], "tags.0.key", "1 to 128"),
    ([ExecutionTag("ok"), ExecutionTag("aws:name")], "tags.1.key", "reserved"),
    ([ExecutionTag("Aws:Name")], "tags.0.key", "reserved"),
    ([ExecutionTag("a", "1"), ExecutionTag("b"), ExecutionTag("a", "2")], "tags.2.key", "twice"),
    ([ExecutionTag("a#b")], "tags.0.key", "only letters"),
    ([ExecutionTag("tab\there")], "tags.0.key", "only letters"),
    ([ExecutionTag("a", "v" * 257)], "tags.0.value", "at most 256"),
    ([ExecutionTag("a", "x"), ExecutionTag("b", "semi;colon")], "tags.1.value", "'b'"),
    ([ExecutionTag(f"k{i}") for i in range(MAX_TAGS + 1)], "tags", "at most 50"),
])
def test_bad_tags_are_refused_naming_the_tag(tags: list[ExecutionTag], field: str, words: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check_tags(tags)
    assert refused.value.field == field and words in refused.value.message


def test_key_problem() -> None:
    assert key_problem("customer") is None and key_problem("awsome") is None and key_problem("x:aws:") is None
    assert key_problem("aws:") is not None and key_problem("") is not None


def test_the_record_keeps_tags_in_order() -> None:
    tags = (ExecutionTag("b", "2"), ExecutionTag("a", ""))
    assert tags_to_attr(tags) == [["b", "2"], ["a", ""]]
    assert tags_from_attr(tags_to_attr(tags)) == tags
    assert tags_to_attr(()) is None and tags_from_attr(None) == ()


def test_same_tags_are_the_same_pairs_in_any_order() -> None:
    one = [ExecutionTag("a", "1"), ExecutionTag("b", "2")]
    assert same_tags(one, list(reversed(one)))
    assert same_tags([], ())
    assert not same_tags(one, one[:1])
    assert not same_tags(one, [ExecutionTag("a", "1"), ExecutionTag("b", "3")])
    assert not same_tags([ExecutionTag("a", "")], [])
