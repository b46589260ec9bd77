"""Text forms of JSON values as Step Functions' Java runtime writes them.

Step Functions holds intrinsic arguments as plain Java objects (maps, lists, Integer, Double,
String, Boolean, null). States.Format, States.ArrayContains and States.Hash use their
`String.valueOf` form (`{a=1, b=[x, y]}`); States.JsonToString writes JSON as Jackson does. Both
print doubles the Java way (`1.0E20`, `2.0`), which is why Python's own formatting is not used.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from typing import Any


def java_double(number: float) -> str:
    """`Double.toString`: plain between 1e-3 and 1e7, `d.dddE±n` outside, always a fraction digit."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "-0.0" if math.copysign(1.0, number) < 0 else "0.0"
    sign = "-" if number < 0 else ""
    # repr gives the shortest digits that round-trip, which is what Java prints too.
    _, digit_tuple, exponent = Decimal(repr(abs(number))).as_tuple()
    assert isinstance(exponent, int)
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    exponent += len(digit_tuple) - len(digits)
    scientific_exponent = len(digits) + exponent - 1
    if 1e-3 <= abs(number) < 1e7:
        if scientific_exponent >= 0:
            whole = digits[: scientific_exponent + 1].ljust(scientific_exponent + 1, "0")
            fraction = digits[scientific_exponent + 1 :] or "0"
            return f"{sign}{whole}.{fraction}"
        return f"{sign}0.{'0' * (-scientific_exponent - 1)}{digits}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{scientific_exponent}"


def java_string(value: Any) -> str:
    """`String.valueOf` of the Java object Step Functions holds for a JSON value."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(java_string(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}={java_string(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def jackson_json(value: Any) -> str:
    """Compact JSON as Jackson writes it: no spaces, non-ASCII kept, Java-style doubles."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ",".join(jackson_json(item) for item in value) + "]"
    if isinstance(value, dict):
        return (
            "{" + ",".join(f"{jackson_json(key)}:{jackson_json(item)}" for key, item in value.items()) + "}"
        )
    raise TypeError(f"not a JSON value: {type(value).__name__}")
