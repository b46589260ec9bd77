"""Whether an ErrorEquals list matches an error name (shared by Retry and Catch)."""

from __future__ import annotations

from collections.abc import Iterable

from cloudflow.core.error_names import UNCATCHABLE_BY_WILDCARD, StatesError


def error_matches(error_equals: Iterable[str], error: str | None) -> bool:
    """ASL matching: exact names, `States.ALL` (not Runtime/DataLimitExceeded), `States.TaskFailed`.

    `States.TaskFailed` matches every error but `States.Timeout` (ASL spec, "Errors").
    """
    for name in error_equals:
        if name == error:
            return True
        if error in UNCATCHABLE_BY_WILDCARD:
            continue
        if name == StatesError.ALL:
            return True
        if name == StatesError.TASK_FAILED and error != StatesError.TIMEOUT:
            return True
    return False
