"""Parallel and Map (ASL spec, "Parallel State", "Map State")."""

from __future__ import annotations

from typing import Any

from tests.unit.engine.flows import ScriptedTasks, TaskReturned, TaskThrew, run, states

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:work"


def _branch(**named: dict[str, Any]) -> dict[str, Any]:
    return states(**named)


def test_parallel_outputs_branch_results_in_branch_order() -> None:
    definition = states(P={"Type": "Parallel", "End": True, "Branches": [
        _branch(A={"Type": "Task", "Resource": LAMBDA, "End": True}),
        _branch(B={"Type": "Pass", "Result": "b", "End": True}),
        _branch(C={"Type": "Wait", "Seconds": 5, "Next": "D"}, D={"Type": "Pass", "Result": "d", "End": True}),
    ]})
    result = run(definition, {"x": 1}, ScriptedTasks({"A": [TaskReturned("a")]}))
    assert result.output == ["a", "b", "d"]


def test_a_failing_branch_fails_the_parallel_with_its_error_and_can_be_caught() -> None:
    definition = states(
        P={"Type": "Parallel", "Next": "Ok", "Catch": [{"ErrorEquals": ["Bad"], "Next": "Caught"}],
           "Branches": [_branch(A={"Type": "Wait", "Seconds": 100, "End": True}),
                        _branch(B={"Type": "Fail", "Error": "Bad", "Cause": "b failed"})]},
        Ok={"Type": "Succeed"},
        Caught={"Type": "Pass", "End": True},
    )
    result = run(definition, {})
    assert result.output == {"Error": "Bad", "Cause": "b failed"}
    types = [e["type"] for e in result.history]
    assert "ParallelStateFailed" in types and "ParallelStateExited" in types
    assert result.ended_ms == result.started_ms  # the other branch's wait was cancelled


def test_parallel_parameters_and_result_selector() -> None:
    definition = states(P={"Type": "Parallel", "Parameters": {"v.$": "$.v"}, "ResultSelector": {"first.$": "$[0]"},
                           "ResultPath": "$.out", "End": True,
                           "Branches": [_branch(A={"Type": "Pass", "End": True})]})
    assert run(definition, {"v": 3}).output == {"v": 3, "out": {"first": {"v": 3}}}


def test_map_runs_each_item_and_keeps_order() -> None:
    definition = states(M={"Type": "Map", "ItemsPath": "$.items", "End": True, "ItemProcessor": _branch(
        Double={"Type": "Task", "Resource": LAMBDA, "End": True})})
    tasks = ScriptedTasks({"Double": [lambda inv: TaskReturned(inv.parameters * 2)]})
    assert run(definition, {"items": [1, 2, 3]}, tasks).output == [2, 4, 6]


def test_map_item_selector_sees_index_and_value() -> None:
    definition = states(M={"Type": "Map", "ItemsPath": "$.items", "End": True,
                           "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "k.$": "$.k"},
                           "ItemProcessor": _branch(P={"Type": "Pass", "End": True})})
    assert run(definition, {"items": ["a", "b"], "k": 0}).output == [{"i": 0, "v": "a", "k": 0},
                                                                     {"i": 1, "v": "b", "k": 0}]


def test_legacy_iterator_and_parameters_still_work() -> None:
    definition = states(M={"Type": "Map", "Parameters": {"v.$": "$$.Map.Item.Value"}, "End": True,
                           "Iterator": _branch(P={"Type": "Pass", "End": True})})
    assert run(definition, [1, 2]).output == [{"v": 1}, {"v": 2}]


def test_map_over_an_empty_array_outputs_an_empty_array() -> None:
    definition = states(M={"Type": "Map", "End": True, "ItemProcessor": _branch(P={"Type": "Pass", "End": True})})
    result = run(definition, [])
    assert result.output == []
    assert [e["type"] for e in result.history][-3:] == ["MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"]


def test_map_over_a_non_array_fails_with_runtime() -> None:
    definition = states(M={"Type": "Map", "ItemsPath": "$.x", "End": True,
                           "ItemProcessor": _branch(P={"Type": "Pass", "End": True})})
    result = run(definition, {"x": {"not": "array"}})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")


