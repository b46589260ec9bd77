"""What a trigger is checked against before EventBridge sees it: event patterns, cron/rate expressions, time zones.

Each check returns the value it accepts (an event pattern given as JSON text becomes its object) or raises
ValueError with a message naming the part that is wrong (a JSON pointer into a pattern, a cron field by
its name), which the API answers as a 400 naming the request field. EventBridge checks again when the rule
or schedule is written; what it refuses is answered the same way.
"""

from __future__ import annotations

import json
import re
import zoneinfo
from functools import cache
from typing import Any

# --- event patterns -------------------------------------------------------------------------------------

# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
_FILTERS = ("prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "equals-ignore-case", "wildcard")
_NUMERIC_OPERATORS = ("<", "<=", "=", ">=", ">")


def _pointer(path: tuple[str, ...]) -> str:
    return "/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in path) if path else "/"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_text_filter(name: str, value: Any, where: str) -> None:
    """prefix / suffix: a string, or {"equals-ignore-case": string}."""
    if isinstance(value, dict) and list(value) == ["equals-ignore-case"] and isinstance(value["equals-ignore-case"],
                                                                                         str):
        return
    if not isinstance(value, str):
        raise ValueError(f"at {where}: '{name}' takes a string (or {{\"equals-ignore-case\": string}})")


def _check_numeric(value: Any, where: str) -> None:
    if not isinstance(value, list) or not value or len(value) % 2:
        raise ValueError(f"at {where}: 'numeric' takes operator/number pairs, e.g. [\">\", 0, \"<=\", 5]")
    for index in range(0, len(value), 2):
        operator, number = value[index], value[index + 1]
        if operator not in _NUMERIC_OPERATORS:
            raise ValueError(f"at {where}: 'numeric' operator {operator!r} is not one of "
                             f"{', '.join(_NUMERIC_OPERATORS)}")
        if not _is_number(number):
            raise ValueError(f"at {where}: 'numeric' operator {operator!r} needs a number")


def _check_anything_but(value: Any, where: str) -> None:
    if isinstance(value, dict):
        if len(value) != 1 or next(iter(value)) not in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
            raise ValueError(f"at {where}: 'anything-but' takes a value, a list of values, or one of "
                             "prefix, suffix, equals-ignore-case, wildcard")
        name, inner = next(iter(value.items()))
        if name in ("prefix", "suffix"):
            _check_text_filter(name, inner, where)
        elif not (isinstance(inner, str) or (isinstance(inner, list) and inner
                                               and all(isinstance(item, str) for item in inner))):
            raise ValueError(f"at {where}: 'anything-but' {name!r} takes a string or a list of strings")
        return
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(item, str) or _is_number(item) for item in values):
        raise ValueError(f"at {where}: 'anything-but' takes a string or number, or a list of them")


def _check_filter(item: dict[str, Any], where: str) -> None:
    if len(item) != 1:
        raise ValueError(f"at {where}: a content filter has exactly one of {', '.join(_FILTERS)}")
    name, value = next(iter(item.items()))
    if name not in _FILTERS:
        raise ValueError(f"at {where}: {name!r} is not a content filter (use one of {', '.join(_FILTERS)})")
    if name in ("prefix", "suffix"):
        _check_text_filter(name, value, where)
    elif name == "numeric":
        _check_numeric(value, where)
    elif name == "exists":
        if not isinstance(value, bool):
            raise ValueError(f"at {where}: 'exists' takes true or false")
    elif name == "anything-but":
        _check_anything_but(value, where)
    elif not isinstance(value, str):  # cidr, equals-ignore-case, wildcard
        raise ValueError(f"at {where}: {name!r} takes a string")


def _check_pattern_object(pattern: Any, path: tuple[str, ...]) -> None:
    where = _pointer(path)
    if not isinstance(pattern, dict) or not pattern:
        raise ValueError(f"at {where}: must be a non-empty object of field names")
    for key, value in pattern.items():
        inner = (*path, key)
        if key == "$or":
            if not isinstance(value, list) or len(value) < 2:
                raise ValueError(f"at {_pointer(inner)}: '$or' takes a list of at least two patterns")
            for index, alternative in enumerate(value):
                _check_pattern_object(alternative, (*inner, str(index)))
        elif isinstance(value, dict):
            _check_pattern_object(value, inner)
        elif isinstance(value, list):
            if not value:
                raise ValueError(f"at {_pointer(inner)}: must not be empty (list the values that match)")
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    _check_filter(item, _pointer((*inner, str(index))))
                elif isinstance(item, list):
                    raise ValueError(f"at {_pointer((*inner, str(index)))}: a value to match cannot be a list")
        else:
            raise ValueError(f"at {_pointer(inner)}: must be a list of values to match, or an object of fields "
                             f"(not a bare {type(value).__name__})")


