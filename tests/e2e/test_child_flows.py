"""Child flows (`arn:aws:states:::states:startExecution`) on the durable runtime, on moto: request-response,
`.sync`, `.sync:2` and `.waitForTaskToken`, with the child linked to its parent."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cloudflow.runtime.describe import describe_execution
from cloudflow.runtime.flows import publish_flow
from tests.e2e.test_runtime_examples import run_on_runtime, send_callback

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")

CHILD_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
START = "arn:aws:states:::states:startExecution"

DOUBLE = {"StartAt": "Double", "States": {"Double": {
    "Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": True}}}
WAITS_THEN_DOUBLES = {"StartAt": "Wait", "States": {
    "Wait": {"Type": "Wait", "Seconds": 600, "Next": "Double"}, **DOUBLE["States"]}}
FAILS = {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Child.Broke", "Cause": "it broke"}}}


def _parent(resource: str, **fields: Any) -> dict[str, Any]:
    return {"StartAt": "Call", "States": {"Call": {
        "Type": "Task", "Resource": resource, "End": True,
        "Parameters": {"StateMachineArn": CHILD_ARN, "Input": {"n.$": "$.n"}}, **fields}}}


@pytest.fixture
def runtime_with(local_runtime: Any) -> Any:
    def make(child: dict[str, Any], **options: Any) -> Any:
        lr = local_runtime(**options)
        publish_flow(lr.runtime, "child", json.dumps(child))
        return lr
    return make


def test_request_response_starts_the_child_and_hands_on_its_arn(runtime_with: Any) -> None:
    lr = runtime_with(DOUBLE)
    run = run_on_runtime(lr, _parent(START), {"n": 4})
    assert run.status == "SUCCEEDED"
    assert set(run.output) == {"ExecutionArn", "StartDate"}
    child = describe_execution(lr.runtime, run.output["ExecutionArn"])
    assert (child["status"], json.loads(child["output"])) == ("SUCCEEDED", {"doubled": 8})
    assert child["parentExecutionArn"] == run.arn
    assert json.loads(child["input"]) == {"n": 4}


@pytest.mark.parametrize(("suffix", "as_json"), [(".sync", False), (".sync:2", True)])
def test_sync_waits_for_the_child_and_returns_its_description(runtime_with: Any, suffix: str, as_json: bool) -> None:
    lr = runtime_with(WAITS_THEN_DOUBLES)
    run = run_on_runtime(lr, _parent(START + suffix), {"n": 21})
    assert run.status == "SUCCEEDED", run.described
    view = run.output
    expected_output = {"doubled": 42}
    assert view["Output"] == (expected_output if as_json else json.dumps(expected_output, separators=(",", ":")))
    assert view["Input"] == ({"n": 21} if as_json else '{"n":21}')
    assert (view["Status"], view["StateMachineArn"], view["OutputDetails"]) == (
        "SUCCEEDED", CHILD_ARN, {"Included": True})
    assert view["StopDate"] - view["StartDate"] == 600_000  # the child's 10-minute Wait
    child = describe_execution(lr.runtime, view["ExecutionArn"])
    assert child["parentExecutionArn"] == run.arn
    # The parent's history names the child it waited for, from the moment it started it.
    types = [e["type"] for e in run.history()]
    assert types[types.index("TaskStarted"):types.index("TaskSucceeded") + 1] == [
        "TaskStarted", "TaskSubmitted", "TaskSucceeded"]
    submitted = next(e for e in run.history() if e["type"] == "TaskSubmitted")["taskSubmittedEventDetails"]
    assert (submitted["resourceType"], submitted["resource"]) == ("states", "startExecution" + suffix)
    assert json.loads(submitted["output"]) == {"ExecutionArn": view["ExecutionArn"], "StartDate": view["StartDate"]}


def test_a_failed_child_fails_the_sync_task_with_states_task_failed(runtime_with: Any) -> None:
    lr = runtime_with(FAILS)
    parent = _parent(START + ".sync", Catch=[{"ErrorEquals": ["States.TaskFailed"], "Next": "Caught"}])
    parent["States"]["Caught"] = {"Type": "Pass", "End": True}
    run = run_on_runtime(lr, parent, {"n": 1})
    assert run.status == "SUCCEEDED"
    assert run.output["Error"] == "States.TaskFailed"
    cause = json.loads(run.output["Cause"])
    assert (cause["Status"], cause["Error"], cause["Cause"]) == ("FAILED", "Child.Broke", "it broke")


def test_wait_for_task_token_hands_the_child_the_token_and_waits_for_it(runtime_with: Any) -> None:
    lr = runtime_with(DOUBLE)
    parent = _parent(START + ".waitForTaskToken")
    parent["States"]["Call"]["Parameters"]["Input"] = {"n.$": "$.n", "token.$": "$$.Task.Token"}
    run = run_on_runtime(lr, parent, {"n": 2})
    assert run.status == "RUNNING"
    child_input = _only_child_input(lr, run)
    assert send_callback(lr, "success", child_input["token"], output=json.dumps({"done": True})) == {}
    lr.pump()
    run.refresh()
    assert (run.status, run.output) == ("SUCCEEDED", {"done": True})


def _only_child_input(lr: Any, run: Any) -> dict[str, Any]:
    """The Input the parent's task sent the child, as the parent's TaskScheduled event records it."""
    scheduled = next(e for e in run.history() if e["type"] == "TaskScheduled")
    parameters = json.loads(scheduled["taskScheduledEventDetails"]["parameters"])
    token_input: dict[str, Any] = parameters["Input"]
    return token_input


def test_an_unknown_child_flow_fails_with_step_functions_error_name(runtime_with: Any) -> None:
    lr = runtime_with(DOUBLE)
    parent = _parent(START)
    parent["States"]["Call"]["Parameters"]["StateMachineArn"] = CHILD_ARN.replace("child", "nobody")
    run = run_on_runtime(lr, parent, {"n": 1})
    assert (run.status, run.described["error"]) == ("FAILED", "StepFunctions.StateMachineDoesNotExistException")


def test_bad_parameters_name_the_field(runtime_with: Any) -> None:
    lr = runtime_with(DOUBLE)
    parent = _parent(START)
    parent["States"]["Call"]["Parameters"]["StateMachineArn"] = "child"
    run = run_on_runtime(lr, parent, {"n": 1})
    assert run.described["error"] == "States.Runtime"
    assert "StateMachineArn must be a state machine ARN" in run.described["cause"]


def test_duplicate_deliveries_start_one_child_and_give_the_same_result(runtime_with: Any) -> None:
    results = []
    for duplicate in (False, True):
        lr = runtime_with(WAITS_THEN_DOUBLES, duplicate_deliveries=duplicate)
        run = run_on_runtime(lr, _parent(START + ".sync:2"), {"n": 5})
        types = [e["type"] for e in run.history()]
        results.append((run.status, run.output["Output"], run.output["ExecutionArn"], run.transitions, types))
    assert results[0] == results[1]
    assert results[0][-1].count("TaskSubmitted") == 1


def test_a_parent_that_stops_waiting_ignores_the_child_ending_later(runtime_with: Any) -> None:
    lr = runtime_with(WAITS_THEN_DOUBLES)
    run = run_on_runtime(lr, _parent(START + ".sync", TimeoutSeconds=60), {"n": 5})
    assert (run.status, run.described["error"]) == ("FAILED", "States.Timeout")
    assert run.report.timer_fires + run.report.schedule_fires >= 2  # the parent's timeout, the child's wait
    assert lr.dead_letters == []
