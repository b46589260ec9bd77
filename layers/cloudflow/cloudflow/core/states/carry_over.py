"""What a redrive carries into the state it resumes: the frame that re-enters the state, and the earlier
outcomes of its fan-out's children (see core.redrive)."""

from __future__ import annotations

import dataclasses

from cloudflow.asl.model import MapState, ParallelState, StateMachine
from cloudflow.core.machine_index import machine_at
from cloudflow.core.snapshot import Frame, FramePhase, Join
from cloudflow.core.states.join import join_id_of
from cloudflow.core.step_run import StepRun


def resumed_frame(machine: StateMachine, stopped: Frame, frame_id: str | None = None,
                  parent_id: str | None = None) -> Frame:
    """A frame that re-enters `stopped`'s state with its input and variables (under a new id and parent, if
    given: a redriven child unit).

    Nothing of the stopped run's progress inside the state survives (its task token, timers, join), except
    what its fan-out did: a Parallel or Map then carries that fan-out's succeeded children over.
    """
    state = machine_at(machine, stopped.machine_path).states.get(stopped.state_name)
    outcomes = stopped.failed_children
    fan_out = isinstance(state, ParallelState | MapState)
    carry = join_id_of(stopped) if fan_out and outcomes is None else None
    return dataclasses.replace(
        stopped, id=frame_id or stopped.id, parent_id=parent_id or stopped.parent_id,
        phase=FramePhase.READY, last_event_id=0, entered_event_id=0, retry_counts=[], retry_total=0, token=None,
        attempt=0, timers=[], task_request=None, join=None, output=None, error=None, cause=None,
        variables=dict(stopped.variables), redrive_join=carry, failed_children=None,
        redrive_children=outcomes if fan_out else None,
    )


def carried_result(join: Join, index: int) -> bool:
    """Child `index` of an in-process fan-out a redrive resumed: if it succeeded before, count its result
    now (it does not run again)."""
    if join.carry is None or index not in join.carry.succeeded:
        return False
    join.results[index] = join.carry.succeeded[index]
    return True


def resume_carried(run: StepRun, parent: Frame, index: int) -> bool:
    """Child `index` of an in-process fan-out a redrive resumed: if it failed or was aborted before, run it
    again from its unsuccessful state. False: it has no earlier outcome, and starts anew."""
    join = parent.join
    assert join is not None
    stopped = join.carry.stopped.get(index) if join.carry is not None else None
    if stopped is None:
        return False
    child = resumed_frame(run.machine, stopped, f"{join_id_of(parent)}.{index}", parent.id)
    child.last_event_id = run.last_event_id
    run.snapshot.frames[child.id] = child
    run.runnable.append(child.id)
    return True
