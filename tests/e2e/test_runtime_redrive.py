"""RedriveExecution on the durable runtime: an execution that failed, was stopped or timed out resumes at the
state that did not succeed, with that state's input; states that succeeded do not run again, and neither do
the Parallel branches and Map iterations that succeeded. The tasks here fail until the test "fixes" them,
the way a user fixes a bug and then redrives.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from cloudflow.core.commands import InvokeTask
from cloudflow.core.timestamps import iso_from_ms
from cloudflow.errors import ExecutionDoesNotExistError, ExecutionNotRedrivableError
from cloudflow.local.task_outcome import NoAnswer, TaskOutcome, TaskReturned, TaskThrew
from cloudflow.runtime.callbacks import send_task_success
from cloudflow.runtime.redriver import redrive_execution
from cloudflow.runtime.stopper import stop_execution
from tests.e2e.test_runtime_examples import Callbacks, Run, callback_task, parse_template_once, start

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

# A Parallel or Map runs its children as units of their own, or (at most ten small ones) inside its unit.
FAN_OUT_MODES = pytest.mark.parametrize("inline_fan_out", [0, 10], ids=["units", "in-process"])

CHARGE = "arn:aws:lambda:us-east-1:123456789012:function:charge"
WORKER = "arn:aws:states:::lambda:invoke.waitForTaskToken"


@pytest.fixture(autouse=True)
def _fast_stacks(monkeypatch: pytest.MonkeyPatch) -> None:
    parse_template_once(monkeypatch)


class Repairable:
    """The `charge` function: fails for the inputs in `broken` until they are repaired; records each call.

    Callback tasks get no answer: their tokens are kept in `tokens`.
    """

    def __init__(self, *broken: Any) -> None:
        self.broken = list(broken)
        self.calls: list[Any] = []
        self.tokens: list[str] = []

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        if invocation.pattern == "callback":
            self.tokens.append(invocation.token)
            return NoAnswer()
        self.calls.append(invocation.parameters)
        item = invocation.parameters.get("item") if isinstance(invocation.parameters, dict) else None
        if item in self.broken:
            return TaskThrew("Charge.Declined", f"card of {item} declined")
        return TaskReturned({"charged": item, "redriveCount": invocation.parameters.get("redrives")})

    def calls_per_item(self) -> Counter[Any]:
        return Counter(call.get("item") for call in self.calls)


def charge(next_state: str | None = None, **fields: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Task", "Resource": CHARGE,
                             "Parameters": {"item.$": "$.item", "redrives.$": "$$.Execution.RedriveCount"},
                             **fields}
    return {**state, "Next": next_state} if next_state else {**state, "End": True}


def redrive(lr: Any, arn: str) -> Run:
    """Redrive through the runtime's service, then pump to the end."""
    redrive_execution(lr.runtime, arn)
    return Run(lr, arn, lr.clock.now_ms(), lr.pump())


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


