"""History tails: a unit that takes its next step soon keeps its steps' events on its record (one write per
step instead of three) and pages them when it ends, waits long, or a day ends. Histories, metering and
usage per day come out as with a page per step, duplicates and crashes included (runtime.history_tail)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from cloudflow.adapters.local_pump import LocalRuntime, PumpReport
from cloudflow.core.commands import InvokeTask
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.local.task_outcome import TaskOutcome, TaskReturned, TaskThrew
from cloudflow.local.virtual_clock import SeededSecrets, VirtualClock
from cloudflow.runtime.describe import execution_history
from tests.e2e.conftest import REPO
from tests.e2e.test_runtime_crashes import CrashOnce
from tests.e2e.test_runtime_examples import (
    Run,
    _fast_stacks,  # noqa: F401 (autouse: one parse of template.yaml per session)
    event_ids_strictly_increase,
    example,
    pure_outcome,
    run_on_pure_engine,
    start,
)

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")
DAY_MS = 86_400_000


def _execution(arn: str) -> str:
    return arn.split(":", 6)[-1]


def _pages(lr: Any, arn: str) -> list[str]:
    db = lr.runtime.store._db
    items = db.query(TableName=lr.resources.table, KeyConditionExpression="pk = :p AND begins_with(sk, :h)",
                     ExpressionAttributeValues={":p": {"S": f"EX#{_execution(arn)}"}, ":h": {"S": "H#"}})["Items"]
    return [item["sk"]["S"] for item in items]


def _pump_until(lr: Any, done: Callable[[], bool]) -> None:
    """Deliver and fire what is due, moving the clock as the pump does, until `done()` holds."""
    report = PumpReport()
    while not done():
        if not lr.deliver_ready(report):
            upcoming = lr.next_due()
            assert upcoming is not None, "nothing left to happen"
            lr.clock.advance_to(upcoming)


def comparable(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events without ExecutionStarted's details: the role ARN is the host's choice."""
    return [{k: v for k, v in event.items() if k != "executionStartedEventDetails"} for event in events]


def _version(lr: Any, arn: str) -> int:
    return int(lr.runtime.store.get_unit(_execution(arn), "r").version)


def test_a_retrying_unit_keeps_its_history_on_its_record_until_it_ends(local_runtime: Any) -> None:
    flow = example("image-pipeline")  # DetectFace throttled four times: three retries two to eight seconds apart
    lr = local_runtime(mock_config=flow.mock_config)
    start_ms = lr.clock.now_ms()
    arn = start(lr, flow.definition, flow.input, flow="image-pipeline", testCase="DetectionKeepsFailing")
    pure = run_on_pure_engine(flow.text, flow.input, flow.resolver("DetectionKeepsFailing"), start_ms,
                              flow="image-pipeline")

    _pump_until(lr, lambda: _version(lr, arn) == 3)  # two attempts failed, the third is two wake-ups away
    record = lr.runtime.store.get_unit(_execution(arn), "r")
    assert _pages(lr, arn) == [] and record.tail is not None
    shown = execution_history(lr.runtime, arn)
    assert comparable(shown) == comparable(pure.history[:record.tail.first_event_id + record.tail.count - 1])
    run = Run(lr, arn, start_ms, PumpReport())
    assert run.transitions == 3  # DetectFace and two retries (each metered as its attempt failed), on the record
    assert run.usage() == 0  # the Usage index counts pages: it catches up when the tail is paged

    lr.pump()
    run.refresh()
    assert run.outcome() == pure_outcome(pure)
    assert comparable(run.history()) == comparable(pure.history)
    assert _pages(lr, arn) == ["H#r#0000000001"]  # the whole history, one page
    assert lr.runtime.store.get_unit(_execution(arn), "r").tail is None
    assert run.usage() == run.transitions == 4


LONG_WAIT = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
                                            "Done": {"Type": "Pass", "End": True}}}


def test_a_unit_waiting_beyond_fifteen_minutes_pages_its_history_at_once(local_runtime: Any) -> None:
    lr = local_runtime()
    start_ms = lr.clock.now_ms()
    arn = start(lr, LONG_WAIT, {})
    _pump_until(lr, lambda: _version(lr, arn) == 2)
    assert _pages(lr, arn) == ["H#r#0000000001"]
    assert lr.runtime.store.get_unit(_execution(arn), "r").tail is None
    assert Run(lr, arn, start_ms, PumpReport()).usage() == 1  # counted while the unit sleeps for an hour


