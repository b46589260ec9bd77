"""The execution snapshot: everything `advance` needs to resume an execution, JSON-serialisable.

Frames are the unit of progress: the root frame runs the state machine; each Parallel branch and
Map iteration runs in a child frame whose id is derived from its parent's, so re-creating a child
is idempotent. Tasks and timers are indexed by token and timer id, so a stale or duplicate event
finds nothing and does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class ExecutionStatus(StrEnum):
    """Terminal and running statuses, as DescribeExecution spells them."""

    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    TIMED_OUT = "TIMED_OUT"
    ABORTED = "ABORTED"


class FramePhase(StrEnum):
    """Where a frame stands: about to enter its state, parked, or finished."""

    READY = "READY"
    BLOCKED = "BLOCKED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


# Frame and Join are plain dataclasses, not models: the engine writes their fields on every state,
# and pydantic's __setattr__ would cost a fifth of the engine's time. Pydantic still validates and
# serialises them as fields of ExecutionSnapshot.
@dataclass
class Join:
    """A Parallel or Map state waiting on its children (the fan-in bookkeeping)."""

    kind: str  # "parallel" | "map"
    total: int
    started: int = 0
    window: int = 0  # MaxConcurrency; 0 = unbounded
    child_inputs: list[Any] = field(default_factory=list)  # Map: the (selected, batched) items
    results: dict[int, Any] = field(default_factory=dict)
    failed: int = 0
    tolerated_count: int | None = None
    tolerated_percentage: float | None = None
    effective_input: Any = None
    event_name: str = ""
    # The children run as units of their own (FanOut), not as frames of this unit.
    remote: bool = False
    failed_indexes: list[int] = field(default_factory=list)  # in-process children that failed, tolerated
    carry: ChildOutcomes | None = None  # a redrive's carry-over, spent as the children start


@dataclass
class ChildOutcomes:
    """Where an in-process Parallel or Map stood when it failed: what a redrive carries over and resumes.

    `succeeded` holds the results of the children that succeeded; `stopped` the frames of those that failed
    or were aborted, as they stood (a redrive resumes each at its own unsuccessful state). Children not
    in either (never started, or failed within tolerance) run again from their start.
    """

    succeeded: dict[int, Any] = field(default_factory=dict)
    stopped: dict[int, Frame] = field(default_factory=dict)


@dataclass
class Frame:
    """One thread of control: the root machine, a Parallel branch or a Map iteration."""

    id: str
    state_name: str
    parent_id: str | None = None
    machine_path: str = ""  # JSON pointer of the (sub) machine within the definition
    index: int = 0  # branch or item index within the parent
    phase: FramePhase = FramePhase.READY
    state_input: Any = None
    effective_input: Any = None
    entered_event_id: int = 0
    entered_time_ms: int = 0
    last_event_id: int = 0
    retry_counts: list[int] = field(default_factory=list)
    retry_total: int = 0
    token: str | None = None
    attempt: int = 0
    timers: list[str] = field(default_factory=list)
    task_request: dict[str, Any] | None = None  # parameters and timeouts, kept for retries
    join: Join | None = None
    output: Any = None
    error: str | None = None
    cause: str | None = None
    # Workflow variables this frame sees: a branch or iteration starts with a copy of its parent's,
    # so what it assigns stays inside it (ASL variable scopes).
    variables: dict[str, Any] = field(default_factory=dict)
    # Redrive: the fan-out of the previous run of this state, whose succeeded children are carried over
    # instead of run again. Set when a redrive resumes a Parallel or Map; spent by its next fan-out.
    redrive_join: str | None = None
    # The same for an in-process fan-out: its children's outcomes when the state failed (kept into the
    # unit's redrive frame), and, on a frame a redrive resumes, the outcomes its next fan-out carries over.
    failed_children: ChildOutcomes | None = None
    redrive_children: ChildOutcomes | None = None


class PendingTask(BaseModel):
    """A task invocation awaiting its answer."""

    frame_id: str
    state_name: str
    resource: str
    heartbeat_seconds: int | None = None
    heartbeat_timer: str | None = None
    scheduled_ms: int | None = None  # when the task was invoked
    timeout_seconds: int | None = None
    submitted: bool = False  # its TaskSubmitted was recorded


class Timer(BaseModel):
    """A wake-up the host was asked to deliver."""

    frame_id: str
    purpose: str  # wait | retry | task-timeout | heartbeat | execution-timeout
    due_ms: int
    token: str | None = None


class ExecutionInfo(BaseModel):
    """Who and what this execution is: the `$$.Execution` and `$$.StateMachine` facts."""

    execution_arn: str
    name: str
    state_machine_arn: str
    state_machine_name: str
    role_arn: str
    start_time_ms: int
    input: Any
    redrive_count: int = 0
    redrive_time_ms: int | None = None  # when the last redrive began
    # A callback task (`.waitForTaskToken`, activities) without TimeoutSeconds times out after this many
    # seconds rather than Step Functions' near-infinite default, so a lost token never hangs a flow unseen.
    callback_timeout_seconds: int | None = None


class ExecutionSnapshot(BaseModel):
    """All durable state of one execution between two `advance` calls."""

    info: ExecutionInfo
    status: ExecutionStatus = ExecutionStatus.RUNNING
    output: Any = None
    error: str | None = None
    cause: str | None = None
    frames: dict[str, Frame] = Field(default_factory=dict)
    tasks: dict[str, PendingTask] = Field(default_factory=dict)
    timers: dict[str, Timer] = Field(default_factory=dict)
    last_event_id: int = 0
    transitions: int = 0
    seed: str
    draws: int = 0
    serial: int = 0  # source of token and timer ids, unique within the execution
    version: int = 0
    # Durable runtime: Parallel branches and Map iterations run as their own units (FanOut)...
    remote_children: bool = False
    # ...unless they are at most this many, with small inputs: then they run as frames of this unit, in
    # its steps (see core.states.fan_out_mode). 0: always as units.
    inline_children: int = 0
    # A budget: the execution fails once it has metered more transitions than this.
    max_transitions: int | None = None
    # Set on a remote child unit: "map" or "parallel", and the name of the state that fanned out.
    child_of: str | None = None
    child_of_state: str | None = None
    # Prepended to every task token: the host's way to find the unit again from a token alone.
    token_prefix: str = ""
    # Where a redrive resumes: the unit's frame as it stood at the state that did not succeed (its input,
    # variables and the fan-out it ran), kept when the unit ended FAILED, TIMED_OUT or ABORTED.
    redrive_frame: Frame | None = None


def new_snapshot(
    info: ExecutionInfo, seed: str, remote_children: bool = False, max_transitions: int | None = None,
    inline_children: int = 0,
) -> ExecutionSnapshot:
    """A snapshot for an execution that has not started yet; feed it ExecutionStarted."""
    return ExecutionSnapshot(info=info, seed=seed, remote_children=remote_children, max_transitions=max_transitions,
                             inline_children=inline_children)


def child_snapshot(
    info: ExecutionInfo, seed: str, parent_frame_id: str, kind: str, state_name: str,
    child_id: str, index: int, machine_path: str, start_at: str, child_input: Any,
    variables: dict[str, Any] | None = None, inline_children: int = 0,
) -> ExecutionSnapshot:
    """The snapshot of a remote child unit (one branch or iteration); feed it ChildStarted."""
    frame = Frame(id=child_id, parent_id=parent_frame_id, machine_path=machine_path, index=index,
                  state_name=start_at, state_input=child_input, variables=dict(variables or {}))
    return ExecutionSnapshot(info=info, seed=seed, remote_children=True, frames={child_id: frame},
                             child_of=kind, child_of_state=state_name, inline_children=inline_children)
