"""Workflow failures as values: they flow through Retry and Catch, never raised past the core."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Failure:
    """An error name and cause, as Step Functions reports them."""

    error: str | None
    cause: str | None = None

    def to_error_output(self) -> dict[str, Any]:
        """The `{"Error", "Cause"}` document a Catch hands to its next state (built only here)."""
        doc: dict[str, Any] = {}
        if self.error is not None:
            doc["Error"] = self.error
        if self.cause is not None:
            doc["Cause"] = self.cause
        return doc


class FailureRaised(Exception):
    """Carries a Failure out of deep data-flow code up to the state that handles it.

    It never leaves the core: `advance` turns it back into a value at the state boundary.
    """

    def __init__(self, failure: Failure) -> None:
        self.failure = failure
        super().__init__(failure.error or "")


def fail(error: str, cause: str | None = None) -> FailureRaised:
    """Build the exception that carries a workflow failure out of data-flow code."""
    return FailureRaised(Failure(error, cause))
