"""A path inside a Choice rule (`Variable` or a `...Path` operand), read against the state's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudflow.core.dataflow.jsonpath import PathNotFoundError
from cloudflow.core.dataflow.path_value import SourcedPath, compile_sourced_path
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import fail


@dataclass(frozen=True, slots=True)
class RulePath:
    """`$...` reads the effective input, `$$...` the Context object, `$name...` a variable."""

    text: str
    path: SourcedPath

    @classmethod
    def compile(cls, text: str) -> RulePath:
        """Compile once; raises JsonPathSyntaxError for text that is not a path."""
        return cls(text, compile_sourced_path(text))

    def read(self, scope: Scope) -> Any:
        """The value at the path; a missing value fails the state with States.Runtime, as in AWS."""
        try:
            return self.path.find(scope)
        except PathNotFoundError:
            raise fail(StatesError.RUNTIME, self.missing_cause()) from None

    def exists(self, scope: Scope) -> bool:
        """Whether the path selects something (IsPresent, the one operator a missing path may meet)."""
        return self.path.exists(scope)

    def missing_cause(self) -> str:
        """The detail AWS gives when a rule's path selects nothing (the engine adds the state prefix)."""
        return f"Invalid path '{self.text}': The choice state's condition path references an invalid value."
