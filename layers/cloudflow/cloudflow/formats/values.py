"""CloudFlow values and constructors -> ASL payload templates (`key.$` paths and intrinsic calls).

What a reference such as `$Input.x` or `$Output.Body.id` becomes depends on where it is used, so every
translation takes a `resolve` function from the caller: Reference -> ASL path, or CannotTranslate.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cloudflow.formats.asl_syntax import intrinsic_scalar, intrinsic_string
from cloudflow.formats.diagnostics import INVALID_EXPRESSION, NO_ASL_COUNTERPART, Problems, child_pointer
from cloudflow.formats.expressions import (
    ArrayLiteral,
    Binary,
    Call,
    Expression,
    ExpressionSyntaxError,
    Literal,
    ObjectLiteral,
    Reference,
    Unary,
    parse_expression,
    references_in,
)
from cloudflow.formats.functions import INTRINSICS
from cloudflow.formats.lengths import literal_length


class CannotTranslate(Exception):
    """A part of an expression with no ASL counterpart here; `code` and message become a diagnostic."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


Resolve = Callable[[Reference], str]
"""Where a reference points in ASL (`$.x`, `$$.Execution.Input`); raises CannotTranslate."""


@dataclass(frozen=True)
class Dynamic:
    """A path or intrinsic call, written under a `key.$` field."""

    text: str


@dataclass(frozen=True)
class Constant:
    """A value known now, written under the plain key."""

    value: Any


def expression_key(key: str) -> str | None:
    """The field name of a `name.$` key, or None for a plain key."""
    return key[:-2] if key.endswith(".$") else None


def translate_value(expression: Expression, resolve: Resolve) -> Dynamic | Constant:
    """An expression used as a value (a constructor field, a parameter, ItemsPath)."""
    if isinstance(expression, Reference):
        return Dynamic(resolve(expression))
    if isinstance(expression, Literal):
        return Constant(expression.value)
    if isinstance(expression, ArrayLiteral | ObjectLiteral) and not references_in(expression) \
            and not _has_calls(expression):
        return Constant(_constant(expression))
    if isinstance(expression, Call) and (length := literal_length(expression)) is not None:
        return Constant(length)  # States.ArrayLength would fail on a map or string literal
    if isinstance(expression, ArrayLiteral | Call):
        return Dynamic(_intrinsic_argument(expression, resolve))
    if isinstance(expression, ObjectLiteral):
        raise CannotTranslate(NO_ASL_COUNTERPART, "an object literal that reads references or calls functions "
                                                  "cannot be built by an ASL intrinsic function")
    raise CannotTranslate(NO_ASL_COUNTERPART, "operators (==, &&, !, -, ...) are only translated in Choice "
                                              "conditions; ASL computes no such value elsewhere")


def translate_template(template: Any, resolve: Resolve, pointer: str, problems: Problems) -> Any:
    """A CloudFlow constructor or parameter block -> an ASL payload template, reporting every problem."""
    if isinstance(template, dict):
        result: dict[str, Any] = {}
        for key, value in template.items():
            here = child_pointer(pointer, key)
            name = expression_key(key)
            if name is None:
                result[key] = translate_template(value, resolve, here, problems)
                continue
            if not isinstance(value, str):
                problems.add(INVALID_EXPRESSION, here, f"{key} ends in .$, so its value must be an expression "
                                                       f"string, not {json.dumps(value)}.")
                continue
            translated = translate_expression_text(value, resolve, here, problems)
            if isinstance(translated, Dynamic):
                result[key] = translated.text
            elif isinstance(translated, Constant):
                result[name] = translated.value
        return result
    if isinstance(template, list):
        return [translate_template(item, resolve, child_pointer(pointer, i), problems)
                for i, item in enumerate(template)]
    return template


