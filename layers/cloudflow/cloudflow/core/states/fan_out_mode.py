"""Whether a Parallel or Map runs its children as frames of its own unit, or as units of their own.

The durable runtime fans children out through the queue (FanOut), so that a Map of 10,000 items runs
on many step invocations at once, each child with its own record and result item. For a few small
children that bookkeeping costs more than the work: a join item, a result item per child, a queue
message per child and one to resume the parent. So a fan-out of at most `snapshot.inline_children`
children whose inputs total at most INLINE_INPUT_BYTES runs its children in-process, as the local
runner does: in the parent's own steps, their events in its history, their frames in its record, their
request-response tasks called by the host side by side. They still wait, retry, time out and take
callbacks durably: a parked child parks the unit.
"""

from __future__ import annotations

from collections.abc import Callable

from cloudflow.core.snapshot import Frame
from cloudflow.core.step_run import StepRun

# Bounds what in-process children add to their unit's record (its snapshot) while they run.
INLINE_INPUT_BYTES = 32 * 1024


def runs_inline(run: StepRun, frame: Frame, children: int, input_bytes: Callable[[], int]) -> bool:
    """Whether `frame`'s fan-out of `children` children runs them as frames of this unit."""
    snapshot = run.snapshot
    if not snapshot.remote_children or frame.redrive_children is not None:
        return True  # the local runner; or a redrive resuming an in-process fan-out as it ran
    if frame.redrive_join is not None:
        return False  # a redrive of a fan-out that ran as units: they are carried over as units
    return children <= snapshot.inline_children and input_bytes() <= INLINE_INPUT_BYTES