def after_redrive(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    marks = [i for i, event in enumerate(events) if event["type"] == "ExecutionRedriven"]
    return events[marks[-1]:]


# --- a failed state resumes with its input; the states before it do not run again --------------------------

CHAIN = {"StartAt": "Prepare", "States": {
    "Prepare": {"Type": "Pass", "Parameters": {"item.$": "$.item", "prepared": True}, "Next": "Charge"},
    "Charge": charge("Receipt", ResultPath="$.receipt",
                     Retry=[{"ErrorEquals": ["Charge.Declined"], "MaxAttempts": 1, "IntervalSeconds": 5}]),
    "Receipt": {"Type": "Pass", "End": True},
}}


def test_a_failed_task_is_redriven_from_where_it_failed(local_runtime: Any) -> None:
    tasks = Repairable("book")
    lr = local_runtime(tasks=tasks)
    arn = start(lr, CHAIN, {"item": "book"})
    failed = Run(lr, arn, lr.clock.now_ms(), lr.pump())
    assert failed.status == "FAILED" and failed.described["error"] == "Charge.Declined"
    assert failed.described["redriveStatus"] == "REDRIVABLE" and failed.described["redriveCount"] == 0
    first_transitions = failed.transitions
    assert tasks.calls_per_item() == {"book": 2}  # the call and its one retry

    tasks.broken.clear()
    lr.clock.advance_to(lr.clock.now_ms() + 60_000)
    done = redrive(lr, arn)

    assert done.status == "SUCCEEDED"
    assert done.output == {"item": "book", "prepared": True, "receipt": {"charged": "book", "redriveCount": 1}}
    assert tasks.calls_per_item() == {"book": 3}  # one more call, with the state's input as it was
    assert tasks.calls[-1] == {"item": "book", "redrives": 1}
    events = done.history()
    resumed = after_redrive(events)
    assert types(resumed)[:2] == ["ExecutionRedriven", "TaskStateEntered"]
    assert resumed[0]["executionRedrivenEventDetails"] == {"redriveCount": 1}
    assert resumed[1]["stateEnteredEventDetails"]["name"] == "Charge"
    assert "PassStateEntered" not in types(resumed)[:2]  # Prepare did not run again
    assert types(events).count("ExecutionFailed") == 1 and types(events)[-1] == "ExecutionSucceeded"
    assert [e["id"] for e in events] == list(range(1, len(events) + 1))
    # Metered once more for each state the redrive ran: Charge and Receipt.
    assert done.transitions == first_transitions + 2
    assert done.described["redriveCount"] == 1
    assert done.described["redriveDate"] == iso_from_ms(failed.lr.clock.now_ms())
    assert done.described["redriveStatus"] == "NOT_REDRIVABLE"
    assert "SUCCEEDED" in done.described["redriveStatusReason"]


def test_an_execution_that_fails_again_can_be_redriven_again(local_runtime: Any) -> None:
    tasks = Repairable("book")
    lr = local_runtime(tasks=tasks)
    arn = start(lr, CHAIN, {"item": "book"})
    lr.pump()
    again = redrive(lr, arn)
    assert again.status == "FAILED" and again.described["redriveCount"] == 1
    tasks.broken.clear()
    done = redrive(lr, arn)
    assert done.status == "SUCCEEDED" and done.output["receipt"]["redriveCount"] == 2
    assert types(done.history()).count("ExecutionRedriven") == 2


# --- Map and Parallel: only what did not succeed runs again -------------------------------------------------

ITEMS = ["a", "b", "c", "d", "e", "f"]
MAP = {"StartAt": "Each", "States": {"Each": {
    "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "End": True,
    "ItemSelector": {"item.$": "$$.Map.Item.Value"},
    "ItemProcessor": {"StartAt": "Note", "States": {
        "Note": {"Type": "Pass", "Next": "Charge"},
        "Charge": charge(),
    }},
}}}


@FAN_OUT_MODES
@pytest.mark.parametrize("window", [0, 2])
def test_a_map_redrives_only_the_iterations_that_did_not_succeed(local_runtime: Any, window: int,
                                                                 inline_fan_out: int) -> None:
    tasks = Repairable("b", "e")
    lr = local_runtime(tasks=tasks, inline_fan_out=inline_fan_out)
    definition = {**MAP, "States": {"Each": {**MAP["States"]["Each"], "MaxConcurrency": window}}}
    arn = start(lr, definition, {"items": ITEMS})
    failed = Run(lr, arn, lr.clock.now_ms(), lr.pump())
    assert failed.status == "FAILED" and failed.described["error"] == "Charge.Declined"
    ran_before = tasks.calls_per_item()

    tasks.broken.clear()
    done = redrive(lr, arn)

    assert done.status == "SUCCEEDED"
    assert [result["charged"] for result in done.output] == ITEMS  # every result, in item order
    carried = {result["charged"] for result in done.output if result["redriveCount"] == 0}
    calls = tasks.calls_per_item()
    for item in ITEMS:  # an iteration that succeeded is not run again; every other one succeeds once now
        expected = 1 if item in carried else ran_before.get(item, 0) + 1
        assert calls[item] == expected, (item, calls)
    if inline_fan_out:
        # In-process, the answers of one step are applied in item order: b's failure aborted the iterations
        # after it before their answers counted (a timing Step Functions can show too), so they run again.
        assert carried == {"a"}
    else:  # as units, every iteration that ran and was not broken had succeeded on its own
        assert carried == {item for item in ran_before if item not in ("b", "e")}


def test_a_failed_iteration_resumes_at_its_failed_state(local_runtime: Any) -> None:
    tasks = Repairable("b")
    lr = local_runtime(tasks=tasks, inline_fan_out=0)
    arn = start(lr, MAP, {"items": ["a", "b"]})
    lr.pump()
    tasks.broken.clear()
    done = redrive(lr, arn)
    assert done.status == "SUCCEEDED"
    entered = [e for e in after_redrive(done.history()) if e["type"] == "MapStateEntered"]
    assert len(entered) == 1  # the Map itself is entered again; it runs only what did not succeed
    join = f"r/{entered[0]['id']}-0"
    assert done.history(f"{join}.0") == []  # "a" succeeded before: carried over, not run again
    redriven = types(done.history(f"{join}.1"))
    # The iteration of "b" resumed at Charge; Note, which had succeeded, did not run again.
    assert redriven[:2] == ["MapIterationStarted", "TaskStateEntered"] and "PassStateEntered" not in redriven
    assert redriven[-1] == "MapIterationSucceeded"


def test_a_failed_in_process_iteration_resumes_at_its_failed_state(local_runtime: Any) -> None:
    tasks = Repairable("b")
    lr = local_runtime(tasks=tasks)
    arn = start(lr, MAP, {"items": ["a", "b"]})
    lr.pump()
    tasks.broken.clear()
    done = redrive(lr, arn)
    assert done.status == "SUCCEEDED"
    assert done.child_units() == []  # two iterations: they ran inside the root unit
    redriven = after_redrive(done.history())
    # The Map is entered again and starts only the iteration of "b", at Charge: Note does not run again.
    started = [e["mapIterationStartedEventDetails"]["index"] for e in redriven if e["type"] == "MapIterationStarted"]
    assert started == [1]
    entered = [e["stateEnteredEventDetails"]["name"] for e in redriven if e["type"].endswith("StateEntered")]
    assert entered == ["Each", "Charge"]
    assert tasks.calls_per_item() == {"a": 1, "b": 2}


def _fixed(item: str) -> dict[str, Any]:
    return {"item": item, "redrives.$": "$$.Execution.RedriveCount"}


PARALLEL = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
    {"StartAt": "Left", "States": {"Left": charge(Parameters=_fixed("left"))}},
    {"StartAt": "Count", "States": {
        "Count": {"Type": "Pass", "Result": 1, "ResultPath": "$.counted", "Next": "Right"},
        "Right": charge(Parameters=_fixed("right")),
    }},
]}}}


