"""Dispatching a step's commands. Every receiver is idempotent, so dispatching twice is harmless."""

from __future__ import annotations

from typing import Any

from cloudflow.core.commands import (
    CancelChildren,
    CancelWakeUp,
    CompleteExecution,
    FanOut,
    InvokeTask,
    ReportChild,
    ScheduleWakeUp,
)
from cloudflow.core.events import StopRequested
from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.runtime import fan_out
from cloudflow.runtime.child_flows import answer_parent
from cloudflow.runtime.codec import event_to_dict
from cloudflow.runtime.messages import WorkMessage
from cloudflow.runtime.outgoing import send
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.step_context import StepContext
from cloudflow.runtime.task_answers import carry_out_waiting_task
from cloudflow.runtime.timers import cancel_wake_up, schedule_wake_up


def dispatch(rt: Runtime, context: StepContext, commands: list[Any]) -> None:
    """Carry out `commands` of a step of `context`'s unit; step-queue messages go out in batches."""
    outgoing: list[WorkMessage] = []
    for command in commands:
        if isinstance(command, ScheduleWakeUp):
            schedule_wake_up(rt, context.execution_id, context.unit, command)
        elif isinstance(command, CancelWakeUp):
            cancel_wake_up(rt, context.execution_id, context.unit, command)
        elif isinstance(command, FanOut):
            outgoing.extend(fan_out.start(rt, context, command))
        elif isinstance(command, ReportChild):
            outgoing.extend(fan_out.report(rt, context, command))
        elif isinstance(command, CancelChildren):
            rt.store.close_join(context.execution_id, command.join_id)
            outgoing.extend(stop_units(rt, context.execution_id, f"{command.join_id}."))
        elif isinstance(command, CompleteExecution):
            if fan_out.may_have_child_units(context.record.attrs):  # else there is nothing to look up
                outgoing.extend(stop_units(rt, context.execution_id, f"{context.unit}/"))
            answer_parent(rt, context.record)  # a child flow's parent task waiting with .sync
        elif isinstance(command, InvokeTask):
            carry_out_waiting_task(rt, context.execution_id, command)  # the step committed: call the integration
        rt.crash_point("mid-dispatch")
    send(rt, outgoing)


def stop_units(rt: Runtime, execution_id: str, prefix: str, error: str | None = None,
               cause: str | None = None) -> list[WorkMessage]:
    """StopRequested for every running unit whose key starts with `prefix` (children of a join or unit)."""
    event = event_to_dict(StopRequested(error, cause))
    return [
        WorkMessage(execution_id=execution_id, unit=unit.unit, kind="event", key=f"stop:{unit.unit}", event=event)
        for unit in rt.store.list_units(execution_id, prefix) if unit.status == ExecutionStatus.RUNNING
    ]
