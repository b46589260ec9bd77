"""History shape, metering, determinism, and resuming from a serialised snapshot."""

from __future__ import annotations

import json

from cloudflow.asl.model import build_state_machine
from cloudflow.core.commands import CompleteExecution, InvokeTask, ScheduleWakeUp
from cloudflow.core.engine import advance
from cloudflow.core.events import ExecutionStarted, StopRequested, TaskSucceeded, WakeUpDue
from cloudflow.core.snapshot import ExecutionSnapshot, new_snapshot
from cloudflow.local.runner import execution_info
from tests.unit.engine.flows import START_MS, ScriptedTasks, TaskReturned, TaskThrew, run, states

FLOW = states(
    Start={"Type": "Pass", "Parameters": {"r.$": "States.MathRandom(1, 1000)", "u.$": "States.UUID()"},
           "ResultPath": "$.rnd", "Next": "Work"},
    Work={"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:w",
          "Retry": [{"ErrorEquals": ["States.ALL"], "JitterStrategy": "FULL", "IntervalSeconds": 5}],
          "Next": "Wait"},
    Wait={"Type": "Wait", "Seconds": 3600, "Next": "Fan"},
    Fan={"Type": "Map", "ItemsPath": "$.items", "End": True,
         "ItemProcessor": states(Each={"Type": "Pass", "End": True})},
)


def _answers() -> ScriptedTasks:
    return ScriptedTasks({"Work": [TaskThrew("X"), lambda inv: TaskReturned({"items": [1, 2], **inv.parameters})]})


def test_same_inputs_give_the_same_output_history_and_metering() -> None:
    first = run(FLOW, {"a": 1}, _answers(), seed="s1")
    second = run(FLOW, {"a": 1}, _answers(), seed="s1")
    assert first.status == "SUCCEEDED"
    assert json.dumps(first.to_dict(with_history=True)) == json.dumps(second.to_dict(with_history=True))
    other = run(FLOW, {"a": 1}, _answers(), seed="s2")
    assert other.history[2] != first.history[2]  # the random values Start drew
    assert other.ended_ms != first.ended_ms  # the jittered back-off


def test_history_events_chain_ids_and_name_the_state() -> None:
    result = run(states(A={"Type": "Pass", "Next": "B"}, B={"Type": "Succeed"}), {"x": 1})
    assert [e["type"] for e in result.history] == [
        "ExecutionStarted", "PassStateEntered", "PassStateExited", "SucceedStateEntered", "SucceedStateExited",
        "ExecutionSucceeded"]
    assert [e["id"] for e in result.history] == [1, 2, 3, 4, 5, 6]
    assert [e["previousEventId"] for e in result.history] == [0, 1, 2, 3, 4, 5]
    entered = result.history[1]
    assert entered["stateEnteredEventDetails"] == {
        "name": "A", "input": '{"x":1}', "inputDetails": {"truncated": False}}
    assert result.history[-1]["executionSucceededEventDetails"]["output"] == '{"x":1}'


def test_every_state_entered_is_one_metered_transition() -> None:
    result = run(states(M={"Type": "Map", "End": True,
                           "ItemProcessor": states(A={"Type": "Pass", "Next": "B"}, B={"Type": "Pass", "End": True})}),
                 [1, 2, 3])
    entered = [e for e in result.history if e["type"].endswith("StateEntered")]
    assert result.transitions == len(entered) == 1 + 3 * 2


def test_advance_resumes_from_a_snapshot_that_went_through_json() -> None:
    machine = build_state_machine(FLOW)
    info = execution_info("F", "e", {"a": 1}, START_MS)
    decision = advance(machine, new_snapshot(info, "seed"), ExecutionStarted(), START_MS)
    invoke = next(c for c in decision.commands if isinstance(c, InvokeTask))
    stored = ExecutionSnapshot.model_validate_json(decision.snapshot.model_dump_json())
    decision = advance(machine, stored, TaskSucceeded(invoke.token, {"items": [7]}), START_MS + 10)
    wake = next(c for c in decision.commands if isinstance(c, ScheduleWakeUp))
    assert wake.due_ms == START_MS + 10 + 3_600_000
    stored = ExecutionSnapshot.model_validate_json(decision.snapshot.model_dump_json())
    decision = advance(machine, stored, WakeUpDue(wake.timer_id), wake.due_ms)
    done = [c for c in decision.commands if isinstance(c, CompleteExecution)]
    assert done and done[0].status == "SUCCEEDED" and done[0].output == [7]


def test_duplicate_and_stale_events_do_nothing() -> None:
    machine = build_state_machine(FLOW)
    info = execution_info("F", "e", {}, START_MS)
    started = advance(machine, new_snapshot(info, "seed"), ExecutionStarted(), START_MS)
    assert not advance(machine, started.snapshot, ExecutionStarted(), START_MS).applied
    token = next(c for c in started.commands if isinstance(c, InvokeTask)).token
    answered = advance(machine, started.snapshot, TaskSucceeded(token, {"items": []}), START_MS)
    duplicate = advance(machine, answered.snapshot, TaskSucceeded(token, {"items": []}), START_MS)
    assert answered.applied and not duplicate.applied
    assert duplicate.snapshot is answered.snapshot and duplicate.history == []
    assert not advance(machine, answered.snapshot, TaskSucceeded("forged", 1), START_MS).applied
    assert not advance(machine, answered.snapshot, WakeUpDue("timer-999"), START_MS).applied


def test_advance_never_mutates_the_snapshot_it_was_given() -> None:
    machine = build_state_machine(FLOW)
    snapshot = new_snapshot(execution_info("F", "e", {"a": 1}, START_MS), "seed")
    before = snapshot.model_dump_json()
    advance(machine, snapshot, ExecutionStarted(), START_MS)
    assert snapshot.model_dump_json() == before


def test_stop_aborts_with_error_and_cause() -> None:
    machine = build_state_machine(FLOW)
    started = advance(machine, new_snapshot(execution_info("F", "e", {}, START_MS), "s"), ExecutionStarted(),
                      START_MS)
    stopped = advance(machine, started.snapshot, StopRequested("Stopped", "by a person"), START_MS + 1)
    assert stopped.snapshot.status == "ABORTED"
    assert stopped.history[-1]["type"] == "ExecutionAborted"
    assert stopped.snapshot.tasks == {} and stopped.snapshot.frames == {}
