"""Scheduler on EventBridge Scheduler: one-time `at()` schedules that delete themselves after firing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError


class EventBridgeScheduler:
    """The Scheduler port; each schedule invokes the timer function with the payload as its input."""

    def __init__(self, client: Any, group: str, target_arn: str, role_arn: str) -> None:
        self._scheduler = client
        self._group = group
        self._target = target_arn
        self._role = role_arn

    def schedule_at(self, name: str, due_ms: int, payload: str) -> None:
        # at() has one-second resolution and no zone suffix; round up so it never fires early.
        at = datetime.fromtimestamp(-(-due_ms // 1000), UTC).strftime("%Y-%m-%dT%H:%M:%S")
        try:
            self._scheduler.create_schedule(
                Name=name, GroupName=self._group, ScheduleExpression=f"at({at})",
                ScheduleExpressionTimezone="UTC", FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                Target={"Arn": self._target, "RoleArn": self._role, "Input": payload,
                        "RetryPolicy": {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": 86400}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConflictException":
                raise  # ConflictException: this wake-up is already scheduled (a re-dispatch)

    def delete(self, name: str) -> None:
        try:
            self._scheduler.delete_schedule(Name=name, GroupName=self._group)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
