"""Numbers read through a `...Path` field (TimeoutSecondsPath, MaxConcurrencyPath, ...), with the
States.Runtime causes Step Functions gives when the path is missing or the value is not a number."""

from __future__ import annotations

from typing import Any

from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.dataflow.jsonpath import PathNotFoundError
from cloudflow.core.dataflow.path_value import read_path
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import fail


def number_at_path(scope: Scope, field: str, path: str, label: str = "integer") -> Any:
    """The number at `path`: label "integer", "positive integer" or "float" says what is accepted."""
    try:
        value = read_path(path, scope)
    except PathNotFoundError:
        raise fail(StatesError.RUNTIME, f"The {field} field does not reference an input value: {path}") from None
    is_number = not isinstance(value, bool) and isinstance(value, int | float)
    ok = is_number and (label == "float" or value == int(value))
    if ok and label == "positive integer":
        ok = value > 0
    if not ok:
        shown = to_json_text(value) if isinstance(value, dict | list) else value
        raise fail(StatesError.RUNTIME,
                   f"The {field} field refers to value \"{shown}\" which is not a valid {label}: {path}")
    return float(value) if label == "float" else int(value)


def positive_integer(value: Any, field: str) -> int:
    """A JSONata field's value that must be a positive integer (TimeoutSeconds, HeartbeatSeconds)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value <= 0:
        raise fail(StatesError.QUERY_EVALUATION_ERROR,
                   f"The {field} field must be a positive integer, not {to_json_text(value)}.")
    return int(value)
