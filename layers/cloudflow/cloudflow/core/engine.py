"""advance(): one event in, one Decision out. Pure: no I/O, no clock, no randomness of its own.

Every event kind has its own `_apply_<kind>`; stale or duplicate events (an unknown token or
timer, an execution already ended) return the snapshot unchanged with `applied=False`.
"""

from __future__ import annotations

from typing import Any

from cloudflow.asl.model import StateMachine, TaskState, WaitState
from cloudflow.core.commands import CancelWakeUp
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.decision import Decision
from cloudflow.core.error_names import StatesError
from cloudflow.core.events import (
    ChildFailed,
    ChildrenFinished,
    ChildStarted,
    Event,
    ExecutionStarted,
    Redriven,
    StopRequested,
    TaskFailed,
    TaskHeartbeat,
    TaskSubmitted,
    TaskSucceeded,
    WakeUpDue,
)
from cloudflow.core.failure import Failure
from cloudflow.core.redrive import redrivable, redrive
from cloudflow.core.snapshot import ExecutionSnapshot, ExecutionStatus, Frame, FramePhase
from cloudflow.core.states import HANDLERS
from cloudflow.core.states.join import child_failed, children_finished, join_id_of
from cloudflow.core.states.task_state import invoke, task_failed, task_succeeded
from cloudflow.core.states.wait_state import finish_wait
from cloudflow.core.step_run import StepRun
from cloudflow.core.task_resource import parse_resource

ROOT_FRAME_ID = "r"


def advance(machine: StateMachine, snapshot: ExecutionSnapshot, event: Event, now_ms: int) -> Decision:
    """Apply `event` at time `now_ms` (epoch ms) and run until every frame reaches a durable boundary."""
    if isinstance(event, Redriven):
        if not redrivable(snapshot):
            return Decision(snapshot, applied=False)
    elif snapshot.status != ExecutionStatus.RUNNING:
        return Decision(snapshot, applied=False)
    working = snapshot.model_copy(deep=True)
    run = StepRun(machine, working, now_ms)
    applied = _apply(run, event)
    if not applied:
        return Decision(snapshot, applied=False)
    run.drain(HANDLERS)
    run.close()
    working.version += 1
    return Decision(working, run.commands, run.history, run.transitions)


def _apply(run: StepRun, event: Event) -> bool:
    if isinstance(event, ExecutionStarted):
        return _apply_started(run)
    if isinstance(event, TaskSucceeded):
        return _apply_task_answer(run, event.token, lambda frame, state: task_succeeded(run, frame, state,
                                                                                      event.output))
    if isinstance(event, TaskFailed):
        failure = Failure(event.error, event.cause)
        return _apply_task_answer(run, event.token, lambda frame, state: task_failed(run, frame, state, failure))
    if isinstance(event, TaskHeartbeat):
        return _apply_heartbeat(run, event.token)
    if isinstance(event, TaskSubmitted):
        return _apply_submitted(run, event.token, event.output)
    if isinstance(event, WakeUpDue):
        return _apply_wake_up(run, event.timer_id)
    if isinstance(event, StopRequested):
        run.complete(ExecutionStatus.ABORTED, error=event.error, cause=event.cause)
        return True
    if isinstance(event, ChildStarted):
        return _apply_child_started(run)
    if isinstance(event, ChildrenFinished | ChildFailed):
        return _apply_join_answer(run, event)
    if isinstance(event, Redriven):
        return redrive(run)
    raise TypeError(f"unknown event {event!r}")


def _apply_child_started(run: StepRun) -> bool:
    snap = run.snapshot
    if run.last_event_id or len(snap.frames) != 1:
        return False  # a duplicate start of this child unit
    frame = next(iter(snap.frames.values()))
    if snap.child_of == "map":
        run.record(None, "MapIterationStarted", {"name": snap.child_of_state, "index": frame.index})
    frame.last_event_id = run.last_event_id
    run.runnable.append(frame.id)
    return True


def _apply_join_answer(run: StepRun, event: ChildrenFinished | ChildFailed) -> bool:
    frame = run.snapshot.frames.get(event.frame_id)
    if frame is None or frame.join is None or join_id_of(frame) != event.join_id:
        return False  # a late answer for a join that already ended
    if isinstance(event, ChildrenFinished):
        run.snapshot.transitions += event.transitions
        children_finished(run, frame, event.results)
    else:
        child_failed(run, frame, Failure(event.error, event.cause))
        run.runnable.append(frame.id)
    return True