class AlwaysThrottled:
    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        return TaskThrew("Throttled", "slow down")


RETRIED_OVER_MIDNIGHT = {"StartAt": "Call", "States": {"Call": {
    "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:busy", "End": True,
    "Retry": [{"ErrorEquals": ["Throttled"], "IntervalSeconds": 60, "MaxAttempts": 3, "BackoffRate": 1}]}}}


def test_a_tail_from_before_midnight_is_counted_on_its_own_day(aws: Any) -> None:
    midnight = 1_700_006_400_000  # 2023-11-15T00:00:00Z
    assert iso_from_ms(midnight).endswith("T00:00:00.000Z")
    lr = LocalRuntime(aws, VirtualClock(midnight - 90_000), SeededSecrets("tests"), project=REPO,
                      stack="cloudflow-midnight", tasks=AlwaysThrottled())
    arn = start(lr, RETRIED_OVER_MIDNIGHT, {})
    report = lr.pump()
    run = Run(lr, arn, midnight - 90_000, report)
    pure = run_on_pure_engine(RETRIED_OVER_MIDNIGHT, {}, AlwaysThrottled(), midnight - 90_000)

    assert run.outcome() == pure_outcome(pure) and run.status == "FAILED"
    assert comparable(run.history()) == comparable(pure.history)
    # Attempts at 23:58:30 and 23:59:30, then 00:00:30 and 00:01:30. A retry is metered by the step whose failed
    # attempt asks for it: Call and two retries the first day, the last retry the second.
    store = lr.runtime.store
    assert (store.usage("f", "2023-11-14"), store.usage("f", "2023-11-15")) == (3, 1)
    assert len(_pages(lr, arn)) == 2


class BigThenSmall:
    """Answers a large result the first time (a retried step's events no longer fit on the record), a small
    one after: the step run again after a crash keeps what the first run had paged."""

    def __init__(self) -> None:
        self.calls = 0

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        self.calls += 1
        if self.calls == 1:
            return TaskReturned({"blob": os.urandom(3000).hex()})
        return TaskReturned({"ok": True})


NAP_FETCH_NAP = {"StartAt": "Nap", "States": {
    "Nap": {"Type": "Wait", "Seconds": 5, "Next": "Fetch"},
    "Fetch": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:fetch", "Next": "Nap2"},
    "Nap2": {"Type": "Wait", "Seconds": 5, "Next": "Done"},
    "Done": {"Type": "Pass", "End": True}}}


def test_a_page_written_by_a_step_that_crashed_and_then_kept_its_tail_is_never_read(local_runtime: Any) -> None:
    fault = CrashOnce("before-record", 2)  # the second step: Fetch answered, its page written, then the crash
    tasks = BigThenSmall()
    lr = local_runtime(tasks=tasks, fault=fault)
    start_ms = lr.clock.now_ms()
    arn = start(lr, NAP_FETCH_NAP, {})
    _pump_until(lr, lambda: _version(lr, arn) == 3)

    assert fault.crashed and tasks.calls == 2
    assert _pages(lr, arn) == ["H#r#0000000001"]  # the crashed run's page, holding the large answer
    record = lr.runtime.store.get_unit(_execution(arn), "r")
    assert record.tail is not None and record.tail.first_event_id == 1  # the run again kept it all on the record
    shown = execution_history(lr.runtime, arn)
    assert "blob" not in str(shown) and event_ids_strictly_increase(shown)
    run = Run(lr, arn, start_ms, PumpReport())
    assert run.transitions == 3  # Nap, Fetch, Nap2: the leftover page is not counted

    lr.pump()
    run.refresh()
    pure = run_on_pure_engine(NAP_FETCH_NAP, {}, BigThenSmall(), start_ms)  # pure: its first answer is the large one
    assert run.status == "SUCCEEDED" and run.output == {"ok": True}
    assert [e["type"] for e in run.history()] == [e["type"] for e in pure.history]
    assert run.usage() == run.transitions == 4  # the tail's page replaced the leftover
    assert "blob" not in str(run.history())
