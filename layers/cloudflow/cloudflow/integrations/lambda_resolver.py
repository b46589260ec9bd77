"""Answering Lambda tasks through an Invoke port: AWS's Lambda (adapters) or functions run in process (local).

Request-response tasks get the shaped result or error. `.waitForTaskToken` tasks invoke the function (the
payload carries the token) and then wait for SendTaskSuccess/Failure; only a failed Invoke ends them
at once, with that error.
"""

from __future__ import annotations

from typing import Protocol

from cloudflow.core.commands import InvokeTask
from cloudflow.core.error_names import StatesError
from cloudflow.integrations.lambda_outcome import LambdaResponse, LambdaServiceError, lambda_outcome
from cloudflow.integrations.lambda_request import LambdaRequest, LambdaRequestError, lambda_request
from cloudflow.local.task_outcome import NoAnswer, TaskOutcome, TaskReturned, TaskThrew


class LambdaInvoker(Protocol):
    """Calls Invoke. Returns None when this invoker does not know the function (the next resolver may)."""

    def invoke(self, request: LambdaRequest) -> LambdaResponse | LambdaServiceError | None:
        """Lambda's answer, a service error, or None for a function it does not know."""
        ...


class LambdaTaskResolver:
    """A TaskResolver for bare function ARNs and `lambda:invoke[.waitForTaskToken]` tasks."""

    def __init__(self, invoker: LambdaInvoker) -> None:
        self._invoker = invoker

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        try:
            request = lambda_request(invocation)
        except LambdaRequestError as problem:
            return TaskThrew(StatesError.RUNTIME.value, f"An error occurred while executing the state "
                                                        f"{invocation.state_name!r}. {problem}")
        if request is None:
            return None
        answer = self._invoker.invoke(request)
        if answer is None:
            return None
        outcome = lambda_outcome(request, answer)
        if invocation.pattern == "callback" and isinstance(outcome, TaskReturned):
            return NoAnswer()
        return outcome
