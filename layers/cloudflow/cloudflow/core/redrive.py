"""RedriveExecution in the core: an unsuccessful execution resumes at the state that did not succeed.

As in Step Functions, the redrive keeps the execution (its ARN, input, pinned definition and history) and
the results of the states that succeeded; it re-enters the state the execution stopped in, with the input
and variables that state had, its retry counts back at zero. A Parallel or Map re-entered this way runs
only the branches and iterations that did not succeed: its fan-out names the earlier join
(`FanOut.carry_from`), whose succeeded children the host carries over, and a child that failed or was
aborted resumes from its own unsuccessful state (`resumed_child_frame`).

Only remote-children snapshots (the durable runtime) keep what a redrive needs; the local runner's
in-process children are dropped when their Parallel or Map fails.
"""

from __future__ import annotations

import dataclasses

from cloudflow.asl.model import MapState, ParallelState, StateMachine
from cloudflow.core.machine_index import machine_at
from cloudflow.core.snapshot import ExecutionSnapshot, ExecutionStatus, Frame, FramePhase
from cloudflow.core.states.join import join_id_of
from cloudflow.core.step_run import StepRun

REDRIVABLE = frozenset({ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED})


def redrivable(snapshot: ExecutionSnapshot) -> bool:
    """Whether a redrive can resume this unit: it ended unsuccessfully and kept where it stopped."""
    return snapshot.status in REDRIVABLE and snapshot.redrive_frame is not None and snapshot.remote_children


def resumed_frame(machine: StateMachine, stopped: Frame, frame_id: str | None = None,
                  parent_id: str | None = None) -> Frame:
    """A frame that re-enters `stopped`'s state with its input and variables (under a new id and parent, if
    given: a redriven child unit).

    Nothing of the stopped run's progress inside the state survives (its task token, timers, join), except
    which fan-out it ran: a Parallel or Map then carries that fan-out's succeeded children over.
    """
    state = machine_at(machine, stopped.machine_path).states.get(stopped.state_name)
    carry = join_id_of(stopped) if isinstance(state, ParallelState | MapState) else None
    return dataclasses.replace(
        stopped, id=frame_id or stopped.id, parent_id=parent_id or stopped.parent_id,
        phase=FramePhase.READY, last_event_id=0, entered_event_id=0, retry_counts=[], retry_total=0, token=None,
        attempt=0, timers=[], task_request=None, join=None, output=None, error=None, cause=None,
        variables=dict(stopped.variables), redrive_join=carry,
    )


def redrive(run: StepRun) -> bool:
    """Apply a redrive to a snapshot `redrivable` accepted: record it, then re-enter the stopped state."""
    snap = run.snapshot
    stopped = snap.redrive_frame
    assert stopped is not None
    snap.info.redrive_count += 1
    snap.info.redrive_time_ms = run.now_ms
    run.record(None, "ExecutionRedriven", {"redriveCount": snap.info.redrive_count})
    snap.status, snap.output, snap.error, snap.cause = ExecutionStatus.RUNNING, None, None, None
    snap.redrive_frame = None
    frame = resumed_frame(run.machine, stopped)
    frame.last_event_id = run.last_event_id
    snap.frames[frame.id] = frame
    if snap.child_of is None and run.machine.timeout_seconds is not None:
        # The execution's TimeoutSeconds counts again from the redrive, or a timed-out execution could
        # never be redriven.
        run.schedule_timer(None, "execution-timeout", run.now_ms + run.machine.timeout_seconds * 1000)
    run.runnable.append(frame.id)
    return True
