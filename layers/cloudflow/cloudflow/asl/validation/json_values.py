"""The definition as a whole must be plain JSON before any ASL rule is checked.

Callers may hand in any Python object (or YAML may produce sets, dates or integer keys); the
later checks assume JSON, and bounded nesting keeps their recursion far from Python's limit.
The walk is iterative, so a cyclic or absurdly deep value is reported instead of crashing.
"""

from __future__ import annotations

import math
from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.report import Report, child_pointer

# Real definitions nest a few dozen levels; this bound keeps the recursive checks safe.
MAX_NESTING = 200
# A bound on values visited, so shared sub-trees (YAML aliases) cannot blow the walk up.
MAX_VALUES = 1_000_000


def check_plain_json(raw: Any, report: Report) -> bool:
    """Report every value that is not plain JSON; False when the rest of validation must not run."""
    stack: list[tuple[Any, str, int]] = [(raw, "", 0)]
    visited = 0
    sound = True
    while stack:
        value, pointer, depth = stack.pop()
        visited += 1
        if depth > MAX_NESTING or visited > MAX_VALUES:
            why = f"nested deeper than {MAX_NESTING} levels" if depth > MAX_NESTING else "too large"
            report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"The definition is {why}.")
            return False
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    report.add(
                        codes.SCHEMA_VALIDATION_FAILED,
                        child_pointer(pointer, str(key)),
                        f"Object keys must be strings, got {type(key).__name__} {key!r}.",
                    )
                    sound = False
                    continue
                stack.append((item, child_pointer(pointer, key), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, child_pointer(pointer, i), depth + 1) for i, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"{value} is not a JSON number.")
            sound = False
        elif value is not None and not isinstance(value, str | int | float | bool):
            report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"A {type(value).__name__} is not a JSON value.")
            sound = False
    return sound
