"""TriggerManagement on EventBridge (rules) and EventBridge Scheduler (schedules), both targeting StartFunction.

What StartFunction receives is a direct start request, `{"flow", "name", "input"}`:

- from a rule's target, through an input transformer that wraps the whole event, as a Step Functions target
  passes it: `{"flow":"<flow>","name":<id>,"input":<aws.events.event.json>}`. The execution is named by the
  event's id, so a redelivered event finds the execution it started (starts are idempotent by name while it
  runs; after that, the start is refused as ExecutionAlreadyExists and nothing runs twice).
- from a schedule, the target's Input: `{"flow":"<flow>","name":"<schedule>-<aws.scheduler.execution-id>",
  "input":<the schedule's input>}`. Scheduler fills in the execution id of each fire, so Lambda's retries of one
  fire start one execution, and every fire a new one. (`<aws.scheduler.scheduled-time>` would also survive
  Scheduler's own re-attempts, but its `:`s are not allowed in execution names.) The input may use Scheduler's
  context attributes too, e.g. `{"firedAt": "<aws.scheduler.scheduled-time>"}`.

Names: a flow's rule is `cloudflow-<stack>.<flow>` (ApiFunction may manage, and EventBridge may invoke
StartFunction for, rules of that prefix only); a schedule is `<flow>.<schedule>` in the stack's trigger
schedule group. The `.` separates what cannot hold one: neither stack nor flow names do, so stack `cloudflow`'s
rule for flow `dev-orders` is not stack `cloudflow-dev`'s rule for `orders`, nor within its IAM prefix. Names too
long for EventBridge's 64 characters keep the start of the flow's name and add a digest of it after another `.`
(so a shortened name never equals another flow's full one).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import boto3
from botocore.exceptions import ClientError

from cloudflow.api.trigger_port import (
    RuleRecord,
    RuleSpec,
    ScheduleRecord,
    ScheduleSpec,
    TriggersNotConfiguredError,
)
from cloudflow.errors import InvalidInputError

TARGET_ID = "cloudflow-start"
"""The id of the StartFunction target on a flow's rule."""
RULE_INPUT_PATHS = {"id": "$.id"}
EXECUTION_ID = "<aws.scheduler.execution-id>"
MAX_NAME = 64  # EventBridge rule names and Scheduler schedule names
_FLOW_PART = 32  # the longest flow part of a schedule's name
_SCHEDULE_PART_IN_EXECUTION_NAME = 40

ENVIRONMENT = ("CLOUDFLOW_START_FUNCTION_ARN", "CLOUDFLOW_TRIGGER_ROLE_ARN", "CLOUDFLOW_TRIGGER_SCHEDULE_GROUP",
               "CLOUDFLOW_STACK_NAME")
"""The variables template.yaml sets on ApiFunction for triggers."""


# --- what StartFunction receives ------------------------------------------------------------------------


def rule_input_template(flow: str) -> str:
    """The InputTemplate of a flow's rule target: the start request, with the whole event as the input."""
    return '{"flow":' + json.dumps(flow) + ',"name":<id>,"input":<aws.events.event.json>}'


def schedule_execution_name(schedule: str) -> str:
    """The execution name a schedule's fires start (Scheduler fills in the execution id)."""
    return f"{schedule[:_SCHEDULE_PART_IN_EXECUTION_NAME]}-{EXECUTION_ID}"


def schedule_target_input(flow: str, schedule: str, execution_input: Any) -> str:
    """The Input of a schedule's target: the start request of each fire."""
    request = {"flow": flow, "name": schedule_execution_name(schedule), "input": execution_input}
    return json.dumps(request, separators=(",", ":"))


# --- names ----------------------------------------------------------------------------------------------


def _digest(flow: str) -> str:
    return hashlib.sha256(flow.encode()).hexdigest()[:8]


def rule_name(stack: str, flow: str) -> str:
    """The name of a flow's rule: `cloudflow-<stack>.<flow>`, shortened to 64 characters when longer."""
    prefix = f"cloudflow-{stack}."
    if len(prefix) + len(flow) <= MAX_NAME:
        return prefix + flow
    room = MAX_NAME - len(prefix) - 9
    if room < 8:
        raise TriggersNotConfiguredError(f"The stack name {stack!r} is too long for rule names "
                                         f"(cloudflow-<stack>.<flow>, at most {MAX_NAME} characters).")
    return f"{prefix}{flow[:room]}.{_digest(flow)}"


def schedule_flow_part(flow: str) -> str:
    """How a flow's schedule names begin (before the `.`)."""
    return flow if len(flow) <= _FLOW_PART else f"{flow[:_FLOW_PART - 9]}.{_digest(flow)}"


