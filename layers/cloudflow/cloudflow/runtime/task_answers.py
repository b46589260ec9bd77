"""Who answers a task, and when.

Request-response tasks are answered inside the step that invoked them: the answer goes straight back
into the engine, with no write or message in between.

Tasks that wait (`.waitForTaskToken`, `.sync`, activities) are carried out only after the step has
committed, from its dispatch: the worker, the child flow or the activity poller may answer at once, and
the answer must find the task already stored. (Step Functions, too, records the task before calling
the integration.) A redelivered message that repairs a crash dispatches again, so such an integration
is called at least once, as in Step Functions. Their answers travel like SendTaskSuccess/Failure.

A mock config's answers are no real call: they are applied in the step, for every pattern.
"""

from __future__ import annotations

from cloudflow.core.commands import InvokeTask
from cloudflow.core.events import TaskFailed, TaskSubmitted, TaskSucceeded
from cloudflow.errors import TaskDoesNotExistError, TaskTimedOutError
from cloudflow.local.resolver_chain import NO_LOCAL_ANSWER_ERROR, FirstAnswer, no_local_answer_cause
from cloudflow.local.task_outcome import TaskOutcome, TaskResolver, outcome_event
from cloudflow.runtime.callbacks import send_task_failure, send_task_success
from cloudflow.runtime.child_flows import ChildFlowResolver
from cloudflow.runtime.codec import event_to_dict
from cloudflow.runtime.flows import mock_config_for
from cloudflow.runtime.identity import ROOT_UNIT
from cloudflow.runtime.messages import WorkMessage
from cloudflow.runtime.outgoing import send
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.step_context import StepContext
from cloudflow.runtime.tokens import decode_token


def waits(command: InvokeTask) -> bool:
    """Whether the task waits for an answer from outside (and so is carried out after the commit)."""
    return command.pattern != "request-response"


def mock_resolver(rt: Runtime, context: StepContext) -> TaskResolver | None:
    """The mock config's answers for an execution started with a test case, else None.

    A mocked call's number is counted per state per execution. The top-level machine's states run only in
    the root unit, so their counts ride on its record (`mock_calls`, committed with the step that made
    the calls; a step re-run after a crash reads the same counts back). States of branches and iterations
    may run in several units at once: theirs are counted on a shared item (ExecutionStore.mock_invocation).
    """
    record = context.record
    test_case = record.attrs.get("test_case")
    config = mock_config_for(rt, context.flow, record.attrs.get("mock_config")) if test_case else None
    if not test_case or config is None:
        return None
    known = context.flow if context.flow in config.test_cases else None  # else its only machine

    def numbering(task: InvokeTask) -> int:
        frame = context.snapshot.frames.get(task.frame_id)
        counts = context.mock_calls
        if counts is not None and context.unit == ROOT_UNIT and frame is not None and frame.machine_path == "":
            number = counts.get(task.state_name, 0)
            counts[task.state_name] = number + 1
            return number
        return rt.store.mock_invocation(record.execution_id, task.state_name, task.token)

    return config.resolver(known, test_case, numbering=numbering)


def integration_resolvers(rt: Runtime, execution_id: str) -> list[TaskResolver]:
    """The real integrations: the runtime's task resolver (Lambda, AWS, HTTP, ...), then child flows."""
    resolvers: list[TaskResolver] = [rt.tasks] if rt.tasks is not None else []
    resolvers.append(ChildFlowResolver(rt, execution_id))
    return resolvers


def first_outcome(resolvers: list[TaskResolver], command: InvokeTask) -> TaskOutcome | None:
    return FirstAnswer(resolvers).resolve(command)


def answer_event(outcome: TaskOutcome | None, command: InvokeTask) -> TaskSucceeded | TaskFailed | TaskSubmitted | None:
    """The engine event for a task's outcome; None while it waits. A task that does not wait and that nobody
    knows fails (States.Runtime, naming the resource)."""
    if outcome is None and command.pattern != "callback":
        return TaskFailed(command.token, NO_LOCAL_ANSWER_ERROR, no_local_answer_cause(command))
    return outcome_event(outcome, command.token)


def carry_out_waiting_task(rt: Runtime, execution_id: str, command: InvokeTask) -> None:
    """Call the integration of a task that waits, after its step committed; queue what it answered at once."""
    event = answer_event(first_outcome(integration_resolvers(rt, execution_id), command), command)
    try:
        if isinstance(event, TaskSubmitted):  # accepted (a child flow started): the parent's history names it
            parts = decode_token(command.token)
            send(rt, [WorkMessage(execution_id=parts.execution_id, unit=parts.unit, kind="event",
                                  key=f"submitted:{command.token}", event=event_to_dict(event))])
        elif isinstance(event, TaskSucceeded):
            send_task_success(rt, command.token, event.output)
        elif isinstance(event, TaskFailed):
            send_task_failure(rt, command.token, event.error, event.cause)
    except (TaskDoesNotExistError, TaskTimedOutError):
        pass  # a repeated dispatch after the task was answered: nothing waits for this answer any more
