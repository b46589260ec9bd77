"""Child flows: `arn:aws:states:::states:startExecution`, as Step Functions runs nested workflows.

- request-response: the child is started and the task gets `{"ExecutionArn", "StartDate"}` at once.
- `.sync`: the task waits for the child to end and gets its DescribeExecution view, with Input and Output
  as JSON text, as Step Functions returns them; `.sync:2` gives them as JSON. A child that fails, times
  out or is stopped fails the task with States.TaskFailed and that view (with Error and Cause) as cause.
- `.waitForTaskToken`: the child is started and the task waits for SendTaskSuccess/Failure with the
  token, which the child is expected to be handed in its Input.

The child's name, when the task does not give one, is derived from the task token, so a step re-run
after a crash starts the same child again, which StartExecution answers idempotently. The child keeps
a link to its parent (`parentExecutionArn` in its description); when it ends, the parent's waiting
task is answered through the same path as SendTaskSuccess/Failure, from the dispatch of the child's
last step, which a redelivery repeats after a crash (the answer is deduplicated and idempotent).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from cloudflow.core.commands import InvokeTask
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.errors import (
    ExecutionAlreadyExistsError,
    InvalidInputError,
    StateMachineDoesNotExistError,
    TaskDoesNotExistError,
    TaskTimedOutError,
)
from cloudflow.local.task_outcome import TaskAccepted, TaskOutcome, TaskReturned, TaskThrew
from cloudflow.ports import UnitRecord
from cloudflow.runtime.callbacks import send_task_failure, send_task_success
from cloudflow.runtime.describe import describe_execution
from cloudflow.runtime.identity import execution_arn
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.starter import ParentLink, StartRequest, start_execution

_START_EXECUTION = re.compile(
    r"^arn:aws[a-z-]*:states:::states:startExecution(?P<suffix>\.sync(?::2)?|\.waitForTaskToken)?$")
# arn:aws:states:REGION:ACCOUNT:stateMachine:NAME[:VERSION or ALIAS]
_STATE_MACHINE_ARN = re.compile(r"^arn:aws[a-z-]*:states:[^:]*:[^:]*:stateMachine:(?P<name>[^:]+)(?::(?P<v>[^:]+))?$")
_PARAMETERS = frozenset({"StateMachineArn", "Input", "Name", "TraceHeader"})
_PATTERNS = {None: "request-response", ".sync": "sync", ".sync:2": "sync:2", ".waitForTaskToken": "callback"}
_SERVICE_ERRORS = (
    (StateMachineDoesNotExistError, "StepFunctions.StateMachineDoesNotExistException"),
    (ExecutionAlreadyExistsError, "StepFunctions.ExecutionAlreadyExistsException"),
    (InvalidInputError, "StepFunctions.InvalidExecutionInputException"),
)


class ChildFlowResolver:
    """Answers `states:startExecution` tasks of one parent unit by starting the child on this runtime."""

    def __init__(self, rt: Runtime, parent_execution_id: str) -> None:
        self._rt = rt
        self._parent_arn = execution_arn(rt.settings, parent_execution_id)

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        found = _START_EXECUTION.match(invocation.resource)
        if found is None:
            return None
        pattern = _PATTERNS[found.group("suffix")]
        try:
            request = self._request(invocation, pattern)
            result = start_execution(self._rt, request)
        except _Invalid as problem:
            return TaskThrew("States.Runtime", f"An error occurred while executing the state "
                                               f"{invocation.state_name!r}. {problem}")
        except (StateMachineDoesNotExistError, ExecutionAlreadyExistsError, InvalidInputError) as failure:
            error = next(name for kind, name in _SERVICE_ERRORS if isinstance(failure, kind))
            return TaskThrew(error, str(failure))
        started = {"ExecutionArn": result.execution_arn, "StartDate": result.start_ms}
        # .sync and .waitForTaskToken: the parent's history shows the child it waits for (TaskSubmitted).
        return TaskReturned(started) if pattern == "request-response" else TaskAccepted(started)

    def _request(self, invocation: InvokeTask, pattern: str) -> StartRequest:
        parameters = invocation.parameters
        if not isinstance(parameters, dict):
            raise _Invalid("The parameters of states:startExecution must be an object.")
        unknown = sorted(set(parameters) - _PARAMETERS)
        if unknown:
            raise _Invalid(f"The field {unknown[0]!r} is not supported by states:startExecution; it takes "
                           f"{', '.join(sorted(_PARAMETERS))}.")
        arn = parameters.get("StateMachineArn")
        named = _STATE_MACHINE_ARN.match(arn) if isinstance(arn, str) else None
        if named is None:
            raise _Invalid(f"StateMachineArn must be a state machine ARN "
                           f"(arn:aws:states:REGION:ACCOUNT:stateMachine:NAME), not {to_json_text(arn)}.")
        name = parameters.get("Name")
        if name is not None and not isinstance(name, str):
            raise _Invalid(f"Name must be a string, not {to_json_text(name)}.")
        return StartRequest(
            flow=named.group("name"), version=named.group("v"), input=_input(parameters.get("Input", {})),
            name=name or hashlib.sha256(invocation.token.encode()).hexdigest()[:32],
            parent=ParentLink(self._parent_arn, invocation.token, pattern),
        )


class _Invalid(ValueError):
    """The task's parameters are no valid StartExecution request."""


def _input(value: Any) -> Any:
    """Input as an object, or as JSON text, as StartExecution takes it."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise _Invalid("Input must be JSON: an object, or a string holding JSON text.") from None


def answer_parent(rt: Runtime, record: UnitRecord) -> None:
    """When a child started with `.sync` or `.sync:2` has ended, answer its parent's waiting task."""
    pattern = record.attrs.get("parent_pattern")
    if pattern not in ("sync", "sync:2") or record.status == ExecutionStatus.RUNNING.value:
        return
    described = describe_execution(rt, execution_arn(rt.settings, record.execution_id))
    view = _sync_view(described, record, as_json=pattern == "sync:2")
    token = str(record.attrs["parent_token"])
    try:
        if record.status == ExecutionStatus.SUCCEEDED.value:
            send_task_success(rt, token, view)
        else:
            send_task_failure(rt, token, "States.TaskFailed", to_json_text(view))
    except (TaskDoesNotExistError, TaskTimedOutError):
        pass  # the parent's task already ended (timed out, stopped, caught): nobody waits any more


def _sync_view(described: dict[str, Any], record: UnitRecord, as_json: bool) -> dict[str, Any]:
    """DescribeExecution as a `.sync` task returns it: PascalCase keys, dates as epoch milliseconds."""
    view: dict[str, Any] = {"ExecutionArn": described["executionArn"]}
    for key, name in (("input", "Input"), ("output", "Output")):
        if key in described:
            view[name] = json.loads(described[key]) if as_json else described[key]
            view[f"{name}Details"] = {"Included": True}
    view["Name"] = described["name"]
    view["StartDate"] = int(record.attrs["start_ms"])
    view["StateMachineArn"] = described["stateMachineArn"]
    view["Status"] = described["status"]
    if "stop_ms" in record.attrs:
        view["StopDate"] = int(record.attrs["stop_ms"])
    for key, name in (("error", "Error"), ("cause", "Cause")):
        if key in described:
            view[name] = described[key]
    return view