def schedule_name(flow: str, schedule: str) -> str:
    """The Scheduler name of a flow's schedule: `<flow>.<schedule>`.

    Raises:
        InvalidInputError: the two do not fit in 64 characters.
    """
    part = schedule_flow_part(flow)
    room = MAX_NAME - len(part) - 1
    if len(schedule) > room:
        raise InvalidInputError("schedule", f"is too long: with flow {flow!r}, a schedule name has at most "
                                            f"{room} characters")
    return f"{part}.{schedule}"


# --- configuration --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriggerConfig:
    """Where triggers point: StartFunction, the role Scheduler assumes, the schedule group, the stack's name."""

    start_function_arn: str
    role_arn: str
    schedule_group: str
    stack: str
    region: str = "us-east-1"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TriggerConfig | None:
        """The configuration the CLOUDFLOW_* variables give; None unless all of them are set."""
        start, role, group, stack = (env.get(name, "") for name in ENVIRONMENT)
        if not (start and role and group and stack):
            return None
        region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"
        return cls(start_function_arn=start, role_arn=role, schedule_group=group, stack=stack, region=region)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", "")) or str(error)


def scheduler_date_ms(value: Any) -> int | None:
    """A Scheduler date (boto3 answers datetimes; epoch seconds also occur) as epoch milliseconds."""
    if isinstance(value, datetime):
        return int(value.timestamp() * 1000)
    if isinstance(value, int | float):
        return int(value * 1000)
    return None


def _scheduler_field(message: str) -> str:
    """The request field a Scheduler ValidationException is about."""
    for hint, field in (("Timezone", "timezone"), ("ScheduleExpression", "expression"), ("Input", "input"),
                        ("MaximumWindowInMinutes", "flexibleWindowMinutes"), ("Description", "description")):
        if hint.lower() in message.lower():
            return field
    return "schedule"


