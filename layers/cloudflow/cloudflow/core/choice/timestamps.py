"""Timestamps as the Timestamp* and IsTimestamp choice operators read them.

Step Functions parses these with Java's ISO-8601 "extended offset date-time" format (its error
messages name it), so this follows that grammar rather than strict RFC 3339:
`YYYY-MM-DDThh:mm[:ss[.f…]]` then `Z` or a numeric offset, letters matched case-insensitively,
seconds optional, up to nine fraction digits, calendar fields checked strictly (no 24:00, no
leap second, no 30 February). Values compare as instants, so the offset is folded in.
"""

from __future__ import annotations

import re

_NANOS_PER_SECOND = 1_000_000_000
_MAX_OFFSET_SECONDS = 18 * 3600

# Year: four digits, or a sign with more (Java pads to four and wants a sign beyond that).
_TIMESTAMP = re.compile(
    r"(?P<year>\d{4}|[+-]\d{4,9})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"[Tt](?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d{0,9}))?)?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<off_h>\d{2})"
    r"(?:(?P<colon>:?)(?P<off_m>\d{2})(?:(?P=colon)(?P<off_s>\d{2}))?)?)",
    re.ASCII,
)

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def parse_timestamp(text: str) -> int | None:
    """Nanoseconds since the Unix epoch for a valid timestamp string, None for anything else."""
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        return None
    year_text = match["year"]
    if year_text[0] == "+" and len(year_text) == 5:
        return None  # Java rejects a sign on a year that fits in four digits
    year, month, day = int(year_text), int(match["month"]), int(match["day"])
    hour, minute = int(match["hour"]), int(match["minute"])
    second = int(match["second"] or 0)
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    offset = _offset_seconds(match)
    if offset is None:
        return None
    fraction = match["fraction"] or ""
    nanos = int(fraction.ljust(9, "0")) if fraction else 0
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset
    return seconds * _NANOS_PER_SECOND + nanos


def is_timestamp(value: object) -> bool:
    """Whether `value` is a string Step Functions accepts as a timestamp."""
    return isinstance(value, str) and parse_timestamp(value) is not None


def _offset_seconds(match: re.Match[str]) -> int | None:
    if match["utc"]:
        return 0
    hours, minutes, seconds = int(match["off_h"]), int(match["off_m"] or 0), int(match["off_s"] or 0)
    if minutes > 59 or seconds > 59:
        return None
    total = hours * 3600 + minutes * 60 + seconds
    if total > _MAX_OFFSET_SECONDS:
        return None
    return -total if match["sign"] == "-" else total


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar, for any year (H. Hinnant)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468
