"""Callback tasks on the durable runtime: the configured default timeout, and listing what an execution
waits on (so a lost token is found, not waited on forever)."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.runtime.pending_tasks import pending_tasks
from tests.e2e.test_runtime_examples import CALLBACK, Callbacks, callback_task, run_on_runtime

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

HOUR = 3600


def test_a_callback_without_timeout_seconds_times_out_after_the_configured_default(local_runtime: Any) -> None:
    lr = local_runtime(tasks=Callbacks(), callback_timeout_seconds=HOUR)
    run = run_on_runtime(lr, {"StartAt": "Approve", "States": {"Approve": callback_task()}}, {})
    assert (run.status, run.described["error"]) == ("FAILED", "States.Timeout")
    assert run.described["stopDate"] == _iso(run.start_ms + HOUR * 1000)
    scheduled = next(e for e in run.history() if e["type"] == "TaskScheduled")
    assert scheduled["taskScheduledEventDetails"]["timeoutInSeconds"] == HOUR


def test_a_task_s_own_timeout_seconds_wins_and_other_tasks_are_not_limited(local_runtime: Any) -> None:
    lr = local_runtime(tasks=Callbacks(), callback_timeout_seconds=HOUR)
    run = run_on_runtime(lr, {"StartAt": "Approve", "States": {"Approve": callback_task(TimeoutSeconds=7200)}}, {})
    assert run.described["stopDate"] == _iso(run.start_ms + 7200 * 1000)
    # A Wait longer than the default is no callback: it runs to its end.
    run = run_on_runtime(local_runtime(callback_timeout_seconds=HOUR), {"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 5 * HOUR, "End": True}}}, {})
    assert run.status == "SUCCEEDED"


def test_map_iterations_inherit_the_default(local_runtime: Any) -> None:
    lr = local_runtime(tasks=Callbacks(), callback_timeout_seconds=HOUR)
    flow = {"StartAt": "Each", "States": {"Each": {
        "Type": "Map", "End": True, "ItemProcessor": {"StartAt": "Approve", "States": {"Approve": callback_task()}}}}}
    run = run_on_runtime(lr, flow, [1, 2])
    assert (run.status, run.described["error"]) == ("FAILED", "States.Timeout")


@pytest.mark.parametrize("inline_fan_out", [0, 10], ids=["units", "in-process"])
def test_pending_callbacks_are_listed_across_units(local_runtime: Any, inline_fan_out: int) -> None:
    # No timeouts here, as the pump would fire them (the test of events/callback_list_pending.json has one).
    workers = Callbacks()
    lr = local_runtime(tasks=workers, inline_fan_out=inline_fan_out)
    flow = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Pack", "States": {"Pack": callback_task()}},
        {"StartAt": "Label", "States": {"Label": callback_task()}}]}}}
    run = run_on_runtime(lr, flow, {})
    listed = pending_tasks(lr.runtime, run.arn)
    assert sorted(entry["stateName"] for entry in listed) == ["Label", "Pack"]
    assert {entry["taskToken"] for entry in listed} == set(workers.tokens)
    assert all(entry["resource"] == CALLBACK for entry in listed)
    # As units, each branch's task is its unit's; in-process, both are the root's.
    assert [entry["unit"] == "r" for entry in listed] == [inline_fan_out > 0] * 2
    assert all(entry["scheduledDate"] == _iso(run.start_ms) and "timeoutDate" not in entry for entry in listed)


def _iso(ms: int) -> str:
    from cloudflow.core.timestamps import iso_from_ms

    return iso_from_ms(ms)
