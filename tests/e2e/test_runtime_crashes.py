"""Crash repair: the step handler dies once at a fault point (before the history page, before the record
write, after it, or in the middle of dispatching), its message comes back, and the execution still ends
exactly once with the crash-free run's output, status, transitions and history.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from cloudflow.core.commands import InvokeTask
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.local.task_outcome import TaskOutcome, TaskReturned
from tests.e2e.test_runtime_examples import (
    Observed,
    Run,
    event_ids_strictly_increase,
    example,
    parse_template_once,
    pure_outcome,
    reference_run,
    run_on_pure_engine,
    run_on_runtime,
)

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

POINTS = ("before-page", "before-record", "after-record", "mid-dispatch")
TERMINAL_EVENTS = {"ExecutionSucceeded", "ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted"}


@pytest.fixture(autouse=True)
def _fast_stacks(monkeypatch: pytest.MonkeyPatch) -> None:
    parse_template_once(monkeypatch)


class CrashOnce:
    """The fault hook: raises at the `nth` time the runtime passes `point`, then never again."""

    def __init__(self, point: str, nth: int) -> None:
        self.point, self.nth = point, nth
        self.passed: Counter[str] = Counter()
        self.crashed = False

    def __call__(self, point: str) -> None:
        self.passed[point] += 1
        if point == self.point and self.passed[point] == self.nth and not self.crashed:
            self.crashed = True
            raise RuntimeError(f"simulated crash of the step handler at {point} #{self.nth}")


def _assert_same_as_without_crash(crashed: Run, clean: Observed, fault: CrashOnce) -> None:
    assert fault.crashed, f"the run never passed {fault.point} #{fault.nth}"
    assert crashed.lr.dead_letters == []
    assert crashed.outcome() == clean.outcome
    ends = [e["type"] for e in crashed.history() if e["type"] in TERMINAL_EVENTS]
    assert len(ends) == 1  # it ended exactly once
    assert crashed.described["stopDate"] == clean.stop_date
    assert crashed.usage() == crashed.transitions
    # The root: exactly the crash-free history (ids strictly increasing, nothing repeated).
    assert event_ids_strictly_increase(crashed.history())
    assert crashed.history() == clean.history
    # The children: the same units, statuses and histories.
    assert crashed.unit_statuses() == clean.statuses
    assert crashed.child_units() == list(clean.units)
    for unit in crashed.child_units():
        assert event_ids_strictly_increase(crashed.history(unit)), unit
        assert crashed.history(unit) == clean.units[unit], unit


def _run(local_runtime: Any, flow: tuple[Any, Any, dict[str, Any]], fault: Any = None, **options: Any) -> Run:
    definition, execution_input, request = flow
    lr = local_runtime(fault=fault, **options)
    return run_on_runtime(lr, definition, execution_input, **request)


# --- the order example: tasks, retries with back-off (timers), a Parallel of two branches ------------
# Its branches run as child units (inline_fan_out=0: four steps) or inside the root's steps (three).

def _order() -> tuple[Any, Any, dict[str, Any]]:
    flow = example("order")
    return flow.definition, flow.input, {"flow": "order", "testCase": "PaymentGatewaySlow"}


@pytest.mark.parametrize(("inline_fan_out", "nth"), [(0, 1), (0, 2), (0, 3), (0, 4), (10, 1), (10, 2), (10, 3)])
@pytest.mark.parametrize("point", POINTS)
def test_order_survives_one_crash(local_runtime: Any, point: str, inline_fan_out: int, nth: int) -> None:
    options = {"mock_config": example("order").mock_config, "inline_fan_out": inline_fan_out}
    clean = reference_run(f"crash-free order, inline {inline_fan_out}",
                          lambda: _run(local_runtime, _order(), **options))
    fault = CrashOnce(point, nth)
    crashed = _run(local_runtime, _order(), fault, **options)

    assert clean.outcome[0] == "SUCCEEDED"
    _assert_same_as_without_crash(crashed, clean, fault)


# --- a Map over 20 items, 3 at a time, each a task and then a Wait (children of two steps) ------------

class Work:
    """The `work` function: ten times the item's number."""

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        if invocation.state_name != "Work":
            return None
        return TaskReturned({"n": invocation.parameters["n"] * 10, "wait": invocation.parameters["wait"]})


