"""The Context object (`$$`) of a running state, built as Step Functions shapes it."""

from __future__ import annotations

from typing import Any

from cloudflow.core.snapshot import ExecutionInfo, Frame
from cloudflow.core.timestamps import iso_from_ms


def build_context(
    info: ExecutionInfo, frame: Frame, state_name: str, token: str | None = None, retry_count: int | None = None
) -> dict[str, Any]:
    """`$$` for `state_name` running in `frame`.

    State.RetryCount only for states that can retry, Task.Token only for callback tasks, Map.Item
    only in ItemSelector: Step Functions leaves each out elsewhere.
    """
    context: dict[str, Any] = {
        "Execution": {
            "Id": info.execution_arn,
            "Input": info.input,
            "StartTime": iso_from_ms(info.start_time_ms),
            "Name": info.name,
            "RoleArn": info.role_arn,
            "RedriveCount": info.redrive_count,
        },
        "StateMachine": {"Id": info.state_machine_arn, "Name": info.state_machine_name},
        "State": {"EnteredTime": iso_from_ms(frame.entered_time_ms), "Name": state_name},
    }
    if info.redrive_time_ms is not None:
        context["Execution"]["RedriveTime"] = iso_from_ms(info.redrive_time_ms)
    if retry_count is not None:
        context["State"]["RetryCount"] = retry_count
    if token is not None:
        context["Task"] = {"Token": token}
    return context
