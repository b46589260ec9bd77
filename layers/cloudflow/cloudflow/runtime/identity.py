"""Execution ids and ARNs: an execution is `<flow>:<name>`, as the tail of its Step Functions ARN."""

from __future__ import annotations

import re

from cloudflow.errors import InvalidInputError
from cloudflow.runtime.runtime import Settings

ROOT_UNIT = "r"
_NAME = re.compile(r"^[A-Za-z0-9_\-]{1,80}$")


def check_name(field: str, value: str) -> str:
    """Flow and execution names: 1-80 letters, digits, `-` or `_` (Step Functions allows a superset)."""
    if not _NAME.match(value):
        raise InvalidInputError(field, f"{value!r} is not a valid name: use 1 to 80 letters, digits, '-' or '_'")
    return value


def execution_id(flow: str, name: str) -> str:
    """The id of execution `name` of `flow`."""
    return f"{flow}:{name}"


def execution_arn(settings: Settings, execution: str) -> str:
    """The execution's ARN."""
    return f"arn:aws:states:{settings.region}:{settings.account}:execution:{execution}"


def state_machine_arn(settings: Settings, flow: str) -> str:
    """The flow's ARN."""
    return f"arn:aws:states:{settings.region}:{settings.account}:stateMachine:{flow}"


def execution_from_arn(field: str, arn: str) -> str:
    """The execution id inside an execution ARN (or the id itself)."""
    parts = arn.split(":")
    if len(parts) == 8 and parts[:3] == ["arn", "aws", "states"] and parts[5] == "execution":
        return f"{parts[6]}:{parts[7]}"
    if len(parts) == 2 and all(_NAME.match(part) for part in parts):
        return arn
    raise InvalidInputError(
        field, f"{arn!r} is not an execution ARN (arn:aws:states:REGION:ACCOUNT:execution:FLOW:NAME)")