def test_max_concurrency_limits_how_many_iterations_run_at_once() -> None:
    definition = states(M={"Type": "Map", "MaxConcurrency": 2, "End": True,
                           "ItemProcessor": _branch(W={"Type": "Wait", "SecondsPath": "$", "End": True})})
    result = run(definition, [10, 10, 10, 10])
    # two windows of 10 s each
    assert result.ended_ms - result.started_ms == 20_000
    unbounded = run({**definition, "States": {"M": {**definition["States"]["M"], "MaxConcurrency": 0}}},
                    [10, 10, 10, 10])
    assert unbounded.ended_ms - unbounded.started_ms == 10_000


def test_a_failing_iteration_fails_the_map_with_its_error() -> None:
    definition = states(M={"Type": "Map", "End": True, "ItemProcessor": _branch(
        C={"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "F"}], "Default": "P"},
        F={"Type": "Fail", "Error": "Two"}, P={"Type": "Pass", "End": True})})
    result = run(definition, [1, 2, 3])
    assert (result.status, result.error) == ("FAILED", "Two")
    assert "MapIterationFailed" in [e["type"] for e in result.history]


def test_tolerated_failures_let_the_map_succeed_until_the_threshold() -> None:
    processor = _branch(T={"Type": "Task", "Resource": LAMBDA, "End": True})
    fail_odd = [lambda inv: TaskThrew("Odd") if inv.parameters % 2 else TaskReturned(inv.parameters)]
    tolerant = states(M={"Type": "Map", "ToleratedFailureCount": 2, "End": True, "ItemProcessor": processor})
    result = run(tolerant, [1, 2, 3, 4], ScriptedTasks({"T": fail_odd}))
    assert result.output == [{"Error": "Odd"}, 2, {"Error": "Odd"}, 4]
    strict = states(M={"Type": "Map", "ToleratedFailurePercentage": 25, "End": True, "ItemProcessor": processor})
    result = run(strict, [1, 2, 3, 4], ScriptedTasks({"T": fail_odd}))
    assert (result.status, result.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")


def test_tolerated_failure_count_path_must_be_an_integer() -> None:
    definition = states(M={"Type": "Map", "ToleratedFailureCountPath": "$.n", "ItemsPath": "$.items", "End": True,
                           "ItemProcessor": _branch(P={"Type": "Pass", "End": True})})
    result = run(definition, {"n": "NoNumber", "items": [1]})
    assert result.error == "States.Runtime"
    assert result.cause is not None and result.cause.endswith(
        'The ToleratedFailureCountPath field refers to value "NoNumber" which is not a valid integer: $.n')


def test_item_batcher_groups_items_with_batch_input() -> None:
    definition = states(M={"Type": "Map", "End": True,
                           "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"tag.$": "$.tag"}},
                           "ItemsPath": "$.items", "ItemProcessor": _branch(P={"Type": "Pass", "End": True})})
    result = run(definition, {"items": [1, 2, 3], "tag": "t"})
    assert result.output == [{"Items": [1, 2], "BatchInput": {"tag": "t"}}, {"Items": [3], "BatchInput": {"tag": "t"}}]


def test_parallel_inside_map_inside_parallel() -> None:
    inner = states(P={"Type": "Parallel", "End": True, "Branches": [
        _branch(A={"Type": "Pass", "End": True}),
        _branch(B={"Type": "Task", "Resource": LAMBDA, "End": True})]})
    definition = states(Outer={"Type": "Parallel", "End": True, "Branches": [
        states(M={"Type": "Map", "End": True, "ItemProcessor": inner})]})
    tasks = ScriptedTasks({"B": [lambda inv: TaskReturned(inv.parameters + 100)]})
    assert run(definition, [1, 2], tasks).output == [[[1, 101], [2, 102]]]


def test_map_retry_reruns_the_whole_state() -> None:
    definition = states(M={"Type": "Map", "End": True,
                           "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                           "ItemProcessor": _branch(T={"Type": "Task", "Resource": LAMBDA, "End": True})})
    tasks = ScriptedTasks({"T": [TaskThrew("Flaky"), TaskReturned("ok")]})
    result = run(definition, [1], tasks)
    assert result.output == ["ok"]
    assert len(tasks.calls) == 2


def test_map_leaves_its_input_array_untouched() -> None:
    definition = states(M={"Type": "Map", "ItemsPath": "$.items", "ResultPath": "$.out", "End": True,
                           "ItemProcessor": _branch(P={"Type": "Pass", "End": True})})
    assert run(definition, {"items": [{"a": 1}, {"a": 2}]}).output == {
        "items": [{"a": 1}, {"a": 2}], "out": [{"a": 1}, {"a": 2}]}
