"""The branches and iterations a fan-out ran in-process (core.states.fan_out_mode), told apart in their
unit's history, so that they are listed and read like the units of their own other fan-outs run as.

In-process children write their events into their unit's history, interleaved. Every event names the
one before it in its own thread (`previousEventId`): a child's first state entry follows the fan-out's
start (`ParallelStateStarted`, or the iteration's `MapIterationStarted`), each later event of the child
follows one of the child's, and no event of the parent or of a sibling follows a child's (the parent's
thread goes on from its own events; the execution's end events are nobody's). The first entry's state
also names the branch: state names are unique across a definition.
"""

from __future__ import annotations

from typing import Any

from cloudflow.asl.model import StateMachine
from cloudflow.core.machine_index import machine_at
from cloudflow.core.snapshot import ExecutionStatus

_ITERATION_ENDS = {"MapIterationSucceeded": ExecutionStatus.SUCCEEDED.value,
                   "MapIterationFailed": ExecutionStatus.FAILED.value}


def child_events(machine: StateMachine, pointer: str, kind: str, state: str, index: int, start_id: int,
                 parent_events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events of child `index` of the fan-out of `state` that started at event `start_id` (its
    ParallelStateStarted or MapStateStarted) in `parent_events`; [] if it did not run in-process there."""
    anchor = start_id if kind == "parallel" else _iteration_start(state, index, start_id, parent_events)
    if anchor is None:
        return []
    names = set(machine_at(machine, pointer).states)
    mine: set[int] = set()
    out = []
    for event in parent_events:
        if event["id"] <= anchor or str(event.get("type", "")).startswith("Execution"):
            continue
        previous = event.get("previousEventId")
        entered = event.get("stateEnteredEventDetails")
        first = previous == anchor and isinstance(entered, dict) and entered.get("name") in names
        if first or previous in mine:
            mine.add(int(event["id"]))
            out.append(event)
    return out


def _iteration_start(state: str, index: int, start_id: int, events: list[dict[str, Any]]) -> int | None:
    for event in events:
        details = event.get("mapIterationStartedEventDetails")
        if event["id"] > start_id and isinstance(details, dict) and details.get("index") == index \
                and details.get("name") == state:
            return int(event["id"])
    return None


def child_status(kind: str, state: str, index: int, start_id: int, parent_events: list[dict[str, Any]],
                 events: list[dict[str, Any]], parent_status: str, superseded: bool) -> str:
    """How an in-process child stands: ended as its thread shows, else RUNNING while its fan-out can still
    wait for it, else ABORTED (its fan-out failed, was retried, or the execution ended)."""
    if kind == "map":
        for event in parent_events:
            details = event.get("mapIterationSucceededEventDetails") or event.get("mapIterationFailedEventDetails")
            if event["id"] > start_id and isinstance(details, dict) and details.get("index") == index \
                    and details.get("name") == state and event.get("type") in _ITERATION_ENDS:
                return _ITERATION_ENDS[str(event["type"])]
    else:
        last = str(events[-1].get("type", "")) if events else ""
        if last.endswith("StateExited"):
            return ExecutionStatus.SUCCEEDED.value
        if last == "FailStateEntered" or last.endswith(("Failed", "TimedOut")):
            return ExecutionStatus.FAILED.value
    left = any(str(e.get("type", "")).endswith("StateExited") and e["id"] > start_id
               and (e.get("stateExitedEventDetails") or {}).get("name") == state for e in parent_events)
    if parent_status == ExecutionStatus.RUNNING.value and not left and not superseded:
        return ExecutionStatus.RUNNING.value
    return ExecutionStatus.ABORTED.value
