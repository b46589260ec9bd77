"""The comparison and type-test operators of JSONPath Choice rules.

A comparison is a *reader* and a *relation*. The reader turns a JSON value into something the
relation can compare, or None when the value is not of the operator's type: Step Functions treats
that as "no match", never as an error (a string under NumericEquals, `true` under NumericEquals,
`0` under BooleanEquals are all simply false). None can stand for "wrong type" because JSON null
is never a string, number, boolean or timestamp.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudflow.core.choice.timestamps import is_timestamp, parse_timestamp

Reader = Callable[[Any], Any]
Relation = Callable[[Any, Any], bool]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def read_string(value: Any) -> str | None:
    """The value if it is a string (equality needs nothing more)."""
    return value if type(value) is str else None


def read_string_for_ordering(value: Any) -> str | None:
    """A key whose code-point order is the UTF-16 order Step Functions (Java) sorts strings by.

    Characters beyond U+FFFF become their surrogate pair, so they sort below U+E000..U+FFFF as
    they do in Java; ASCII and other BMP strings are returned unchanged.
    """
    if type(value) is not str:
        return None
    if value.isascii() or _ASTRAL.search(value) is None:
        return value
    return _ASTRAL.sub(_surrogate_pair, value)


def _surrogate_pair(match: re.Match[str]) -> str:
    code = ord(match.group()) - 0x10000
    return chr(0xD800 + (code >> 10)) + chr(0xDC00 + (code & 0x3FF))


def read_number(value: Any) -> int | float | None:
    """The value if it is a JSON number; booleans are not numbers."""
    kind = type(value)
    return value if kind is int or kind is float else None


def read_boolean(value: Any) -> bool | None:
    """The value if it is a boolean; 0 and 1 are not booleans."""
    return value if type(value) is bool else None


def read_timestamp(value: Any) -> int | None:
    """Epoch nanoseconds if the value is a timestamp string; other strings are not timestamps."""
    return parse_timestamp(value) if type(value) is str else None


@dataclass(frozen=True, slots=True)
class Comparison:
    """How one comparison operator reads both sides and relates them."""

    reader: Reader
    relation: Relation


def _family(prefix: str, equality: Reader, ordering: Reader) -> dict[str, Comparison]:
    return {
        f"{prefix}Equals": Comparison(equality, operator.eq),
        f"{prefix}LessThan": Comparison(ordering, operator.lt),
        f"{prefix}GreaterThan": Comparison(ordering, operator.gt),
        f"{prefix}LessThanEquals": Comparison(ordering, operator.le),
        f"{prefix}GreaterThanEquals": Comparison(ordering, operator.ge),
    }


COMPARISONS: dict[str, Comparison] = {
    **_family("String", read_string, read_string_for_ordering),
    **_family("Numeric", read_number, read_number),
    **_family("Timestamp", read_timestamp, read_timestamp),
    "BooleanEquals": Comparison(read_boolean, operator.eq),
}
"""Every comparison operator with a literal right-hand side; each has a `...Path` twin."""

PATH_SUFFIX = "Path"

TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda value: value is None,
    "IsString": lambda value: type(value) is str,
    "IsNumeric": lambda value: read_number(value) is not None,
    "IsBoolean": lambda value: type(value) is bool,
    "IsTimestamp": is_timestamp,
}
"""Type-test operators: the rule's boolean says whether the test must pass or fail."""

IS_PRESENT = "IsPresent"
STRING_MATCHES = "StringMatches"
