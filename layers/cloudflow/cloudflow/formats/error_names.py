"""CloudFlow error names in Retry and Catch -> ASL ErrorEquals."""

from __future__ import annotations

from collections.abc import Iterable

from cloudflow.formats.asl_syntax import intrinsic_string

STATES_ALL = "States.ALL"

# FnF.ALL matches every error, as States.ALL does (neither catches a runtime's own internal errors:
# ASL's States.ALL leaves States.Runtime and States.DataLimitExceeded alone).
ERROR_NAMES = {"FnF.ALL": STATES_ALL, "FnF.Timeout": "States.Timeout"}


def error_equals(names: Iterable[str]) -> list[str]:
    """ErrorEquals for CloudFlow error names; States.ALL stands alone, as ASL requires."""
    mapped = list(dict.fromkeys(ERROR_NAMES.get(name, name) for name in names))
    return [STATES_ALL] if STATES_ALL in mapped else mapped


def catches_all(names: Iterable[str]) -> bool:
    """Whether a rule with these error names matches every error."""
    return STATES_ALL in error_equals(names)


def completed_error(path: str) -> str:
    """An intrinsic giving the ASL error output at `path` with both fields, null when absent.

    An error raised without a cause has no Cause field, and reading a missing field fails the state
    (States.Runtime); CloudFlow's error detail is then simply empty.
    """
    defaults = intrinsic_string('{"Error":null,"Cause":null}')
    return f"States.JsonMerge(States.StringToJson({defaults}), {path}, false)"
