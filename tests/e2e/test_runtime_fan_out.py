"""Parallel branches and Map iterations as their own units: results in order whatever order the children
end in, joins counted in shards of 100, tolerated failures, cancellation of the rest when a child fails
the state, and payloads far beyond what DynamoDB and SQS hold inline.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

import pytest

from cloudflow.adapters.dynamodb_item_size import item_size
from cloudflow.core.commands import InvokeTask
from cloudflow.local.task_outcome import TaskOutcome, TaskReturned
from tests.e2e.test_runtime_examples import (
    Callbacks,
    Run,
    event_ids_strictly_increase,
    parse_template_once,
    pure_outcome,
    run_on_pure_engine,
    run_on_runtime,
)

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")


@pytest.fixture
def local_runtime(local_runtime: Any) -> Any:
    """The units' own mechanics: every Parallel and Map here runs its children as units, however few."""
    return functools.partial(local_runtime, inline_fan_out=0)

DAY_S = 86_400
DYNAMODB_ITEM_LIMIT = 400 * 1024


@pytest.fixture(autouse=True)
def _fast_stacks(monkeypatch: pytest.MonkeyPatch) -> None:
    parse_template_once(monkeypatch)


def table_items(aws: Any, lr: Any) -> list[dict[str, Any]]:
    """Every item of the runtime's table (low-level attribute values)."""
    client = aws.client("dynamodb", region_name="us-east-1")
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": lr.resources.table}
    while True:
        page = client.scan(**request)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# --- Parallel ----------------------------------------------------------------------------------------

THREE_BRANCHES = {"StartAt": "All", "States": {"All": {"Type": "Parallel", "End": True, "Branches": [
    # The first branch ends last and the last first: results still come in branch order.
    {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 20, "Next": "A"},
                                   "A": {"Type": "Pass", "Result": "first", "End": True}}},
    {"StartAt": "Medium", "States": {"Medium": {"Type": "Wait", "Seconds": 10, "Next": "B"},
                                     "B": {"Type": "Pass", "Parameters": {"second.$": "$.n"}, "End": True}}},
    {"StartAt": "C", "States": {"C": {"Type": "Pass", "Parameters": {"third.$": "States.MathAdd($.n, 1)"},
                                      "End": True}}},
]}}}


def test_parallel_results_come_in_branch_order(local_runtime: Any) -> None:
    run = run_on_runtime(local_runtime(), THREE_BRANCHES, {"n": 41})
    pure = run_on_pure_engine(THREE_BRANCHES, {"n": 41}, Callbacks(), run.start_ms)

    assert run.output == ["first", {"second": 41}, {"third": 42}]
    assert run.outcome()[:4] == pure_outcome(pure)[:4]
    assert run.described["stopDate"] == pure.history[-1]["timestamp"]
    assert [e["type"] for e in run.history()] == ["ExecutionStarted", "ParallelStateEntered", "ParallelStateStarted",
                                                  "ParallelStateSucceeded", "ParallelStateExited",
                                                  "ExecutionSucceeded"]


# --- Map across join shards ---------------------------------------------------------------------------

def _map_of(size: int, concurrency: int | None) -> tuple[dict[str, Any], list[int]]:
    state: dict[str, Any] = {"Type": "Map", "End": True, "ItemSelector": {
        "index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value"}, "ItemProcessor": {
        "StartAt": "Square", "States": {"Square": {"Type": "Pass", "End": True, "Parameters": {
            "index.$": "$.index", "square.$": "States.MathAdd($.value, $.value)"}}}}}
    if concurrency:
        state["MaxConcurrency"] = concurrency
    return {"StartAt": "Each", "States": {"Each": state}}, list(range(size))


def _assert_map_like_the_pure_engine(aws: Any, local_runtime: Any, size: int, concurrency: int | None) -> Run:
    definition, items = _map_of(size, concurrency)
    run = run_on_runtime(local_runtime(), definition, items)
    pure = run_on_pure_engine(definition, items, Callbacks(), run.start_ms)

    assert run.outcome() == pure_outcome(pure)
    assert [result["index"] for result in run.output] == list(range(size))
    shards = sorted(item["sk"]["S"].rsplit("#", 1)[1] for item in table_items(aws, run.lr)
                    if item["sk"]["S"].startswith("J#") and "#S" in item["sk"]["S"])
    assert shards == [f"S{shard:05d}" for shard in range((size + 99) // 100)]
    return run


@pytest.mark.slow
@pytest.mark.parametrize("concurrency", [None, 7])
def test_a_map_of_250_items_across_three_join_shards(aws: Any, local_runtime: Any, concurrency: int | None) -> None:
    _assert_map_like_the_pure_engine(aws, local_runtime, 250, concurrency)


@pytest.mark.slow
def test_a_map_of_101_items_seven_at_a_time_crosses_a_join_shard(aws: Any, local_runtime: Any) -> None:
    _assert_map_like_the_pure_engine(aws, local_runtime, 101, 7)


# --- tolerated failures -------------------------------------------------------------------------------

def _some_items_fail(**tolerance: Any) -> dict[str, Any]:
    iterate = {"StartAt": "Bad?", "States": {
        "Bad?": {"Type": "Choice", "Choices": [{"Variable": "$.bad", "BooleanEquals": True, "Next": "Fail"}],
                 "Default": "Keep"},
        "Fail": {"Type": "Fail", "Error": "Item.Bad", "Cause": "this item is bad"},
        "Keep": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "End": True}}}
    return {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemProcessor": iterate, "End": True,
                                                   **tolerance}}}


