"""Time on the durable runtime: Waits (Scheduler schedules beyond 15 minutes, the timer queue below),
retry back-offs, task timeouts and heartbeats, the execution's TimeoutSeconds, and StopExecution of an
execution parked on wake-ups. The clock is virtual, so 30 days pass in an instant and exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from cloudflow.core.commands import InvokeTask
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.local.task_outcome import TaskOutcome, TaskReturned, TaskThrew
from tests.e2e.test_runtime_examples import (
    Callbacks,
    Run,
    callback_task,
    event_ids_strictly_increase,
    parse_template_once,
    pure_outcome,
    run_on_pure_engine,
    run_on_runtime,
    send_callback,
    start,
)

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

DAY_S = 86_400


@pytest.fixture(autouse=True)
def _fast_stacks(monkeypatch: pytest.MonkeyPatch) -> None:
    parse_template_once(monkeypatch)


def schedules(lr: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = lr._scheduler.list_schedules(GroupName=lr.resources.schedule_group)["Schedules"]
    return found


class Timeline:
    """Watches the pump's clock jumps, and plays scripted actions at their virtual times.

    The pump moves the clock only when nothing is due now; each jump is recorded with the schedules
    that exist at that moment. An action due before the next wake-up runs at its own time instead
    (the pump then carries on from there).
    """

    def __init__(self, lr: Any) -> None:
        self.lr = lr
        self.start_ms = lr.clock.now_ms()
        self.jumps: list[tuple[int, int]] = []  # (seconds after start, schedules in the group)
        self._actions: list[tuple[int, Callable[[], Any]]] = []
        self._advance = lr.clock.advance_to
        lr.clock.advance_to = self._advance_to

    def at(self, seconds: float, action: Callable[[], Any]) -> None:
        self._actions.append((self.start_ms + int(seconds * 1000), action))
        self._actions.sort(key=lambda entry: entry[0])

    def _advance_to(self, when_ms: int) -> None:
        if self._actions and self._actions[0][0] <= when_ms:
            when_ms, action = self._actions.pop(0)
            self._advance(when_ms)
            action()
            return
        self.jumps.append(((when_ms - self.start_ms) // 1000, len(schedules(self.lr))))
        self._advance(when_ms)


def _at(run: Run, event_type: str) -> list[float]:
    """When each root history event of this type happened, in seconds after the start."""
    def seconds(timestamp: str) -> float:
        return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp() - run.start_ms / 1000

    return [seconds(e["timestamp"]) for e in run.history() if e["type"] == event_type]




# --- Waits -------------------------------------------------------------------------------------------

THIRTY_DAYS = {"StartAt": "Sleep", "States": {
    "Sleep": {"Type": "Wait", "Seconds": 30 * DAY_S, "Next": "Woke"},
    "Woke": {"Type": "Pass", "End": True,
             "Parameters": {"entered.$": "$$.State.EnteredTime", "started.$": "$$.Execution.StartTime"}},
}}


def test_a_thirty_day_wait_is_a_scheduler_schedule_deleted_once_it_fired(local_runtime: Any) -> None:
    lr = local_runtime()
    timeline = Timeline(lr)
    run = run_on_runtime(lr, THIRTY_DAYS, {})
    pure = run_on_pure_engine(THIRTY_DAYS, {}, Callbacks(), run.start_ms)

    assert run.outcome() == pure_outcome(pure)
    assert timeline.jumps == [(30 * DAY_S, 1)]  # one jump of the clock, with one schedule waiting
    assert (run.report.schedule_fires, run.report.timer_fires) == (1, 0)
    assert schedules(lr) == []
    woke = iso_from_ms(run.start_ms + 30 * DAY_S * 1000)
    assert run.output == {"started": iso_from_ms(run.start_ms), "entered": woke}
    assert _at(run, "WaitStateExited") == _at(run, "PassStateEntered") == [30 * DAY_S]
    assert run.described["stopDate"] == woke


def test_a_ten_minute_wait_rides_the_timer_queue(local_runtime: Any) -> None:
    definition = {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 600, "End": True}}}
    lr = local_runtime()
    timeline = Timeline(lr)
    run = run_on_runtime(lr, definition, {"x": 1})

    assert (run.status, run.output) == ("SUCCEEDED", {"x": 1})
    assert timeline.jumps == [(600, 0)]  # no schedule, ever
    assert (run.report.schedule_fires, run.report.timer_fires) == (0, 1)
    assert _at(run, "WaitStateExited") == [600]


def test_a_timestamp_wait_and_a_seconds_path_wait_end_when_the_pure_engine_says(local_runtime: Any) -> None:
    definition = {"StartAt": "Until", "States": {
        "Until": {"Type": "Wait", "TimestampPath": "$.until", "Next": "For"},
        "For": {"Type": "Wait", "SecondsPath": "$.seconds", "End": True}}}
    lr = local_runtime()
    execution_input = {"until": iso_from_ms(lr.clock.now_ms() + 2 * DAY_S * 1000), "seconds": 125}
    run = run_on_runtime(lr, definition, execution_input)
    pure = run_on_pure_engine(definition, execution_input, Callbacks(), run.start_ms)

    assert run.outcome() == pure_outcome(pure)
    ended = run.start_ms + (2 * DAY_S + 125) * 1000
    assert run.described["stopDate"] == iso_from_ms(pure.ended_ms) == iso_from_ms(ended)
    assert (run.report.schedule_fires, run.report.timer_fires) == (1, 1)


# --- Retry back-off ---------------------------------------------------------------------------------

class FailsFirst:
    """A Lambda function that fails its first `failures` attempts, then answers which attempt it was."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.attempts: list[int] = []

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        self.attempts.append(invocation.attempt)
        if invocation.attempt < self.failures:
            return TaskThrew("Flaky.Busy", f"attempt {invocation.attempt} failed")
        return TaskReturned({"attempt": invocation.attempt})


