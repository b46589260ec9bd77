"""Pass: passes its input (or Result, or Parameters) to its output."""

from __future__ import annotations

from cloudflow.asl.model import PassState
from cloudflow.core.dataflow.input_output import apply_result_path
from cloudflow.core.dataflow.json_copy import copy_json
from cloudflow.core.snapshot import Frame
from cloudflow.core.states.results import render_parameters
from cloudflow.core.step_run import StepRun


def run_pass(run: StepRun, frame: Frame, state: PassState) -> None:
    """InputPath -> Parameters -> Result -> ResultPath -> OutputPath (JSONata: Output), in one step."""
    if run.jsonata(state):
        run.leave(frame, state, frame.state_input)
        return
    effective = render_parameters(run, frame, state, run.effective_input(frame, state))
    result = copy_json(state.result) if state.has_result else effective
    merged = apply_result_path(state.result_path, frame.state_input, result)
    run.leave_path(frame, state, merged, result)
