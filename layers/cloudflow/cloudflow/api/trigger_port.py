"""The port the trigger routes manage EventBridge rules and Scheduler schedules through.

A flow has at most one rule (its event pattern; every matching event starts the flow with the whole event
as input) and any number of named schedules (cron or rate; each fire starts the flow with the schedule's
input). Both target StartFunction. boto3 stays in `cloudflow.adapters.trigger_management`, which implements
this port; `ambient_triggers()` builds it from the CLOUDFLOW_* variables the template gives ApiFunction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from cloudflow.errors import ServiceError

TriggerState = Literal["ENABLED", "DISABLED"]


class TriggersNotConfiguredError(ServiceError):
    """This deployment cannot manage triggers: the variables naming StartFunction, the Scheduler role and the
    trigger schedule group are not set (a local run; the template sets them on ApiFunction). A 4xx: the call
    is well-formed, but nothing here can serve it."""

    code = "TriggersNotConfigured"
    status = 400


@dataclass(frozen=True)
class RuleSpec:
    """What a flow's rule should be."""

    event_pattern: dict[str, Any]
    state: TriggerState = "ENABLED"
    description: str | None = None


@dataclass(frozen=True)
class RuleRecord:
    """A flow's rule as EventBridge holds it, with the target that starts the flow (None when it lost it)."""

    flow: str
    name: str
    arn: str
    event_pattern: dict[str, Any]
    state: str
    description: str | None = None
    target_arn: str | None = None
    input_template: str | None = None


@dataclass(frozen=True)
class ScheduleSpec:
    """What one of a flow's schedules should be."""

    expression: str
    input: Any
    timezone: str | None = None
    state: TriggerState = "ENABLED"
    description: str | None = None
    flexible_window_minutes: int | None = None


@dataclass(frozen=True)
class ScheduleRecord:
    """A flow's schedule as Scheduler holds it: `schedule` is its name in the API, `name` in Scheduler."""

    flow: str
    schedule: str
    name: str
    group: str
    arn: str
    expression: str
    input: Any
    state: str
    timezone: str | None = None
    description: str | None = None
    flexible_window_minutes: int | None = None
    created_ms: int | None = None
    updated_ms: int | None = None
    target_arn: str | None = None
    target_input: str | None = None


class TriggerManagement(Protocol):
    """Rules and schedules that start flows through StartFunction.

    `put_*` create or replace; `get_*` answer None and `delete_*` False when there is nothing by that name.
    Requests EventBridge refuses raise `InvalidInputError` naming the request field.
    """

    def put_rule(self, flow: str, spec: RuleSpec) -> RuleRecord: ...

    def get_rule(self, flow: str) -> RuleRecord | None: ...

    def delete_rule(self, flow: str) -> bool: ...

    def put_schedule(self, flow: str, schedule: str, spec: ScheduleSpec) -> ScheduleRecord: ...

    def get_schedule(self, flow: str, schedule: str) -> ScheduleRecord | None: ...

    def list_schedules(self, flow: str) -> list[ScheduleRecord]: ...

    def delete_schedule(self, flow: str, schedule: str) -> bool: ...


def ambient_triggers() -> TriggerManagement | None:
    """The trigger management of this process, from its CLOUDFLOW_* variables; None when they are not set."""
    from cloudflow.adapters.trigger_management import shared_trigger_management  # boto3 lives in adapters

    return shared_trigger_management()
