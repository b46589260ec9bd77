"""The parsed form of an intrinsic function call: literals, paths and nested calls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudflow.core.dataflow.jsonpath import JsonPath


class IntrinsicSyntaxError(ValueError):
    """The text is not an intrinsic function call Step Functions would accept in a definition."""


@dataclass(frozen=True, slots=True)
class Literal:
    """A number, `true`, `false` or `null` written in the call."""

    value: Any


@dataclass(frozen=True, slots=True)
class StringLiteral:
    """A quoted string with its escapes resolved.

    `format_pieces` is the text split at its unescaped `{}` pairs, so States.Format can tell an
    escaped `\\{` from a placeholder; it is None when an unescaped brace has no partner.
    """

    value: str
    format_pieces: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class InputPath:
    """`$...`: a path into the state's input."""

    text: str
    path: JsonPath


@dataclass(frozen=True, slots=True)
class ContextPath:
    """`$$...`: a path into the Context object (`path` is the text with one `$` dropped)."""

    text: str
    path: JsonPath


@dataclass(frozen=True, slots=True)
class VariablePath:
    """`$name...`: a path into a workflow variable (`path` is applied to the variable's value)."""

    text: str
    name: str
    path: JsonPath


@dataclass(frozen=True, slots=True)
class IntrinsicCall:
    """`States.Name(arg, ...)`; `text` is the call as written, quoted in failure causes."""

    name: str
    args: tuple[Argument, ...]
    text: str


Argument = Literal | StringLiteral | InputPath | ContextPath | VariablePath | IntrinsicCall
