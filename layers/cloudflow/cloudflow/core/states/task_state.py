"""Task: hands work to a resource outside the engine and parks until the answer comes back."""

from __future__ import annotations

from typing import Any

from cloudflow.asl.model import TaskState
from cloudflow.core.commands import InvokeTask
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.dataflow.number_path import expression_number, number_at_path
from cloudflow.core.failure import Failure
from cloudflow.core.snapshot import Frame, FramePhase, PendingTask
from cloudflow.core.states.results import finish_with_result, render_parameters
from cloudflow.core.step_run import StepRun
from cloudflow.core.task_resource import TaskResource, parse_resource


def _seconds(run: StepRun, frame: Frame, fixed: int | str | None, path: str | None, data: Any,
             field: str) -> int | None:
    if isinstance(fixed, str):  # a JSONata expression
        name = field.removesuffix("Path")
        given: int = expression_number(run.field(frame, name, fixed), name, "positive integer")
        return given
    if path is None:
        return fixed
    seconds: int = number_at_path(run.scope(frame, data), field, path, "positive integer")
    return seconds


def run_task(run: StepRun, frame: Frame, state: TaskState) -> None:
    """Render the parameters and invoke; the answer arrives later as an event."""
    effective = frame.state_input if run.jsonata(state) else run.effective_input(frame, state)
    resource = parse_resource(state.resource)
    token = run.new_token()
    parameters = render_parameters(
        run, frame, state, effective, token if resource.pattern == "callback" else None
    )
    frame.task_request = {
        "parameters": parameters,
        "timeout": _seconds(run, frame, state.timeout_seconds, state.timeout_seconds_path, effective,
                            "TimeoutSecondsPath"),
        "heartbeat": _seconds(run, frame, state.heartbeat_seconds, state.heartbeat_seconds_path, effective,
                              "HeartbeatSecondsPath"),
    }
    invoke(run, frame, state, token)


def invoke(run: StepRun, frame: Frame, state: TaskState, token: str | None = None) -> None:
    """One attempt: history, timers for TimeoutSeconds/HeartbeatSeconds, the InvokeTask command."""
    resource = parse_resource(state.resource)
    token = token or run.new_token()
    saved = frame.task_request
    assert saved is not None
    parameters, timeout, heartbeat = saved["parameters"], saved["timeout"], saved["heartbeat"]
    if timeout is None and resource.pattern == "callback":
        timeout = run.snapshot.info.callback_timeout_seconds
    frame.token = token
    frame.phase = FramePhase.BLOCKED
    run.snapshot.tasks[token] = PendingTask(
        frame_id=frame.id, state_name=frame.state_name, resource=state.resource, heartbeat_seconds=heartbeat,
        scheduled_ms=run.now_ms, timeout_seconds=timeout,
    )
    run.record(frame, f"{resource.history_prefix}Scheduled", _scheduled_details(run, resource, parameters,
                                                                                 timeout, heartbeat))
    run.record(frame, f"{resource.history_prefix}Started", _resource_details(resource) or None)
    if timeout is not None:
        run.schedule_timer(frame, "task-timeout", run.now_ms + timeout * 1000, token)
    if heartbeat is not None:
        run.snapshot.tasks[token].heartbeat_timer = run.schedule_timer(
            frame, "heartbeat", run.now_ms + heartbeat * 1000, token
        )
    run.commands.append(
        InvokeTask(
            token=token, resource=state.resource, parameters=parameters, pattern=resource.pattern,
            state_name=frame.state_name, frame_id=frame.id, attempt=frame.retry_total,
            timeout_seconds=timeout, heartbeat_seconds=heartbeat, credentials=state.credentials,
        )
    )


def _region(run: StepRun) -> str:
    parts = run.snapshot.info.execution_arn.split(":")
    return parts[3] if len(parts) > 3 else ""


def _resource_details(resource: TaskResource) -> dict[str, Any]:
    if resource.kind == "service":
        return {"resourceType": resource.service, "resource": resource.action}
    return {}


def _scheduled_details(
    run: StepRun, resource: TaskResource, parameters: Any, timeout: int | None, heartbeat: int | None
) -> dict[str, Any]:
    if resource.kind == "service":
        details: dict[str, Any] = {**_resource_details(resource), "region": _region(run),
                                   "parameters": to_json_text(parameters)}
    else:
        details = {"resource": resource.arn, "input": to_json_text(parameters),
                   "inputDetails": {"truncated": False}}
    if timeout is not None:
        details["timeoutInSeconds"] = timeout
    if heartbeat is not None and resource.kind != "lambda-function":
        details["heartbeatInSeconds"] = heartbeat
    return details


def task_succeeded(run: StepRun, frame: Frame, state: TaskState, output: Any) -> None:
    """The answer came: record it, then ResultSelector, ResultPath, OutputPath."""
    resource = parse_resource(state.resource)
    run.record(frame, f"{resource.history_prefix}Succeeded",
               {**_resource_details(resource), "output": to_json_text(output),
                "outputDetails": {"truncated": False}})
    _forget_task(run, frame)
    finish_with_result(run, frame, state, output)


def task_failed(run: StepRun, frame: Frame, state: TaskState, failure: Failure, timed_out: bool = False) -> None:
    """The task failed or timed out: record it, then Retry and Catch decide."""
    resource = parse_resource(state.resource)
    kind = "TimedOut" if timed_out else "Failed"
    details = {**_resource_details(resource)}
    if failure.error is not None:
        details["error"] = failure.error
    if failure.cause is not None:
        details["cause"] = failure.cause
    run.record(frame, f"{resource.history_prefix}{kind}", details)
    _forget_task(run, frame)
    run.fail_state(frame, failure)


def _forget_task(run: StepRun, frame: Frame) -> None:
    if frame.token is not None:
        run.snapshot.tasks.pop(frame.token, None)
    frame.token = None
    run.cancel_timers(frame)
