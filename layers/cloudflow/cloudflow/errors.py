"""Host exceptions: problems of the caller or of CloudFlow itself, never workflow failures.

Standard library only, so every layer can import it. Workflow failures are values
(`cloudflow.core.failure.Failure`) that flow through Retry and Catch instead.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a definition, located by a JSON pointer."""

    code: str
    message: str
    pointer: str

    def to_dict(self) -> dict[str, str]:
        """The diagnostic as a JSON-ready dict."""
        return {"code": self.code, "message": self.message, "pointer": self.pointer}

    def __str__(self) -> str:
        return f"{self.pointer or '/'}: {self.message} [{self.code}]"


class CloudFlowError(Exception):
    """Base of every host exception CloudFlow raises on purpose."""


class InvalidDefinitionError(CloudFlowError):
    """The definition has one or more problems; all of them are in `diagnostics`."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        lines = "\n".join(f"  {d}" for d in diagnostics)
        super().__init__(f"Invalid state machine definition ({len(diagnostics)} problem(s)):\n{lines}")


class InvalidInputError(CloudFlowError):
    """An execution input, option or file given by the caller is not acceptable."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class ServiceError(CloudFlowError):
    """A request the runtime refuses, named as Step Functions names it (`code`), with an HTTP status."""

    code = "ServiceError"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """The error document a handler answers with."""
        return {"error": self.code, "message": self.message}


class ExecutionAlreadyExistsError(ServiceError):
    """A running or ended execution has this name but a different input (or the name is reused)."""

    code = "ExecutionAlreadyExists"
    status = 409


class ExecutionDoesNotExistError(ServiceError):
    """No execution has this ARN."""

    code = "ExecutionDoesNotExist"
    status = 404


class ExecutionNotRedrivableError(ServiceError):
    """The execution cannot be redriven: it succeeded, still runs, or cannot resume where it stopped."""

    code = "ExecutionNotRedrivable"


class UnitDoesNotExistError(ServiceError):
    """The execution has no unit (Parallel branch or Map iteration) with this key, or it kept no history."""

    code = "UnitDoesNotExist"
    status = 404


class StateMachineDoesNotExistError(ServiceError):
    """No flow (or flow version) has this name."""

    code = "StateMachineDoesNotExist"
    status = 404


class InvalidTokenError(ServiceError):
    """The task token is malformed."""

    code = "InvalidToken"


class TaskDoesNotExistError(ServiceError):
    """The task token names no task this runtime ever issued."""

    code = "TaskDoesNotExist"
    status = 404


class TaskTimedOutError(ServiceError):
    """The task behind the token is no longer waiting (answered, timed out, or its execution ended)."""

    code = "TaskTimedOut"


class ConflictError(CloudFlowError):
    """A conditional write lost: someone else advanced the same unit first. Re-read and retry."""
