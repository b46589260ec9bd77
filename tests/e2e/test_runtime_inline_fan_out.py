"""A Parallel or Map of a few small children runs them inside its own unit's steps (core.states.fan_out_mode):
the outcome and the history of the pure engine, with no child unit, join or result item; waits, callbacks,
tolerated failures and stops inside still durable. Larger fan-outs go out as units. Tasks invoked together
are called side by side, their answers applied in invocation order (runtime.in_step_tasks).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from cloudflow.core.commands import InvokeTask
from cloudflow.errors import TaskTimedOutError
from cloudflow.local.task_outcome import TaskOutcome, TaskReturned
from cloudflow.runtime.callbacks import send_task_success
from cloudflow.runtime.stopper import stop_execution
from tests.e2e.test_runtime_examples import (
    Callbacks,
    Run,
    _fast_stacks,  # noqa: F401 (autouse: one parse of template.yaml per session)
    callback_task,
    pure_outcome,
    run_on_pure_engine,
    run_on_runtime,
    start,
)
from tests.e2e.test_runtime_fan_out import THREE_BRANCHES, table_items

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

MONTH_S = 30 * 86_400

def fan_out_items(aws: Any, lr: Any) -> list[str]:
    """The sort keys of the table's join, result and parked-input items (what units of their own need)."""
    keys = [item["sk"]["S"] for item in table_items(aws, lr)]
    return [key for key in keys if key.split("#", 1)[0] in ("J", "R", "I")]


def without_role(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A history less the execution's role (the runtime's and the local runner's differ by design)."""
    first = {**history[0], "executionStartedEventDetails": {
        k: v for k, v in history[0]["executionStartedEventDetails"].items() if k != "roleArn"}}
    return [first, *history[1:]]


def map_of(size: int, **fields: Any) -> dict[str, Any]:
    return {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, **fields,
        "ItemProcessor": {"StartAt": "Double", "States": {
            "Double": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($, $)"}, "End": True}}},
    }}}


# --- the same run as the pure engine, without units --------------------------------------------------------

def test_a_small_parallel_runs_inside_its_unit_exactly_as_the_pure_engine(aws: Any, local_runtime: Any) -> None:
    lr = local_runtime()
    run = run_on_runtime(lr, THREE_BRANCHES, {"n": 41})
    pure = run_on_pure_engine(THREE_BRANCHES, {"n": 41}, Callbacks(), run.start_ms)

    assert run.output == ["first", {"second": 41}, {"third": 42}]  # branch order, though the first ended last
    assert run.outcome() == pure_outcome(pure)
    # Every branch's events are in the root's history, as the engine wrote them.
    assert without_role(run.history()) == without_role(pure.history)
    assert run.child_units() == [] and fan_out_items(aws, lr) == []
    assert run.usage() == run.transitions


@pytest.mark.parametrize(("size", "units"), [(10, 0), (11, 11)])
def test_at_most_ten_children_run_in_process(aws: Any, local_runtime: Any, size: int, units: int) -> None:
    lr = local_runtime()
    items = list(range(size))
    run = run_on_runtime(lr, map_of(size, MaxConcurrency=3), items)
    pure = run_on_pure_engine(map_of(size, MaxConcurrency=3), items, Callbacks(), run.start_ms)

    assert run.output == [{"n": 2 * n} for n in items]
    assert run.outcome() == pure_outcome(pure)
    results = [key for key in fan_out_items(aws, lr) if key.startswith("R#")]
    assert len(results) == units  # as units, each iteration's result is an item of its own


def test_children_with_large_inputs_run_as_units(aws: Any, local_runtime: Any) -> None:
    big = {"text": "x" * (20 * 1024)}  # two branches of 20 KiB each: over the 32 KiB an in-process fan-out holds
    two = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a", "End": True}}},
        {"StartAt": "B", "States": {"B": {"Type": "Pass", "Result": "b", "End": True}}}]}}}
    lr = local_runtime()
    run = run_on_runtime(lr, two, big)
    assert run.output == ["a", "b"]
    assert len([key for key in fan_out_items(aws, lr) if key.startswith("R#")]) == 2


