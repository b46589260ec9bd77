"""Triggers: what starts a flow by itself. An EventBridge rule (one per flow: an event pattern, every matching event
starts the flow with the event as input) and EventBridge Scheduler schedules (named, cron or rate, each fire
starts the flow with the schedule's input). Both invoke StartFunction; see
`cloudflow.adapters.trigger_management` for what it receives and how redeliveries start an execution once.

Creating or replacing a trigger needs the flow. Reading and deleting one also work after its flow was deleted
(deleting a flow leaves its triggers: their starts are refused as StateMachineDoesNotExist until the flow is
created again), so nothing is left that the API cannot see or remove.
"""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.params import Path

from cloudflow.api.errors import ResourceNotFoundError
from cloudflow.api.models import Empty
from cloudflow.api.services import ApiServices, FlowName, error_responses, iso, latest_version
from cloudflow.api.trigger_models import (
    RuleAnswer,
    RuleRequest,
    RuleTarget,
    ScheduleAnswer,
    ScheduleList,
    ScheduleRequest,
    ScheduleTarget,
)
from cloudflow.api.trigger_port import (
    RuleRecord,
    RuleSpec,
    ScheduleRecord,
    ScheduleSpec,
    TriggerManagement,
    TriggersNotConfiguredError,
)
from cloudflow.errors import StateMachineDoesNotExistError
from cloudflow.runtime.flows import LATEST

TAGS = ["triggers"]

ScheduleName = Annotated[str, Path(pattern=r"^[A-Za-z0-9_\-]{1,63}$", description=(
    "The schedule's name (letters, digits, '-', '_'; with the flow's name at most 64 characters)."),
    examples=["nightly"])]

_NOT_CONFIGURED = ("Triggers are not configured here: CLOUDFLOW_START_FUNCTION_ARN, CLOUDFLOW_TRIGGER_ROLE_ARN, "
                   "CLOUDFLOW_TRIGGER_SCHEDULE_GROUP and CLOUDFLOW_STACK_NAME name StartFunction, the role Scheduler "
                   "assumes, the trigger schedule group and the stack (template.yaml sets them on ApiFunction).")


def _rule_answer(record: RuleRecord) -> RuleAnswer:
    target = RuleTarget(arn=record.target_arn, input_template=record.input_template) if record.target_arn else None
    return RuleAnswer(flow=record.flow, rule_name=record.name, rule_arn=record.arn, event_pattern=record.event_pattern,
                      state=record.state, description=record.description, target=target)


def _schedule_answer(record: ScheduleRecord) -> ScheduleAnswer:
    target = ScheduleTarget(arn=record.target_arn, input=record.target_input) if record.target_arn else None
    return ScheduleAnswer(
        flow=record.flow, schedule=record.schedule, schedule_name=record.name, schedule_arn=record.arn,
        group_name=record.group, expression=record.expression, input=record.input, state=record.state,
        timezone=record.timezone, description=record.description,
        flexible_window_minutes=record.flexible_window_minutes, creation_date=iso(record.created_ms),
        last_modification_date=iso(record.updated_ms), target=target)


def register(app: APIGatewayRestResolver, services: ApiServices) -> None:
    """Add the trigger routes to `app`."""

    def for_flow(flow: str, must_exist: bool) -> tuple[TriggerManagement, bool]:
        """The trigger management, and whether the flow exists (checked first: an unknown flow is a 404 even
        where triggers are not configured).

        Raises:
            StateMachineDoesNotExistError: no such flow, and `must_exist`, or nothing to manage here.
            TriggersNotConfiguredError: this deployment has no trigger configuration.
        """
        rt = services.runtime()
        exists = rt.store.get_flow_alias(flow, LATEST) is not None
        if must_exist and not exists:
            latest_version(rt, flow)  # raises StateMachineDoesNotExist
        management = services.triggers()
        if management is None:
            if not exists:
                latest_version(rt, flow)
            raise TriggersNotConfiguredError(_NOT_CONFIGURED)
        return management, exists

    def missing(flow: str, exists: bool, what: str) -> Exception:
        if not exists:
            return StateMachineDoesNotExistError(f"State Machine Does Not Exist: flow {flow!r}")
        return ResourceNotFoundError(f"Resource Not Found: flow {flow!r} has no {what}")

    # --- the rule -----------------------------------------------------------------------------------------

    @app.put("/flows/<name>/rule", tags=TAGS, summary="Start the flow on matching EventBridge events (PutRule)",
             responses=error_responses(400, 404))
    def put_rule(name: FlowName, body: RuleRequest) -> RuleAnswer:
        management, _ = for_flow(name, must_exist=True)
        spec = RuleSpec(event_pattern=body.event_pattern, state=body.state, description=body.description)
        return _rule_answer(management.put_rule(name, spec))

    @app.get("/flows/<name>/rule", tags=TAGS, summary="Describe the flow's EventBridge rule (DescribeRule)",
             responses=error_responses(400, 404))
    def get_rule(name: FlowName) -> RuleAnswer:
        management, exists = for_flow(name, must_exist=False)
        record = management.get_rule(name)
        if record is None:
            raise missing(name, exists, "rule")
        return _rule_answer(record)

    @app.delete("/flows/<name>/rule", tags=TAGS, summary="Stop starting the flow on events (DeleteRule)",
                responses=error_responses(400, 404))
    def delete_rule(name: FlowName) -> Empty:
        management, exists = for_flow(name, must_exist=False)
        if not management.delete_rule(name):
            raise missing(name, exists, "rule")
        return Empty()

    # --- schedules ----------------------------------------------------------------------------------------

    @app.put("/flows/<name>/schedules/<schedule>", tags=TAGS,
             summary="Start the flow on a cron or rate schedule (CreateSchedule / UpdateSchedule)",
             responses=error_responses(400, 404))
    def put_schedule(name: FlowName, schedule: ScheduleName, body: ScheduleRequest) -> ScheduleAnswer:
        management, _ = for_flow(name, must_exist=True)
        spec = ScheduleSpec(expression=body.expression, input=body.input, timezone=body.timezone, state=body.state,
                            description=body.description, flexible_window_minutes=body.flexible_window_minutes)
        return _schedule_answer(management.put_schedule(name, schedule, spec))

    @app.get("/flows/<name>/schedules", tags=TAGS, summary="List the flow's schedules (ListSchedules)",
             responses=error_responses(400, 404))
    def list_schedules(name: FlowName) -> ScheduleList:
        management, exists = for_flow(name, must_exist=False)
        records = management.list_schedules(name)
        if not records and not exists:
            raise missing(name, exists, "schedule")
        return ScheduleList(schedules=[_schedule_answer(record) for record in records])

    @app.get("/flows/<name>/schedules/<schedule>", tags=TAGS, summary="Describe one of the flow's schedules "
             "(GetSchedule)", responses=error_responses(400, 404))
    def get_schedule(name: FlowName, schedule: ScheduleName) -> ScheduleAnswer:
        management, exists = for_flow(name, must_exist=False)
        record = management.get_schedule(name, schedule)
        if record is None:
            raise missing(name, exists, f"schedule {schedule!r}")
        return _schedule_answer(record)

    @app.delete("/flows/<name>/schedules/<schedule>", tags=TAGS, summary="Delete one of the flow's schedules "
                "(DeleteSchedule)", responses=error_responses(400, 404))
    def delete_schedule(name: FlowName, schedule: ScheduleName) -> Empty:
        management, exists = for_flow(name, must_exist=False)
        if not management.delete_schedule(name, schedule):
            raise missing(name, exists, f"schedule {schedule!r}")
        return Empty()
