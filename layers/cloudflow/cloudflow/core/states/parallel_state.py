"""Parallel: every branch runs on the same input in its own child frame; results keep branch order."""

from __future__ import annotations

from cloudflow.asl.model import ParallelState
from cloudflow.core.dataflow.json_text import to_json_text
from cloudflow.core.machine_index import child_pointer
from cloudflow.core.snapshot import Frame, FramePhase, Join
from cloudflow.core.states.carry_over import carried_result, resume_carried
from cloudflow.core.states.fan_out_mode import runs_inline
from cloudflow.core.states.join import child_spec, children_finished, fan_out, start_child
from cloudflow.core.states.results import finish_with_result, render_parameters
from cloudflow.core.step_run import StepRun


def run_parallel(run: StepRun, frame: Frame, state: ParallelState) -> None:
    """InputPath -> Parameters, then fan out one child frame per branch."""
    raw = frame.state_input if run.jsonata(state) else run.effective_input(frame, state)
    effective = render_parameters(run, frame, state, raw)
    run.record(frame, "ParallelStateStarted")
    if not state.branches:
        run.record(frame, "ParallelStateSucceeded")
        finish_with_result(run, frame, state, [])
        return
    join = Join(kind="parallel", total=len(state.branches), effective_input=effective)
    pointers = [child_pointer(frame.machine_path, frame.state_name, f"Branches/{index}")
                for index in range(len(state.branches))]
    count = len(state.branches)
    if not runs_inline(run, frame, count, lambda: count * len(to_json_text(effective).encode())):
        fan_out(run, frame, join, [child_spec(frame, index, pointers[index], branch.start_at, effective)
                                   for index, branch in enumerate(state.branches)])
        return
    join.carry, frame.redrive_children = frame.redrive_children, None
    frame.join = join
    frame.phase = FramePhase.BLOCKED
    for index, branch in enumerate(state.branches):
        if not carried_result(join, index) and not resume_carried(run, frame, index):
            start_child(run, frame, index, pointers[index], branch.start_at, effective)
    if len(join.results) == join.total:  # a redrive carried every branch over
        children_finished(run, frame, [join.results[i] for i in range(join.total)])
