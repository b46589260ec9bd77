"""One `advance` call in progress: the working snapshot, the frames to run, what to emit.

It owns the frame lifecycle shared by every state type: entering a state (history, metering),
leaving it, failing it through Retry and Catch, and finishing a frame into its parent or the
execution. State types live in `cloudflow.core.states` and call back into it.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from cloudflow.asl.model import MapState, ParallelState, State, StateMachine, TaskState
from cloudflow.asl.validation.fields import JSONATA
from cloudflow.core.catch import catch_output, find_catcher
from cloudflow.core.commands import CancelWakeUp, Command, CompleteExecution, ReportChild, ScheduleWakeUp
from cloudflow.core.context_object import build_context
from cloudflow.core.dataflow.input_output import select_path
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.dataflow.jsonata_expr import JsonataBindings, evaluate_template
from cloudflow.core.dataflow.payload_template import compile_template, render
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import Failure, FailureRaised
from cloudflow.core.history import history_event
from cloudflow.core.machine_index import cached, machine_at
from cloudflow.core.retry import decide_retry
from cloudflow.core.seeded_random import SeededRandom
from cloudflow.core.snapshot import ExecutionSnapshot, ExecutionStatus, Frame, FramePhase, Timer
from cloudflow.core.variables import check_assigned_size

T = TypeVar("T")

# Errors raised by a state's own evaluation get Step Functions' location prefix in their cause.
_LOCATED_ERRORS = frozenset({StatesError.RUNTIME.value, StatesError.QUERY_EVALUATION_ERROR.value})

_RETRYING = (TaskState, ParallelState, MapState)  # the states with Retry and Catch

StateHandler = Callable[["StepRun", Frame, Any], None]

MAX_TRANSITIONS_ERROR = "CloudFlow.MaxTransitionsExceeded"

_ABSENT: Any = object()  # $states.result / $states.errorOutput not bound


class StepRun:
    """Mutable working set of one `advance` call; discarded once the Decision is built."""

    def __init__(self, machine: StateMachine, snapshot: ExecutionSnapshot, now_ms: int) -> None:
        self.machine = machine
        self.snapshot = snapshot
        self.now_ms = now_ms
        self.commands: list[Command] = []
        self.history: list[dict[str, Any]] = []
        self.transitions = 0
        self.runnable: deque[str] = deque()
        self.draws = SeededRandom(snapshot.seed, snapshot.draws)
        # Kept here and written back by `close`: a pydantic attribute write per event is costly.
        self.last_event_id = snapshot.last_event_id

    # --- lookups -------------------------------------------------------------------------------

    def state_of(self, frame: Frame) -> State:
        """The state definition a frame is at."""
        return machine_at(self.machine, frame.machine_path).states[frame.state_name]

    def compiled(self, owner: object, key: str, build: Callable[[], T]) -> T:
        """A compiled expression of `owner`, built once per definition."""
        return cached(self.machine, owner, key, build)

    def scope(self, frame: Frame, data: Any, token: str | None = None) -> Scope:
        """The evaluation scope of the frame's current state over `data`."""
        info = self.snapshot.info
        retries = frame.retry_total if self._can_retry(frame) else None
        return Scope(data, lambda: build_context(info, frame, frame.state_name, token, retries), self.draws,
                     frame.variables)

    def _can_retry(self, frame: Frame) -> bool:
        return isinstance(self.state_of(frame), _RETRYING)

    def context(self, frame: Frame) -> dict[str, Any]:
        """The Context object of the frame's current state."""
        retries = frame.retry_total if self._can_retry(frame) else None
        return build_context(self.snapshot.info, frame, frame.state_name, retry_count=retries)

    def effective_input(self, frame: Frame, state: Any) -> Any:
        """The state's raw input through its InputPath."""
        return self._through_path(frame, state.input_path, frame.state_input)

    def state_output(self, frame: Frame, state: Any, data: Any) -> Any:
        """`data` through the state's OutputPath."""
        return self._through_path(frame, state.output_path, data)

    def _through_path(self, frame: Frame, path: str | None, data: Any) -> Any:
        if path == "$":
            return data
        return select_path(path, self.scope(frame, data))

    # --- the two query languages --------------------------------------------------------------

    def jsonata(self, state: Any) -> bool:
        """Whether the state evaluates JSONata (its own QueryLanguage, else the definition's)."""
        return (getattr(state, "query_language", None) or self.machine.query_language) == JSONATA

    def bindings(self, frame: Frame, result: Any = _ABSENT, error_output: Any = _ABSENT,
                 context: dict[str, Any] | None = None) -> JsonataBindings:
        """`$states` and the variables the frame's current state sees."""
        states: dict[str, Any] = {"input": frame.state_input,
                                  "context": context if context is not None else self.context(frame)}
        if result is not _ABSENT:
            states["result"] = result
        if error_output is not _ABSENT:
            states["errorOutput"] = error_output
        return JsonataBindings(states=states, variables=frame.variables, now_ms=self.now_ms, draws=self.draws)

    def field(self, frame: Frame, name: str, value: Any, result: Any = _ABSENT, error_output: Any = _ABSENT,
              context: dict[str, Any] | None = None) -> Any:
        """A JSONata state's field, evaluated (`name` says where in errors)."""
        return evaluate_template(value, self.bindings(frame, result, error_output, context), field=name)

    def assignments(self, frame: Frame, assign: dict[str, Any] | None, state: Any, data: Any,
                    result: Any = _ABSENT, error_output: Any = _ABSENT) -> dict[str, Any]:
        """The values an Assign block gives, computed from the variables as they were at state entry.

        JSONPath: `.$` keys read `data` (the state's result, or its input when it has none).
        """
        if not assign:
            return {}
        if self.jsonata(state):
            values: dict[str, Any] = self.field(frame, "Assign", assign, result, error_output)
        else:
            template = self.compiled(assign, "Assign", lambda: compile_template(assign))
            values = render(template, self.scope(frame, data))
        check_assigned_size(values, frame.variables)
        return values

    def leave(self, frame: Frame, state: Any, output: Any, next_state: str | None = None,
              result: Any = _ABSENT, assign: dict[str, Any] | None = None) -> None:
        """Leave a JSONata state: its Output (else `output`), its Assign, then on."""
        if state.has_output:
            output = self.field(frame, "Output", state.output, result)
        assign = state.assign if assign is None else assign
        self.exit_state(frame, output, next_state, self.assignments(frame, assign, state, None, result))

    def leave_path(self, frame: Frame, state: Any, data: Any, assign_data: Any, next_state: str | None = None,
                   assign: dict[str, Any] | None = None) -> None:
        """Leave a JSONPath state: OutputPath over `data`, its Assign over `assign_data`, then on."""
        output = self.state_output(frame, state, data)
        assign = state.assign if assign is None else assign
        self.exit_state(frame, output, next_state, self.assignments(frame, assign, state, assign_data))

    def new_token(self) -> str:
        """A task token: derived from the execution's secret seed, so it cannot be guessed."""
        self.snapshot.serial += 1
        secret = hashlib.sha256(f"{self.snapshot.seed}:token:{self.snapshot.serial}".encode()).hexdigest()
        return self.snapshot.token_prefix + secret

    def next_id(self, prefix: str) -> str:
        """A new id, unique within the execution and the same on every replay."""
        self.snapshot.serial += 1
        return f"{prefix}-{self.snapshot.serial}"

    # --- emitting ------------------------------------------------------------------------------

    def record(self, frame: Frame | None, event_type: str, details: dict[str, Any] | None = None) -> int:
        """Append a history event, chained to the frame's previous event; returns its id."""
        self.last_event_id += 1
        event_id = self.last_event_id
        previous = frame.last_event_id if frame is not None else event_id - 1
        self.history.append(history_event(event_id, previous, self.now_ms, event_type, details))
        if frame is not None:
            frame.last_event_id = event_id
        return event_id

    def close(self) -> None:
        """Write the counters kept during the step back into the snapshot."""
        self.snapshot.last_event_id = self.last_event_id
        self.snapshot.draws = self.draws.counter
        self.snapshot.transitions += self.transitions

    def schedule_timer(self, frame: Frame | None, purpose: str, due_ms: int, token: str | None = None) -> str:
        """Ask the host for a wake-up and remember what it is for.

        A timer of no frame (the execution's TimeoutSeconds) is never cancelled with a state's timers.
        """
        timer_id = self.next_id("timer")
        frame_id = frame.id if frame is not None else ""
        self.snapshot.timers[timer_id] = Timer(frame_id=frame_id, purpose=purpose, due_ms=due_ms, token=token)
        if frame is not None:
            frame.timers.append(timer_id)
        self.commands.append(ScheduleWakeUp(timer_id, due_ms, purpose))
        return timer_id

    def cancel_timers(self, frame: Frame) -> None:
        """Drop the frame's pending wake-ups (a late fire then finds nothing)."""
        for timer_id in frame.timers:
            timer = self.snapshot.timers.pop(timer_id, None)
            if timer is not None:
                self.commands.append(CancelWakeUp(timer_id, timer.due_ms))
        frame.timers = []

    # --- the frame lifecycle -------------------------------------------------------------------

    def drain(self, handlers: dict[str, StateHandler]) -> None:
        """Run every runnable frame until each reaches a durable boundary or its end."""
        frames = self.snapshot.frames
        while self.runnable and self.snapshot.status == ExecutionStatus.RUNNING:
            frame = frames.get(self.runnable.popleft())
            if frame is None:
                continue
            while frame.phase == FramePhase.READY and self.snapshot.status == ExecutionStatus.RUNNING:
                self.enter(frame, handlers)
            if frame.phase in (FramePhase.SUCCEEDED, FramePhase.FAILED) and frame.id in frames:
                self.finish_frame(frame)

    def enter(self, frame: Frame, handlers: dict[str, StateHandler]) -> None:
        """Enter the frame's state: history, one metered transition, then the state's own work."""
        if self._over_budget():
            return
        state = self.state_of(frame)
        frame.entered_time_ms = self.now_ms
        frame.retry_counts = [0] * len(state.retry) if isinstance(state, _RETRYING) else []
        frame.retry_total = 0
        frame.attempt = 0
        frame.failed_children = None  # a Retry runs every child of a fan-out again
        self.transitions += 1
        frame.entered_event_id = self.record(
            frame,
            f"{state.type}StateEntered",
            {"name": frame.state_name, "input": to_json_text(frame.state_input),
             "inputDetails": {"truncated": False}},
        )
        self.guarded(frame, lambda: handlers[state.type](self, frame, state))

    def _over_budget(self) -> bool:
        """MaxTransitions: entering one more state would exceed the budget, so the execution fails."""
        budget = self.snapshot.max_transitions
        if budget is None or self.snapshot.transitions + self.transitions < budget:
            return False
        self.complete(ExecutionStatus.FAILED, error=MAX_TRANSITIONS_ERROR,
                      cause=f"The execution reached its MaxTransitions budget of {budget} state transitions.")
        return True

    def guarded(self, frame: Frame, work: Callable[[], None]) -> None:
        """Run state work; a workflow failure it raises goes through Retry and Catch."""
        try:
            work()
        except FailureRaised as raised:
            self.fail_state(frame, self.locate(frame, raised.failure))

    def locate(self, frame: Frame, failure: Failure) -> Failure:
        """Prefix a state-evaluation error's cause with where it happened, as Step Functions does."""
        if failure.error not in _LOCATED_ERRORS:
            return failure
        where = (
            f"An error occurred while executing the state '{frame.state_name}' "
            f"(entered at the event id #{frame.entered_event_id})."
        )
        return Failure(failure.error, f"{where} {failure.cause}" if failure.cause else where)

    def exit_state(self, frame: Frame, output: Any, next_state: str | None = None,
                   assigned: dict[str, Any] | None = None) -> None:
        """Leave the state with `output`: on to `next_state` (or the state's Next), or end the frame.

        `assigned` variables take effect now, after everything in the state read the old values.
        """
        state = self.state_of(frame)
        # A redrive's carry-over is for the resumed state's own fan-out only.
        frame.redrive_join = frame.redrive_children = frame.failed_children = None
        if assigned:
            frame.variables.update(assigned)
        self.record(
            frame,
            f"{state.type}StateExited",
            {"name": frame.state_name, "output": to_json_text(output), "outputDetails": {"truncated": False}},
        )
        target = next_state if next_state is not None else getattr(state, "next", None)
        if target is None:
            frame.phase = FramePhase.SUCCEEDED
            frame.output = output
            return
        frame.state_name = target
        frame.state_input = output
        frame.phase = FramePhase.READY

    def fail_state(self, frame: Frame, failure: Failure) -> None:
        """A state failed: retry it if a Retrier says so, else catch it, else fail the frame."""
        state = self.state_of(frame)
        self.cancel_timers(frame)
        if isinstance(state, _RETRYING):
            decision = decide_retry(state.retry, frame.retry_counts, failure.error, self.draws)
            if decision.retry:
                frame.retry_counts[decision.index] += 1
                frame.retry_total += 1
                frame.phase = FramePhase.BLOCKED
                self.transitions += 1  # each retry is metered again (Step Functions' rule)
                self.schedule_timer(frame, "retry", self.now_ms + decision.delay_ms)
                return
            catcher = find_catcher(state.catch, failure)
            if catcher is not None:
                try:
                    output, assigned = self._caught(frame, state, catcher, failure)
                except FailureRaised as raised:
                    self.fail_frame(frame, self.locate(frame, raised.failure))
                    return
                self.exit_state(frame, output, catcher.next, assigned)
                return
        self.fail_frame(frame, failure)

    def _caught(self, frame: Frame, state: Any, catcher: Any, failure: Failure) -> tuple[Any, dict[str, Any]]:
        """What a Catcher hands on (its output) and assigns; the variables see the error output."""
        error_output = failure.to_error_output()
        if self.jsonata(state):
            output = (self.field(frame, "Output", catcher.output, error_output=error_output)
                      if catcher.has_output else error_output)
            return output, self.assignments(frame, catcher.assign, state, None, error_output=error_output)
        output = catch_output(catcher, frame.state_input, failure).output
        return output, self.assignments(frame, catcher.assign, state, error_output)

    def fail_frame(self, frame: Frame, failure: Failure) -> None:
        """End the frame with a failure nobody in it caught."""
        frame.phase = FramePhase.FAILED
        frame.error = failure.error
        frame.cause = failure.cause

    def finish_frame(self, frame: Frame) -> None:
        """A frame ended: hand its outcome to its parent's join, or end the execution."""
        self.cancel_timers(frame)
        del self.snapshot.frames[frame.id]
        if frame.phase == FramePhase.FAILED and self._is_unit_top(frame):
            self.snapshot.redrive_frame = frame  # where a redrive of this unit resumes
        if frame.parent_id is None:
            if frame.phase == FramePhase.SUCCEEDED:
                self.complete(ExecutionStatus.SUCCEEDED, output=frame.output)
            else:
                self.complete(ExecutionStatus.FAILED, error=frame.error, cause=frame.cause)
            return
        parent = self.snapshot.frames.get(frame.parent_id)
        if parent is None and self.snapshot.child_of is not None:
            self._report_child(frame)
            return
        if parent is not None and parent.join is not None:
            from cloudflow.core.states.join import child_finished  # the join needs StepRun itself

            child_finished(self, parent, frame)

    def _is_unit_top(self, frame: Frame) -> bool:
        """Whether the frame is its unit's outermost one: the root, or a remote child unit's own frame."""
        return frame.parent_id is None or (self.snapshot.child_of is not None
                                           and frame.parent_id not in self.snapshot.frames)

    def _report_child(self, frame: Frame) -> None:
        """A remote child unit's frame ended: close the unit and tell its parent's join."""
        snap = self.snapshot
        succeeded = frame.phase == FramePhase.SUCCEEDED
        if snap.child_of == "map":
            self.record(None, "MapIterationSucceeded" if succeeded else "MapIterationFailed",
                        {"name": snap.child_of_state, "index": frame.index})
        snap.status = ExecutionStatus.SUCCEEDED if succeeded else ExecutionStatus.FAILED
        snap.output, snap.error, snap.cause = frame.output, frame.error, frame.cause
        join_id, _, _ = frame.id.rpartition(".")
        assert frame.parent_id is not None
        self.commands.append(ReportChild(frame.id, join_id, frame.parent_id, frame.index, succeeded,
                                         frame.output, frame.error, frame.cause))

    def _keep_child_outcomes(self, frame: Frame | None) -> None:
        """A unit ending while its state's in-process children run: keep where they stood, for a redrive."""
        if frame is None or frame.join is None or frame.join.remote or not self.snapshot.remote_children:
            return
        from cloudflow.core.states.join import child_outcomes  # the join needs StepRun itself

        frame.failed_children = child_outcomes(self, frame)

    def abort_children(self, parent: Frame) -> None:
        """Drop every descendant of `parent` with its tasks and timers (a branch failed, or a stop)."""
        prefix = parent.id + "/"
        for frame_id in [fid for fid in self.snapshot.frames if fid.startswith(prefix)]:
            child = self.snapshot.frames.pop(frame_id)
            self.cancel_timers(child)
            if child.token is not None:
                self.snapshot.tasks.pop(child.token, None)

    def complete(
        self, status: ExecutionStatus, output: Any = None, error: str | None = None, cause: str | None = None
    ) -> None:
        """End the execution: history, status, and the CompleteExecution command."""
        snap = self.snapshot
        if status == ExecutionStatus.SUCCEEDED:
            self.record(None, "ExecutionSucceeded",
                        {"output": to_json_text(output), "outputDetails": {"truncated": False}})
        else:
            details: dict[str, Any] = {}
            if error is not None:
                details["error"] = error
            if cause is not None:
                details["cause"] = cause
            kind = {ExecutionStatus.FAILED: "ExecutionFailed", ExecutionStatus.TIMED_OUT: "ExecutionTimedOut",
                    ExecutionStatus.ABORTED: "ExecutionAborted"}[status]
            self.record(None, kind, details)
            if snap.redrive_frame is None:  # stopped, timed out or over budget while a state ran
                snap.redrive_frame = next((f for f in snap.frames.values() if self._is_unit_top(f)), None)
                self._keep_child_outcomes(snap.redrive_frame)
        snap.status, snap.output, snap.error, snap.cause = status, output, error, cause
        for frame in list(snap.frames.values()):
            self.cancel_timers(frame)
        snap.frames.clear()
        snap.tasks.clear()
        for timer_id, timer in snap.timers.items():
            self.commands.append(CancelWakeUp(timer_id, timer.due_ms))
        snap.timers.clear()
        self.commands.append(CompleteExecution(status.value, output, error, cause))
