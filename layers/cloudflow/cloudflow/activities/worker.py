"""The activity worker: a plain process that polls for tasks, runs a handler, heartbeats, and answers.

    worker = ActivityWorker(client, "arn:aws:states:us-east-1:123456789012:activity:review",
                            handler=review, worker_name="reviewer-1", heartbeat_seconds=20)
    worker.run_forever(stop)          # or worker.run_once() for one poll

`handler(input)` gets the task's input (parsed JSON) and returns the output (any JSON value): the worker
sends SendTaskSuccess. If it raises, the worker sends SendTaskFailure: a `TaskError` gives its own error and
cause, any other exception its class name and message. While the handler runs, a background thread sends
SendTaskHeartbeat every `heartbeat_seconds` (keep it well under the state's HeartbeatSeconds).

The client is anything with the four calls of `ActivityClient`:

- `RuntimeActivityClient(runtime)`: in process, on a runtime or a `LocalRuntime` (tests, local runs).
- `LambdaActivityClient(lambda_client, activities_function, callback_function)`: against a deployed stack,
  through its activities function (GetActivityTask) and callback function (SendTask*).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from cloudflow.activities.polling import MAX_WAIT_SECONDS, PollTimer, RealTime, get_activity_task, runtime_liveness
from cloudflow.activities.registry import Activities, ActivityDoesNotExistError, InvalidArnError
from cloudflow.errors import ServiceError
from cloudflow.runtime import callbacks
from cloudflow.runtime.runtime import Runtime

MAX_ERROR_LENGTH = 256
MAX_CAUSE_LENGTH = 32_768
_GONE = ("TaskTimedOut", "TaskDoesNotExist")
_MISCONFIGURED = (ActivityDoesNotExistError.code, InvalidArnError.code)
_log = logging.getLogger(__name__)


class TaskError(Exception):
    """Raise from a handler to fail the task with this error name (what Retry and Catch match) and cause."""

    def __init__(self, error: str, cause: str | None = None) -> None:
        super().__init__(cause or error)
        self.error = error
        self.cause = cause


class ActivityServiceError(ServiceError):
    """An error document a deployed function answered (`code` is its `error`, as Step Functions names it)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class ActivityClient(Protocol):
    """GetActivityTask and SendTask*, wherever the runtime is."""

    def get_activity_task(self, activity_arn: str, worker_name: str | None = None) -> Mapping[str, Any]:
        """`{"taskToken", "input"}` (input as JSON text), or no `taskToken` when nothing came in time."""
        ...

    def send_task_success(self, task_token: str, output: str) -> None:
        """The task succeeded with `output` (JSON text)."""
        ...

    def send_task_failure(self, task_token: str, error: str | None, cause: str | None) -> None:
        """The task failed."""
        ...

    def send_task_heartbeat(self, task_token: str) -> None:
        """The worker is still on the task."""
        ...


