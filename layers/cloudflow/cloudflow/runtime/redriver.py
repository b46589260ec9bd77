"""RedriveExecution: an execution that failed, timed out or was stopped resumes where it stopped.

Step Functions' semantics (see core.redrive) without its 14-day limit: an execution is redrivable for as
long as its records are kept (`history_retention_days`). Two steps, as a start is:

    API  --> root record RUNNING with `redrive_count` N (conditional on the version read) --> message
    step --> Redriven applied to the snapshot: ExecutionRedriven, the stopped state re-entered

So a describe right after the call already shows RUNNING, a second call while the first is pending
sends the same message again (its key names the redrive), and a redrive that lost its message to a
crash is repaired by calling again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudflow.core.events import Redriven
from cloudflow.core.redrive import redrivable
from cloudflow.core.snapshot import ExecutionSnapshot, ExecutionStatus
from cloudflow.core.step_run import MAX_TRANSITIONS_ERROR
from cloudflow.errors import ConflictError, ExecutionDoesNotExistError, ExecutionNotRedrivableError
from cloudflow.ports import Blob, UnitRecord
from cloudflow.runtime.codec import event_to_dict
from cloudflow.runtime.identity import ROOT_UNIT, execution_from_arn
from cloudflow.runtime.messages import WorkMessage
from cloudflow.runtime.outgoing import send
from cloudflow.runtime.runtime import Runtime


@dataclass(frozen=True)
class RedriveResult:
    """RedriveExecution's answer: when the redrive began (epoch ms) and how many redrives there have been."""

    redrive_ms: int
    redrive_count: int


def _message(execution: str, count: int) -> WorkMessage:
    return WorkMessage(execution_id=execution, unit=ROOT_UNIT, kind="event", key=f"redrive:{count}",
                       event=event_to_dict(Redriven()))


def redrive_status(status: str, snapshot: ExecutionSnapshot) -> tuple[bool, str | None]:
    """Whether the execution can be redriven now (`redriveStatus`), and if not, why."""
    if status == ExecutionStatus.RUNNING:
        return False, "Execution is RUNNING and cannot be redriven"
    if status == ExecutionStatus.SUCCEEDED:
        return False, "Execution is SUCCEEDED and cannot be redriven"
    if snapshot.error == MAX_TRANSITIONS_ERROR:
        return False, ("Execution reached its MaxTransitions budget: a redrive would stop at once; "
                       "start a new execution with a larger budget")
    if not redrivable(snapshot):
        return False, "Execution did not keep the state it stopped in"
    return True, None


def redrive_execution(rt: Runtime, arn: str) -> RedriveResult:
    """Redrive the execution (or, while a redrive is pending, repeat it).

    Raises:
        InvalidInputError: `arn` is not an execution ARN.
        ExecutionDoesNotExistError: there is no such execution.
        ExecutionNotRedrivableError: it succeeded, still runs, or cannot resume.
    """
    execution = execution_from_arn("executionArn", arn)
    for _ in range(3):
        record = rt.store.get_unit(execution, ROOT_UNIT)
        if record is None:
            raise ExecutionDoesNotExistError(f"Execution Does Not Exist: '{arn}'")
        snapshot = rt.codec.decode_snapshot(record.snapshot)
        if record.status == ExecutionStatus.RUNNING and snapshot.status != ExecutionStatus.RUNNING:
            count = int(record.attrs.get("redrive_count", 0))  # requested, not applied yet
            send(rt, [_message(execution, count)])
            return RedriveResult(int(record.attrs["redrive_ms"]), count)
        redrivable, reason = redrive_status(record.status, snapshot)
        if not redrivable:
            raise ExecutionNotRedrivableError(f"{reason}: '{arn}'")
        try:
            result = _mark_running(rt, record, snapshot.info.redrive_count + 1)
        except ConflictError:
            continue  # a concurrent redrive (or step) won: look again
        send(rt, [_message(execution, result.redrive_count)])
        return result
    raise ConflictError(f"execution {arn} kept changing during the redrive")


def _mark_running(rt: Runtime, record: UnitRecord, count: int) -> RedriveResult:
    """Show the execution RUNNING again, conditional on the version read; the step applies the redrive."""
    now = rt.clock.now_ms()
    attrs: dict[str, Any] = {key: value for key, value in record.attrs.items() if key != "stop_ms"}
    attrs.update(redrive_count=count, redrive_ms=now)
    rt.store.save_unit(UnitRecord(record.execution_id, ROOT_UNIT, record.version + 1, ExecutionStatus.RUNNING.value,
                                  record.snapshot, Blob(), "", attrs, None, record.tail), record.version)
    return RedriveResult(now, count)
