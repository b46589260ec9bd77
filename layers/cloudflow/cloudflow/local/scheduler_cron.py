"""EventBridge Scheduler's cron expressions, and the next minute one matches in a time zone.

Six fields: minutes, hours, day-of-month, month, day-of-week (1-7 = SUN-SAT), year; `,` `-` `*` `/`, `?` in one
of the two day fields, `L` (last day of the month; in day-of-week `L` is SAT and `nL` the month's last day n),
`W` (the weekday nearest a day of the month, never in another month; `LW` the month's last weekday) and `n#k`
(the k-th day n of the month). Times are wall-clock times of the zone: a time that daylight saving time skips
does not fire, and one it repeats fires once, the first time (Scheduler's documented behaviour).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_LAST_YEAR = 2199  # the year field's highest value
DayTest = Callable[[date], bool]


def _number(text: str, low: int, high: int, names: tuple[str, ...], field: str) -> int:
    upper = text.upper()
    if names and upper in names:
        return names.index(upper) + 1
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"cron {field} field: {text!r} is not in {low}-{high}")
    return int(text)


def _values(text: str, low: int, high: int, field: str, names: tuple[str, ...] = ()) -> frozenset[int]:
    """The numbers a plain field (`*`, lists, ranges, increments) allows; ranges of names may wrap (FRI-MON)."""
    allowed: set[int] = set()
    for item in text.split(","):
        base, _, step_text = item.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"cron {field} field: the increment in {item!r} must be positive")
        if base == "*":
            first, last = low, high
        else:
            start, dash, end = base.partition("-")
            first = _number(start, low, high, names, field)
            last = _number(end, low, high, names, field) if dash else (high if step_text else first)
        span = (last - first) % (high - low + 1) if last < first else last - first
        allowed.update(low + (first - low + offset) % (high - low + 1) for offset in range(0, span + 1, step))
    return frozenset(allowed)


def _nearest_weekday(day: int, year: int, month: int) -> int:
    """The weekday nearest `day` of the month, without leaving the month (the `W` of cron)."""
    last = calendar.monthrange(year, month)[1]
    day = min(day, last)
    weekday = date(year, month, day).weekday()  # Monday 0 .. Sunday 6
    if weekday == 5:  # Saturday: the Friday before, or the Monday after on the 1st
        return day - 1 if day > 1 else day + 2
    if weekday == 6:  # Sunday: the Monday after, or the Friday before on the last day
        return day + 1 if day < last else day - 2
    return day


def _nearest_weekday_to(wanted: int) -> DayTest:
    return lambda d: d.day == _nearest_weekday(wanted, d.year, d.month)


def _last_weekday_of_month(wanted: int) -> DayTest:
    return lambda d: _cron_weekday(d) == wanted and d.day + 7 > calendar.monthrange(d.year, d.month)[1]


def _nth_weekday_of_month(wanted: int, count: int) -> DayTest:
    return lambda d: _cron_weekday(d) == wanted and (d.day - 1) // 7 + 1 == count


def _day_of_month_test(text: str) -> DayTest:
    tests: list[DayTest] = []
    plain: list[str] = []
    for item in text.upper().split(","):
        if item == "L":
            tests.append(lambda d: d.day == calendar.monthrange(d.year, d.month)[1])
        elif item == "LW":
            tests.append(lambda d: d.day == _nearest_weekday(31, d.year, d.month))
        elif item.endswith("W"):
            tests.append(_nearest_weekday_to(_number(item[:-1], 1, 31, (), "day-of-month")))
        else:
            plain.append(item)
    if plain:
        days = _values(",".join(plain), 1, 31, "day-of-month")
        tests.append(lambda d: d.day in days)
    return lambda d: any(test(d) for test in tests)


def _cron_weekday(day: date) -> int:
    """1 (Sunday) to 7 (Saturday), as cron counts."""
    return (day.weekday() + 1) % 7 + 1


def _day_of_week_test(text: str) -> DayTest:
    tests: list[DayTest] = []
    plain: list[str] = []
    for item in text.upper().split(","):
        if item == "L":
            plain.append("7")
        elif item.endswith("L"):
            tests.append(_last_weekday_of_month(_number(item[:-1], 1, 7, _DAYS, "day-of-week")))
        elif "#" in item:
            day, _, nth = item.partition("#")
            tests.append(_nth_weekday_of_month(_number(day, 1, 7, _DAYS, "day-of-week"),
                                               _number(nth, 1, 5, (), "day-of-week")))
        else:
            plain.append(item)
    if plain:
        days = _values(",".join(plain), 1, 7, "day-of-week", _DAYS)
        tests.append(lambda d: _cron_weekday(d) in days)
    return lambda d: any(test(d) for test in tests)


@dataclass(frozen=True)
class CronExpression:
    """A parsed `cron(...)`: the allowed minutes, hours, months and years, and which days match."""

    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    months: frozenset[int]
    years: frozenset[int]
    day_matches: DayTest

    @classmethod
    def parse(cls, expression: str) -> CronExpression:
        """`cron(minutes hours day-of-month month day-of-week year)`.

        Raises:
            ValueError: not six fields, or a field out of its range.
        """
        body = expression.strip().removeprefix("cron(").removesuffix(")")
        fields = body.split()
        if len(fields) != 6:
            raise ValueError(f"cron needs 6 fields, not {len(fields)}: {expression!r}")
        minutes, hours, day_of_month, month, day_of_week, year = fields
        if (day_of_month == "?") == (day_of_week == "?"):
            raise ValueError(f"exactly one of day-of-month and day-of-week must be '?': {expression!r}")
        days = _day_of_week_test(day_of_week) if day_of_month == "?" else _day_of_month_test(day_of_month)
        return cls(minutes=tuple(sorted(_values(minutes, 0, 59, "minutes"))),
                   hours=tuple(sorted(_values(hours, 0, 23, "hours"))),
                   months=_values(month, 1, 12, "month", _MONTHS),
                   years=_values(year, 1970, _LAST_YEAR, "year"), day_matches=days)

    def next_at_or_after(self, when_ms: int, zone: ZoneInfo) -> int | None:
        """The first matching minute at or after `when_ms` (epoch ms) in `zone`; None when there is none."""
        local = datetime.fromtimestamp(when_ms / 1000, UTC).astimezone(zone)
        day = local.date()
        while day.year <= _LAST_YEAR:
            if day.year not in self.years:
                day = date(day.year + 1, 1, 1)
                continue
            if day.month not in self.months:
                day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
                continue
            if self.day_matches(day):
                found = self._first_time_of(day, zone, when_ms)
                if found is not None:
                    return found
            day += timedelta(days=1)
        return None

    def _first_time_of(self, day: date, zone: ZoneInfo, not_before_ms: int) -> int | None:
        for hour in self.hours:
            for minute in self.minutes:
                wall = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)  # fold 0: the first
                instant = wall.astimezone(UTC)
                if instant.astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
                    continue  # a time daylight saving time skips
                ms = int(instant.timestamp() * 1000)
                if ms >= not_before_ms:
                    return ms
        return None