def test_tolerated_failures_inside_the_unit(local_runtime: Any) -> None:
    flow = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, "ToleratedFailureCount": 1,
        "ItemProcessor": {"StartAt": "Check", "States": {
            "Check": {"Type": "Choice", "Choices": [{"Variable": "$.bad", "BooleanEquals": True, "Next": "Bad"}],
                      "Default": "Good"},
            "Bad": {"Type": "Fail", "Error": "Item.Bad", "Cause": "bad item"},
            "Good": {"Type": "Pass", "Result": "ok", "End": True}}},
    }}}
    items = [{"bad": False}, {"bad": True}, {"bad": False}]
    run = run_on_runtime(local_runtime(), flow, items)
    pure = run_on_pure_engine(flow, items, Callbacks(), run.start_ms)
    assert run.output == ["ok", {"Error": "Item.Bad", "Cause": "bad item"}, "ok"]
    assert without_role(run.history()) == without_role(pure.history)
    assert run.child_units() == []


# --- durable inside: waits, callbacks, stops --------------------------------------------------------------------

WAIT_AND_CALLBACK = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
    {"StartAt": "Month", "States": {"Month": {"Type": "Wait", "Seconds": MONTH_S, "Next": "Done"},
                                    "Done": {"Type": "Pass", "Result": "waited", "End": True}}},
    {"StartAt": "Approve", "States": {"Approve": callback_task()}},
]}}}


def test_in_process_branches_wait_a_month_and_take_callbacks(local_runtime: Any) -> None:
    workers = Callbacks()
    lr = local_runtime(tasks=workers)
    started = lr.clock.now_ms()
    arn = start(lr, WAIT_AND_CALLBACK, {})
    lr.pump()
    (token,) = workers.tokens
    assert Run(lr, arn, started, None).status == "RUNNING"  # both branches parked, in the root's record

    send_task_success(lr.runtime, token, {"approved": True})
    done = Run(lr, arn, started, lr.pump())
    assert done.status == "SUCCEEDED" and done.output == ["waited", {"approved": True}]
    assert lr.clock.now_ms() - started >= MONTH_S * 1000  # the month passed on the virtual clock
    assert done.child_units() == []
    assert done.usage() == done.transitions


def test_a_stop_ends_in_process_branches_and_their_timers(local_runtime: Any) -> None:
    workers = Callbacks()
    lr = local_runtime(tasks=workers)
    arn = start(lr, WAIT_AND_CALLBACK, {})
    lr.pump()
    stop_execution(lr.runtime, arn, "Operator.Stop", "not needed")
    stopped = Run(lr, arn, lr.clock.now_ms(), lr.pump())
    assert stopped.status == "ABORTED"
    assert stopped.history()[-1]["type"] == "ExecutionAborted"  # the month-long wait never fired after it
    with pytest.raises(TaskTimedOutError):  # the branch's callback ended with the execution
        send_task_success(lr.runtime, workers.tokens[0], {})


# --- tasks invoked together are called side by side --------------------------------------------------------------

class MeetingPoint:
    """A task every branch calls: none returns before all three are inside at once (a barrier)."""

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=10)
        self.threads: set[str] = set()

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        self.threads.add(threading.current_thread().name)
        self.barrier.wait()  # raises BrokenBarrierError if the calls came one after another
        return TaskReturned({"branch": invocation.parameters["branch"]})


def _three_calls() -> dict[str, Any]:
    def branch(index: int) -> dict[str, Any]:
        return {"StartAt": f"Call{index}", "States": {f"Call{index}": {
            "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:meet",
            "Parameters": {"branch": index}, "Next": f"After{index}"},
            f"After{index}": {"Type": "Pass", "End": True}}}
    return {"StartAt": "All", "States": {"All": {"Type": "Parallel", "End": True,
                                                 "Branches": [branch(i) for i in range(3)]}}}


def test_tasks_invoked_together_are_called_side_by_side(local_runtime: Any) -> None:
    meeting = MeetingPoint(3)
    run = run_on_runtime(local_runtime(tasks=meeting, concurrent_task_calls=3), _three_calls(), {})

    assert run.status == "SUCCEEDED", run.described
    assert run.output == [{"branch": 0}, {"branch": 1}, {"branch": 2}]
    assert len(meeting.threads) == 3
    # The answers went into the engine in invocation order: the history is the one-at-a-time history.
    one_by_one = run_on_pure_engine(_three_calls(), {}, _Answers(), run.start_ms)
    assert without_role(run.history()) == without_role(one_by_one.history)


class _Answers:
    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        return TaskReturned({"branch": invocation.parameters["branch"]})
