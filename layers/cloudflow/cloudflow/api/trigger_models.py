"""Request and response bodies of the trigger routes (a flow's EventBridge rule and its schedules)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, WithJsonSchema

from cloudflow.api.models import Answer, JsonValue, Request
from cloudflow.api.trigger_validation import check_event_pattern, check_schedule_expression, check_timezone

TriggerStateName = Literal["ENABLED", "DISABLED"]

EventPattern = Annotated[
    Any,
    AfterValidator(check_event_pattern),
    WithJsonSchema({"anyOf": [{"type": "object"}, {"type": "string"}],
                    "description": "An EventBridge event pattern: an object, or its JSON text."}),
]
ScheduleExpression = Annotated[str, Field(max_length=256), AfterValidator(check_schedule_expression),
                               WithJsonSchema({"type": "string", "maxLength": 256, "description": (
                                   "cron(minutes hours day-of-month month day-of-week year) or rate(<n> <unit>).")})]
TimeZone = Annotated[str | None, Field(max_length=50), AfterValidator(check_timezone)]


# --- rules ----------------------------------------------------------------------------------------------


class RuleRequest(Request):
    """Start the flow on every event of the default event bus that matches the pattern, the event as its input."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"eventPattern": {"source": ["com.example.orders"], "detail-type": ["Order Placed"]}}]})

    event_pattern: EventPattern
    state: TriggerStateName = "ENABLED"
    description: str | None = Field(None, max_length=512)


class RuleTarget(Answer):
    """The rule's target: StartFunction, with the input transformer that makes the event a start request."""

    arn: str
    input_template: str | None = None


class RuleAnswer(Answer):
    """A flow's rule."""

    flow: str
    rule_name: str
    rule_arn: str
    event_pattern: dict[str, Any]
    state: str
    description: str | None = None
    target: RuleTarget | None = None


# --- schedules ------------------------------------------------------------------------------------------


class ScheduleRequest(Request):
    """Start the flow on a cron or rate schedule (EventBridge Scheduler), with `input` as each execution's input.

    Strings in the input may hold Scheduler's context attributes, e.g. `<aws.scheduler.scheduled-time>`."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"expression": "cron(0 6 ? * MON-FRI *)", "timezone": "Europe/Paris", "input": {"report": "daily"}}]})

    expression: ScheduleExpression
    timezone: TimeZone = None
    input: JsonValue = Field(default_factory=dict)
    state: TriggerStateName = "ENABLED"
    description: str | None = Field(None, max_length=512)
    flexible_window_minutes: int | None = Field(None, ge=1, le=1440, description=(
        "Fire at some time within this many minutes of the scheduled time (spreads load); off when absent."))


class ScheduleTarget(Answer):
    """The schedule's target: StartFunction, and the start request it passes (Scheduler fills in attributes)."""

    arn: str
    input: str | None = None


class ScheduleAnswer(Answer):
    """One of a flow's schedules."""

    flow: str
    schedule: str
    schedule_name: str
    schedule_arn: str
    group_name: str
    expression: str
    input: Any = None
    state: str
    timezone: str | None = None
    description: str | None = None
    flexible_window_minutes: int | None = None
    creation_date: str | None = None
    last_modification_date: str | None = None
    target: ScheduleTarget | None = None


class ScheduleList(Answer):
    """A flow's schedules, by name."""

    schedules: list[ScheduleAnswer]
