"""Searchable input fields: which values of an execution's input a flow indexes, and under which keys.

A flow declares up to MAX_FIELDS fields, each a name and a simple dotted JSONPath into the input
(`$.customer.id`). At start, each declared field whose value is a string, number or boolean is indexed
under the value's JSON text (`"c-42"`, `42`, `true`); objects, arrays, null, missing fields and texts
longer than MAX_VALUE_CHARS are not indexed.

The same index holds the tags a flow declares searchable (`cloudflow.runtime.search_tags`): an entry is
named by an index name, a field's name or `tag:<key>`, and the value's JSON text.

The declaration is read once per process per flow and kept for CACHE_SECONDS (`rt.search_declarations`):
a start costs no extra read in the common case, and a declaration changed through another process
reaches this one within that time (the API's own process sees its change at once).
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Sequence
from typing import Any

from cloudflow.errors import InvalidInputError
from cloudflow.ports import SearchDeclaration, SearchField
from cloudflow.runtime.execution_tags import ExecutionTag
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.search_tags import tag_values

MAX_FIELDS = 10
MAX_VALUE_CHARS = 256
CACHE_SECONDS = 60.0
FIELD_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
_PATH = re.compile(r"^\$(\.[A-Za-z0-9_\-]+)+$")
_MAX_PATH_CHARS = 256


def path_segments(path: str) -> list[str]:
    """The keys of a dotted JSONPath: `$.a.b` -> ["a", "b"].

    Raises:
        ValueError: not a simple dotted path (no brackets, wildcards, filters or empty keys).
    """
    if len(path) > _MAX_PATH_CHARS or not _PATH.match(path):
        raise ValueError("must be a simple dotted JSONPath such as $.customer.id (keys of letters, digits, "
                         f"'_' or '-', at most {_MAX_PATH_CHARS} characters)")
    return path[2:].split(".")


def check_fields(fields: list[SearchField]) -> list[SearchField]:
    """A declaration as given, once it is valid.

    Raises:
        InvalidInputError: too many fields, a bad or repeated name, a bad path (naming the field).
    """
    if len(fields) > MAX_FIELDS:
        raise InvalidInputError("fields", f"at most {MAX_FIELDS} fields")
    seen: set[str] = set()
    for index, field in enumerate(fields):
        if not FIELD_NAME.match(field.name):
            raise InvalidInputError(f"fields.{index}.name", "must be 1 to 64 letters, digits, '_' or '-'")
        if field.name in seen:
            raise InvalidInputError(f"fields.{index}.name", f"field {field.name!r} is declared twice")
        seen.add(field.name)
        try:
            path_segments(field.path)
        except ValueError as error:
            raise InvalidInputError(f"fields.{index}.path", f"field {field.name!r}: {error}") from None
    return fields


_MISSING = object()


def extract(document: Any, path: str) -> Any:
    """The value at a dotted path, or `_MISSING` (a key absent, or a step into something not an object)."""
    node = document
    for key in path_segments(path):
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


def value_text(value: Any) -> str | None:
    """The JSON text a value is indexed and compared by; None for what is not indexed."""
    if isinstance(value, (bool, str)):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None
        text = str(int(value)) if value.is_integer() and abs(value) < 2**53 else json.dumps(value)
    else:
        return None
    return text if len(text) <= MAX_VALUE_CHARS else None


def query_text(raw: str) -> str | None:
    """The JSON text a searched `value` stands for: a JSON string, number or boolean as written
    (`"42"`, `42`, `true`), anything else as a string (`c-42` is `"c-42"`). None: nothing can match."""
    try:
        parsed = json.loads(raw)
    except ValueError:
        return value_text(raw)
    if isinstance(parsed, (str, bool, int, float)):
        return value_text(parsed)
    return value_text(raw)


def index_values(fields: list[SearchField], document: Any) -> dict[str, str]:
    """`field name -> value text` for each declared field the input holds an indexable value for."""
    found: dict[str, str] = {}
    for field in fields:
        text = value_text(extract(document, field.path))
        if text is not None:
            found[field.name] = text
    return found


def index_partition(flow: str, index: str, text: str) -> str:
    """The store key of every execution of `flow` whose `index` (a field's or a tag's index name) is `text`
    (flow and field names hold no '#', tag keys neither: the parts cannot run into each other)."""
    return f"SX#{flow}#{index}#{text}"


def index_sort(start_ms: int, name: str) -> str:
    """An entry's place in its partition: newest first is descending order."""
    return f"{start_ms:013d}#{name}"


def declaration(rt: Runtime, flow: str) -> SearchDeclaration:
    """The flow's declared fields and tag keys, from this process's cache while it is fresh (CACHE_SECONDS)."""
    cached = rt.search_declarations.get(flow)
    now = time.monotonic()
    if cached is not None and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    declared = rt.store.get_search_declaration(flow) or SearchDeclaration()
    rt.search_declarations[flow] = (now, declared)
    return declared


def forget_declaration(rt: Runtime, flow: str) -> None:
    """Drop the cached declaration (this process changed it)."""
    rt.search_declarations.pop(flow, None)


def index_start(rt: Runtime, flow: str, name: str, start_ms: int, document: Any,
                tags: Sequence[ExecutionTag] = ()) -> None:
    """Index a started execution's input and tags under the flow's declared fields and tag keys (nothing to
    do without any)."""
    declared = declaration(rt, flow)
    if not declared.fields and not declared.tags:
        return
    values = index_values(list(declared.fields), document) | tag_values(declared.tags, tags)
    if values:
        rt.store.put_search_entries(flow, name, start_ms, values)
