"""Request-response tasks answered inside the step that invoked them: no write, no message in between.

Tasks invoked together (the branches of an in-process Parallel, the iterations of a small Map) are
called side by side, up to `Settings.concurrent_task_calls` at once, so a Parallel of two 10-second
Lambdas takes 10 seconds, not 20. Their answers go back into the engine in the order the tasks were
invoked, whichever call returned first, so the history does not depend on timing. Then the tasks those
answers led to are called together, and so on until nothing is left to answer in the step.

Mock-config answers are looked up one at a time, in invocation order: the nth call of a state gets the
nth response, which must not depend on thread timing. Tasks that wait (callbacks, `.sync`, activities)
are kept for the dispatch, after the commit (see task_answers).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from cloudflow.core.commands import InvokeTask
from cloudflow.core.engine import advance
from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.local.task_outcome import TaskOutcome, TaskResolver
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.step_context import StepContext
from cloudflow.runtime.task_answers import answer_event, first_outcome, integration_resolvers, mock_resolver, waits


def answer_tasks_in_step(rt: Runtime, context: StepContext) -> None:
    """Answer the step's request-response tasks and advance on their answers; keep the other commands."""
    mock = mock_resolver(rt, context)
    integrations = integration_resolvers(rt, context.execution_id)
    kept: list[Any] = []
    pending: list[Any] = context.commands
    while pending:
        # A task whose frame an earlier answer of the round aborted (its fan-out failed) is not called.
        pending = [c for c in pending if not isinstance(c, InvokeTask) or c.token in context.snapshot.tasks]
        answers = _answer_round(rt, pending, mock, integrations, kept)
        pending = []
        for answer in answers:
            if context.snapshot.status != ExecutionStatus.RUNNING:
                break  # the execution ended on an earlier answer: the rest have nothing left to answer
            decision = advance(context.machine, context.snapshot, answer, context.now_ms)
            context.snapshot = decision.snapshot
            context.history.extend(decision.history)
            context.transitions += decision.transitions
            pending.extend(decision.commands)
        if context.snapshot.status != ExecutionStatus.RUNNING:
            # Its end cancels timers and completes: keep those; a task it no longer waits for is not called.
            kept.extend(command for command in pending if not isinstance(command, InvokeTask))
            break
    context.commands = kept


def _answer_round(rt: Runtime, commands: list[Any], mock: TaskResolver | None, integrations: list[TaskResolver],
                  kept: list[Any]) -> list[Any]:
    """The answers to the tasks among `commands`, in their order (others go to `kept`)."""
    slots: list[Any] = []  # an answer event, or a task to call
    for command in commands:
        if not isinstance(command, InvokeTask):
            kept.append(command)
            continue
        outcome = mock.resolve(command) if mock is not None else None
        if outcome is None and waits(command):
            kept.append(command)
            continue
        slots.append(command if outcome is None else (command, outcome))
    calls = [slot for slot in slots if isinstance(slot, InvokeTask)]
    called = iter(_call_side_by_side(rt, integrations, calls))
    answers = []
    for slot in slots:
        command, outcome = (slot, next(called)) if isinstance(slot, InvokeTask) else slot
        answer = answer_event(outcome, command)
        if answer is None:
            kept.append(command)
        else:
            answers.append(answer)
    return answers


def _call_side_by_side(rt: Runtime, integrations: list[TaskResolver],
                       calls: list[InvokeTask]) -> list[TaskOutcome | None]:
    """Each task's outcome from the integrations, in order; several at once when allowed."""
    limit = min(rt.settings.concurrent_task_calls, len(calls))
    if limit <= 1:
        return [first_outcome(integrations, command) for command in calls]
    with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="task") as pool:
        return list(pool.map(lambda command: first_outcome(integrations, command), calls))
