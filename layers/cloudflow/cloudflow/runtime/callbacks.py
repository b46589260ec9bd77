"""SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat by token, with Step Functions' errors.

The callback only checks the token and queues the answer in the unit's step group; the step
applies it. A second answer for the same token finds the task gone: TaskTimedOut, as Step
Functions answers ("Provided task does not exist anymore").
"""

from __future__ import annotations

from typing import Any

from cloudflow.core.events import TaskFailed, TaskHeartbeat, TaskSucceeded
from cloudflow.core.snapshot import ExecutionStatus
from cloudflow.errors import TaskDoesNotExistError, TaskTimedOutError
from cloudflow.runtime.codec import event_to_dict
from cloudflow.runtime.messages import WorkMessage
from cloudflow.runtime.outgoing import send
from cloudflow.runtime.runtime import Runtime
from cloudflow.runtime.tokens import TaskTokenParts, decode_token


def _pending(rt: Runtime, token: object) -> TaskTokenParts:
    parts = decode_token(token)
    record = rt.store.get_unit(parts.execution_id, parts.unit)
    if record is None:
        raise TaskDoesNotExistError("Task Does Not Exist: no execution issued this task token.")
    if record.status == ExecutionStatus.RUNNING:
        snapshot = rt.codec.decode_snapshot(record.snapshot)
        if parts.token in snapshot.tasks:
            return parts
    raise TaskTimedOutError("Task Timed Out: 'Provided task does not exist anymore'")


def _queue(rt: Runtime, parts: TaskTokenParts, key: str, event: Any) -> None:
    send(rt, [WorkMessage(execution_id=parts.execution_id, unit=parts.unit, kind="event", key=key,
                          event=event_to_dict(event))])


def send_task_success(rt: Runtime, token: object, output: Any) -> None:
    """The task behind `token` succeeded with `output` (a JSON value)."""
    parts = _pending(rt, token)
    _queue(rt, parts, f"answer:{parts.token}", TaskSucceeded(parts.token, output))


def send_task_failure(rt: Runtime, token: object, error: str | None, cause: str | None) -> None:
    """The task behind `token` failed."""
    parts = _pending(rt, token)
    _queue(rt, parts, f"answer:{parts.token}", TaskFailed(parts.token, error, cause))


def send_task_heartbeat(rt: Runtime, token: object) -> None:
    """The worker on the task behind `token` is alive: its HeartbeatSeconds clock restarts."""
    parts = _pending(rt, token)
    _queue(rt, parts, f"heartbeat:{parts.token}:{rt.clock.now_ms()}", TaskHeartbeat(parts.token))