MAP_OF_WAITS = {"StartAt": "Warm", "States": {
    "Warm": {"Type": "Wait", "Seconds": 30, "Next": "Each"},
    "Each": {"Type": "Map", "MaxConcurrency": 3, "ItemsPath": "$.items", "End": True, "ItemProcessor": {
        "StartAt": "Work", "States": {
            "Work": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:work",
                     "Next": "Hold"},
            "Hold": {"Type": "Wait", "SecondsPath": "$.wait", "End": True}}}},
}}
# Children started together wait alike, so their wake-ups come in one batch (a crash then fails part of it).
MAP_INPUT = {"items": [{"n": n, "wait": 5} for n in range(20)]}
# 43 steps pass each point once: the root's start (#1), Warm's wake-up and the fan-out (#2), then each
# window of 3 children: their first steps (#3-5, one batch), their wake-ups and reports (#6-8, one batch:
# a crash at #6 fails the whole batch, at #7 part of it), ..., and the root taking the results (#43).
MAP_CRASHES = [("after-record", 2), ("mid-dispatch", 7)]  # repairs of a fan-out and of a child's report
MAP_CRASHES_SLOW = [(point, nth) for point in POINTS for nth in (1, 2, 3, 6, 7, 9, 25, 43)
                    if (point, nth) not in MAP_CRASHES]


def _map_crash(local_runtime: Any, point: str, nth: int) -> None:
    flow = (MAP_OF_WAITS, MAP_INPUT, {})
    clean = reference_run("crash-free map", lambda: _run(local_runtime, flow, tasks=Work()))
    fault = CrashOnce(point, nth)
    crashed = _run(local_runtime, flow, fault, tasks=Work())

    _assert_same_as_without_crash(crashed, clean, fault)


def test_map_of_waiting_children_ends_as_the_pure_engine_does(local_runtime: Any) -> None:
    run = reference_run("crash-free map", lambda: _run(local_runtime, (MAP_OF_WAITS, MAP_INPUT, {}), tasks=Work()))
    pure = run_on_pure_engine(MAP_OF_WAITS, MAP_INPUT, Work(), run.start_ms)

    assert run.outcome == pure_outcome(pure)
    assert [item["n"] for item in run.output] == [10 * n for n in range(20)]
    assert run.stop_date == iso_from_ms(pure.ended_ms)


@pytest.mark.parametrize(("point", "nth"), MAP_CRASHES)
def test_map_of_waiting_children_survives_one_crash(local_runtime: Any, point: str, nth: int) -> None:
    _map_crash(local_runtime, point, nth)


@pytest.mark.slow
@pytest.mark.parametrize(("point", "nth"), MAP_CRASHES_SLOW)
def test_map_of_waiting_children_survives_one_crash_anywhere(local_runtime: Any, point: str, nth: int) -> None:
    _map_crash(local_runtime, point, nth)


def test_a_step_that_keeps_crashing_goes_to_the_dead_letter_queue(local_runtime: Any) -> None:
    from cloudflow.adapters.local_pump import MAX_RECEIVES, DeadLetterError

    def always(point: str) -> None:
        if point == "before-record":
            raise RuntimeError("the store is down")

    lr = local_runtime(fault=always)
    with pytest.raises(DeadLetterError):
        run_on_runtime(lr, {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, {})
    assert len(lr.dead_letters) == 1
    assert '"kind":"event"' in lr.dead_letters[0]
    assert MAX_RECEIVES == 5


def test_pump_re_offers_a_batch_whose_every_record_crashed(local_runtime: Any) -> None:
    lr = local_runtime(fault=CrashOnce("before-record", 1))  # the start step: a batch of one record
    run = run_on_runtime(lr, {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}, {})
    assert run.status == "SUCCEEDED"
