"""Checks of single JSON values: types, integer ranges, enumerations, timestamps."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime
from typing import Any, TypeGuard

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.report import Report
from cloudflow.json_types import json_type

# Step Functions caps second counts at eight nines.
MAX_SECONDS = 99_999_999

# RFC 3339 as Step Functions accepts it: a 'T', seconds, optional fraction, then Z or an offset.
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def shown(value: Any) -> str:
    """A short rendering of a value for messages (never fails, even on huge integers)."""
    try:
        text = repr(value)
    except ValueError:  # int too long to print (sys.get_int_max_str_digits)
        return f"a very large {json_type(value)}"
    return text if len(text) <= 60 else text[:57] + "..."


def is_integer(value: Any) -> TypeGuard[int]:
    """A JSON integer (Python's bool is an int, and is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


def as_finite_float(value: Any) -> float | None:
    """The number as a finite float, or None when it is not a number or does not fit one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if abs(number) != float("inf") and number == number else None


def is_timestamp(value: Any) -> bool:
    """An ISO-8601 timestamp as Step Functions accepts it: `2016-03-14T01:59:00Z`."""
    if not isinstance(value, str) or not _TIMESTAMP.fullmatch(value):
        return False
    # fromisoformat takes at most microseconds; the fraction's digits do not change validity.
    text = re.sub(r"\.\d+", "", value)
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_jsonata(value: Any) -> bool:
    """A JSONata expression string `{% ... %}` (its contents are not checked yet)."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}") and len(value) >= 4


def check_type(report: Report, pointer: str, name: str, value: Any, expected: type | tuple[type, ...]) -> bool:
    """Report unless `value` is of the JSON type `expected` (bool never counts as a number)."""
    wanted = expected if isinstance(expected, tuple) else (expected,)
    ok = isinstance(value, wanted) and not (isinstance(value, bool) and bool not in wanted)
    if not ok:
        names = " or ".join(_TYPE_NAMES[t] for t in wanted)
        report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"{name} must be {names}, not {json_type(value)}.")
    return ok


_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    list: "an array",
    dict: "an object",
}


def check_integer(
    report: Report, pointer: str, name: str, value: Any, minimum: int, maximum: int | None = MAX_SECONDS
) -> bool:
    """Report unless `value` is an integer in [minimum, maximum]."""
    if is_integer(value) and value >= minimum and (maximum is None or value <= maximum):
        return True
    bound = f"at least {minimum}" if maximum is None else f"from {minimum} to {maximum}"
    report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"{name} must be an integer {bound}, got {shown(value)}.")
    return False


def check_number(report: Report, pointer: str, name: str, value: Any, minimum: float, maximum: float) -> bool:
    """Report unless `value` is a number in [minimum, maximum]."""
    number = as_finite_float(value)
    if number is not None and minimum <= number <= maximum:
        return True
    top = "" if maximum == float("inf") else f" and at most {maximum}"
    report.add(
        codes.SCHEMA_VALIDATION_FAILED, pointer, f"{name} must be a number at least {minimum}{top}, got {shown(value)}."
    )
    return False


def check_choice(report: Report, pointer: str, name: str, value: Any, allowed: Collection[str]) -> bool:
    """Report unless `value` is one of the `allowed` strings."""
    if isinstance(value, str) and value in allowed:
        return True
    options = ", ".join(sorted(allowed))
    report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"{name} must be one of {options}, got {shown(value)}.")
    return False
