"""The trigger schedules of the local stack, fired by its pump as EventBridge Scheduler fires them.

Moto stores schedules but fires none. Each pump round reads the trigger schedule group; a schedule is planned
(`cloudflow.local.schedule_times`) from the moment the pump first sees it ENABLED, or sees it changed, on the
pump's clock: a schedule created, replaced or enabled starts its fires from then, and a DISABLED one does not
fire (nor does it catch up later). Each fire hands StartFunction the target's Input with Scheduler's context
attributes filled in: the schedule's ARN, the scheduled time, attempt 1, and an execution id drawn from the
schedule and the scheduled time (so a repeated fire names the same execution, and each fire another one). A
schedule with no fire left (an `at()` that fired, a recurring one past its EndDate) is deleted when its
ActionAfterCompletion is DELETE, as Scheduler does.

Targets other than StartFunction are not invoked (reported once); neither is a schedule whose expression
cannot be read (reported once).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from cloudflow.adapters.local_event_bus import StartFunction, report_to_stderr
from cloudflow.adapters.trigger_management import scheduler_date_ms
from cloudflow.local.schedule_times import ScheduleTimes
from cloudflow.local.trigger_delivery import iso_seconds, render_scheduler_input
from cloudflow.ports import Clock


@dataclass
class _Planned:
    """One schedule as the pump planned it: `due_ms` is its next fire (None: none now), `complete` that it has
    none left at all."""

    version: tuple[Any, ...]
    answer: dict[str, Any]
    times: ScheduleTimes | None
    due_ms: int | None
    complete: bool = False


class LocalTriggerSchedules:
    """Fires the due schedules of one Scheduler group (`scheduler` client) at StartFunction through `start`."""

    def __init__(self, scheduler: Any, group: str, start_function_arn: str, start: StartFunction, clock: Clock,
                 duplicate_deliveries: bool = False, report: Callable[[str], None] = report_to_stderr) -> None:
        self._scheduler = scheduler
        self._group = group
        self._start_function_arn = start_function_arn
        self._start = start
        self._clock = clock
        self._duplicate_deliveries = duplicate_deliveries
        self._report = report
        self._planned: dict[str, _Planned] = {}

    def fire_next_due(self) -> bool:
        """Fire the earliest fire that is due on the clock (one per call, so the pump delivers what it starts
        in between); True when one fired."""
        now = self._clock.now_ms()
        self._refresh(now)
        due = [(plan.due_ms, name) for name, plan in self._planned.items()
               if plan.due_ms is not None and plan.due_ms <= now]
        if not due:
            return False
        when, name = min(due)
        plan = self._planned[name]
        self._fire(plan.answer, when)
        assert plan.times is not None  # only planned schedules are due
        plan.due_ms = plan.times.fire_after(when)
        plan.complete = plan.due_ms is None
        if plan.complete and plan.answer.get("ActionAfterCompletion") == "DELETE":
            self._delete(name)
        return True

    def next_due(self) -> int | None:
        """When the next fire is due (epoch ms); None when no schedule will fire."""
        self._refresh(self._clock.now_ms())
        upcoming = [plan.due_ms for plan in self._planned.values() if plan.due_ms is not None]
        return min(upcoming) if upcoming else None

    # --- reading and planning -----------------------------------------------------------------------------

    def _refresh(self, now: int) -> None:
        """Read the group; plan what is new or changed, forget what is gone."""
        seen: set[str] = set()
        for page in self._scheduler.get_paginator("list_schedules").paginate(GroupName=self._group):
            for summary in page.get("Schedules", []):
                name = str(summary["Name"])
                try:
                    answer = self._scheduler.get_schedule(Name=name, GroupName=self._group)
                except ClientError as error:
                    if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
                        continue  # deleted meanwhile
                    raise
                seen.add(name)
                version = tuple(answer.get(key) for key in (
                    "CreationDate", "LastModificationDate", "State", "ScheduleExpression",
                    "ScheduleExpressionTimezone", "StartDate", "EndDate"))
                known = self._planned.get(name)
                if known is None or known.version != version:
                    self._planned[name] = self._plan(name, answer, version, now)
        for gone in set(self._planned) - seen:
            del self._planned[gone]

    def _plan(self, name: str, answer: dict[str, Any], version: tuple[Any, ...], now: int) -> _Planned:
        if answer.get("State", "ENABLED") != "ENABLED":
            return _Planned(version, answer, None, None)
        target = answer.get("Target") or {}
        if target.get("Arn") != self._start_function_arn:
            self._report(f"schedule {name}: its target {target.get('Arn')} is not StartFunction: not invoked "
                         "locally")
            return _Planned(version, answer, None, None)
        try:
            times = ScheduleTimes(str(answer["ScheduleExpression"]), answer.get("ScheduleExpressionTimezone") or "UTC",
                                  scheduler_date_ms(answer.get("StartDate")), scheduler_date_ms(answer.get("EndDate")))
        except ValueError as error:
            self._report(f"schedule {name}: not fired: {error}")
            return _Planned(version, answer, None, None)
        due = times.first_fire(now)
        planned = _Planned(version, answer, times, due, complete=due is None)
        if planned.complete and answer.get("ActionAfterCompletion") == "DELETE":  # e.g. past its EndDate
            self._delete(name)
        return planned

    # --- firing -------------------------------------------------------------------------------------------

    def _fire(self, answer: dict[str, Any], when_ms: int) -> None:
        arn = str(answer["Arn"])
        execution_id = hashlib.sha256(f"{arn}|{answer.get('CreationDate')}|{when_ms}".encode()).hexdigest()[:16]
        text = str((answer.get("Target") or {}).get("Input") or "{}")
        for attempt in (1, 2) if self._duplicate_deliveries else (1,):
            try:
                payload = render_scheduler_input(text, arn, iso_seconds(when_ms), execution_id, attempt)
                result = self._start(payload)
            except Exception as error:  # a broken Input, a failing function: say so, the schedule goes on
                self._report(f"schedule {answer['Name']}: the fire of {iso_seconds(when_ms)} failed: "
                             f"{type(error).__name__}: {error}")
                return
            if isinstance(result, dict) and "error" in result and attempt == 1:
                self._report(f"schedule {answer['Name']}: the fire of {iso_seconds(when_ms)} started nothing: "
                             f"{result['error']}: {result.get('message', '')}")

    def _delete(self, name: str) -> None:
        try:
            self._scheduler.delete_schedule(Name=name, GroupName=self._group)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
        self._planned.pop(name, None)
