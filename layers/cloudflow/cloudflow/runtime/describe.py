"""DescribeExecution and GetExecutionHistory over the stored units and pages."""

from __future__ import annotations

from typing import Any

from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.errors import ExecutionDoesNotExistError
from cloudflow.runtime.execution_tags import tags_from_attr
from cloudflow.runtime.identity import ROOT_UNIT, execution_arn, execution_from_arn, state_machine_arn
from cloudflow.runtime.redriver import redrive_status
from cloudflow.runtime.runtime import Runtime


def describe_execution(rt: Runtime, arn: str) -> dict[str, Any]:
    """The execution as DescribeExecution shows it, plus CloudFlow's `transitions`, `version` and `tags`.

    Raises:
        ExecutionDoesNotExistError: there is no such execution.
    """
    execution = execution_from_arn("executionArn", arn)
    record = rt.store.get_unit(execution, ROOT_UNIT)
    if record is None:
        raise ExecutionDoesNotExistError(f"Execution Does Not Exist: '{arn}'")
    snapshot = rt.codec.decode_snapshot(record.snapshot)
    attrs = record.attrs
    out: dict[str, Any] = {
        "executionArn": execution_arn(rt.settings, execution),
        "stateMachineArn": state_machine_arn(rt.settings, attrs["flow"]),
        "name": attrs["name"], "status": record.status, "startDate": iso_from_ms(int(attrs["start_ms"])),
        "input": to_json_text(snapshot.info.input), "transitions": rt.store.metered_transitions(execution),
        "version": attrs["flow_version"],
    }
    if "stop_ms" in attrs:
        out["stopDate"] = iso_from_ms(int(attrs["stop_ms"]))
    if record.status == ExecutionStatus.SUCCEEDED:
        out["output"] = to_json_text(snapshot.output)
    if record.status != ExecutionStatus.RUNNING:  # a redrive not applied yet still holds the old failure
        if snapshot.error is not None:
            out["error"] = snapshot.error
        if snapshot.cause is not None:
            out["cause"] = snapshot.cause
    out["redriveCount"] = int(attrs.get("redrive_count", 0))
    if "redrive_ms" in attrs:
        out["redriveDate"] = iso_from_ms(int(attrs["redrive_ms"]))
    redrivable, reason = redrive_status(record.status, snapshot)
    out["redriveStatus"] = "REDRIVABLE" if redrivable else "NOT_REDRIVABLE"
    if reason is not None:
        out["redriveStatusReason"] = reason
    if attrs.get("parent_execution_arn"):  # started by a states:startExecution task of that execution
        out["parentExecutionArn"] = attrs["parent_execution_arn"]
    if attrs.get("max_transitions") is not None:
        out["maxTransitions"] = int(attrs["max_transitions"])
    tags = tags_from_attr(attrs.get("tags"))
    if tags:
        out["tags"] = [{"key": tag.key, "value": tag.value} for tag in tags]
    return out


def execution_history(rt: Runtime, arn: str, unit: str = ROOT_UNIT) -> list[dict[str, Any]]:
    """Every history event of one unit (the root by default), oldest first."""
    execution = execution_from_arn("executionArn", arn)
    events: list[dict[str, Any]] = []
    for page in rt.store.history_pages(execution, unit):
        events.extend(rt.codec.decode(page.events) or [])
    return events


def unit_keys(rt: Runtime, arn: str) -> list[str]:
    """The units an execution ran (the root, then each child that kept a record)."""
    execution = execution_from_arn("executionArn", arn)
    return [unit.unit for unit in rt.store.list_units(execution, "")]
