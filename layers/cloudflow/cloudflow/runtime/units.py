"""The units of an execution as a tree: the root, and each Parallel branch and Map iteration it fanned out.

A child that ran start to end in one step keeps no unit record (see stepper._commit): its only history
page is stored on its result item, which `ExecutionStore.history_pages` reads but `list_units` does not
list. So the children are found from the histories instead: each `ParallelStateStarted` /
`MapStateStarted` of a unit starts the children `<frame>/<entered event id>-<attempt>.<index>`
(core.states.join.join_id_of), the frame being the unit itself, the attempt counting the state's retries.
A child that ran in-process (a small fan-out: core.states.fan_out_mode) has neither record nor pages of
its own: its events are told apart in its parent's history (runtime.in_process_units).
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass
from typing import Any

from cloudflow.asl.model import MapState, ParallelState, StateMachine
from cloudflow.core.machine_index import child_pointer, machine_at
from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.errors import ExecutionDoesNotExistError
from cloudflow.ports import UnitRecord
from cloudflow.runtime.describe import execution_history
from cloudflow.runtime.flows import machine_for
from cloudflow.runtime.identity import ROOT_UNIT, execution_from_arn
from cloudflow.runtime.in_process_units import child_events, child_status
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
    start_id: int  # the fan-out's ParallelStateStarted / MapStateStarted
    superseded: bool  # a retry of the state started the fan-out again


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
    try:
        states = machine_at(machine, pointer).states
    except KeyError:
        return []
    # The events of children run in-process are interleaved with the unit's own: its own are its states'
    # entries and what follows them (runtime.in_process_units says why that tells them apart).
    own: set[Any] = set()
    for event in events:
        details = event.get("stateEnteredEventDetails")
        if isinstance(details, dict):
            if details.get("name") in states:
                own.add(event["id"])
                entered, attempt = (str(details.get("name")), int(event["id"])), 0
            continue
        if event.get("previousEventId") not in own:
            continue
        own.add(event["id"])
        kind = _FAN_OUT_STARTED.get(str(event.get("type")))
        if kind is None or entered is None:
            continue
        name, entered_id = entered
        state = states.get(name)
        if kind == "parallel" and isinstance(state, ParallelState):
            pointers = [child_pointer(pointer, name, f"Branches/{i}") for i in range(len(state.branches))]
        elif kind == "map" and isinstance(state, MapState):
            details = event.get("mapStateStartedEventDetails") or {}
            pointers = [child_pointer(pointer, name, "ItemProcessor")] * int(details.get("length", 0))
        else:
            pointers = []
        join = f"{unit}/{entered_id}-{attempt}"
        found.extend(_Child(f"{join}.{i}", unit, kind, name, i, attempt, p, int(event["id"]), False)
                     for i, p in enumerate(pointers))
        attempt += 1  # a retried Parallel or Map starts again under the next attempt
    joins = {child.unit.rpartition(".")[0] for child in found}
    return [dataclasses.replace(child, superseded=_next_attempt(child) in joins) for child in found]


def _next_attempt(child: _Child) -> str:
    """The join id a retry of the child's state fans out under (core.states.join.join_id_of)."""
    return f"{child.unit.rpartition('.')[0].rpartition('-')[0]}-{child.attempt + 1}"


def execution_units(rt: Runtime, arn: str) -> list[UnitInfo]:
    """Every unit of the execution that has history, the root first, each child after its parent.

    Costs one history read per unit (a Map of N iterations reads N).

    Raises:
        ExecutionDoesNotExistError: there is no such execution.
    """
    execution, root, machine = _execution(rt, arn)
    records = {record.unit: record for record in rt.store.list_units(execution, "")}
    root_events = execution_history(rt, arn, ROOT_UNIT)
    out = [UnitInfo(ROOT_UNIT, root.status, len(root_events))]
    pending = deque((child, root_events, root.status) for child in _children(machine, ROOT_UNIT, "", root_events))
    while pending:
        child, parent_events, parent_status = pending.popleft()
        events, status = _child_history(rt, arn, machine, child, records.get(child.unit), parent_events,
                                        parent_status)
        if status is None:
            continue  # not started yet (waiting for a slot), or cancelled before it ran
        out.append(UnitInfo(child.unit, status, len(events), child.parent, child.kind, child.state, child.index,
                            child.attempt))
        pending.extend((grandchild, events, status) for grandchild in _children(machine, child.unit, child.pointer,
                                                                                events))
    return out


def unit_history(rt: Runtime, arn: str, unit: str) -> list[dict[str, Any]] | None:
    """One unit's events: its pages, or (a child run in-process) its thread in its parent's history; None
    when the execution has no such unit. Reads the histories of the unit's ancestors only.

    Raises:
        ExecutionDoesNotExistError: there is no such execution.
    """
    _, root, machine = _execution(rt, arn)
    found = _located(rt, arn, machine, unit, root.status)
    return found[0] if found is not None else None


def _execution(rt: Runtime, arn: str) -> tuple[str, Any, StateMachine]:
    execution = execution_from_arn("executionArn", arn)
    root = rt.store.get_unit(execution, ROOT_UNIT)
    if root is None:
        raise ExecutionDoesNotExistError(f"Execution Does Not Exist: '{arn}'")
    return execution, root, machine_for(rt, str(root.attrs["flow"]), str(root.attrs["flow_version"]))


def _located(rt: Runtime, arn: str, machine: StateMachine, unit: str,
             root_status: str) -> tuple[list[dict[str, Any]], str, str] | None:
    """A unit's events, machine pointer and status, found through its ancestors (its id names them)."""
    if unit == ROOT_UNIT:
        return execution_history(rt, arn, ROOT_UNIT), "", root_status
    join, dot, _ = unit.rpartition(".")
    parent = join.rpartition("/")[0]
    above = _located(rt, arn, machine, parent, root_status) if dot and parent else None
    if above is None:
        return None
    parent_events, pointer, parent_status = above
    child = next((c for c in _children(machine, parent, pointer, parent_events) if c.unit == unit), None)
    if child is None:
        return None
    record = rt.store.get_unit(execution_from_arn("executionArn", arn), unit)
    events, status = _child_history(rt, arn, machine, child, record, parent_events, parent_status)
    return (events, child.pointer, status) if status is not None else None


def _child_history(rt: Runtime, arn: str, machine: StateMachine, child: _Child, record: UnitRecord | None,
                   parent_events: list[dict[str, Any]], parent_status: str) -> tuple[list[dict[str, Any]], str | None]:
    """A child's events and status (None: it has not run): its own, or its thread in its parent's history."""
    events = execution_history(rt, arn, child.unit)
    if record is not None:
        return events, record.status
    if events:
        return events, _ended_status(child.kind, events)
    events = child_events(machine, child.pointer, child.kind, child.state, child.index, child.start_id, parent_events)
    if not events:
        return [], None
    return events, child_status(child.kind, child.state, child.index, child.start_id, parent_events, events,
                                parent_status, child.superseded)
