"""Workflow variables (ASL `Assign`): the size limits Step Functions puts on assigned data.

One Assign block may store at most 256 KiB, and the variables of an execution at most 10 MiB. A scope
(below) holds what one branch of the execution can see, so the 10 MiB are counted per scope: a Parallel
branch counts its outer variables and its own, not its siblings'.

Scopes live on frames (`Frame.variables`): a Parallel branch or Map iteration starts with a copy
of its parent's variables, so it reads the outer ones and what it assigns stays inside it.
"""

from __future__ import annotations

from typing import Any

from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import fail

MAX_ASSIGNED_BYTES = 256 * 1024
"""Step Functions' limit on the values one Assign block stores (its serialised JSON)."""

MAX_STORED_BYTES = 10 * 1024 * 1024
"""Step Functions' limit on the variables an execution stores."""


def check_assigned_size(values: dict[str, Any], visible: dict[str, Any]) -> None:
    """Fail the state with States.Runtime when an Assign block stores more than a limit allows;
    `visible` holds the variables in scope before the assignment."""
    size = _size(values)
    if size > MAX_ASSIGNED_BYTES:
        raise fail(StatesError.RUNTIME,
                   f"The assigned variables are {size} bytes, more than the {MAX_ASSIGNED_BYTES} bytes one "
                   "state may assign.")
    stored = _size({**visible, **values})
    if stored > MAX_STORED_BYTES:
        raise fail(StatesError.RUNTIME,
                   f"The stored variables would be {stored} bytes, more than the {MAX_STORED_BYTES} bytes an "
                   "execution may store.")


def _size(values: dict[str, Any]) -> int:
    return sum(len(name.encode()) + len(to_json_text(value).encode()) for name, value in values.items())