ITEMS = [{"n": n, "bad": n in (2, 5, 7)} for n in range(10)]  # 3 of 10 fail
FAILED_ITEM = {"Error": "Item.Bad", "Cause": "this item is bad"}


@pytest.mark.parametrize("tolerance", [{"ToleratedFailureCount": 3}, {"ToleratedFailurePercentage": 30},
                                       {"ToleratedFailureCount": 3, "MaxConcurrency": 2}])
def test_tolerated_failures_are_error_objects_in_item_order(local_runtime: Any, tolerance: dict[str, Any]) -> None:
    definition = _some_items_fail(**tolerance)
    run = run_on_runtime(local_runtime(), definition, ITEMS)
    pure = run_on_pure_engine(definition, ITEMS, Callbacks(), run.start_ms)

    assert run.outcome() == pure_outcome(pure)
    assert run.output == [FAILED_ITEM if item["bad"] else {"n": item["n"]} for item in ITEMS]


@pytest.mark.parametrize("tolerance", [{"ToleratedFailureCount": 2}, {"ToleratedFailurePercentage": 20},
                                       {"ToleratedFailurePercentage": 20, "MaxConcurrency": 2}])
def test_failures_beyond_tolerance_fail_the_map(local_runtime: Any, tolerance: dict[str, Any]) -> None:
    definition = _some_items_fail(**tolerance)
    run = run_on_runtime(local_runtime(), definition, ITEMS)
    pure = run_on_pure_engine(definition, ITEMS, Callbacks(), run.start_ms)

    # Children run concurrently as units, so more of them may have run (and metered) before the join
    # heard of the failure than in the pure engine: the ending is the same, the transition count may not be.
    assert run.outcome()[:4] == pure_outcome(pure)[:4]
    assert run.described["error"] == "States.ExceedToleratedFailureThreshold"
    assert run.described["cause"] == "The specified tolerated failure threshold was exceeded"
    assert [e["type"] for e in run.history()][-2:] == ["MapStateFailed", "ExecutionFailed"]


# --- a failing branch cancels the others ----------------------------------------------------------------

