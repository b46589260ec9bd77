"""Searchable tags: which tags of an execution a flow indexes, and under which index name and value text.

A flow declares up to MAX_TAG_KEYS tag keys beside its searchable fields. At start, each tag the execution
carries under a declared key is indexed in the same index as the fields (`cloudflow.runtime.search_index`),
under the index name `tag:<key>` and the JSON text of its value, so a search by tag is a search by field
with another index name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from cloudflow.errors import InvalidInputError
from cloudflow.runtime.execution_tags import ExecutionTag, key_problem, value_problem

MAX_TAG_KEYS = 10
TAG_PREFIX = "tag:"


def tag_index(key: str) -> str:
    """The index name a tag key's entries are kept under. Field names hold no ':', so a flow's tags and
    fields never share an index, even when a field and a tag have the same name."""
    return f"{TAG_PREFIX}{key}"


def tag_text(value: str) -> str:
    """The text a tag value is indexed by: its JSON text, as an input field holding that string is.
    Unlike a field's value it is never too long to index: check_tags bounds it."""
    return json.dumps(value, ensure_ascii=False)


def tag_query_text(raw: str) -> str | None:
    """The text a searched tag `value` stands for: always the string as written (tag values are strings,
    so `42` finds the tag value "42"). None: no tag can have this value (too long, or a character tags
    refuse), so nothing can match."""
    return tag_text(raw) if value_problem(raw) is None else None


def check_tag_keys(keys: Sequence[str]) -> list[str]:
    """A declaration's tag keys as given, once they are valid.

    Raises:
        InvalidInputError: too many keys, a key AWS would refuse on a tag, or one repeated (naming it: `tags.1`).
    """
    if len(keys) > MAX_TAG_KEYS:
        raise InvalidInputError("tags", f"at most {MAX_TAG_KEYS} tag keys")
    seen: set[str] = set()
    for index, key in enumerate(keys):
        problem = key_problem(key)
        if problem is None and key in seen:
            problem = f"tag key {key!r} is declared twice"
        if problem is not None:
            raise InvalidInputError(f"tags.{index}", problem)
        seen.add(key)
    return list(keys)


def tag_values(keys: Iterable[str], tags: Iterable[ExecutionTag]) -> dict[str, str]:
    """`index name -> value text` for each tag under a declared key."""
    declared = set(keys)
    return {tag_index(tag.key): tag_text(tag.value) for tag in tags if tag.key in declared}
