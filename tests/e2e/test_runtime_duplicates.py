"""At-least-once delivery changes nothing: every step batch, timer message and schedule delivered twice,
and every callback sent twice, give the same outputs, the same root history and the same metering.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.test_runtime_examples import (
    Callbacks,
    Observed,
    Run,
    callback_task,
    event_ids_strictly_increase,
    example_cases,
    example_reference,
    observe,
    parse_template_once,
    run_example,
    run_on_pure_engine,
    run_on_runtime,
    send_callback,
    start,
)

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")


@pytest.fixture(autouse=True)
def _fast_stacks(monkeypatch: pytest.MonkeyPatch) -> None:
    parse_template_once(monkeypatch)


def _assert_same_run(once: Observed, twice: Run) -> None:
    assert twice.outcome() == once.outcome
    assert twice.history() == once.history  # event types, ids, details and (virtual) timestamps
    assert twice.described["stopDate"] == once.stop_date
    assert once.usage == once.outcome[-1]
    assert twice.usage() == twice.transitions  # the Usage index meters each page exactly once


@pytest.mark.parametrize(("name", "case"), example_cases())
def test_duplicate_deliveries_change_nothing_in_the_examples(local_runtime: Any, name: str, case: str) -> None:
    twice = run_example(local_runtime, name, case, duplicate_deliveries=True)

    _assert_same_run(example_reference(local_runtime, name, case), twice)
    assert event_ids_strictly_increase(twice.history())
    assert twice.lr.dead_letters == []


# A Wait in the root, a Map whose iterations each run a task and then wait (so they are units of
# several steps), and a Parallel: the waits are distinct so no two wake-ups of children fall due together.
WAITS_AND_FAN_OUT = {"StartAt": "Pause", "States": {
    "Pause": {"Type": "Wait", "Seconds": 90, "Next": "Each"},
    "Each": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "ResultPath": "$.each", "Next": "Both",
             "ItemProcessor": {"StartAt": "Double", "States": {
                 "Double": {"Type": "Pass", "Parameters": {"n.$": "$.n", "twice.$": "States.MathAdd($.n, $.n)",
                                                           "wait.$": "$.wait"}, "Next": "Hold"},
                 "Hold": {"Type": "Wait", "SecondsPath": "$.wait", "End": True}}}},
    "Both": {"Type": "Parallel", "ResultPath": "$.both", "End": True, "Branches": [
        {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "Result": "left", "End": True}}},
        {"StartAt": "Right", "States": {"Right": {"Type": "Wait", "Seconds": 3600, "End": True}}}]},
}}
WAITS_INPUT = {"items": [{"n": n, "wait": 10 * n + 5} for n in range(5)]}


def test_duplicate_deliveries_change_nothing_with_waits_maps_and_parallels(local_runtime: Any) -> None:
    runs = [run_on_runtime(local_runtime(duplicate_deliveries=duplicates), WAITS_AND_FAN_OUT, WAITS_INPUT)
            for duplicates in (False, True)]
    pure = run_on_pure_engine(WAITS_AND_FAN_OUT, WAITS_INPUT, Callbacks(), runs[0].start_ms)

    _assert_same_run(observe(runs[0]), runs[1])
    assert runs[1].output == pure.output
    assert runs[1].output["both"][0] == "left"
    assert [item["twice"] for item in runs[1].output["each"]] == [0, 2, 4, 6, 8]
    # The waits under 15 minutes ride the timer queue, the hour-long one a Scheduler schedule.
    assert [run.report.schedule_fires for run in runs] == [1, 1]
    assert runs[1].report.timer_fires >= runs[0].report.timer_fires > 0  # a re-dispatched outbox re-arms: harmless


def test_duplicate_deliveries_do_not_change_the_metering_of_children_that_wait(local_runtime: Any) -> None:
    # A re-dispatched report of a child with a record must store its result as the first dispatch did
    # (before fbeee78 the first stored the last page again, the re-dispatch did not: 10 vs 7 transitions).
    iterate = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "SecondsPath": "$", "Next": "Done"},
                                            "Done": {"Type": "Pass", "End": True}}}
    definition = {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemProcessor": iterate, "End": True}}}
    runs = [run_on_runtime(local_runtime(duplicate_deliveries=duplicates), definition, [1, 2, 3])
            for duplicates in (False, True)]
    pure = run_on_pure_engine(definition, [1, 2, 3], Callbacks(), runs[0].start_ms)

    assert [run.output for run in runs] == [[1, 2, 3], [1, 2, 3]]
    assert [run.transitions for run in runs] == [pure.transitions, pure.transitions]
    assert [run.usage() for run in runs] == [pure.transitions, pure.transitions]
    for unit in runs[0].child_units():
        assert runs[0].history(unit) == runs[1].history(unit)
        assert event_ids_strictly_increase(runs[1].history(unit))


APPROVE_THEN_SHIP = {"StartAt": "Approve", "States": {
    "Approve": callback_task("Ship", ResultPath="$.approve"),
    "Ship": {"Type": "Parallel", "ResultPath": "$.ship", "End": True, "Branches": [
        {"StartAt": "Pack", "States": {"Pack": callback_task()}},
        {"StartAt": "Label", "States": {"Label": callback_task()}}]},
}}


@pytest.mark.parametrize("duplicate_deliveries", [False, True])
def test_every_callback_sent_twice_is_applied_once(local_runtime: Any, duplicate_deliveries: bool) -> None:
    workers = Callbacks()
    lr = local_runtime(tasks=workers, duplicate_deliveries=duplicate_deliveries)
    start_ms = lr.clock.now_ms()
    arn = start(lr, APPROVE_THEN_SHIP, {"order": 7})
    lr.pump()
    # The worker is called after the step commits, from its dispatch; a redelivered message repeats the
    # dispatch (it may be repairing a crash), so a duplicate may hand the worker the same token again.
    assert len(workers.by_state["Approve"]) == (2 if duplicate_deliveries else 1)
    (approve,) = set(workers.by_state["Approve"])

    # Twice at once: both are accepted (the task still exists); the step queue keeps one answer.
    assert send_callback(lr, "success", approve, output={"by": "ann"}) == {}
    assert send_callback(lr, "success", approve, output={"by": "bob"}) == {}
    lr.pump()
    (pack,), (label,) = set(workers.by_state["Pack"]), set(workers.by_state["Label"])

    # Twice in a row: the second answer finds the task gone, whatever it says.
    for token, output in ((pack, {"box": 3}), (label, {"tracking": "TR-1"})):
        assert send_callback(lr, "success", token, output=output) == {}
        lr.pump()
        for again in (send_callback(lr, "success", token, output={"late": True}),
                      send_callback(lr, "failure", token, error="Late", cause="too late"),
                      send_callback(lr, "heartbeat", token)):
            assert again["error"] == "TaskTimedOut", again
        lr.pump()
    assert send_callback(lr, "success", approve, output={"by": "carl"})["error"] == "TaskTimedOut"

    run = Run(lr, arn, start_ms, None)
    assert run.status == "SUCCEEDED"
    assert run.usage() == run.transitions
    assert run.output == {"order": 7, "approve": {"by": "ann"}, "ship": [{"box": 3}, {"tracking": "TR-1"}]}
    history = run.history()
    assert event_ids_strictly_increase(history)
    # Approve, Pack and Label once each (the two branches run inside the root unit: their events are here).
    exited = [e["stateExitedEventDetails"]["name"] for e in history if e["type"] == "TaskStateExited"]
    assert sorted(exited) == ["Approve", "Label", "Pack"]
    assert [e["type"] for e in history].count("TaskSucceeded") == 3
    assert workers.by_state.keys() == {"Approve", "Pack", "Label"}
    # Without duplicates no task is invoked twice; with them a repeated dispatch may call a worker again.
    assert len(set(workers.tokens)) == 3 and len(workers.tokens) == (6 if duplicate_deliveries else 3)