ONE_BRANCH_FAILS = {"StartAt": "All", "States": {
    "All": {"Type": "Parallel", "Next": "Fine", "ResultPath": "$.all",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Compensate"}],
            "Branches": [
                {"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Branch.Failed",
                                                        "Cause": "the first branch fails"}}},
                {"StartAt": "Long", "States": {"Long": {"Type": "Wait", "Seconds": 2 * DAY_S, "Next": "Never"},
                                               "Never": {"Type": "Pass", "End": True}}},
                {"StartAt": "Each", "States": {"Each": {
                    "Type": "Map", "ItemsPath": "$.waits", "End": True, "ItemProcessor": {
                        "StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "SecondsPath": "$", "End": True}}}}}},
            ]},
    "Fine": {"Type": "Succeed"},
    "Compensate": {"Type": "Pass", "End": True},
}}


def test_a_failing_branch_fails_the_parallel_and_cancels_the_other_children(local_runtime: Any) -> None:
    execution_input = {"waits": [DAY_S, 3 * DAY_S]}
    lr = local_runtime()
    run = run_on_runtime(lr, ONE_BRANCH_FAILS, execution_input)
    pure = run_on_pure_engine(ONE_BRANCH_FAILS, execution_input, Callbacks(), run.start_ms)

    assert run.outcome()[:4] == pure_outcome(pure)[:4]
    assert run.output == {**execution_input, "error": {"Error": "Branch.Failed", "Cause": "the first branch fails"}}
    assert "ParallelStateFailed" in [e["type"] for e in run.history()]
    assert run.described["stopDate"] == run.history()[0]["timestamp"]  # it did not wait for anything
    statuses = run.unit_statuses()
    assert statuses.pop("r") == "SUCCEEDED"
    # The failed branch keeps its record (a redrive resumes it); the Wait branch, the Map and its iterations
    # were stopped.
    assert statuses.pop("r/2-0.0") == "FAILED"
    assert statuses and set(statuses.values()) == {"ABORTED"}
    assert len(statuses) == 4
    for unit in statuses:
        assert run.history(unit)[-1]["type"] == "ExecutionAborted", unit
        assert "WaitStateExited" not in [e["type"] for e in run.history(unit)], unit
    assert (run.report.schedule_fires, run.report.timer_fires) == (0, 0)
    assert lr._scheduler.list_schedules(GroupName=lr.resources.schedule_group)["Schedules"] == []


# --- large payloads -----------------------------------------------------------------------------------

def _noise(size: int, seed: str) -> str:
    """Deterministic text that compresses poorly (hex of a sha256 chain), so it cannot hide in zlib."""
    block, chunks = seed.encode(), []
    for _ in range(size // 64 + 1):
        block = hashlib.sha256(block).digest()
        chunks.append(block.hex())
    return "".join(chunks)[:size]


BLOB = _noise(5 * 1024 * 1024, "blob")
PIECES = [_noise(50 * 1024, f"piece {i}") for i in range(8)]


class Produce:
    """The `produce` function: a 5 MiB blob and eight 50 KB pieces."""

    def resolve(self, invocation: InvokeTask) -> TaskOutcome | None:
        if invocation.state_name != "Produce":
            return None
        return TaskReturned({"kind": "big", "blob": BLOB, "pieces": PIECES})


BIG = {"StartAt": "Produce", "States": {
    "Produce": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:produce",
                "Next": "Big?"},
    "Big?": {"Type": "Choice", "Choices": [{"Variable": "$.kind", "StringEquals": "big", "Next": "Copy"}],
             "Default": "Wrong"},
    "Wrong": {"Type": "Fail", "Error": "Wrong.Branch"},
    "Copy": {"Type": "Pass", "Next": "Each", "Parameters": {
        "blob.$": "$.blob", "pieces.$": "$.pieces", "count.$": "States.ArrayLength($.pieces)"}},
    "Each": {"Type": "Map", "ItemsPath": "$.pieces", "MaxConcurrency": 3, "ResultPath": "$.echoed", "End": True,
             "ItemSelector": {"piece.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
             "ItemProcessor": {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": True}}}},
}}


@pytest.mark.slow
def test_a_five_mib_payload_passes_a_pass_a_choice_and_a_map_intact(aws: Any, local_runtime: Any) -> None:
    lr = local_runtime(tasks=Produce())
    run = run_on_runtime(lr, BIG, {})

    assert run.status == "SUCCEEDED"
    output = run.output
    assert output["blob"] == BLOB
    assert output["count"] == len(PIECES)
    assert output["echoed"] == [{"piece": piece, "index": index} for index, piece in enumerate(PIECES)]
    assert output == run_on_pure_engine(BIG, {}, Produce(), run.start_ms).output
    # DynamoDB kept pointers, not payloads; the payload bucket holds the rest.
    sizes = {item["sk"]["S"]: item_size(item) for item in table_items(aws, lr)}
    assert max(sizes.values()) < DYNAMODB_ITEM_LIMIT, max(sizes.items(), key=lambda entry: entry[1])
    objects = aws.client("s3", region_name="us-east-1").list_objects_v2(Bucket=lr.resources.bucket)
    keys = [entry["Key"] for entry in objects.get("Contents", [])]
    assert any(key.startswith("payloads/units/") for key in keys)  # the snapshot holding the blob
    assert any(key.startswith("payloads/history/") for key in keys)
    assert max(entry["Size"] for entry in objects["Contents"]) > 2 * 1024 * 1024
    assert event_ids_strictly_increase(run.history())


# --- regressions --------------------------------------------------------------------------------------

def test_children_whose_waits_fall_due_together_all_wake_up(local_runtime: Any) -> None:
    # Every child's wake-up is 'timer:timer-1' (timer ids count per unit): only the unit's group in the
    # deduplication id keeps the three from being dropped as one message (fixed in fbeee78).
    iterate = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 5, "End": True}}}
    definition = {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemProcessor": iterate, "End": True}}}
    run = run_on_runtime(local_runtime(), definition, [1, 2, 3])

    assert (run.status, run.output) == ("SUCCEEDED", [1, 2, 3])


def test_a_child_that_waited_records_and_meters_its_last_page_once(local_runtime: Any) -> None:
    # A child of several steps already wrote its last page itself; its report must not store it again
    # with the result (it was shown and metered twice: 10 transitions, not 7, before fbeee78).
    iterate = {"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "SecondsPath": "$", "Next": "Done"},
                                            "Done": {"Type": "Pass", "End": True}}}
    definition = {"StartAt": "Each", "States": {"Each": {"Type": "Map", "ItemProcessor": iterate, "End": True}}}
    run = run_on_runtime(local_runtime(), definition, [1, 2, 3])
    pure = run_on_pure_engine(definition, [1, 2, 3], Callbacks(), run.start_ms)

    assert run.output == [1, 2, 3]
    children = run.child_units()
    assert len(children) == 3
    for unit in children:
        assert [e["type"] for e in run.history(unit)] == [
            "MapIterationStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered", "PassStateExited",
            "MapIterationSucceeded"], unit
    assert run.transitions == pure.transitions == 7
    assert run.usage() == 7
