"""The step service: load a unit, advance it to a durable boundary, commit one write, dispatch.

    message --> load record --> advance (answer request-response tasks in the same step: in_step_tasks)
            --> write history pages, if any (history_tail: a step's events may wait on the record instead)
            --> conditional write of the record (+ outbox, + history tail) --> dispatch

A message whose event is stale (already applied: a duplicate, or a redelivery after a crash) changes
nothing; if it is the very message whose step wrote the current outbox, the outbox is dispatched
again, which repairs a crash between the write and the dispatch. Receivers are idempotent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from cloudflow.core.engine import advance
from cloudflow.core.events import ChildrenFinished, ChildStarted, WakeUpDue
from cloudflow.core.redrive import REDRIVABLE
from cloudflow.core.snapshot import ExecutionStatus, child_snapshot
from cloudflow.core.states.carry_over import resumed_frame
from cloudflow.errors import ConflictError
from cloudflow.ports import UnitRecord
from cloudflow.runtime import fan_out
from cloudflow.runtime.codec import command_from_dict, command_to_dict, event_from_dict
from cloudflow.runtime.dispatcher import dispatch
from cloudflow.runtime.flows import machine_for
from cloudflow.runtime.history_tail import place_history, step_page
from cloudflow.runtime.identity import ROOT_UNIT
from cloudflow.runtime.in_step_tasks import answer_tasks_in_step
from cloudflow.runtime.messages import WorkMessage
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.step_context import MOCK_CALLS, StepContext
from cloudflow.runtime.timers import EARLY_TOLERANCE_MS, arm
from cloudflow.runtime.tokens import token_prefix

MAX_CONFLICT_RETRIES = 5


@dataclass(frozen=True)
class StepReport:
    """What a processed message did: metered transitions, and the status if the unit ended."""

    applied: bool
    transitions: int = 0
    ended: str | None = None


def process_message(rt: Runtime, message: WorkMessage) -> StepReport:
    """Apply one step-queue message, retrying on a lost conditional write."""
    for _ in range(MAX_CONFLICT_RETRIES):
        try:
            return _process_once(rt, message)
        except ConflictError:
            continue  # another step advanced the unit first: reload and apply on top of it
    raise ConflictError(f"unit {message.unit} of {message.execution_id} kept changing under {message.key}")


def _process_once(rt: Runtime, message: WorkMessage) -> StepReport:
    now = rt.clock.now_ms()
    record = rt.store.get_unit(message.execution_id, message.unit)
    if message.kind == "child-start" and record is None:
        context = _new_child(rt, message, now)
        if context is None:
            return StepReport(applied=False)
        event: Any = ChildStarted()
    elif record is None:
        return StepReport(applied=False)  # a unit that never existed (or expired): nothing to do
    else:
        context = StepContext(record, rt.codec.decode_snapshot(record.snapshot),
                              machine_for(rt, record.attrs["flow"], record.attrs["flow_version"]), now)
        event = _event_of(rt, message, context)
        if event is None:
            return StepReport(applied=False)
    decision = advance(context.machine, context.snapshot, event, now)
    if not decision.applied:
        if record is not None and record.outbox_key == message.key and record.version > 0:
            dispatch(rt, context, [command_from_dict(c) for c in rt.codec.decode(record.outbox) or []])
        return StepReport(applied=False)
    _absorb(context, decision)
    answer_tasks_in_step(rt, context)
    _commit(rt, context, message.key)
    dispatch(rt, context, context.commands)
    status = context.snapshot.status
    return StepReport(True, context.transitions, None if status == ExecutionStatus.RUNNING else status.value)


def _event_of(rt: Runtime, message: WorkMessage, context: StepContext) -> Any:
    if message.kind == "join-done":
        assert message.join_id is not None and message.frame_id is not None
        join = rt.store.get_join(message.execution_id, message.join_id)
        results = [rt.codec.decode(blob) for blob in rt.store.results(message.execution_id, message.join_id)]
        if join is None or len(results) != join.total:
            return None
        return ChildrenFinished(message.frame_id, message.join_id, results, message.transitions or 0)
    if message.kind == "child-start":
        return ChildStarted()  # the unit exists: a duplicate, or a redelivery that may repair the outbox
    if message.event is None:
        return None
    event = event_from_dict(message.event)
    early = message.due_ms is not None and message.due_ms > context.now_ms + EARLY_TOLERANCE_MS
    if isinstance(event, WakeUpDue) and early:  # clock skew, or a long delay chained through the queue
        arm(rt, message)
        return None
    return event


def _new_child(rt: Runtime, message: WorkMessage, now: int) -> StepContext | None:
    """A child unit's first step: only while its parent runs and its join is open."""
    child = message.child
    assert child is not None
    parent = rt.store.get_unit(message.execution_id, child.parent_unit)
    join = rt.store.get_join(message.execution_id, child.join_id)
    if parent is None or parent.status != ExecutionStatus.RUNNING or join is None or join.closed:
        return None
    info, parent_seed, inline_children = _parent_identity(rt, parent)
    seed = hashlib.sha256(f"{parent_seed}:{message.unit}".encode()).hexdigest()
    snapshot = child_snapshot(info, seed, child.parent_frame_id, child.kind, child.state_name,
                              message.unit, child.index, child.machine_path, child.start_at, child.input,
                              child.variables, inline_children)
    snapshot.token_prefix = token_prefix(message.execution_id, message.unit)
    attrs = {key: parent.attrs.get(key) for key in ("flow", "flow_version", "test_case", "mock_config")}
    attrs[fan_out.FANNED_OUT] = False
    machine = machine_for(rt, str(attrs["flow"]), str(attrs["flow_version"]))
    if child.resume_from is not None:
        _resume(rt, message, snapshot, machine, child.resume_from)
    record = UnitRecord(message.execution_id, message.unit, 0, ExecutionStatus.RUNNING.value,
                        snapshot=rt.codec.encode_snapshot(snapshot, ""), attrs=attrs)
    return StepContext(record, snapshot, machine, now)