class AwsTriggerManagement:
    """The TriggerManagement port on boto3 EventBridge (`events`) and Scheduler (`scheduler`) clients."""

    def __init__(self, events: Any, scheduler: Any, config: TriggerConfig) -> None:
        self._events = events
        self._scheduler = scheduler
        self.config = config

    # --- rules ------------------------------------------------------------------------------------------

    def _target(self, flow: str) -> dict[str, Any]:
        return {"Id": TARGET_ID, "Arn": self.config.start_function_arn,
                "InputTransformer": {"InputPathsMap": dict(RULE_INPUT_PATHS),
                                     "InputTemplate": rule_input_template(flow)}}

    def put_rule(self, flow: str, spec: RuleSpec) -> RuleRecord:
        name = rule_name(self.config.stack, flow)
        pattern = json.dumps(spec.event_pattern, separators=(",", ":"))
        request: dict[str, Any] = {"Name": name, "EventPattern": pattern, "State": spec.state}
        if spec.description:
            request["Description"] = spec.description
        try:
            arn = self._events.put_rule(**request)["RuleArn"]
        except ClientError as error:
            if _code(error) in ("InvalidEventPatternException", "ValidationException"):
                raise InvalidInputError("eventPattern", f"EventBridge refused it: {_message(error)}") from None
            raise
        target = self._target(flow)
        answer = self._events.put_targets(Rule=name, Targets=[target])
        if answer.get("FailedEntryCount"):
            raise RuntimeError(f"EventBridge did not take the target of rule {name}: {answer.get('FailedEntries')}")
        return RuleRecord(flow=flow, name=name, arn=arn, event_pattern=spec.event_pattern, state=spec.state,
                          description=spec.description, target_arn=target["Arn"],
                          input_template=target["InputTransformer"]["InputTemplate"])

    def get_rule(self, flow: str) -> RuleRecord | None:
        name = rule_name(self.config.stack, flow)
        try:
            rule = self._events.describe_rule(Name=name)
            targets = self._events.list_targets_by_rule(Rule=name).get("Targets", [])
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return None
            raise
        target = next((t for t in targets if t.get("Id") == TARGET_ID), None)
        transformer = (target or {}).get("InputTransformer") or {}
        return RuleRecord(flow=flow, name=name, arn=rule["Arn"], event_pattern=json.loads(rule.get("EventPattern")
                                                                                            or "{}"),
                          state=rule.get("State", "ENABLED"), description=rule.get("Description") or None,
                          target_arn=target["Arn"] if target else None,
                          input_template=transformer.get("InputTemplate"))

    def delete_rule(self, flow: str) -> bool:
        name = rule_name(self.config.stack, flow)
        try:
            targets = self._events.list_targets_by_rule(Rule=name).get("Targets", [])
            if targets:  # a rule with targets cannot be deleted
                self._events.remove_targets(Rule=name, Ids=[target["Id"] for target in targets])
            self._events.delete_rule(Name=name)
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return False
            raise
        return True

    # --- schedules --------------------------------------------------------------------------------------

    def put_schedule(self, flow: str, schedule: str, spec: ScheduleSpec) -> ScheduleRecord:
        name = schedule_name(flow, schedule)
        window: dict[str, Any] = ({"Mode": "FLEXIBLE", "MaximumWindowInMinutes": spec.flexible_window_minutes}
                                  if spec.flexible_window_minutes else {"Mode": "OFF"})
        request: dict[str, Any] = {
            "Name": name, "GroupName": self.config.schedule_group, "ScheduleExpression": spec.expression,
            "State": spec.state, "FlexibleTimeWindow": window,
            "Target": {"Arn": self.config.start_function_arn, "RoleArn": self.config.role_arn,
                       "Input": schedule_target_input(flow, schedule, spec.input)},
        }
        if spec.timezone:
            request["ScheduleExpressionTimezone"] = spec.timezone
        if spec.description:
            request["Description"] = spec.description
        try:
            try:
                self._scheduler.create_schedule(**request)
            except ClientError as error:
                if _code(error) != "ConflictException":
                    raise
                self._scheduler.update_schedule(**request)  # it exists: replace it (update takes every field)
        except ClientError as error:
            if _code(error) == "ValidationException":
                message = _message(error)
                raise InvalidInputError(_scheduler_field(message), f"EventBridge Scheduler refused it: {message}") \
                    from None
            raise
        record = self.get_schedule(flow, schedule)
        if record is None:
            raise RuntimeError(f"schedule {name} is not there after it was written")
        return record

    def _record(self, flow: str, answer: dict[str, Any]) -> ScheduleRecord | None:
        """The record of a schedule Scheduler answered with; None unless it starts `flow`."""
        name = str(answer["Name"])
        prefix = schedule_flow_part(flow) + "."
        schedule = name.removeprefix(prefix)
        target = answer.get("Target") or {}
        try:
            request = json.loads(target.get("Input") or "")
        except json.JSONDecodeError:
            return None
        if not name.startswith(prefix) or "." in schedule or not isinstance(request, dict) \
                or request.get("flow") != flow:
            return None
        window = answer.get("FlexibleTimeWindow") or {}
        return ScheduleRecord(
            flow=flow, schedule=schedule, name=name, group=str(answer.get("GroupName") or self.config.schedule_group),
            arn=str(answer["Arn"]), expression=str(answer["ScheduleExpression"]), input=request.get("input"),
            state=str(answer.get("State") or "ENABLED"), timezone=answer.get("ScheduleExpressionTimezone") or None,
            description=answer.get("Description") or None,
            flexible_window_minutes=window.get("MaximumWindowInMinutes") if window.get("Mode") == "FLEXIBLE"
            else None,
            created_ms=scheduler_date_ms(answer.get("CreationDate")),
            updated_ms=scheduler_date_ms(answer.get("LastModificationDate")),
            target_arn=target.get("Arn"), target_input=target.get("Input"))

    def get_schedule(self, flow: str, schedule: str) -> ScheduleRecord | None:
        try:
            answer = self._scheduler.get_schedule(Name=schedule_name(flow, schedule),
                                                  GroupName=self.config.schedule_group)
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return None
            raise
        return self._record(flow, answer)

    def list_schedules(self, flow: str) -> list[ScheduleRecord]:
        names: list[str] = []
        pages = self._scheduler.get_paginator("list_schedules").paginate(
            GroupName=self.config.schedule_group, NamePrefix=schedule_flow_part(flow) + ".")
        for page in pages:
            names.extend(summary["Name"] for summary in page.get("Schedules", []))
        records = []
        for name in sorted(names):
            try:
                answer = self._scheduler.get_schedule(Name=name, GroupName=self.config.schedule_group)
            except ClientError as error:
                if _code(error) == "ResourceNotFoundException":  # deleted meanwhile
                    continue
                raise
            record = self._record(flow, answer)
            if record is not None:
                records.append(record)
        return records

    def delete_schedule(self, flow: str, schedule: str) -> bool:
        if self.get_schedule(flow, schedule) is None:  # absent, or not this flow's
            return False
        try:
            self._scheduler.delete_schedule(Name=schedule_name(flow, schedule), GroupName=self.config.schedule_group)
        except ClientError as error:
            if _code(error) == "ResourceNotFoundException":
                return False
            raise
        return True


def trigger_management(config: TriggerConfig, session: Any = None) -> AwsTriggerManagement:
    """Trigger management for `config`, with clients of `session` (a boto3 session; the default one otherwise)."""
    session = session or boto3.session.Session()
    return AwsTriggerManagement(session.client("events", region_name=config.region),
                                session.client("scheduler", region_name=config.region), config)


_shared: dict[TriggerConfig, AwsTriggerManagement] = {}


def shared_trigger_management(env: Mapping[str, str] | None = None) -> AwsTriggerManagement | None:
    """The process's trigger management for the CLOUDFLOW_* variables (clients reused warm); None without them."""
    config = TriggerConfig.from_env(os.environ if env is None else env)
    if config is None:
        return None
    found = _shared.get(config)
    if found is None:
        _shared.clear()  # the environment changed (tests): keep only the current one
        found = _shared[config] = trigger_management(config)
    return found
