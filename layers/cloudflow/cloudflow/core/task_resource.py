"""What a Task's Resource ARN says: which kind of integration, which action, which pattern."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class TaskResource:
    """A parsed Resource: `kind` is lambda-function, activity or service; `pattern` how to wait."""

    arn: str
    kind: str
    service: str
    action: str
    pattern: str  # request-response | sync | callback

    @property
    def history_prefix(self) -> str:
        """Event type prefix: LambdaFunction, Activity or Task."""
        return {"lambda-function": "LambdaFunction", "activity": "Activity"}.get(self.kind, "Task")


@lru_cache(maxsize=1024)
def parse_resource(arn: str) -> TaskResource:
    """Parse `arn:aws:states:::svc:action[.sync|.sync:2|.waitForTaskToken]`, Lambda or activity ARNs."""
    parts = arn.split(":")
    if len(parts) >= 7 and parts[2] == "lambda" and parts[5] == "function":
        return TaskResource(arn, "lambda-function", "lambda", "invoke", "request-response")
    if len(parts) >= 7 and parts[2] == "states" and parts[5] == "activity":
        return TaskResource(arn, "activity", "states", "activity", "callback")
    service = parts[5] if len(parts) > 5 else ""
    action = ":".join(parts[6:]) if len(parts) > 6 else ""
    pattern = "request-response"
    if action.endswith(".waitForTaskToken"):
        pattern = "callback"
    elif ".sync" in action:
        pattern = "sync"
    return TaskResource(arn, "service", service, action, pattern)
