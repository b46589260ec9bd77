"""The task resolver that hands activity tasks to workers: it queues them, and nobody answers in the step.

A Task whose Resource is an activity ARN becomes a pending task of that activity (its token, its input as
JSON text, the state, when); the execution then waits for SendTask* with the token, under the state's
HeartbeatSeconds and TimeoutSeconds, as for any callback task. The runtime calls this resolver for waiting
tasks once their step committed (from the dispatch); a dispatch repeated after a crash, or a step re-run,
queues the same token again: the store keeps one task per token.

An activity that does not exist fails the execution as Step Functions does: `States.Runtime`, which no
Retry or Catch (not even `States.ALL`) handles, with the cause "... The activity <arn> does not exist."
"""

from __future__ import annotations

from collections.abc import Callable

from cloudflow.activities.registry import Activities, InvalidArnError, PendingActivityTask, find_activity
from cloudflow.core.commands import InvokeTask
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.error_names import StatesError
from cloudflow.core.task_resource import parse_resource
from cloudflow.local.task_outcome import NoAnswer, TaskOutcome, TaskResolver, TaskThrew

MAX_TASK_WAIT_SECONDS = 366 * 86_400
"""How long a pending task without TimeoutSeconds is kept: a standard execution runs one year at most."""

EXPIRY_SLACK_SECONDS = 86_400


class ActivityTaskResolver:
    """Queues activity tasks (NoAnswer: the worker answers by token); None for every other resource, or
    the `fallback` resolver's answer.

    `activities` is the Activities to queue into, or a function giving them at each invocation (e.g.
    `cloudflow.adapters.dynamodb_activities.ambient_activities`, the runtime the handler runs on).
    """

    def __init__(self, activities: Activities | Callable[[], Activities],
                 fallback: TaskResolver | None = None) -> None:
        self._activities = activities
        self._fallback = fallback

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        resource = parse_resource(invocation.resource)
        if resource.kind != "activity":
            return self._fallback.resolve(invocation) if self._fallback is not None else None
        activities = self._activities if isinstance(self._activities, Activities) else self._activities()
        try:
            record = find_activity(activities.store, resource.arn)
        except InvalidArnError:
            record = None
        if record is None:
            return TaskThrew(StatesError.RUNTIME.value, missing_activity_cause(invocation))
        task = PendingActivityTask(
            activity=record.name, activity_arn=record.arn, token=invocation.token,
            input=to_json_text(invocation.parameters), state_name=invocation.state_name,
            enqueued_ms=activities.clock.now_ms(),
        )
        wait = invocation.timeout_seconds or MAX_TASK_WAIT_SECONDS
        activities.store.enqueue_task(task, wait + EXPIRY_SLACK_SECONDS)
        return NoAnswer()


def missing_activity_cause(invocation: InvokeTask) -> str:
    """Step Functions' cause for a Task on an activity that does not exist (or no longer does)."""
    return (f"An error occurred while executing the state '{invocation.state_name}'. "
            f"The activity {invocation.resource} does not exist.")
