"""Succeed: ends its machine (or branch, or iteration) successfully."""

from __future__ import annotations

from cloudflow.asl.model import SucceedState
from cloudflow.core.snapshot import Frame
from cloudflow.core.step_run import StepRun


def run_succeed(run: StepRun, frame: Frame, state: SucceedState) -> None:
    """InputPath -> OutputPath (JSONata: Output), then the frame ends."""
    if run.jsonata(state):
        run.leave(frame, state, frame.state_input)
        return
    run.exit_state(frame, run.state_output(frame, state, run.effective_input(frame, state)))
