"""Run a flow to its end in one process: the pure engine, in-process task answers, a virtual clock.

Waits, retry back-offs and timeouts are timers on a virtual clock that jumps straight to the next
due time, so a 30-day Wait ends at once while `$$` timestamps and history advance as if it waited.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cloudflow.asl.model import StateMachine
from cloudflow.core.commands import CancelWakeUp, CompleteExecution, InvokeTask, ScheduleWakeUp
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.engine import advance
from cloudflow.core.events import Event, ExecutionStarted, WakeUpDue
from cloudflow.core.snapshot import ExecutionInfo, ExecutionSnapshot, new_snapshot
from cloudflow.local.task_outcome import TaskResolver, outcome_event

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"


@dataclass
class RunResult:
    """How a local run ended; `status` RUNNING means it is parked with nothing left to wake it."""

    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None
    transitions: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    started_ms: int = 0
    ended_ms: int = 0
    execution_arn: str = ""

    def to_dict(self, with_history: bool = False) -> dict[str, Any]:
        """The result as the CLI prints it with --json; output is JSON text, as DescribeExecution gives it."""
        output = None if self.status != "SUCCEEDED" else to_json_text(self.output)
        out: dict[str, Any] = {
            "status": self.status, "output": output, "error": self.error, "cause": self.cause,
            "transitions": self.transitions, "executionArn": self.execution_arn,
            "virtualDurationMs": self.ended_ms - self.started_ms,
        }
        if with_history:
            out["history"] = self.history
        return out


def execution_info(
    flow_name: str, execution_name: str, execution_input: Any, start_ms: int,
    region: str = DEFAULT_REGION, account: str = DEFAULT_ACCOUNT, callback_timeout_seconds: int | None = None,
) -> ExecutionInfo:
    """Identity of a local execution, in Step Functions' ARN shapes (and its default callback timeout)."""
    prefix = f"arn:aws:states:{region}:{account}"
    return ExecutionInfo(
        execution_arn=f"{prefix}:execution:{flow_name}:{execution_name}",
        name=execution_name,
        state_machine_arn=f"{prefix}:stateMachine:{flow_name}",
        state_machine_name=flow_name,
        role_arn=f"arn:aws:iam::{account}:role/CloudFlowLocalRole",
        start_time_ms=start_ms,
        input=execution_input,
        callback_timeout_seconds=callback_timeout_seconds,
    )


class _TimerQueue:
    """Due wake-ups in time order; cancelled ones are skipped when popped."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, str]] = []
        self._live: set[str] = set()
        self._seq = 0

    def add(self, timer_id: str, due_ms: int) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (due_ms, self._seq, timer_id))
        self._live.add(timer_id)

    def cancel(self, timer_id: str) -> None:
        self._live.discard(timer_id)

    def pop(self) -> tuple[int, str] | None:
        while self._heap:
            due, _, timer_id = heapq.heappop(self._heap)
            if timer_id in self._live:
                self._live.discard(timer_id)
                return due, timer_id
        return None


def run_to_end(
    machine: StateMachine, info: ExecutionInfo, resolver: TaskResolver, seed: str = "cloudflow-local",
    max_events: int = 1_000_000, on_progress: Callable[[int, int], None] | None = None,
) -> RunResult:
    """Drive the engine until the execution ends or nothing can wake it.

    `on_progress(transitions, virtual_ms)` is told after each event how far the run has come.
    """
    snapshot: ExecutionSnapshot = new_snapshot(info, seed)
    now = info.start_time_ms
    events: deque[Event] = deque([ExecutionStarted()])
    timers = _TimerQueue()
    history: list[dict[str, Any]] = []
    for _ in range(max_events):
        if not events:
            due = timers.pop()
            if due is None:
                break
            now = max(now, due[0])
            events.append(WakeUpDue(due[1]))
        decision = advance(machine, snapshot, events.popleft(), now)
        snapshot = decision.snapshot
        history.extend(decision.history)
        if on_progress is not None:
            on_progress(snapshot.transitions, now - info.start_time_ms)
        for command in decision.commands:
            if isinstance(command, InvokeTask):
                events.extend(_answer(resolver, command))
            elif isinstance(command, ScheduleWakeUp):
                timers.add(command.timer_id, command.due_ms)
            elif isinstance(command, CancelWakeUp):
                timers.cancel(command.timer_id)
            elif isinstance(command, CompleteExecution):
                return RunResult(command.status, command.output, command.error, command.cause,
                                 snapshot.transitions, history, info.start_time_ms, now, info.execution_arn)
    return RunResult("RUNNING", None, None, "The execution is waiting for an answer that never comes.",
                     snapshot.transitions, history, info.start_time_ms, now, info.execution_arn)


def _answer(resolver: TaskResolver, command: InvokeTask) -> list[Event]:
    event = outcome_event(resolver.resolve(command), command.token)
    return [] if event is None else [event]
