"""Evaluate a parsed intrinsic call against a scope.

A call that fails fails the state with States.Runtime (the name AWS reports for intrinsic
failures, and one States.ALL does not catch). The cause names the whole call as written, as AWS
does: "The function 'States.MathAdd($.a, 1)' had the following error: Invalid arguments in
States.MathAdd". The state that runs the call adds the "An error occurred while executing the
state ..." prefix.
"""

from __future__ import annotations

from typing import Any

from cloudflow.core.dataflow.intrinsics.invocation import IntrinsicError, Invocation
from cloudflow.core.dataflow.intrinsics.registry import FUNCTIONS
from cloudflow.core.dataflow.intrinsics.syntax import (
    Argument,
    ContextPath,
    InputPath,
    IntrinsicCall,
    Literal,
    StringLiteral,
    VariablePath,
)
from cloudflow.core.dataflow.json_copy import copy_json
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.dataflow.jsonpath import JsonPath, PathNotFoundError
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import fail


def evaluate_intrinsic(call: IntrinsicCall, scope: Scope) -> Any:
    """The call's value; a runtime failure raises FailureRaised(States.Runtime, AWS's cause)."""
    try:
        result = _evaluate_call(call, scope)
    except IntrinsicError as error:
        raise fail(
            StatesError.RUNTIME, f"The function '{call.text}' had the following error: {error.detail}"
        ) from None
    return copy_json(result)


def _evaluate_call(call: IntrinsicCall, scope: Scope) -> Any:
    args = [_evaluate_argument(arg, scope) for arg in call.args]
    return FUNCTIONS[call.name](Invocation(call, args, scope))


def _evaluate_argument(arg: Argument, scope: Scope) -> Any:
    if isinstance(arg, Literal | StringLiteral):
        return arg.value
    if isinstance(arg, IntrinsicCall):
        return _evaluate_call(arg, scope)
    if isinstance(arg, InputPath):
        return _find(arg.text, arg.path, scope.input, scope)
    if isinstance(arg, ContextPath):
        return _find(arg.text, arg.path, scope.context, scope)
    return _find(arg.text, arg.path, _variable(arg, scope), scope)


def _variable(arg: VariablePath, scope: Scope) -> Any:
    if arg.name not in scope.variables:
        raise _not_found(arg.text, scope)
    return scope.variables[arg.name]


def _find(text: str, path: JsonPath, data: Any, scope: Scope) -> Any:
    try:
        return path.find(data)
    except PathNotFoundError:
        raise _not_found(text, scope) from None


def _not_found(text: str, scope: Scope) -> IntrinsicError:
    return IntrinsicError(
        f"The JsonPath argument for the field '{text}' could not be found in the input "
        f"'{to_json_text(scope.input)}'"
    )
