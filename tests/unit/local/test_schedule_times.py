"""When the local pump fires a trigger schedule: EventBridge Scheduler's cron (six fields, L, W, #, names, time
zones with daylight saving time), rate (at once without a StartDate) and at() expressions, StartDate and EndDate.
Sources: the EventBridge Scheduler user guide, "Schedule types" (cron, rate and one-time schedules; daylight
saving time: a skipped time does not fire, a repeated one fires once) and the CreateSchedule API reference."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cloudflow.local.schedule_times import ScheduleTimes
from cloudflow.local.scheduler_cron import CronExpression

UTC = ZoneInfo("UTC")
HOUR_MS = 3_600_000


def ms(text: str) -> int:
    """Epoch ms of an ISO time with its offset."""
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def local(value: int | None, zone: str = "UTC") -> str | None:
    return None if value is None else datetime.fromtimestamp(value / 1000, ZoneInfo(zone)).isoformat()


def fires(times: ScheduleTimes, seen: str, count: int) -> list[str | None]:
    found: list[str | None] = []
    fire = times.first_fire(ms(seen))
    for _ in range(count):
        found.append(local(fire, times.timezone))
        if fire is None:
            break
        fire = times.fire_after(fire)
    return found


CRON_CASES = [
    ("cron(0/15 * * * ? *)", "2023-11-14T22:13:20+00:00", "2023-11-14T22:15:00+00:00"),
    ("cron(0 6 ? * MON-FRI *)", "2023-11-17T07:00:00+00:00", "2023-11-20T06:00:00+00:00"),  # Friday -> Monday
    ("cron(0 0 ? * FRI-MON *)", "2024-06-05T00:00:00+00:00", "2024-06-07T00:00:00+00:00"),  # a range that wraps
    ("cron(30 8 L * ? *)", "2024-02-01T00:00:00+00:00", "2024-02-29T08:30:00+00:00"),  # the last day, leap year
    ("cron(0 9 ? JAN,JUL 2#1 2030-2035)", "2023-11-14T00:00:00+00:00", "2030-01-07T09:00:00+00:00"),  # 1st Monday
    ("cron(0 12 15W * ? *)", "2024-06-01T00:00:00+00:00", "2024-06-14T12:00:00+00:00"),  # Sat 15th -> Fri 14th
    ("cron(0 12 1W * ? *)", "2024-06-01T00:00:00+00:00", "2024-06-03T12:00:00+00:00"),  # Sat 1st -> Mon 3rd
    ("cron(0 12 LW * ? *)", "2024-03-01T00:00:00+00:00", "2024-03-29T12:00:00+00:00"),  # 31st is a Sunday
    ("cron(0 18 ? * 6L *)", "2024-06-01T00:00:00+00:00", "2024-06-28T18:00:00+00:00"),  # the last Friday
    ("cron(0 10 ? * L *)", "2024-06-03T00:00:00+00:00", "2024-06-08T10:00:00+00:00"),  # L alone: Saturday
    ("cron(5 4 1 */3 ? *)", "2024-02-10T00:00:00+00:00", "2024-04-01T04:05:00+00:00"),  # Jan, Apr, Jul, Oct
    ("cron(0 0 ? * SUN 2024)", "2024-12-30T00:00:00+00:00", None),  # no Sunday left in its only year
    ("cron(0 0 31 FEB ? *)", "2024-01-01T00:00:00+00:00", None),
    ("cron(0 2 * * ? *)", "2023-11-14T02:00:00+00:00", "2023-11-14T02:00:00+00:00"),  # at or after
]


@pytest.mark.parametrize(("expression", "after", "expected"), CRON_CASES)
def test_cron_finds_the_next_matching_minute(expression: str, after: str, expected: str | None) -> None:
    assert local(CronExpression.parse(expression).next_at_or_after(ms(after), UTC)) == expected


def test_cron_runs_on_the_wall_clock_of_its_time_zone_through_daylight_saving_time() -> None:
    paris = ScheduleTimes("cron(30 2 * * ? *)", "Europe/Paris")
    # 2024-03-31: 02:00 -> 03:00 in Paris, so 02:30 does not exist that day and does not fire.
    assert fires(paris, "2024-03-30T12:00:00+00:00", 2) == ["2024-04-01T02:30:00+02:00", "2024-04-02T02:30:00+02:00"]
    # 2024-10-27: 03:00 -> 02:00, so 02:30 happens twice and fires once, the first time.
    assert fires(paris, "2024-10-26T12:00:00+00:00", 3) == [
        "2024-10-27T02:30:00+02:00", "2024-10-28T02:30:00+01:00", "2024-10-29T02:30:00+01:00"]


def test_a_rate_fires_at_once_without_a_start_date_then_every_period_of_fixed_length() -> None:
    assert fires(ScheduleTimes("rate(5 minutes)"), "2023-11-14T22:13:20+00:00", 3) == [
        "2023-11-14T22:13:20+00:00", "2023-11-14T22:18:20+00:00", "2023-11-14T22:23:20+00:00"]
    # A day is 24 hours, in Paris across the change to summer time too.
    daily = ScheduleTimes("rate(1 day)", "Europe/Paris")
    assert fires(daily, "2024-03-30T12:00:00+01:00", 2) == ["2024-03-30T12:00:00+01:00", "2024-03-31T13:00:00+02:00"]


def test_start_and_end_dates_bound_recurring_schedules() -> None:
    start, end = ms("2023-11-15T01:00:00+00:00"), ms("2023-11-15T04:00:00+00:00")
    hourly = ScheduleTimes("rate(1 hour)", start_ms=start, end_ms=end)
    assert fires(hourly, "2023-11-14T22:13:20+00:00", 5) == [
        "2023-11-15T01:00:00+00:00", "2023-11-15T02:00:00+00:00", "2023-11-15T03:00:00+00:00", None]
    # Seen after its StartDate: the rate keeps its phase from the StartDate.
    assert local(hourly.first_fire(start + HOUR_MS + 1)) == "2023-11-15T03:00:00+00:00"
    assert hourly.first_fire(end) is None  # past its EndDate: complete
    cron = ScheduleTimes("cron(0 * * * ? *)", start_ms=start, end_ms=end)
    assert fires(cron, "2023-11-14T22:13:20+00:00", 5) == [
        "2023-11-15T01:00:00+00:00", "2023-11-15T02:00:00+00:00", "2023-11-15T03:00:00+00:00", None]


def test_at_fires_once_in_its_time_zone_whatever_the_start_and_end_dates() -> None:
    once = ScheduleTimes("at(2023-11-15T09:00:00)", "Europe/Paris", start_ms=0, end_ms=1)
    assert once.one_time
    assert fires(once, "2023-11-14T22:13:20+00:00", 3) == ["2023-11-15T09:00:00+01:00", None]
    # Seen after its time (the pump was not running): it still fires, once.
    assert local(once.first_fire(ms("2024-01-01T00:00:00+00:00"))) == "2023-11-15T08:00:00+00:00"


@pytest.mark.parametrize(("expression", "timezone"), [
    ("every day", "UTC"), ("rate(0 minutes)", "UTC"), ("rate(2 weeks)", "UTC"), ("cron(0 2 * * *)", "UTC"),
    ("cron(0 2 * * * *)", "UTC"), ("cron(60 2 * * ? *)", "UTC"), ("cron(0 2 ? * 2#6 *)", "UTC"),
    ("at(2030-01-01)", "UTC"), ("rate(1 day)", "Mars/Olympus_Mons"),
])
def test_what_cannot_be_read_is_refused_with_a_value_error(expression: str, timezone: str) -> None:
    with pytest.raises(ValueError):
        ScheduleTimes(expression, timezone)