def _apply_started(run: StepRun) -> bool:
    snap = run.snapshot
    if snap.frames or run.last_event_id:
        return False  # a duplicate start
    info = snap.info
    run.record(None, "ExecutionStarted", {
        "input": to_json_text(info.input), "inputDetails": {"truncated": False}, "roleArn": info.role_arn,
    })
    root = Frame(id=ROOT_FRAME_ID, state_name=run.machine.start_at, state_input=info.input,
                 last_event_id=run.last_event_id)
    snap.frames[root.id] = root
    if run.machine.timeout_seconds is not None:
        run.schedule_timer(None, "execution-timeout", run.now_ms + run.machine.timeout_seconds * 1000)
    run.runnable.append(root.id)
    return True


def _task_frame(run: StepRun, token: str) -> tuple[Frame, TaskState] | None:
    pending = run.snapshot.tasks.get(token)
    if pending is None:
        return None
    frame = run.snapshot.frames.get(pending.frame_id)
    if frame is None or frame.token != token:
        return None
    state = run.state_of(frame)
    assert isinstance(state, TaskState)
    return frame, state


def _apply_task_answer(run: StepRun, token: str, answer: Any) -> bool:
    found = _task_frame(run, token)
    if found is None:
        return False
    frame, state = found
    answer(frame, state)
    run.runnable.append(frame.id)
    return True


def _apply_submitted(run: StepRun, token: str, output: Any) -> bool:
    """Record that the integration accepted the task (once); the task keeps waiting for its answer."""
    found = _task_frame(run, token)
    pending = run.snapshot.tasks.get(token)
    if found is None or pending is None or pending.submitted:
        return False
    frame, state = found
    pending.submitted = True
    resource = parse_resource(state.resource)
    run.record(frame, "TaskSubmitted", {"resourceType": resource.service, "resource": resource.action,
                                        "output": to_json_text(output), "outputDetails": {"truncated": False}})
    return True


def _apply_heartbeat(run: StepRun, token: str) -> bool:
    found = _task_frame(run, token)
    if found is None:
        return False
    frame, _ = found
    pending = run.snapshot.tasks[token]
    if pending.heartbeat_seconds is None or pending.heartbeat_timer is None:
        return True
    old = pending.heartbeat_timer
    superseded = run.snapshot.timers.pop(old, None)
    if superseded is not None:  # let the host drop its schedule: it would only fire stale
        run.commands.append(CancelWakeUp(old, superseded.due_ms))
    if old in frame.timers:
        frame.timers.remove(old)
    pending.heartbeat_timer = run.schedule_timer(
        frame, "heartbeat", run.now_ms + pending.heartbeat_seconds * 1000, token
    )
    return True


def _apply_wake_up(run: StepRun, timer_id: str) -> bool:
    timer = run.snapshot.timers.pop(timer_id, None)
    if timer is None:
        return False
    if timer.purpose == "execution-timeout":
        run.complete(ExecutionStatus.TIMED_OUT)
        return True
    frame = run.snapshot.frames.get(timer.frame_id)
    if frame is None:
        return False
    if timer_id in frame.timers:
        frame.timers.remove(timer_id)
    state = run.state_of(frame)
    if timer.purpose == "wait" and isinstance(state, WaitState):
        run.guarded(frame, lambda: finish_wait(run, frame, state))
    elif timer.purpose == "retry":
        frame.phase = FramePhase.READY
        if isinstance(state, TaskState):
            run.guarded(frame, lambda: invoke(run, frame, state))
        else:
            run.guarded(frame, lambda: HANDLERS[state.type](run, frame, state))
    elif timer.purpose in ("task-timeout", "heartbeat") and isinstance(state, TaskState):
        error = StatesError.TIMEOUT if timer.purpose == "task-timeout" else StatesError.HEARTBEAT_TIMEOUT
        task_failed(run, frame, state, Failure(error.value, None), timed_out=True)
    else:
        return False
    run.runnable.append(frame.id)
    return True
