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
    """The timer due at `due_ms` is no longer needed (a late fire is harmless anyway)."""

    timer_id: str
    due_ms: int = 0


@dataclass(frozen=True)
class CompleteExecution:
    """The execution ended; `status` is SUCCEEDED, FAILED, TIMED_OUT or ABORTED."""

    status: str
    output: Any = None
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class ChildSpec:
    """One Parallel branch or Map iteration to run as its own unit (see FanOut)."""

    child_id: str
    index: int
    machine_path: str
    start_at: str
    input: Any
    variables: dict[str, Any] | None = None  # the parent's variables, readable in the child


@dataclass(frozen=True)
class FanOut:
    """Run `children` elsewhere (remote-children mode); answer with ChildrenFinished or ChildFailed.

    At most `window` children run at once (0 = all). The tolerated-failure settings say when a
    failed child fails the whole join rather than becoming an `{"Error", "Cause"}` result.
    """

    parent_frame_id: str
    join_id: str
    kind: str  # "map" | "parallel"
    state_name: str
    children: tuple[ChildSpec, ...]
    window: int = 0
    tolerated_count: int | None = None
    tolerated_percentage: float | None = None
    # A redrive's fan-out: the earlier join whose succeeded children are carried over, not run again.
    carry_from: str | None = None


@dataclass(frozen=True)
class ReportChild:
    """A remote child unit ended: hand its outcome to the join of `join_id`."""

    child_id: str
    join_id: str
    parent_frame_id: str
    index: int
    succeeded: bool
    output: Any = None
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class CancelChildren:
    """The join of `join_id` is over early (a child failed, the parent stopped): stop its children."""

    join_id: str


Command = (
    InvokeTask | ScheduleWakeUp | CancelWakeUp | CompleteExecution | FanOut | ReportChild | CancelChildren
)
