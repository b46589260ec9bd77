"""Catch: which Catcher handles a failure, and the output it hands to its Next state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cloudflow.asl.model import Catcher
from cloudflow.core.dataflow.input_output import apply_result_path
from cloudflow.core.error_matching import error_matches
from cloudflow.core.failure import Failure


@dataclass(frozen=True)
class CatchOutcome:
    """Go to `next_state` with `output`."""

    next_state: str
    output: Any


def find_catcher(catchers: Sequence[Catcher], failure: Failure) -> Catcher | None:
    """The first catcher whose ErrorEquals matches the error, or None."""
    for catcher in catchers:
        if error_matches(catcher.error_equals, failure.error):
            return catcher
    return None


def catch_output(catcher: Catcher, state_input: Any, failure: Failure) -> CatchOutcome:
    """The error output placed into the state's raw input by the catcher's ResultPath.

    A ResultPath that cannot apply raises States.ResultPathMatchFailure (which the caller fails with).
    """
    output = apply_result_path(catcher.result_path, state_input, failure.to_error_output())
    return CatchOutcome(catcher.next, output)
