"""Fail: ends the frame with an error and cause (static, or read through ErrorPath/CausePath)."""

from __future__ import annotations

from typing import Any

from cloudflow.asl.model import FailState
from cloudflow.core.dataflow.intrinsics import evaluate_intrinsic, parse_intrinsic
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.dataflow.jsonpath import PathNotFoundError
from cloudflow.core.dataflow.path_value import read_path
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import Failure, fail
from cloudflow.core.snapshot import Frame
from cloudflow.core.step_run import StepRun


def _read(run: StepRun, frame: Frame, field: str, expression: str) -> Any:
    """ErrorPath/CausePath take a path or an intrinsic function call."""
    scope = run.scope(frame, frame.state_input)
    if not expression.startswith("$"):
        return evaluate_intrinsic(parse_intrinsic(expression), scope)
    try:
        return read_path(expression, scope)
    except PathNotFoundError:
        raise fail(
            StatesError.RUNTIME,
            f"The JSONPath '{expression}' specified for the field '{field}' could not be found "
            f"in the input '{to_json_text(frame.state_input)}'",
        ) from None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else to_json_text(value)


def run_fail(run: StepRun, frame: Frame, state: FailState) -> None:
    """The frame fails; Fail has no Retry or Catch of its own."""
    if run.jsonata(state):
        error = None if state.error is None else _text(run.field(frame, "Error", state.error))
        cause = None if state.cause is None else _text(run.field(frame, "Cause", state.cause))
        run.fail_frame(frame, Failure(error, cause))
        return
    error = state.error if state.error_path is None else _read(run, frame, "ErrorPath", state.error_path)
    cause = state.cause if state.cause_path is None else _read(run, frame, "CausePath", state.cause_path)
    run.fail_frame(frame, Failure(error, cause))
