"""The tail every result-producing state shares: ResultSelector, ResultPath, OutputPath, exit."""

from __future__ import annotations

from typing import Any

from cloudflow.core.dataflow.input_output import apply_result_path
from cloudflow.core.dataflow.payload_template import compile_template, render
from cloudflow.core.snapshot import Frame
from cloudflow.core.step_run import StepRun


def finish_with_result(run: StepRun, frame: Frame, state: Any, result: Any) -> None:
    """Shape `result` as the state declares and leave the state with it."""

    def work() -> None:
        if run.jsonata(state):
            run.leave(frame, state, result, result=result)
            return
        shaped = result
        if getattr(state, "result_selector", None) is not None:
            template = run.compiled(state, "ResultSelector", lambda: compile_template(state.result_selector))
            shaped = render(template, run.scope(frame, result))
        merged = apply_result_path(state.result_path, frame.state_input, shaped)
        run.leave_path(frame, state, merged, shaped)

    run.guarded(frame, work)


def render_parameters(run: StepRun, frame: Frame, state: Any, data: Any, token: str | None = None) -> Any:
    """The state's Parameters rendered over `data`, or `data` itself when it has none (JSONata: its
    Arguments over `$states`, or the state input)."""
    if run.jsonata(state):
        if getattr(state, "arguments", None) is None:
            return frame.state_input
        context = run.context(frame)
        if token is not None:
            context["Task"] = {"Token": token}
        return run.field(frame, "Arguments", state.arguments, context=context)
    if state.parameters is None:
        return data
    template = run.compiled(state, "Parameters", lambda: compile_template(state.parameters))
    return render(template, run.scope(frame, data, token))
