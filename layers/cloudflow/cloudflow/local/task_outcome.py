"""What a local task resolver answers for one InvokeTask command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from cloudflow.core.commands import InvokeTask
from cloudflow.core.events import TaskFailed, TaskSubmitted, TaskSucceeded


@dataclass(frozen=True)
class TaskReturned:
    """The task succeeded with `output`."""

    output: Any


@dataclass(frozen=True)
class TaskThrew:
    """The task failed with `error` and `cause`."""

    error: str
    cause: str | None = None


@dataclass(frozen=True)
class NoAnswer:
    """Nobody answers (a callback that never comes): only a timeout can end the task."""


@dataclass(frozen=True)
class TaskAccepted:
    """The integration accepted the task and answers later (e.g. a started child flow); `output` is what it
    said on accepting, recorded as the task's TaskSubmitted event."""

    output: Any


TaskOutcome = TaskReturned | TaskThrew | NoAnswer | TaskAccepted


class TaskResolver(Protocol):
    """Answers a task invocation in process; returns None when it does not know the task."""

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        """The outcome for this invocation, or None to let the next resolver try."""
        ...


def outcome_event(outcome: TaskOutcome | None, token: str) -> TaskSucceeded | TaskFailed | TaskSubmitted | None:
    """The engine event an outcome makes for the task behind `token`; None while it waits (or nobody knew it)."""
    if isinstance(outcome, TaskReturned):
        return TaskSucceeded(token, outcome.output)
    if isinstance(outcome, TaskThrew):
        return TaskFailed(token, outcome.error, outcome.cause)
    if isinstance(outcome, TaskAccepted):
        return TaskSubmitted(token, outcome.output)
    return None
