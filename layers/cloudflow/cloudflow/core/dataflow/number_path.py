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


def _acceptable(value: Any, label: str) -> bool:
    """Whether `value` is a number of the kind `label` names."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if label == "float":
        return True
    if value != int(value):
        return False
    return {"positive integer": value > 0, "non-negative integer": value >= 0}.get(label, True)


def _as(value: Any, label: str) -> Any:
    return float(value) if label == "float" else int(value)


def number_at_path(scope: Scope, field: str, path: str, label: str = "integer") -> Any:
    """The number at `path`: label "integer", "positive integer", "non-negative integer" or "float"."""
    try:
        value = read_path(path, scope)
    except PathNotFoundError:
        raise fail(StatesError.RUNTIME, f"The {field} field does not reference an input value: {path}") from None
    if not _acceptable(value, label):
        shown = to_json_text(value) if isinstance(value, dict | list) else value
        raise fail(StatesError.RUNTIME,
                   f"The {field} field refers to value \"{shown}\" which is not a valid {label}: {path}")
    return _as(value, label)


def expression_number(value: Any, field: str, label: str = "integer") -> Any:
    """A JSONata field's evaluated value that must be a number of the kind `label` names."""
    if not _acceptable(value, label):
        article = "an" if label[0] in "aeiou" else "a"
        raise fail(StatesError.QUERY_EVALUATION_ERROR,
                   f"The {field} field must be {article} {label}, not {to_json_text(value)}.")
    return _as(value, label)