@FAN_OUT_MODES
def test_a_parallel_redrives_only_the_branches_that_did_not_succeed(local_runtime: Any, inline_fan_out: int) -> None:
    tasks = Repairable("right")
    lr = local_runtime(tasks=tasks, inline_fan_out=inline_fan_out)
    arn = start(lr, PARALLEL, {})
    assert Run(lr, arn, lr.clock.now_ms(), lr.pump()).status == "FAILED"
    tasks.broken.clear()
    done = redrive(lr, arn)
    assert done.status == "SUCCEEDED"
    assert done.output == [{"charged": "left", "redriveCount": 0}, {"charged": "right", "redriveCount": 1}]
    assert tasks.calls_per_item() == {"left": 1, "right": 2}
    # Count, before the failed task in its branch, ran once: the branch resumed at Right.
    entered = [e["stateEnteredEventDetails"]["name"] for e in done.history() if e["type"].endswith("StateEntered")]
    assert entered.count("Count") == (1 if inline_fan_out else 0)  # as units, the branches' events are theirs


BOTH_WAIT = {"StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
    {"StartAt": "Pack", "States": {"Pack": {**callback_task(), "Parameters": {"FunctionName": "pack",
                                                                             "Payload": {"t.$": "$$.Task.Token"}}}}},
    {"StartAt": "Label", "States": {"Label": {**callback_task(), "Parameters": {"FunctionName": "label",
                                                                               "Payload": {"t.$": "$$.Task.Token"}}}}},
]}}}


