"""Names of JSON value types for messages a person reads (stdlib only, usable from every layer)."""

from __future__ import annotations

from typing import Any


def json_type(value: Any) -> str:
    """The JSON name of a value's type: null, boolean, number, string, array or object."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def json_type_phrase(value: Any) -> str:
    """The type with its article, for sentences: "a number", "an array", "null"."""
    name = json_type(value)
    if name == "null":
        return name
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"
