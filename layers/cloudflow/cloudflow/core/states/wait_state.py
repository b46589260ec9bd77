"""Wait: a durable pause until a time; zero or past times continue at once."""

from __future__ import annotations

from typing import Any

from cloudflow.asl.model import WaitState
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.dataflow.jsonpath import PathNotFoundError
from cloudflow.core.dataflow.number_path import expression_number
from cloudflow.core.dataflow.path_value import read_path
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import fail
from cloudflow.core.snapshot import Frame, FramePhase
from cloudflow.core.step_run import StepRun
from cloudflow.core.timestamps import ms_from_iso


def _seconds_from_path(run: StepRun, frame: Frame, path: str, data: Any) -> int:
    try:
        value = read_path(path, run.scope(frame, data))
    except PathNotFoundError:
        raise fail(StatesError.RUNTIME,
                   f"The SecondsPath parameter does not reference an input value: {path}") from None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise fail(StatesError.RUNTIME,
                   f"The SecondsPath parameter cannot be parsed as a long value: {path} == {value}")
    if value < 0:
        raise fail(StatesError.RUNTIME,
                   f"The SecondsPath parameter references a negative value: {path} == {int(value)}")
    return int(value)


def _timestamp_from_path(run: StepRun, frame: Frame, path: str, data: Any) -> int:
    try:
        value = read_path(path, run.scope(frame, data))
    except PathNotFoundError:
        value = None
    due = ms_from_iso(value) if isinstance(value, str) else None
    if due is None:
        raise fail(
            StatesError.RUNTIME,
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time "
            f"format string: {path} == {value}",
        )
    return due


def _jsonata_due_ms(run: StepRun, frame: Frame, state: WaitState) -> int:
    if state.seconds is not None:
        seconds: int = expression_number(run.field(frame, "Seconds", state.seconds), "Seconds", "non-negative integer")
        return run.now_ms + seconds * 1000
    value = run.field(frame, "Timestamp", state.timestamp)
    due = ms_from_iso(value) if isinstance(value, str) else None
    if due is None:
        shown = value if isinstance(value, str) else to_json_text(value)
        raise fail(StatesError.QUERY_EVALUATION_ERROR,
                   f"The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: "
                   f"{shown}")
    return due


def due_time_ms(run: StepRun, frame: Frame, state: WaitState, data: Any) -> int:
    """When the wait ends, from Seconds, SecondsPath, Timestamp or TimestampPath (or their JSONata)."""
    if run.jsonata(state):
        return _jsonata_due_ms(run, frame, state)
    if isinstance(state.seconds, int):
        return run.now_ms + state.seconds * 1000
    if state.seconds_path is not None:
        return run.now_ms + _seconds_from_path(run, frame, state.seconds_path, data) * 1000
    if state.timestamp is not None:
        due = ms_from_iso(state.timestamp)
        assert due is not None  # validation accepted it
        return due
    assert state.timestamp_path is not None
    return _timestamp_from_path(run, frame, state.timestamp_path, data)


def run_wait(run: StepRun, frame: Frame, state: WaitState) -> None:
    """Park the frame behind a timer, or pass straight through when the time has come."""
    effective = frame.state_input if run.jsonata(state) else run.effective_input(frame, state)
    due = due_time_ms(run, frame, state, effective)
    frame.effective_input = effective
    if due <= run.now_ms:
        finish_wait(run, frame, state)
        return
    frame.phase = FramePhase.BLOCKED
    run.schedule_timer(frame, "wait", due)


def finish_wait(run: StepRun, frame: Frame, state: WaitState) -> None:
    """The wait is over: OutputPath over the effective input (JSONata: Output), then on."""
    if run.jsonata(state):
        run.leave(frame, state, frame.state_input)
        return
    run.leave_path(frame, state, frame.effective_input, frame.effective_input)
