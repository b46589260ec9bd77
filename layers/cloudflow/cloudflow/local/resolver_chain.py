"""Trying task resolvers in turn (e.g. mock config first, then Python tasks), with a clear last answer.

When no resolver knows a task, the task fails with error `States.Runtime` and the cause
"No mock response or local handler for resource <arn> in state <name>".
Why `States.Runtime` rather than a CloudFlow-specific error name: a missing answer is a mistake in
the local setup, not a failure of the workflow, and `States.Runtime` is the one error a
`States.ALL` Retry or Catch does not handle. So the execution fails and says why, instead of a
catch-all compensation path quietly running. It is also what Step Functions Local does when a mocked
state runs out of mocked responses.
"""

from __future__ import annotations

from collections.abc import Iterable

from cloudflow.core.commands import InvokeTask
from cloudflow.core.error_names import StatesError
from cloudflow.local.task_outcome import TaskOutcome, TaskResolver, TaskThrew

NO_LOCAL_ANSWER_ERROR = StatesError.RUNTIME.value
"""The error of a task no resolver answers."""


class FirstAnswer:
    """Asks each resolver in order; the first answer wins, None when none knows the task."""

    def __init__(self, resolvers: Iterable[TaskResolver]) -> None:
        self._resolvers = tuple(resolvers)

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        for resolver in self._resolvers:
            outcome = resolver.resolve(invocation)
            if outcome is not None:
                return outcome
        return None


class ResolverChain:
    """Asks each resolver in order; the first answer wins. Always answers (never None)."""

    def __init__(self, resolvers: Iterable[TaskResolver]) -> None:
        self._first = FirstAnswer(resolvers)

    def resolve(self, invocation: InvokeTask) -> TaskOutcome:
        """The first resolver's answer, or a States.Runtime failure when none knows the task."""
        outcome = self._first.resolve(invocation)
        return outcome if outcome is not None else TaskThrew(NO_LOCAL_ANSWER_ERROR, no_local_answer_cause(invocation))


def no_local_answer_cause(invocation: InvokeTask) -> str:
    """The cause reported for a task nobody answers."""
    resource = invocation.resource
    function = invocation.parameters.get("FunctionName") if isinstance(invocation.parameters, dict) else None
    if isinstance(function, str):
        # `lambda:invoke` says nothing by itself: name the function the handler would be bound to.
        resource = f"{resource} (FunctionName {function})"
    return f"No mock response or local handler for resource {resource} in state {invocation.state_name!r}"
