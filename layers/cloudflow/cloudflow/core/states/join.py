"""Fan-in for Parallel and Map: children report here; the last one resumes the parent.

Results are keyed by child index, so a duplicate report cannot inflate the count, and the parent
sees them in order whatever order the children finished in.
"""

from __future__ import annotations

from typing import Any

from cloudflow.asl.model import MapState
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import Failure
from cloudflow.core.snapshot import Frame, FramePhase, Join
from cloudflow.core.states.results import finish_with_result
from cloudflow.core.step_run import StepRun


def start_child(
    run: StepRun, parent: Frame, index: int, pointer: str, start_at: str, child_input: Any
) -> Frame:
    """Create the child frame for branch/item `index` and queue it to run."""
    child_id = f"{parent.id}/{parent.entered_event_id}.{index}"
    child = Frame(
        id=child_id, parent_id=parent.id, machine_path=pointer, index=index, state_name=start_at,
        state_input=child_input, last_event_id=run.last_event_id,
    )
    run.snapshot.frames[child_id] = child
    run.runnable.append(child_id)
    return child


def child_finished(run: StepRun, parent: Frame, child: Frame) -> None:
    """Record a child's outcome; finish, fail or continue the parent's fan-out accordingly."""
    join = parent.join
    assert join is not None
    state = run.state_of(parent)
    is_map = isinstance(state, MapState)
    if child.phase == FramePhase.SUCCEEDED:
        if is_map:
            run.record(parent, "MapIterationSucceeded", {"name": parent.state_name, "index": child.index})
        join.results[child.index] = child.output
    else:
        if is_map:
            run.record(parent, "MapIterationFailed", {"name": parent.state_name, "index": child.index})
        join.failed += 1
        failure = Failure(child.error, child.cause)
        if not _tolerated(join.failed, join.total, join.tolerated_count, join.tolerated_percentage):
            _fail_parent(run, parent, is_map, _threshold_failure(join, failure))
            return
        join.results[child.index] = failure.to_error_output()
    if isinstance(state, MapState) and join.started < join.total:
        from cloudflow.core.states.map_state import start_next_item

        start_next_item(run, parent, state)
    if len(join.results) == join.total:
        parent.join = None
        run.record(parent, "MapStateSucceeded" if is_map else "ParallelStateSucceeded")
        result = [join.results[i] for i in range(join.total)]
        finish_with_result(run, parent, state, result)
        run.runnable.append(parent.id)


def _tolerated(failed: int, total: int, count: int | None, percentage: float | None) -> bool:
    if count is None and percentage is None:
        return False
    within_count = count is not None and failed <= count
    within_share = percentage is not None and total > 0 and failed * 100.0 / total <= percentage
    return within_count or within_share


def _threshold_failure(join: Join, failure: Failure) -> Failure:
    if join.tolerated_count is None and join.tolerated_percentage is None:
        return failure
    return Failure(StatesError.EXCEED_TOLERATED_FAILURE_THRESHOLD,
                   "The specified tolerated failure threshold was exceeded")


def _fail_parent(run: StepRun, parent: Frame, is_map: bool, failure: Failure) -> None:
    run.record(parent, "MapStateFailed" if is_map else "ParallelStateFailed")
    run.abort_children(parent)
    parent.join = None
    run.fail_state(parent, failure)
    run.runnable.append(parent.id)