def check_event_pattern(value: Any) -> dict[str, Any]:
    """An EventBridge event pattern (an object, or its JSON text), as an object.

    Raises:
        ValueError: not JSON, not an object, or a part that EventBridge would refuse (named by a JSON pointer).
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(f"is not valid JSON text ({error.msg} at character {error.pos})") from None
        except RecursionError:
            raise ValueError("nests too deeply") from None
    if not isinstance(value, dict):
        raise ValueError("must be an event pattern: a JSON object such as {\"source\": [\"my.app\"]}")
    _check_pattern_object(value, ())
    return value


# --- schedule expressions -------------------------------------------------------------------------------

_RATE = re.compile(r"^rate\((\d+) ([a-z]+)\)$")
_RATE_UNITS = ("minute", "hour", "day")
_CRON = re.compile(r"^cron\((.*)\)$")
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# name, lowest, highest, names (1-based), what else the field takes
_CRON_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minutes", 0, 59, ()),
    ("hours", 0, 23, ()),
    ("day-of-month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 1, 7, _DAYS),
    ("year", 1970, 2199, ()),
)


def _cron_value(text: str, field: str, low: int, high: int, names: tuple[str, ...]) -> int:
    upper = text.upper()
    if names and upper in names:
        return names.index(upper) + 1
    if not text.isdigit():
        named = f" or {names[0]}-{names[-1]}" if names else ""
        raise ValueError(f"the {field} field: {text!r} is not a number{named}")
    number = int(text)
    if not low <= number <= high:
        raise ValueError(f"the {field} field: {number} is out of {low}-{high}")
    return number


def _check_cron_item(item: str, field: str, low: int, high: int, names: tuple[str, ...]) -> None:
    if field == "day-of-month" and item.upper() in ("L", "LW"):
        return
    if field == "day-of-month" and item.upper().endswith("W"):
        _cron_value(item[:-1], field, low, high, names)
        return
    if field == "day-of-week" and item.upper() == "L":
        return
    if field == "day-of-week" and item.upper().endswith("L"):
        _cron_value(item[:-1], field, low, high, names)
        return
    if field == "day-of-week" and "#" in item:
        day, _, nth = item.partition("#")
        _cron_value(day, field, low, high, names)
        if nth not in ("1", "2", "3", "4", "5"):
            raise ValueError(f"the {field} field: '#{nth}' must be #1 to #5 (the nth weekday of the month)")
        return
    base, slash, step = item.partition("/")
    if slash and (not step.isdigit() or int(step) < 1):
        raise ValueError(f"the {field} field: the increment in {item!r} must be a positive number")
    if base == "*":
        return
    first, dash, last = base.partition("-")
    start = _cron_value(first, field, low, high, names)
    if dash:
        end = _cron_value(last, field, low, high, names)
        if field not in ("day-of-week", "month") and end < start:  # day and month ranges may wrap
            raise ValueError(f"the {field} field: the range {base!r} runs backwards")


def _check_cron(body: str) -> None:
    parts = body.split()
    if len(parts) != 6:
        raise ValueError("6 fields are needed: minutes hours day-of-month month day-of-week year, "
                         f"e.g. cron(0 12 * * ? *); got {len(parts)}")
    for text, (field, low, high, names) in zip(parts, _CRON_FIELDS, strict=True):
        if text == "?":
            if field not in ("day-of-month", "day-of-week"):
                raise ValueError(f"the {field} field: '?' is only for day-of-month or day-of-week")
            continue
        for item in text.split(","):
            if not item:
                raise ValueError(f"the {field} field: {text!r} has an empty item")
            _check_cron_item(item, field, low, high, names)
    day_of_month, day_of_week = parts[2], parts[4]
    if (day_of_month == "?") == (day_of_week == "?"):
        raise ValueError("exactly one of day-of-month and day-of-week must be '?' (EventBridge cannot take both), "
                         "e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON-FRI *)")


def check_schedule_expression(value: str) -> str:
    """A recurring EventBridge Scheduler expression: `cron(...)` (6 fields) or `rate(<n> <unit>)`.

    Raises:
        ValueError: any other expression (one-time `at(...)` included), naming what is wrong.
    """
    text = value.strip()
    if text.startswith("rate("):
        match = _RATE.match(text)
        if match is None:
            raise ValueError("rate(...) takes a number and a unit, e.g. rate(5 minutes) or rate(1 day)")
        amount, unit = int(match.group(1)), match.group(2)
        if unit.removesuffix("s") not in _RATE_UNITS:
            raise ValueError(f"rate(...): {unit!r} is not a unit (minute(s), hour(s), day(s))")
        if amount < 1:
            raise ValueError("rate(...): the number must be positive")
        expected = unit.removesuffix("s") + ("" if amount == 1 else "s")
        if unit != expected:
            raise ValueError(f"rate(...): write rate({amount} {expected}) (singular for 1, plural otherwise)")
        return text
    match = _CRON.match(text)
    if match is not None:
        try:
            _check_cron(match.group(1))
        except ValueError as error:
            raise ValueError(f"cron(...): {error}") from None
        return text
    if text.startswith("at("):
        raise ValueError("one-time at(...) schedules are not triggers: use cron(...) or rate(...)")
    raise ValueError("must be cron(minutes hours day-of-month month day-of-week year) or rate(<n> <unit>), "
                     "e.g. cron(0 12 * * ? *) or rate(1 day)")


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_timezone(value: str | None) -> str | None:
    """An IANA time zone name (`Europe/Paris`, `UTC`). Without a time zone database here, Scheduler checks it.

    Raises:
        ValueError: a name the time zone database does not have.
    """
    if value is None:
        return None
    names = _zone_names()
    if names and value not in names:
        raise ValueError(f"{value!r} is not a time zone: use an IANA name such as UTC or Europe/Paris")
    return value
