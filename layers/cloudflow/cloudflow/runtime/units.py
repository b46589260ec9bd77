"""The units of an execution as a tree: the root, and each Parallel branch and Map iteration it fanned out.

A child that ran start to end in one step keeps no unit record (see stepper._commit): its only history
page is stored on its result item, which `ExecutionStore.history_pages` reads but `list_units` does not
list. So the children are found from the histories instead: each `ParallelStateStarted` /
`MapStateStarted` of a unit starts the children `<frame>/<entered event id>-<attempt>.<index>`
(core.states.join.join_id_of), the frame being the unit itself, the attempt counting the state's retries.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

from cloudflow.asl.model import MapState, ParallelState, StateMachine
from cloudflow.core.machine_index import child_pointer, machine_at
from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.errors import ExecutionDoesNotExistError
from cloudflow.runtime.describe import execution_history
from cloudflow.runtime.flows import machine_for
from cloudflow.runtime.identity import ROOT_UNIT, execution_from_arn
from cloudflow.runtime.runtime import Runtime

_FAN_OUT_STARTED = {"ParallelStateStarted": "parallel", "MapStateStarted": "map"}
_FAILED_ENDS = ("MapIterationFailed", "MapIterationAborted")


@dataclass(frozen=True)
class UnitInfo:
    """One unit: its key and status; for a child, the state that fanned it out, its kind and index."""

    unit: str
    status: str
    events: int
    parent: str | None = None
    kind: str | None = None  # "parallel" (a branch) or "map" (an iteration)
    state: str | None = None
    index: int | None = None
    attempt: int | None = None


@dataclass(frozen=True)
class _Child:
    unit: str
    parent: str
    kind: str
    state: str
    index: int
    attempt: int
    pointer: str


def _ended_status(kind: str | None, events: list[dict[str, Any]]) -> str:
    """The status of a child that kept no record (it ended in its one step), from its last event."""
    last = str(events[-1].get("type", "")) if events else ""
    if kind == "map":
        return ExecutionStatus.SUCCEEDED.value if last == "MapIterationSucceeded" else ExecutionStatus.FAILED.value
    if last in _FAILED_ENDS or not (last.endswith("Exited") or last == "ExecutionSucceeded"):
        return ExecutionStatus.FAILED.value
    return ExecutionStatus.SUCCEEDED.value


def _children(machine: StateMachine, unit: str, pointer: str, events: list[dict[str, Any]]) -> list[_Child]:
    """The children the fan-outs in `events` started (in the unit at machine `pointer`)."""
    found: list[_Child] = []
    entered: tuple[str, int] | None = None
    attempt = 0
    for event in events:
        details = event.get("stateEnteredEventDetails")
        if isinstance(details, dict):
            entered, attempt = (str(details.get("name")), int(event["id"])), 0
            continue
        kind = _FAN_OUT_STARTED.get(str(event.get("type")))
        if kind is None or entered is None:
            continue
        name, entered_id = entered
        try:
            state = machine_at(machine, pointer).states.get(name)
        except KeyError:
            state = None
        if kind == "parallel" and isinstance(state, ParallelState):
            pointers = [child_pointer(pointer, name, f"Branches/{i}") for i in range(len(state.branches))]
        elif kind == "map" and isinstance(state, MapState):
            details = event.get("mapStateStartedEventDetails") or {}
            pointers = [child_pointer(pointer, name, "ItemProcessor")] * int(details.get("length", 0))
        else:
            pointers = []
        join = f"{unit}/{entered_id}-{attempt}"
        found.extend(_Child(f"{join}.{i}", unit, kind, name, i, attempt, p) for i, p in enumerate(pointers))
        attempt += 1  # a retried Parallel or Map starts again under the next attempt
    return found


def execution_units(rt: Runtime, arn: str) -> list[UnitInfo]:
    """Every unit of the execution that has history, the root first, each child after its parent.

    Costs one history read per unit (a Map of N iterations reads N).

    Raises:
        ExecutionDoesNotExistError: there is no such execution.
    """
    execution = execution_from_arn("executionArn", arn)
    records = {record.unit: record for record in rt.store.list_units(execution, "")}
    root = rt.store.get_unit(execution, ROOT_UNIT)
    if root is None:
        raise ExecutionDoesNotExistError(f"Execution Does Not Exist: '{arn}'")
    machine = machine_for(rt, str(root.attrs["flow"]), str(root.attrs["flow_version"]))
    out: list[UnitInfo] = []
    pending: deque[_Child | None] = deque([None])
    while pending:
        child = pending.popleft()
        key = ROOT_UNIT if child is None else child.unit
        events = execution_history(rt, arn, key)
        record = records.get(key)
        if record is None and not events:
            continue  # not started yet (waiting for a slot), or cancelled before it ran
        status = record.status if record is not None else _ended_status(child.kind if child else None, events)
        if child is None:
            out.append(UnitInfo(key, status, len(events)))
        else:
            out.append(UnitInfo(key, status, len(events), child.parent, child.kind, child.state, child.index,
                                child.attempt))
        pending.extend(_children(machine, key, "" if child is None else child.pointer, events))
    return out