@FAN_OUT_MODES
def test_a_stopped_parallel_resumes_only_its_unfinished_branch(local_runtime: Any, inline_fan_out: int) -> None:
    workers = Callbacks()
    lr = local_runtime(tasks=workers, inline_fan_out=inline_fan_out)
    arn = start(lr, BOTH_WAIT, {})
    lr.pump()
    (pack,), (label,) = workers.by_state["Pack"], workers.by_state["Label"]
    send_task_success(lr.runtime, pack, {"box": 3})
    lr.pump()
    stop_execution(lr.runtime, arn, "Operator.Stop", "label printer jammed")
    assert Run(lr, arn, lr.clock.now_ms(), lr.pump()).status == "ABORTED"

    redrive(lr, arn)
    assert len(workers.by_state["Pack"]) == 1  # Pack succeeded: carried over, not asked again
    (_, again) = workers.by_state["Label"]  # Label, aborted by the stop, is asked again with a new token
    assert again != label
    send_task_success(lr.runtime, again, {"tracking": "TR-1"})
    done = Run(lr, arn, lr.clock.now_ms(), lr.pump())
    assert done.status == "SUCCEEDED" and done.output == [{"box": 3}, {"tracking": "TR-1"}]


# --- stopped, timed out ------------------------------------------------------------------------------------

WAITING = {"StartAt": "Approve", "States": {"Approve": {
    "Type": "Task", "Resource": WORKER, "Parameters": {"FunctionName": "approver", "Payload": {"t.$": "$$.Task.Token"}},
    "End": True}}}


def test_a_stopped_execution_resumes_its_waiting_task_with_a_new_token(local_runtime: Any) -> None:
    tasks = Repairable()
    lr = local_runtime(tasks=tasks)
    arn = start(lr, WAITING, {"order": 7})
    lr.pump()
    stop_execution(lr.runtime, arn, "Operator.Stop", "wrong approver")
    stopped = Run(lr, arn, lr.clock.now_ms(), lr.pump())
    assert stopped.status == "ABORTED" and stopped.described["redriveStatus"] == "REDRIVABLE"

    redrive(lr, arn)
    assert len(tasks.tokens) == 2 and tasks.tokens[0] != tasks.tokens[1]
    send_task_success(lr.runtime, tasks.tokens[1], {"approved": True})
    done = Run(lr, arn, lr.clock.now_ms(), lr.pump())
    assert done.status == "SUCCEEDED" and done.output == {"approved": True}


def test_a_timed_out_execution_gets_its_timeout_again_from_the_redrive(local_runtime: Any) -> None:
    tasks = Repairable()
    lr = local_runtime(tasks=tasks)
    arn = start(lr, {**WAITING, "TimeoutSeconds": 60}, {})
    timed_out = Run(lr, arn, lr.clock.now_ms(), lr.pump())
    assert timed_out.status == "TIMED_OUT"
    redriven_at = lr.clock.now_ms()
    again = redrive(lr, arn)
    assert again.status == "TIMED_OUT"
    assert again.described["stopDate"] == iso_from_ms(redriven_at + 60_000)


# --- what cannot be redriven, and repeats ------------------------------------------------------------------

