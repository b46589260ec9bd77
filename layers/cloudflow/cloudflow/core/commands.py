"""Commands: what the core asks its host to do (imperative), returned in a Decision."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class InvokeTask:
    """Run `resource` with `parameters`; answer with TaskSucceeded/TaskFailed carrying `token`.

    `pattern` is "request-response", "sync" (`.sync`, `.sync:2`) or "callback" (`.waitForTaskToken`).
    `attempt` counts from 0 (retries); `state_name` and `frame_id` say where it was asked for.
    """

    token: str
    resource: str
    parameters: Any
    pattern: str
    state_name: str
    frame_id: str
    attempt: int
    timeout_seconds: int | None
    heartbeat_seconds: int | None
    credentials: Any = None


@dataclass(frozen=True)
class ScheduleWakeUp:
    """Deliver WakeUpDue(timer_id) at `due` (epoch milliseconds). Purpose: wait, retry, timeout, ..."""

    timer_id: str
    due_ms: int
    purpose: str


@dataclass(frozen=True)
class CancelWakeUp:
    """The timer is no longer needed (a late fire is harmless anyway)."""

    timer_id: str


@dataclass(frozen=True)
class CompleteExecution:
    """The execution ended; `status` is SUCCEEDED, FAILED, TIMED_OUT or ABORTED."""

    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None


Command = InvokeTask | ScheduleWakeUp | CancelWakeUp | CompleteExecution
