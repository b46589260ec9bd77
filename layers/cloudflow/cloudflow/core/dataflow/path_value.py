"""Reading a value through a path string: `$...` from the input, `$$...` from the Context object,
`$name...` from the workflow variable `name` (ASL `Assign`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cloudflow.core.dataflow.jsonpath import JsonPath, PathNotFoundError, compile_path
from cloudflow.core.dataflow.scope import Scope

VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class SourcedPath:
    """A compiled path and what it reads: "input", "context" or a variable (`variable` names it)."""

    text: str
    source: str
    path: JsonPath
    variable: str = ""

    def root(self, scope: Scope) -> Any:
        """What the path starts from; an unknown variable is a missing value (PathNotFoundError)."""
        if self.source == "input":
            return scope.input
        if self.source == "context":
            return scope.context
        if self.variable not in scope.variables:
            raise PathNotFoundError(self.text)
        return scope.variables[self.variable]

    def find(self, scope: Scope) -> Any:
        """The value at the path; raises PathNotFoundError for a missing definite path."""
        return self.path.find(self.root(scope))

    def exists(self, scope: Scope) -> bool:
        """Whether the path selects something."""
        try:
            root = self.root(scope)
        except PathNotFoundError:
            return False
        return self.path.exists(root)


def compile_sourced_path(text: str) -> SourcedPath:
    """Compile `$...`, `$$...` or `$name...`; raises JsonPathSyntaxError for anything else."""
    if text.startswith("$$"):
        return SourcedPath(text, "context", compile_path("$" + text[2:]))
    variable = VARIABLE_NAME.match(text, 1) if text.startswith("$") else None
    if variable is not None:
        return SourcedPath(text, "variable", compile_path("$" + text[variable.end():]), variable.group(0))
    return SourcedPath(text, "input", compile_path(text))


def read_path(text: str, scope: Scope) -> Any:
    """The value at `text`; raises PathNotFoundError for a missing definite path."""
    return compile_sourced_path(text).find(scope)