FLAKY = {"StartAt": "Call", "States": {"Call": {
    "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:flaky", "End": True,
    "Retry": [{"ErrorEquals": ["Flaky.Busy"], "IntervalSeconds": 3, "BackoffRate": 2.5, "MaxAttempts": 3}]}}}


def test_retry_back_off_waits_interval_times_backoff_rate_between_attempts(local_runtime: Any) -> None:
    flaky = FailsFirst(2)
    run = run_on_runtime(local_runtime(tasks=flaky), FLAKY, {})
    pure = run_on_pure_engine(FLAKY, {}, FailsFirst(2), run.start_ms)

    assert run.outcome() == pure_outcome(pure)
    assert run.output == {"attempt": 2}
    assert flaky.attempts == [0, 1, 2]  # each attempt invoked once
    assert _at(run, "LambdaFunctionScheduled") == [0, 3, 10.5]  # 3 s, then 3 x 2.5 = 7.5 s more
    assert _at(run, "LambdaFunctionFailed") == [0, 3]
    assert _at(run, "LambdaFunctionSucceeded") == [10.5]
    assert run.history()[1:] == pure.history[1:]  # event for event (only the role ARN of the start differs)
    assert run.report.timer_fires == 2


def test_retries_exhausted_fail_with_the_last_error(local_runtime: Any) -> None:
    run = run_on_runtime(local_runtime(tasks=FailsFirst(9)), FLAKY, {})

    assert (run.status, run.described["error"], run.described["cause"]) == ("FAILED", "Flaky.Busy",
                                                                            "attempt 3 failed")
    assert _at(run, "LambdaFunctionScheduled") == [0, 3, 10.5, 29.25]  # 7.5 x 2.5 = 18.75 s before the last


# --- task timeouts and heartbeats ---------------------------------------------------------------------