def test_only_unsuccessful_ended_executions_are_redrivable(local_runtime: Any) -> None:
    tasks = Repairable()
    lr = local_runtime(tasks=tasks)
    succeeded = start(lr, CHAIN, {"item": "pen"}, name="fine")
    waiting = start(lr, WAITING, {}, name="waiting")
    lr.pump()
    with pytest.raises(ExecutionNotRedrivableError, match="SUCCEEDED"):
        redrive_execution(lr.runtime, succeeded)
    with pytest.raises(ExecutionNotRedrivableError, match="RUNNING"):
        redrive_execution(lr.runtime, waiting)
    with pytest.raises(ExecutionDoesNotExistError):
        redrive_execution(lr.runtime, succeeded.replace(":fine", ":ghost"))


def test_over_budget_executions_are_not_redrivable(local_runtime: Any) -> None:
    lr = local_runtime(tasks=Repairable())
    arn = start(lr, CHAIN, {"item": "pen"}, maxTransitions=2)
    ended = Run(lr, arn, lr.clock.now_ms(), lr.pump())
    assert ended.status == "FAILED" and ended.described["redriveStatus"] == "NOT_REDRIVABLE"
    with pytest.raises(ExecutionNotRedrivableError, match="MaxTransitions"):
        redrive_execution(lr.runtime, arn)


def test_a_repeated_redrive_while_pending_is_the_same_redrive(local_runtime: Any) -> None:
    tasks = Repairable("book")
    lr = local_runtime(tasks=tasks, duplicate_deliveries=True)
    arn = start(lr, CHAIN, {"item": "book"})
    lr.pump()
    tasks.broken.clear()
    first = redrive_execution(lr.runtime, arn)
    pending = Run(lr, arn, lr.clock.now_ms(), None)
    assert pending.status == "RUNNING" and "error" not in pending.described  # shown RUNNING at once
    assert redrive_execution(lr.runtime, arn) == first
    done = Run(lr, arn, lr.clock.now_ms(), lr.pump())
    assert done.status == "SUCCEEDED"
    assert types(done.history()).count("ExecutionRedriven") == 1
    assert tasks.calls_per_item() == {"book": 3}
    with pytest.raises(ExecutionNotRedrivableError):
        redrive_execution(lr.runtime, arn)


NESTED_WAIT = {"StartAt": "Outer", "States": {"Outer": {"Type": "Parallel", "End": True, "Branches": [
    {"StartAt": "Inner", "States": {"Inner": {
        "Type": "Map", "ItemsPath": "$.items", "End": True,
        "ItemProcessor": {"StartAt": "Ask", "States": {"Ask": {
            **callback_task(), "Parameters": {"FunctionName": "ask", "Payload": {"t.$": "$$.Task.Token"}}}}}}}},
    {"StartAt": "Note", "States": {"Note": {"Type": "Pass", "Result": "noted", "End": True}}},
]}}}


def test_a_stop_keeps_what_nested_in_process_children_finished(local_runtime: Any) -> None:
    # A Map inside a Parallel's branch, all in-process: the stop keeps each level's outcomes, so the redrive
    # asks again only the iteration that had not answered.
    workers = Callbacks()
    lr = local_runtime(tasks=workers)
    arn = start(lr, NESTED_WAIT, {"items": ["a", "b"]})
    lr.pump()
    first, second = workers.by_state["Ask"]
    send_task_success(lr.runtime, first, {"answer": "a"})
    lr.pump()
    stop_execution(lr.runtime, arn, "Operator.Stop", "later")
    assert Run(lr, arn, lr.clock.now_ms(), lr.pump()).status == "ABORTED"

    done = redrive(lr, arn)
    assert done.status == "RUNNING" and done.child_units() == []
    (_, _, again) = workers.by_state["Ask"]  # only the unanswered iteration is asked again
    assert again not in (first, second)
    send_task_success(lr.runtime, again, {"answer": "b"})
    done = Run(lr, arn, lr.clock.now_ms(), lr.pump())
    assert done.status == "SUCCEEDED"
    assert done.output == [[{"answer": "a"}, {"answer": "b"}], "noted"]
