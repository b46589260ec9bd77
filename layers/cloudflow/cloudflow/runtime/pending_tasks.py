"""The tasks an execution is waiting on, across its units: so a lost callback token is found, not forgotten.

Step Functions has no such call; a demanding user needs one, because a `.waitForTaskToken` task whose
token went missing otherwise waits silently until its timeout.
"""

from __future__ import annotations

from typing import Any

from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.core.task_resource import parse_resource
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.errors import ExecutionDoesNotExistError
from cloudflow.runtime.identity import ROOT_UNIT, execution_from_arn
from cloudflow.runtime.runtime import Runtime


def pending_tasks(rt: Runtime, arn: str, callbacks_only: bool = True) -> list[dict[str, Any]]:
    """Each task awaiting an answer (by default only callbacks: `.waitForTaskToken`, activities), oldest first.

    Raises:
        ExecutionDoesNotExistError: there is no such execution.
    """
    execution = execution_from_arn("executionArn", arn)
    if rt.store.get_unit(execution, ROOT_UNIT) is None:
        raise ExecutionDoesNotExistError(f"Execution Does Not Exist: '{arn}'")
    found = []
    for listed in rt.store.list_units(execution, ""):  # keys and status only: load the running ones whole
        record = rt.store.get_unit(execution, listed.unit) if listed.status == ExecutionStatus.RUNNING.value else None
        if record is None or record.status != ExecutionStatus.RUNNING.value:
            continue
        snapshot = rt.codec.decode_snapshot(record.snapshot)
        for token, task in snapshot.tasks.items():
            if callbacks_only and parse_resource(task.resource).pattern != "callback":
                continue
            entry: dict[str, Any] = {"taskToken": token, "stateName": task.state_name, "resource": task.resource,
                                     "unit": record.unit}
            if task.scheduled_ms is not None:
                entry["scheduledDate"] = iso_from_ms(task.scheduled_ms)
                if task.timeout_seconds is not None:
                    entry["timeoutDate"] = iso_from_ms(task.scheduled_ms + task.timeout_seconds * 1000)
            if task.heartbeat_seconds is not None:
                entry["heartbeatSeconds"] = task.heartbeat_seconds
            found.append(entry)
    return sorted(found, key=lambda entry: (entry.get("scheduledDate", ""), entry["unit"]))
