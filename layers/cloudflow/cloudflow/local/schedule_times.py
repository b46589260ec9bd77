"""When an EventBridge Scheduler schedule fires, as Scheduler fires it, for the local stack's pump.

- `rate(n unit)`: from its StartDate, or at once when it has none (Scheduler: "If you don't provide a
  StartDate for a rate-based schedule, your schedule starts invoking the target immediately"), then every n
  units; a day is 24 hours whatever daylight saving time does.
- `cron(...)`: every matching minute of the schedule's time zone (see `scheduler_cron`), from its StartDate.
- `at(yyyy-mm-ddThh:mm:ss)`: once, at that wall-clock time of the time zone; StartDate and EndDate do not apply.
  The local pump fires one it first sees already past at once: nothing here runs while no pump does.
- EndDate: a recurring schedule fires only before it.

A flexible time window is not drawn at random here: every fire is at the start of its window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cloudflow.local.scheduler_cron import CronExpression

_RATE = re.compile(r"^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$")
_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
_UNIT_MS = {"minute": 60_000, "hour": 3_600_000, "day": 86_400_000}


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not a time zone") from None


@dataclass(frozen=True)
class ScheduleTimes:
    """The fire times of one schedule: `first_fire(seen_ms)`, then `fire_after(each fire)` until None."""

    expression: str
    timezone: str = "UTC"
    start_ms: int | None = None
    end_ms: int | None = None

    def __post_init__(self) -> None:
        self._rate_ms()  # refuse a malformed expression or time zone now, not at the first fire
        _zone(self.timezone)
        if self.expression.startswith("cron("):
            CronExpression.parse(self.expression)
        elif self.expression.startswith("at("):
            self._at_ms()
        elif not self.expression.startswith("rate("):
            raise ValueError(f"not a schedule expression: {self.expression!r}")

    @property
    def one_time(self) -> bool:
        """Whether this is an `at(...)` schedule, which fires once."""
        return self.expression.startswith("at(")

    def first_fire(self, seen_ms: int) -> int | None:
        """The first fire of the schedule as it is from `seen_ms` (when it was created, changed or enabled)."""
        if self.one_time:
            return self._at_ms()
        rate = self._rate_ms()
        if rate is not None:
            origin = seen_ms if self.start_ms is None else self.start_ms
            missed = max(0, -(-(seen_ms - origin) // rate))  # whole periods of a StartDate already past
            return self._before_end(origin + missed * rate)
        start = seen_ms if self.start_ms is None else max(seen_ms, self.start_ms)
        return self._before_end(self._cron.next_at_or_after(start, _zone(self.timezone)))

    def fire_after(self, fired_ms: int) -> int | None:
        """The fire after the one at `fired_ms`; None when the schedule is complete."""
        if self.one_time:
            return None
        rate = self._rate_ms()
        if rate is not None:
            return self._before_end(fired_ms + rate)
        return self._before_end(self._cron.next_at_or_after(fired_ms + 1, _zone(self.timezone)))

    def _before_end(self, when_ms: int | None) -> int | None:
        if when_ms is None or (self.end_ms is not None and when_ms >= self.end_ms):
            return None
        return when_ms

    def _rate_ms(self) -> int | None:
        if not self.expression.startswith("rate("):
            return None
        match = _RATE.match(self.expression)
        if match is None or int(match.group(1)) < 1:
            raise ValueError(f"not a rate expression: {self.expression!r}")
        return int(match.group(1)) * _UNIT_MS[match.group(2).removesuffix("s")]

    @cached_property
    def _cron(self) -> CronExpression:
        return CronExpression.parse(self.expression)

    def _at_ms(self) -> int:
        match = _AT.match(self.expression)
        if match is None:
            raise ValueError(f"not an at(yyyy-mm-ddThh:mm:ss) expression: {self.expression!r}")
        wall = datetime.fromisoformat(match.group(1)).replace(tzinfo=_zone(self.timezone))
        return int(wall.timestamp() * 1000)
