"""Problems found while converting a CloudFlow definition, each pointing into the ORIGINAL document.

The codes of `cloudflow.asl.validation.codes` are reused where one fits (a missing field, an unknown
transition target, a duplicate name); the two below say what ASL validation has no word for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.report import child_pointer
from cloudflow.errors import Diagnostic

# The definition uses something CloudFlow's ASL runtime cannot express (an OSS item reader, a service
# action without an ASL integration, a built-in function without an intrinsic counterpart, ...).
NO_ASL_COUNTERPART = "NO_ASL_COUNTERPART"
# An expression (`$Input.x`, a condition, a built-in function call) that does not parse or that refers
# to something that does not exist where it is used.
INVALID_EXPRESSION = "INVALID_EXPRESSION"

SCHEMA_VALIDATION_FAILED = codes.SCHEMA_VALIDATION_FAILED
MISSING_TRANSITION_TARGET = codes.MISSING_TRANSITION_TARGET
DUPLICATE_STATE_NAME = codes.DUPLICATE_STATE_NAME

__all__ = [
    "DUPLICATE_STATE_NAME",
    "INVALID_EXPRESSION",
    "MISSING_TRANSITION_TARGET",
    "NO_ASL_COUNTERPART",
    "SCHEMA_VALIDATION_FAILED",
    "Problems",
    "child_pointer",
    "converted_definition_problems",
    "field_pointer",
]


@dataclass
class Problems:
    """Collects every problem of one conversion; converters carry on after each, so all are reported."""

    found: list[Diagnostic] = field(default_factory=list)

    def add(self, code: str, pointer: str, message: str) -> None:
        """Record one problem at `pointer` (a JSON pointer into the original document)."""
        self.found.append(Diagnostic(code, message, pointer))

    def missing(self, pointer: str, what: str, name: str) -> None:
        """A required field is absent."""
        self.add(SCHEMA_VALIDATION_FAILED, pointer, f"{what} needs {name}.")

    def unsupported(self, pointer: str, message: str) -> None:
        """Something with no counterpart in CloudFlow's ASL runtime."""
        self.add(NO_ASL_COUNTERPART, pointer, message)

    def __bool__(self) -> bool:
        return bool(self.found)


def converted_definition_problems(problems: list[Diagnostic]) -> list[Diagnostic]:
    """ASL problems of a definition converted from another format, restated for the author.

    Their pointers lead into the generated ASL, which the author never wrote, so each one is kept in
    the message and the pointer becomes "" (the whole document).
    """
    return [
        Diagnostic(p.code, f"In the converted ASL definition, at {p.pointer or '/'}: {p.message}", "")
        for p in problems
    ]


def field_pointer(pointer: str, container: Any, name: str) -> str:
    """The pointer of field `name` of the object at `pointer`, or of the object when the field is absent
    (a pointer must lead to something that exists in the document)."""
    if isinstance(container, dict) and name in container:
        return child_pointer(pointer, name)
    return pointer
