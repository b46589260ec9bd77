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
