"""A deep copy of JSON data: fresh containers, shared immutable leaves; faster than copy.deepcopy."""

from __future__ import annotations

from typing import Any


def copy_json(value: Any) -> Any:
    """Copy dicts and lists recursively so later ResultPath merges can never alias the source."""
    if isinstance(value, dict):
        return {key: copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [copy_json(item) for item in value]
    return value
