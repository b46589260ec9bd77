"""Fan-in for Parallel and Map: children report here; the last one resumes the parent.

Results are keyed by child index, so a duplicate report cannot inflate the count, and the parent
sees them in order whatever order the children finished in.
"""

from __future__ import annotations

from typing import Any

from cloudflow.asl.model import MapState
from cloudflow.core.commands import CancelChildren, ChildSpec, FanOut
from cloudflow.core.error_names import StatesError
from cloudflow.core.failure import Failure
from cloudflow.core.snapshot import ChildOutcomes, Frame, FramePhase, Join
from cloudflow.core.states.results import finish_with_result
from cloudflow.core.step_run import StepRun


def join_id_of(parent: Frame) -> str:
    """The id of the parent's current fan-out: its children are `<join id>.<index>`.

    It names the state entry and the retry attempt, so a retried Map never reuses a child id.
    """
    return f"{parent.id}/{parent.entered_event_id}-{parent.retry_total}"


def fan_out(run: StepRun, parent: Frame, join: Join, children: list[ChildSpec]) -> None:
    """Remote-children mode: park the parent and ask the host to run `children` as their own units."""
    join.remote = True
    parent.join = join
    parent.phase = FramePhase.BLOCKED
    run.commands.append(FanOut(
        parent.id, join_id_of(parent), join.kind, parent.state_name, tuple(children), join.window,
        join.tolerated_count, join.tolerated_percentage, parent.redrive_join,
    ))
    parent.redrive_join = None  # a Retry of this state after the redrive runs every child again


def child_spec(parent: Frame, index: int, pointer: str, start_at: str, child_input: Any) -> ChildSpec:
    """The deterministic identity and start of child `index` of the parent's current fan-out."""
    return ChildSpec(f"{join_id_of(parent)}.{index}", index, pointer, start_at, child_input,
                     dict(parent.variables) or None)


def start_child(
    run: StepRun, parent: Frame, index: int, pointer: str, start_at: str, child_input: Any
) -> Frame:
    """Create the child frame for branch/item `index` and queue it to run."""
    child_id = f"{join_id_of(parent)}.{index}"
    child = Frame(
        id=child_id, parent_id=parent.id, machine_path=pointer, index=index, state_name=start_at,
        state_input=child_input, last_event_id=run.last_event_id, variables=dict(parent.variables),
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
        if not failure_tolerated(join.failed, join.total, join.tolerated_count, join.tolerated_percentage):
            fail_parent(run, parent, _threshold_failure(join, failure), child)
            return
        join.results[child.index] = failure.to_error_output()
        join.failed_indexes.append(child.index)
    if isinstance(state, MapState) and join.started < join.total:
        from cloudflow.core.states.map_state import start_next_item

        start_next_item(run, parent, state)
    if len(join.results) == join.total:
        children_finished(run, parent, [join.results[i] for i in range(join.total)])


def children_finished(run: StepRun, parent: Frame, results: list[Any]) -> None:
    """Every child ended (remote mode): the parent leaves its state with the results in order."""
    state = run.state_of(parent)
    parent.join = None
    run.record(parent, "MapStateSucceeded" if isinstance(state, MapState) else "ParallelStateSucceeded")
    finish_with_result(run, parent, state, results)
    run.runnable.append(parent.id)


def child_outcomes(run: StepRun, parent: Frame, failed_child: Frame | None = None) -> ChildOutcomes:
    """How `parent`'s in-process children stand (before they are dropped): what a redrive carries over."""
    join = parent.join
    assert join is not None and not join.remote
    outcomes = ChildOutcomes()
    if join.carry is not None:  # what an earlier redrive carried and this run had not reached yet
        outcomes.succeeded = {i: r for i, r in join.carry.succeeded.items() if i >= join.started}
        outcomes.stopped = {i: f for i, f in join.carry.stopped.items() if i >= join.started}
    outcomes.succeeded.update((i, r) for i, r in join.results.items() if i not in join.failed_indexes)
    for frame in list(run.snapshot.frames.values()):
        if frame.parent_id == parent.id:
            if frame.join is not None and not frame.join.remote:  # its own fan-out ran in-process too
                frame.failed_children = child_outcomes(run, frame)
            outcomes.stopped[frame.index] = frame
    if failed_child is not None:
        outcomes.stopped[failed_child.index] = failed_child
    return outcomes


def failure_tolerated(failed: int, total: int, count: int | None, percentage: float | None) -> bool:
    """Whether `failed` of `total` children stay within ToleratedFailureCount/Percentage."""
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


def child_failed(run: StepRun, parent: Frame, failure: Failure) -> None:
    """A remote child failed beyond tolerance: the parent's state fails (through its Retry and Catch)."""
    assert parent.join is not None
    fail_parent(run, parent, _threshold_failure(parent.join, failure))


def fail_parent(run: StepRun, parent: Frame, failure: Failure, failed_child: Frame | None = None) -> None:
    """The fan-out failed: stop the other children, then fail the parent's state."""
    assert parent.join is not None
    is_map = isinstance(run.state_of(parent), MapState)
    run.record(parent, "MapStateFailed" if is_map else "ParallelStateFailed")
    if parent.join.remote:
        run.commands.append(CancelChildren(join_id_of(parent)))
    else:
        if run.snapshot.remote_children:  # the durable runtime: a redrive carries these over
            parent.failed_children = child_outcomes(run, parent, failed_child)
        run.abort_children(parent)
    parent.join = None
    run.fail_state(parent, failure)
    run.runnable.append(parent.id)
