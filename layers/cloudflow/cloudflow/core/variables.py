"""Workflow variables (ASL `Assign`): the size limit Step Functions puts on what one state assigns.

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


def check_assigned_size(values: dict[str, Any]) -> None:
    """Fail the state with States.Runtime when an Assign block stores more than the limit."""
    size = sum(len(name.encode()) + len(to_json_text(value).encode()) for name, value in values.items())
    if size > MAX_ASSIGNED_BYTES:
        raise fail(StatesError.RUNTIME,
                   f"The assigned variables are {size} bytes, more than the {MAX_ASSIGNED_BYTES} bytes one "
                   "state may assign.")
