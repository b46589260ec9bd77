"""RedriveExecution in the core: an unsuccessful execution resumes at the state that did not succeed.

As in Step Functions, the redrive keeps the execution (its ARN, input, pinned definition and history) and
the results of the states that succeeded; it re-enters the state the execution stopped in, with the input
and variables that state had, its retry counts back at zero. A Parallel or Map re-entered this way runs
only the branches and iterations that did not succeed, each one that failed or was aborted resuming at
its own unsuccessful state. A fan-out that ran its children as units names the earlier join
(`FanOut.carry_from`), whose succeeded children the host carries over; one that ran them in-process
kept their outcomes on its frame (`Frame.failed_children`), which core.states.carry_over replays.

Only the durable runtime's snapshots (`remote_children`) keep what a redrive needs; the local runner's
in-process children are dropped when their Parallel or Map fails.
"""

from __future__ import annotations

from cloudflow.core.snapshot import ExecutionSnapshot, ExecutionStatus
from cloudflow.core.states.carry_over import resumed_frame
from cloudflow.core.step_run import StepRun

REDRIVABLE = frozenset({ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED})


def redrivable(snapshot: ExecutionSnapshot) -> bool:
    """Whether a redrive can resume this unit: it ended unsuccessfully and kept where it stopped."""
    return snapshot.status in REDRIVABLE and snapshot.redrive_frame is not None and snapshot.remote_children


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
