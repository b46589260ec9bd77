"""Remote-children mode (the durable runtime): Parallel and Map fan out as FanOut commands, each child
runs in its own snapshot and reports with ReportChild, and the parent resumes on ChildrenFinished.
Driving the pieces by hand must give what the inline engine gives."""

from __future__ import annotations

from typing import Any

from cloudflow.asl.model import build_state_machine
from cloudflow.core.commands import CancelChildren, FanOut, ReportChild
from cloudflow.core.engine import advance
from cloudflow.core.events import ChildFailed, ChildrenFinished, ChildStarted, ExecutionStarted
from cloudflow.core.snapshot import ExecutionSnapshot, child_snapshot, new_snapshot
from cloudflow.core.step_run import MAX_TRANSITIONS_ERROR
from cloudflow.local.runner import execution_info
from tests.unit.engine.flows import START_MS, ScriptedTasks, run, states

MAP = states(
    Each={"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2, "ResultPath": "$.out", "Next": "Done",
          "ItemProcessor": states(
              Pick={"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 3, "Next": "Bad"}],
                    "Default": "Double"},
              Double={"Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, $)"}, "End": True},
              Bad={"Type": "Fail", "Error": "Item.Bad", "Cause": "three"})},
    Done={"Type": "Succeed"},
)


def _started(definition: dict[str, Any], data: Any, budget: int | None = None) -> tuple[Any, Any]:
    machine = build_state_machine(definition)
    snapshot = new_snapshot(execution_info("f", "n", data, START_MS), "seed", remote_children=True,
                            max_transitions=budget)
    return machine, advance(machine, snapshot, ExecutionStarted(), START_MS)


def _run_child(machine: Any, parent: ExecutionSnapshot, fan_out: FanOut, index: int) -> tuple[ReportChild, int]:
    spec = fan_out.children[index]
    snapshot = child_snapshot(parent.info, f"seed/{spec.child_id}", fan_out.parent_frame_id, fan_out.kind,
                              fan_out.state_name, spec.child_id, spec.index, spec.machine_path, spec.start_at,
                              spec.input)
    decision = advance(machine, snapshot, ChildStarted(), START_MS)
    assert advance(machine, decision.snapshot, ChildStarted(), START_MS).applied is False  # a duplicate start
    [report] = [c for c in decision.commands if isinstance(c, ReportChild)]
    assert decision.history[0]["type"] == "MapIterationStarted"
    return report, decision.transitions


def test_a_map_fans_out_every_item_with_its_window_and_resumes_with_results_in_order() -> None:
    machine, decision = _started(MAP, {"items": [1, 2, 4]})
    [fan_out] = [c for c in decision.commands if isinstance(c, FanOut)]
    assert fan_out.window == 2 and [c.input for c in fan_out.children] == [1, 2, 4]
    assert len({c.child_id for c in fan_out.children}) == 3
    assert all(c.child_id.startswith(fan_out.join_id + ".") for c in fan_out.children)
    reports = [_run_child(machine, decision.snapshot, fan_out, i) for i in (2, 0, 1)]  # any order
    results = [r.output for r, _ in sorted(reports, key=lambda pair: pair[0].index)]
    child_transitions = sum(t for _, t in reports)
    finished = advance(machine, decision.snapshot,
                       ChildrenFinished(fan_out.parent_frame_id, fan_out.join_id, results, child_transitions),
                       START_MS)
    assert finished.snapshot.status == "SUCCEEDED"
    inline = run(MAP, {"items": [1, 2, 4]}, ScriptedTasks({}))
    assert finished.snapshot.output == inline.output
    assert finished.snapshot.transitions == inline.transitions  # children's metering joins the total
    again = advance(machine, finished.snapshot, ChildrenFinished(fan_out.parent_frame_id, fan_out.join_id, results),
                    START_MS)
    assert again.applied is False  # a duplicate join answer


def test_a_failed_child_fails_the_map_and_cancels_its_siblings() -> None:
    machine, decision = _started(MAP, {"items": [1, 3]})
    [fan_out] = [c for c in decision.commands if isinstance(c, FanOut)]
    report, _ = _run_child(machine, decision.snapshot, fan_out, 1)
    assert (report.succeeded, report.error, report.cause) == (False, "Item.Bad", "three")
    failed = advance(machine, decision.snapshot,
                     ChildFailed(fan_out.parent_frame_id, fan_out.join_id, report.error, report.cause), START_MS)
    assert CancelChildren(fan_out.join_id) in failed.commands
    assert (failed.snapshot.status, failed.snapshot.error) == ("FAILED", "Item.Bad")
    stale = advance(machine, decision.snapshot, ChildFailed(fan_out.parent_frame_id, "r/99-0", "X"), START_MS)
    assert stale.applied is False  # an answer for a join that is not the current one


def test_parallel_branches_fan_out_on_the_same_input() -> None:
    definition = states(Fan={"Type": "Parallel", "End": True, "Branches": [
        states(A={"Type": "Pass", "Result": "a", "End": True}), states(B={"Type": "Pass", "End": True})]})
    _, decision = _started(definition, {"x": 1})
    [fan_out] = [c for c in decision.commands if isinstance(c, FanOut)]
    assert fan_out.kind == "parallel" and [c.input for c in fan_out.children] == [{"x": 1}, {"x": 1}]
    assert [c.machine_path for c in fan_out.children] == ["/States/Fan/Branches/0", "/States/Fan/Branches/1"]


def test_max_transitions_fails_the_execution_once_the_budget_is_spent() -> None:
    chain = states(**{f"P{i}": {"Type": "Pass", "Next": f"P{i + 1}"} for i in range(5)},
                   P5={"Type": "Succeed"})
    _, decision = _started(chain, {}, budget=3)
    assert (decision.snapshot.status, decision.snapshot.error) == ("FAILED", MAX_TRANSITIONS_ERROR)
    assert "MaxTransitions budget of 3 state transitions" in (decision.snapshot.cause or "")
    assert decision.transitions == 3  # never more than the budget is metered
    _, within = _started(chain, {}, budget=6)
    assert within.snapshot.status == "SUCCEEDED"
