"""Parallel branches and Map iterations as their own units, fanned out through the step queue.

    FanOut (parent step)   -> join item; inputs beyond MaxConcurrency parked; first window started
    ReportChild (child)    -> result item; count the child once; start child i+window;
                              the last count sends join-done to the parent, which reads the results
    a failure beyond tolerance -> ChildFailed to the parent (it fails its state, cancels the rest)
    a redrive's FanOut     -> the earlier join's succeeded children carried over; the others resume

Child ids are `<join id>.<index>`, so a re-sent start or report is harmless. Starting child
i+window when child i ends keeps at most `window` children running.
"""

from __future__ import annotations

from typing import Any

from cloudflow.core.commands import ChildSpec, FanOut, ReportChild
from cloudflow.core.events import ChildFailed
from cloudflow.core.failure import Failure
from cloudflow.core.states.join import failure_tolerated
from cloudflow.ports import JoinRecord
from cloudflow.runtime.codec import event_to_dict
from cloudflow.runtime.messages import ChildStart, WorkMessage
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.step_context import StepContext

FANNED_OUT = "fanned_out"
"""A unit record's attribute: whether the unit ever fanned children out as units. A record written before it
existed has none, and may have children."""


def may_have_child_units(attrs: dict[str, Any]) -> bool:
    """Whether a unit with these record attributes may have child units to stop when it ends."""
    return attrs.get(FANNED_OUT) is not False


def note_fan_outs(attrs: dict[str, Any], commands: list[Any]) -> None:
    """Record in a unit's attributes, before they are committed, that this step fans children out."""
    if any(isinstance(command, FanOut) for command in commands):
        attrs[FANNED_OUT] = True


def _start_message(execution_id: str, join: JoinRecord, child: ChildSpec,
                   resume_from: str | None = None) -> WorkMessage:
    start = ChildStart(parent_unit=join.parent_unit, parent_frame_id=join.parent_frame_id, join_id=join.join_id,
                       kind=join.kind, state_name=join.state_name, index=child.index,
                       machine_path=child.machine_path, start_at=child.start_at, input=child.input,
                       variables=child.variables, resume_from=resume_from)
    return WorkMessage(execution_id=execution_id, unit=child.child_id, kind="child-start",
                       key=f"start:{child.child_id}", child=start)


def start(rt: Runtime, context: StepContext, command: FanOut) -> list[WorkMessage]:
    """Create the join, park what waits for a slot, and start the first window of children.

    A redrive's fan-out (`carry_from`) first carries the earlier join's succeeded children over: they count
    as done at once, and each starts its window successor as its ending would have.
    """
    total = len(command.children)
    join = JoinRecord(context.execution_id, command.join_id, context.unit, command.parent_frame_id, command.kind,
                      command.state_name, total, command.window, command.tolerated_count,
                      command.tolerated_percentage)
    rt.store.create_join(join)
    window = command.window if 0 < command.window < total else total
    carried = _carry_over(rt, context.execution_id, join, command.carry_from)
    starting: list[int] = []
    pending = list(range(window))
    while pending:  # a carried child ends at once: its successor in the window starts now
        index = pending.pop()
        if index in carried:
            if index + window < total:
                pending.append(index + window)
        else:
            starting.append(index)
    now = set(starting)
    parked = [child for child in command.children if child.index not in now and child.index not in carried]
    if parked:
        rt.store.put_child_inputs(context.execution_id, command.join_id, [
            (child.index, rt.codec.encode(_parked(child, _resumed(command, child.index)),
                                          f"inputs/{context.execution_id}/{child.child_id}"))
            for child in parked])
    messages = [_start_message(context.execution_id, join, command.children[index], _resumed(command, index))
                for index in sorted(starting)]
    if carried and len(carried) == total:  # nothing left to run: the join is done
        messages.append(_join_done(context.execution_id, join, 0))
    return messages


def _resumed(command: FanOut, index: int) -> str | None:
    """The earlier child unit a redriven child resumes from (it may not exist: then the child starts anew)."""
    return f"{command.carry_from}.{index}" if command.carry_from is not None else None


def _carry_over(rt: Runtime, execution_id: str, join: JoinRecord, earlier: str | None) -> set[int]:
    """Count the earlier join's succeeded children as done in `join`, with their results; their indexes."""
    if earlier is None:
        return set()
    carried = set()
    for child in rt.store.child_results(execution_id, earlier):
        if child.failed or child.index >= join.total:
            continue
        rt.store.put_result(execution_id, join.join_id, child.index, child.result)
        rt.store.count_child(execution_id, join.join_id, join.total, child.index, False, 0)  # metered before
        carried.add(child.index)
    return carried


def _join_done(execution_id: str, join: JoinRecord, transitions: int) -> WorkMessage:
    return WorkMessage(execution_id=execution_id, unit=join.parent_unit, kind="join-done",
                       key=f"done:{join.join_id}", join_id=join.join_id, frame_id=join.parent_frame_id,
                       transitions=transitions)


def _parked(child: ChildSpec, resume_from: str | None) -> dict[str, object]:
    return {"machine_path": child.machine_path, "start_at": child.start_at, "input": child.input,
            "variables": child.variables, "resume_from": resume_from}


def report(rt: Runtime, context: StepContext, command: ReportChild) -> list[WorkMessage]:
    """Record a child's outcome once, start the next waiting child, and resume the parent when done."""
    execution_id = context.execution_id
    join = rt.store.get_join(execution_id, command.join_id)
    if join is None or join.closed:
        return []
    failure = Failure(command.error, command.cause)
    result = command.output if command.succeeded else failure.to_error_output()
    key = f"results/{execution_id}/{command.child_id}"
    # A child that kept no record (it ran start to end in one step) stores its only history page with
    # its result; one with a record already wrote its pages, which must not be metered twice.
    final_page = context.page if context.record.version == 0 else None
    rt.store.put_result(execution_id, join.join_id, command.index, rt.codec.encode(result, key), final_page,
                        failed=not command.succeeded)
    count = rt.store.count_child(execution_id, join.join_id, join.total, command.index, not command.succeeded,
                                 context.snapshot.transitions)
    parent = join.parent_unit
    if not command.succeeded and not failure_tolerated(count.failed, join.total, join.tolerated_count,
                                                       join.tolerated_percentage):
        event = ChildFailed(join.parent_frame_id, join.join_id, command.error, command.cause)
        return [WorkMessage(execution_id=execution_id, unit=parent, kind="event", key=f"failed:{join.join_id}",
                            event=event_to_dict(event))]
    messages = []
    following = command.index + join.window
    while join.window > 0 and following < join.total:
        parked = rt.store.get_child_input(execution_id, join.join_id, following)
        if parked is not None:
            data = rt.codec.decode(parked)
            child = ChildSpec(f"{join.join_id}.{following}", following, data["machine_path"], data["start_at"],
                              data["input"], data.get("variables"))
            messages.append(_start_message(execution_id, join, child, data.get("resume_from")))
            break
        # Nothing parked: a child a redrive carried over (done already), so its own successor is next.
        following += join.window
    if count.all_done:
        messages.append(_join_done(execution_id, join, count.transitions))
    return messages
