"""Where checks put what they find, and the JSON pointers (RFC 6901) that say where it is."""

from __future__ import annotations

from dataclasses import dataclass, field

from cloudflow.errors import Diagnostic


def child_pointer(pointer: str, *parts: str | int) -> str:
    """`pointer` extended by `parts`, each escaped as RFC 6901 says (`~` as `~0`, `/` as `~1`)."""
    for part in parts:
        pointer += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return pointer


@dataclass
class Report:
    """The diagnostics found so far: checks add to it and carry on, so every problem is listed."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, code: str, pointer: str, message: str) -> None:
        """Record one problem."""
        self.diagnostics.append(Diagnostic(code, message, pointer))
