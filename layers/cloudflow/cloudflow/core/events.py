"""Events: what happened outside the core, fed into `advance` (past tense)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ExecutionStarted:
    """Begin the execution; the snapshot was made by `new_snapshot`."""


@dataclass(frozen=True)
class TaskSucceeded:
    """The task behind `token` returned `output`."""

    token: str
    output: Any = None


@dataclass(frozen=True)
class TaskFailed:
    """The task behind `token` failed with `error` and `cause`."""

    token: str
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class TaskHeartbeat:
    """A worker reported it is still working on the task behind `token`."""

    token: str


@dataclass(frozen=True)
class TaskSubmitted:
    """The integration behind `token` accepted the task (e.g. started a child flow); the answer comes later.

    `output` is what the integration answered (recorded in history, as Step Functions' TaskSubmitted)."""

    token: str
    output: Any = None


@dataclass(frozen=True)
class WakeUpDue:
    """A timer set by a ScheduleWakeUp command is due."""

    timer_id: str


@dataclass(frozen=True)
class StopRequested:
    """StopExecution: abort with an optional error and cause."""

    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class ChildStarted:
    """Begin a remote child unit; its snapshot was made by `child_snapshot`."""


@dataclass(frozen=True)
class ChildrenFinished:
    """Every child of the join `join_id` of frame `frame_id` ended; `results` are in child order.

    `transitions` counts what the children metered, added to the execution's total.
    """

    frame_id: str
    join_id: str
    results: list[Any]
    transitions: int = 0


@dataclass(frozen=True)
class ChildFailed:
    """A child of the join `join_id` failed beyond what the state tolerates."""

    frame_id: str
    join_id: str
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class Redriven:
    """RedriveExecution: an unsuccessful execution resumes at the state that did not succeed."""


Event = (
    ExecutionStarted | TaskSucceeded | TaskFailed | TaskHeartbeat | TaskSubmitted | WakeUpDue | StopRequested
    | ChildStarted | ChildrenFinished | ChildFailed | Redriven
)