def _resume(rt: Runtime, message: WorkMessage, snapshot: Any, machine: Any, earlier: str) -> None:
    """A redriven child: start at the state where the earlier run of this branch or iteration stopped.

    An earlier unit that kept no record, or is still stopping, has nothing to resume: the child starts anew.
    """
    record = rt.store.get_unit(message.execution_id, earlier)
    if record is None or record.status not in REDRIVABLE:
        return
    stopped = rt.codec.decode_snapshot(record.snapshot).redrive_frame
    if stopped is None:
        return
    frame = next(iter(snapshot.frames.values()))
    snapshot.frames = {frame.id: resumed_frame(machine, stopped, frame.id, frame.parent_id)}


def _parent_identity(rt: Runtime, parent: UnitRecord) -> tuple[Any, str, int]:
    """What a child unit takes from its parent's snapshot: the execution's facts, the seed its own derives
    from, and its fan-out mode (decoded once per parent version: a Map's children share it)."""
    key = (parent.execution_id, parent.unit, parent.version)
    known = rt.parents.get(key)
    if known is None:
        snapshot = rt.codec.decode_snapshot(parent.snapshot)
        if len(rt.parents) >= 256:
            rt.parents.clear()
        known = rt.parents[key] = (snapshot.info, snapshot.seed, snapshot.inline_children)
    return known


def _absorb(context: StepContext, decision: Any) -> None:
    context.snapshot = decision.snapshot
    context.commands.extend(decision.commands)
    context.history.extend(decision.history)
    context.transitions += decision.transitions


def _commit(rt: Runtime, context: StepContext, message_key: str) -> None:
    """Write the history pages, then the record with its outbox (and history tail), conditional on the version
    read."""
    record, snapshot = context.record, context.snapshot
    ended = snapshot.status != ExecutionStatus.RUNNING
    retention_s = rt.settings.history_retention_days * 86400
    expires = context.now_ms // 1000 + retention_s
    if record.version == 0 and record.unit != ROOT_UNIT and snapshot.status == ExecutionStatus.SUCCEEDED:
        # A child that succeeded in one step keeps no record: its report carries the page. One that failed
        # keeps it: a redrive resumes from where it stopped.
        context.page = step_page(rt, context, expires)
        return
    version = record.version + 1
    attrs = dict(record.attrs)
    attrs["transitions"] = snapshot.transitions
    if context.mock_calls is not None:
        attrs[MOCK_CALLS] = context.mock_calls
    fan_out.note_fan_outs(attrs, context.commands)
    if ended:
        attrs["stop_ms"] = context.now_ms
    updated = UnitRecord(
        record.execution_id, record.unit, version, snapshot.status.value,
        snapshot=rt.codec.encode_snapshot(snapshot, f"units/{record.execution_id}/{record.unit}/{version}"),
        outbox=rt.codec.encode([command_to_dict(c) for c in context.commands],
                               f"outbox/{record.execution_id}/{record.unit}/{version}"),
        outbox_key=message_key, attrs=attrs, expires_at=expires if ended else None,
    )
    placement = place_history(rt, context, updated, expires)
    updated.tail = placement.tail
    rt.crash_point("before-page")
    for page in placement.pages:
        rt.store.put_history_page(page)
    rt.crash_point("before-record")
    rt.store.save_unit(updated, record.version)
    context.record = updated
    rt.crash_point("after-record")
