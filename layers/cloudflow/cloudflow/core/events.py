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
class WakeUpDue:
    """A timer set by a ScheduleWakeUp command is due."""

    timer_id: str


@dataclass(frozen=True)
class StopRequested:
    """StopExecution: abort with an optional error and cause."""

    error: str | None = None
    cause: str | None = None


Event = ExecutionStarted | TaskSucceeded | TaskFailed | TaskHeartbeat | WakeUpDue | StopRequested