def translate_expression_text(text: str, resolve: Resolve, pointer: str,
                              problems: Problems) -> Dynamic | Constant | None:
    """Parse and translate one expression string; None (with a diagnostic) when it cannot be."""
    try:
        return translate_value(parse_expression(text), resolve)
    except ExpressionSyntaxError as exc:
        problems.add(INVALID_EXPRESSION, pointer, f"Not a CloudFlow expression: {exc}.")
    except CannotTranslate as exc:
        problems.add(exc.code, pointer, f"{exc.message} (in {text!r}).")
    return None


def template_references(template: Any) -> list[Reference]:
    """Every reference the `.$` fields of a template read (unparsable ones are reported elsewhere)."""
    found: list[Reference] = []
    if isinstance(template, dict):
        for key, value in template.items():
            if expression_key(key) is not None and isinstance(value, str):
                with contextlib.suppress(ExpressionSyntaxError):  # reported when the template is translated
                    found += references_in(parse_expression(value))
            else:
                found += template_references(value)
    elif isinstance(template, list):
        for item in template:
            found += template_references(item)
    return found


def _intrinsic_argument(expression: Expression, resolve: Resolve, *, placeholders: bool = False) -> str:
    if isinstance(expression, Reference):
        return resolve(expression)
    if isinstance(expression, Literal):
        if isinstance(expression.value, str):
            return intrinsic_string(expression.value, placeholders=placeholders)
        return intrinsic_scalar(expression.value)
    if isinstance(expression, ArrayLiteral):
        return "States.Array(" + ", ".join(_intrinsic_argument(i, resolve) for i in expression.items) + ")"
    if isinstance(expression, ObjectLiteral):
        if references_in(expression) or _has_calls(expression):
            raise CannotTranslate(NO_ASL_COUNTERPART, "an object literal with references or calls cannot be an "
                                                      "argument of an ASL intrinsic function")
        # Intrinsics take no object literals; parsing its JSON text builds the same object.
        text = json.dumps(_constant(expression), separators=(",", ":"), ensure_ascii=False)
        return f"States.StringToJson({intrinsic_string(text)})"
    if isinstance(expression, Call):
        length = literal_length(expression)
        return intrinsic_scalar(length) if length is not None else _call(expression, resolve)
    raise CannotTranslate(NO_ASL_COUNTERPART, "operators cannot be arguments of ASL intrinsic functions")


def _call(call: Call, resolve: Resolve) -> str:
    intrinsic = INTRINSICS.get(call.name)
    if intrinsic is None:
        raise CannotTranslate(NO_ASL_COUNTERPART, f"built-in function {call.name}() has no counterpart among "
                                                  "the ASL intrinsic functions")
    count = len(call.arguments)
    if count < intrinsic.min_arguments or (intrinsic.max_arguments is not None and count > intrinsic.max_arguments):
        expected = (str(intrinsic.min_arguments) if intrinsic.min_arguments == intrinsic.max_arguments
                    else f"at least {intrinsic.min_arguments}")
        raise CannotTranslate(INVALID_EXPRESSION, f"{call.name}() takes {expected} argument(s), not {count}")
    arguments = [_intrinsic_argument(argument, resolve, placeholders=intrinsic.name == "States.Format" and i == 0)
                 for i, argument in enumerate(call.arguments)]
    return f"{intrinsic.name}({', '.join([*arguments, *intrinsic.trailing])})"


def _has_calls(expression: Expression) -> bool:
    if isinstance(expression, Call):
        return True
    if isinstance(expression, ArrayLiteral):
        return any(_has_calls(item) for item in expression.items)
    if isinstance(expression, ObjectLiteral):
        return any(_has_calls(value) for _, value in expression.fields)
    return isinstance(expression, Unary | Binary)


def _constant(expression: Expression) -> Any:
    if isinstance(expression, Literal):
        return expression.value
    if isinstance(expression, ArrayLiteral):
        return [_constant(item) for item in expression.items]
    if isinstance(expression, ObjectLiteral):
        return {key: _constant(value) for key, value in expression.fields}
    raise CannotTranslate(INVALID_EXPRESSION, "not a constant")
