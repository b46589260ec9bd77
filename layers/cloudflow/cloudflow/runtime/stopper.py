"""StopExecution: queue StopRequested in the root unit's group; the step aborts it and its children."""

from __future__ import annotations

from cloudflow.core.events import StopRequested
from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.errors import ExecutionDoesNotExistError
from cloudflow.runtime.codec import event_to_dict
from cloudflow.runtime.identity import ROOT_UNIT, execution_from_arn
from cloudflow.runtime.messages import WorkMessage
from cloudflow.runtime.outgoing import send
from cloudflow.runtime.runtime import Runtime


def stop_execution(rt: Runtime, arn: str, error: str | None = None, cause: str | None = None) -> int:
    """Ask the execution to stop; returns the stop date (epoch ms). Stopping an ended one changes nothing.

    Raises:
        InvalidInputError: `arn` is not an execution ARN.
        ExecutionDoesNotExistError: there is no such execution.
    """
    execution = execution_from_arn("executionArn", arn)
    record = rt.store.get_unit(execution, ROOT_UNIT)
    if record is None:
        raise ExecutionDoesNotExistError(f"Execution Does Not Exist: '{arn}'")
    if record.status == ExecutionStatus.RUNNING:
        send(rt, [WorkMessage(execution_id=execution, unit=ROOT_UNIT, kind="event", key=f"stop:{ROOT_UNIT}",
                              event=event_to_dict(StopRequested(error, cause)))])
    return rt.clock.now_ms()
