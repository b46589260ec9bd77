"""Reading a value through a path string: `$...` from the input, `$$...` from the Context object."""

from __future__ import annotations

from typing import Any

from cloudflow.core.dataflow.jsonpath import JsonPath, compile_path
from cloudflow.core.dataflow.scope import Scope


def split_context_path(text: str) -> tuple[bool, JsonPath]:
    """(is_context, compiled path): `$$.X` reads the Context object, `$.X` the input."""
    if text.startswith("$$"):
        return True, compile_path("$" + text[2:])
    return False, compile_path(text)


def read_path(text: str, scope: Scope) -> Any:
    """The value at `text`; raises PathNotFoundError for a missing definite path."""
    is_context, path = split_context_path(text)
    return path.find(scope.context if is_context else scope.input)