class ActivityWorker:
    """Polls one activity and runs `handler` on each task it gets."""

    def __init__(self, client: ActivityClient, activity_arn: str, handler: Callable[[Any], Any], *,
                 worker_name: str | None = None, heartbeat_seconds: float | None = None,
                 retry_seconds: float = 5.0) -> None:
        self.client = client
        self.activity_arn = activity_arn
        self.handler = handler
        self.worker_name = worker_name
        self.heartbeat_seconds = heartbeat_seconds
        self.retry_seconds = retry_seconds  # after a poll that failed (network, throttling)

    def run_once(self) -> bool:
        """One poll; if it brings a task, run the handler and answer. Whether a task was handled."""
        task = self.client.get_activity_task(self.activity_arn, self.worker_name)
        token = task.get("taskToken")
        if not token:
            return False
        self._work(str(token), task.get("input"))
        return True

    def run_forever(self, stop: threading.Event) -> int:
        """Poll and work until `stop` is set (a poll under way ends first). How many tasks were handled.

        Raises:
            ServiceError: ActivityDoesNotExist or InvalidArn: polling again cannot help.
        """
        handled = 0
        while not stop.is_set():
            try:
                handled += self.run_once()
            except ServiceError as error:
                if error.code in _MISCONFIGURED:
                    raise
                _log.warning("polling %s failed: %s", self.activity_arn, error)
                stop.wait(self.retry_seconds)
            except Exception:
                _log.exception("polling %s failed", self.activity_arn)
                stop.wait(self.retry_seconds)
        return handled

    # --- one task ------------------------------------------------------------------------------

    def _work(self, token: str, input_text: Any) -> None:
        done = threading.Event()
        beats = None
        if self.heartbeat_seconds:
            beats = threading.Thread(target=self._heartbeat, args=(token, done), daemon=True,
                                     name=f"heartbeat-{self.worker_name or 'worker'}")
            beats.start()
        try:
            answer = self._run_handler(input_text)
        finally:
            done.set()
            if beats is not None:
                beats.join()
        try:
            if isinstance(answer, TaskError):
                self.client.send_task_failure(token, answer.error[:MAX_ERROR_LENGTH],
                                              None if answer.cause is None else answer.cause[:MAX_CAUSE_LENGTH])
            else:
                self.client.send_task_success(token, answer)
        except ServiceError as error:
            if error.code not in _GONE:
                raise
            _log.warning("the task was no longer waiting for an answer: %s", error)

    def _run_handler(self, input_text: Any) -> str | TaskError:
        """The output as JSON text, or the failure to report."""
        try:
            payload = json.loads(input_text) if isinstance(input_text, str) else input_text
            result = self.handler(payload)
            return json.dumps(result, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except TaskError as error:
            return error
        except Exception as error:
            _log.info("the handler failed on a task of %s: %r", self.activity_arn, error)
            return TaskError(type(error).__name__, str(error))

    def _heartbeat(self, token: str, done: threading.Event) -> None:
        assert self.heartbeat_seconds is not None
        while not done.wait(self.heartbeat_seconds):
            try:
                self.client.send_task_heartbeat(token)
            except ServiceError as error:
                if error.code in _GONE:
                    _log.warning("the task stopped waiting (heartbeat refused): %s", error)
                    return
                _log.warning("heartbeat failed: %s", error)
            except Exception:
                _log.exception("heartbeat failed")


# --- clients ----------------------------------------------------------------------------------------


class RuntimeActivityClient:
    """The activity calls in process, on `runtime` (a Runtime, or anything with a `.runtime`, such as
    LocalRuntime). `wait_seconds` bounds each long poll; `timer` is where it waits (real time by default)."""

    def __init__(self, runtime: Any, *, activities: Activities | None = None,
                 wait_seconds: float = MAX_WAIT_SECONDS, timer: PollTimer | None = None) -> None:
        self.runtime: Runtime = runtime if isinstance(runtime, Runtime) else runtime.runtime
        if activities is None:
            from cloudflow.adapters.dynamodb_activities import activities_for  # boto3 lives in adapters

            activities = activities_for(self.runtime)
        self.activities = activities
        self.wait_seconds = wait_seconds
        self.timer = timer or RealTime()

    def get_activity_task(self, activity_arn: str, worker_name: str | None = None) -> Mapping[str, Any]:
        return get_activity_task(self.activities.store, activity_arn, worker_name, self.wait_seconds,
                                 timer=self.timer, liveness=runtime_liveness(self.runtime))

    def send_task_success(self, task_token: str, output: str) -> None:
        callbacks.send_task_success(self.runtime, task_token, json.loads(output))

    def send_task_failure(self, task_token: str, error: str | None, cause: str | None) -> None:
        callbacks.send_task_failure(self.runtime, task_token, error, cause)

    def send_task_heartbeat(self, task_token: str) -> None:
        callbacks.send_task_heartbeat(self.runtime, task_token)


class LambdaActivityClient:
    """The activity calls against a deployed stack: GetActivityTask through its activities function, SendTask*
    through its callback function. `lambda_client` is a boto3 Lambda client; give it a read timeout above
    the activities function's timeout (a long poll holds the invocation up to 60 s)."""

    def __init__(self, lambda_client: Any, function_name: str, callback_function_name: str, *,
                 wait_seconds: float | None = None) -> None:
        self.lambda_client = lambda_client
        self.function_name = function_name
        self.callback_function_name = callback_function_name
        self.wait_seconds = wait_seconds

    def get_activity_task(self, activity_arn: str, worker_name: str | None = None) -> Mapping[str, Any]:
        request: dict[str, Any] = {"action": "getActivityTask", "activityArn": activity_arn}
        if worker_name is not None:
            request["workerName"] = worker_name
        if self.wait_seconds is not None:
            request["waitSeconds"] = self.wait_seconds
        answer: Mapping[str, Any] = self._invoke(self.function_name, request)
        return answer

    def send_task_success(self, task_token: str, output: str) -> None:
        self._invoke(self.callback_function_name, {"action": "success", "taskToken": task_token, "output": output})

    def send_task_failure(self, task_token: str, error: str | None, cause: str | None) -> None:
        request: dict[str, Any] = {"action": "failure", "taskToken": task_token}
        if error is not None:
            request["error"] = error
        if cause is not None:
            request["cause"] = cause
        self._invoke(self.callback_function_name, request)

    def send_task_heartbeat(self, task_token: str) -> None:
        self._invoke(self.callback_function_name, {"action": "heartbeat", "taskToken": task_token})

    def _invoke(self, function_name: str, request: dict[str, Any]) -> Any:
        """Invoke synchronously; an error document or a function error raises ActivityServiceError."""
        response = self.lambda_client.invoke(FunctionName=function_name, InvocationType="RequestResponse",
                                             Payload=json.dumps(request).encode())
        raw = response["Payload"].read()
        answer = json.loads(raw) if raw else None
        if response.get("FunctionError"):
            message = answer.get("errorMessage", "") if isinstance(answer, dict) else str(answer)
            raise ActivityServiceError("ServiceException", f"{function_name} failed: {message}")
        if isinstance(answer, dict) and isinstance(answer.get("error"), str):
            raise ActivityServiceError(answer["error"], str(answer.get("message", "")))
        return answer if answer is not None else {}