TIMEOUT_CAUGHT = {"StartAt": "Ask", "States": {
    "Ask": callback_task("Answered", TimeoutSeconds=300, Catch=[
        {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.error", "Next": "GaveUp"}]),
    "GaveUp": {"Type": "Pass", "End": True},
    "Answered": {"Type": "Succeed"},
}}


def test_a_callback_that_never_answers_times_out_into_its_catch(local_runtime: Any) -> None:
    workers = Callbacks()
    lr = local_runtime(tasks=workers)
    run = run_on_runtime(lr, TIMEOUT_CAUGHT, {"order": 1})
    pure = run_on_pure_engine(TIMEOUT_CAUGHT, {"order": 1}, Callbacks(), run.start_ms)

    assert run.outcome() == pure_outcome(pure)
    assert run.output == {"order": 1, "error": {"Error": "States.Timeout"}}
    assert _at(run, "TaskTimedOut") == [300]
    assert send_callback(lr, "success", workers.tokens[0], output={})["error"] == "TaskTimedOut"  # too late


HEARTBEATS = {"StartAt": "Work", "States": {"Work": callback_task(TimeoutSeconds=3600, HeartbeatSeconds=60)}}


@pytest.mark.parametrize("beats", [[], [50, 100, 150]])
def test_heartbeats_keep_a_task_alive_and_silence_times_it_out(local_runtime: Any, beats: list[int]) -> None:
    workers = Callbacks()
    lr = local_runtime(tasks=workers)
    timeline = Timeline(lr)
    answers = []
    for second in beats:
        timeline.at(second, lambda: answers.append(send_callback(lr, "heartbeat", workers.tokens[0])))
    run = run_on_runtime(lr, HEARTBEATS, {})

    assert answers == [{}] * len(beats)
    assert (run.status, run.described["error"]) == ("FAILED", "States.HeartbeatTimeout")
    silent_from = beats[-1] if beats else 0
    assert _at(run, "TaskTimedOut") == [silent_from + 60]  # past HeartbeatSeconds only with heartbeats
    assert schedules(lr) == []  # the hour's TimeoutSeconds schedule was deleted when the task ended
    assert event_ids_strictly_increase(run.history())


def test_a_heartbeat_then_success_ends_the_task_before_any_timeout(local_runtime: Any) -> None:
    workers = Callbacks()
    lr = local_runtime(tasks=workers)
    timeline = Timeline(lr)
    timeline.at(40, lambda: send_callback(lr, "heartbeat", workers.tokens[0]))
    timeline.at(90, lambda: send_callback(lr, "success", workers.tokens[0], output={"done": True}))
    run = run_on_runtime(lr, HEARTBEATS, {})

    assert (run.status, run.output) == ("SUCCEEDED", {"done": True})
    assert _at(run, "TaskSucceeded") == [90]
    assert schedules(lr) == []


# --- the execution's TimeoutSeconds ---------------------------------------------------------------------

def test_execution_timeout_seconds_times_the_execution_out(local_runtime: Any) -> None:
    definition = {"TimeoutSeconds": 120, "StartAt": "Ask", "States": {"Ask": callback_task()}}
    workers = Callbacks()
    lr = local_runtime(tasks=workers)
    run = run_on_runtime(lr, definition, {})
    pure = run_on_pure_engine(definition, {}, Callbacks(), run.start_ms)

    assert run.outcome() == pure_outcome(pure)
    assert run.status == "TIMED_OUT"
    assert _at(run, "ExecutionTimedOut") == [120]
    assert run.described["stopDate"] == iso_from_ms(run.start_ms + 120_000)
    assert send_callback(lr, "success", workers.tokens[0], output={})["error"] == "TaskTimedOut"


def test_a_long_execution_timeout_is_a_schedule_that_is_deleted_when_the_execution_ends(local_runtime: Any) -> None:
    definition = {"TimeoutSeconds": 7 * DAY_S, "StartAt": "Nap", "States": {
        "Nap": {"Type": "Wait", "Seconds": 2 * DAY_S, "End": True}}}
    lr = local_runtime()
    timeline = Timeline(lr)
    run = run_on_runtime(lr, definition, {})

    assert run.status == "SUCCEEDED"
    assert timeline.jumps == [(2 * DAY_S, 2)]  # the Wait's and the execution timeout's schedules
    assert schedules(lr) == []  # the 7-day one was deleted, never fired
    assert run.report.schedule_fires == 1


# --- StopExecution ------------------------------------------------------------------------------------

PARKED_EVERYWHERE = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
    {"StartAt": "Long", "States": {"Long": {"Type": "Wait", "Seconds": 30 * DAY_S, "End": True}}},
    {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemsPath": "$.waits", "End": True, "ItemProcessor": {
        "StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "SecondsPath": "$", "End": True}}}}}},
]}}}


def _stop_after_a_second(lr: Any, timeline: Timeline, arn: str) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    timeline.at(1, lambda: answers.append(lr.invoke("stop", {"executionArn": arn, "error": "Ops.Stop",
                                                             "cause": "stopped by hand"})))
    return answers


@pytest.mark.parametrize(("flow", "inline_fan_out", "units"), [
    ("wait", 10, 1),
    ("parallel-of-wait-and-map", 0, 6),  # branches and iterations as units of their own
    ("parallel-of-wait-and-map", 10, 1),  # all of them inside the root unit
])
def test_stop_aborts_an_execution_parked_on_wake_ups_and_cleans_up(local_runtime: Any, flow: str,
                                                                  inline_fan_out: int, units: int) -> None:
    definition = (PARKED_EVERYWHERE if flow != "wait" else
                  {"StartAt": "Long", "States": {"Long": {"Type": "Wait", "Seconds": 30 * DAY_S, "End": True}}})
    lr = local_runtime(inline_fan_out=inline_fan_out)
    timeline = Timeline(lr)
    arn = start(lr, definition, {"waits": [10 * DAY_S, 20 * DAY_S, 25 * DAY_S]})
    answers = _stop_after_a_second(lr, timeline, arn)
    run = Run(lr, arn, timeline.start_ms, lr.pump())

    assert answers == [{"stopDate": iso_from_ms(timeline.start_ms + 1000)}]
    assert (run.status, run.described["error"], run.described["cause"]) == ("ABORTED", "Ops.Stop", "stopped by hand")
    assert run.described["stopDate"] == iso_from_ms(timeline.start_ms + 1000)
    assert run.history()[-1]["type"] == "ExecutionAborted"
    # Every wake-up was a schedule; all were deleted, none fired, and the clock never went to them.
    assert timeline.jumps == []
    assert (run.report.schedule_fires, run.report.timer_fires) == (0, 0)
    assert schedules(lr) == []
    # Every unit of the execution stopped, the Map's iterations too.
    statuses = run.unit_statuses()
    assert len(statuses) == units
    assert set(statuses.values()) == {"ABORTED"}
    for unit in run.child_units():
        assert run.history(unit)[-1]["type"] == "ExecutionAborted", unit
    # Stopping again changes nothing.
    assert lr.invoke("stop", {"executionArn": arn})["stopDate"]
    lr.pump()
    run.refresh()
    assert (run.status, run.described["error"]) == ("ABORTED", "Ops.Stop")
