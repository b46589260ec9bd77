"""Payload templates (Parameters, ResultSelector, ItemSelector, BatchInput) compiled once.

A key ending in `.$` takes its value from a path (`$...`), the Context object (`$$...`), a variable
(`$name...`) or an
intrinsic function call (`States.X(...)`); every other value is copied as is. A path that finds
nothing fails the state with States.Runtime, as Step Functions does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cloudflow.core.dataflow.intrinsics import IntrinsicCall, evaluate_intrinsic, parse_intrinsic
from cloudflow.core.dataflow.json_copy import copy_json
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.dataflow.jsonpath import PathNotFoundError
from cloudflow.core.dataflow.path_value import SourcedPath, compile_sourced_path
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import fail


@dataclass(frozen=True)
class Constant:
    value: Any


@dataclass(frozen=True)
class PathRef:
    field: str
    path: SourcedPath


@dataclass(frozen=True)
class IntrinsicRef:
    call: IntrinsicCall


@dataclass(frozen=True)
class ObjectTemplate:
    fields: tuple[tuple[str, Template], ...]


@dataclass(frozen=True)
class ArrayTemplate:
    items: tuple[Template, ...]


Template = Constant | PathRef | IntrinsicRef | ObjectTemplate | ArrayTemplate


def compile_template(raw: Any) -> Template:
    """Compile a raw payload template; constant sub-trees collapse into one Constant."""
    if isinstance(raw, dict):
        fields: list[tuple[str, Template]] = []
        for key, value in raw.items():
            if key.endswith(".$") and isinstance(value, str):
                fields.append((key[:-2], _compile_dynamic(key, value)))
            else:
                fields.append((key, compile_template(value)))
        if all(isinstance(t, Constant) for _, t in fields):
            return Constant(raw)
        return ObjectTemplate(tuple(fields))
    if isinstance(raw, list):
        items = tuple(compile_template(v) for v in raw)
        if all(isinstance(t, Constant) for t in items):
            return Constant(raw)
        return ArrayTemplate(items)
    return Constant(raw)


def _compile_dynamic(field: str, text: str) -> Template:
    if text.startswith("$"):
        return PathRef(field, compile_sourced_path(text))
    return IntrinsicRef(parse_intrinsic(text))


def render(template: Template, scope: Scope) -> Any:
    """Evaluate a compiled template against the scope."""
    if isinstance(template, Constant):
        return copy_json(template.value)
    if isinstance(template, PathRef):
        try:
            return copy_json(template.path.find(scope))
        except PathNotFoundError:
            raise fail(
                StatesError.RUNTIME,
                f"The JSONPath '{template.path.text}' specified for the field '{template.field}' "
                f"could not be found in the input '{to_json_text(scope.input)}'",
            ) from None
    if isinstance(template, IntrinsicRef):
        return evaluate_intrinsic(template.call, scope)
    if isinstance(template, ObjectTemplate):
        return {key: render(value, scope) for key, value in template.fields}
    return [render(item, scope) for item in template.items]
