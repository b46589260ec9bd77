"""What a step costs in DynamoDB requests, where a request saved is a cost saved: a new start writes its record
without reading it first, the mock counters of top-level states ride on the root record, and a unit that never
fanned children out ends without looking for them. The runs still end as the pure engine's do."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.e2e.test_runtime_examples import (
    FLOW,
    Run,
    _fast_stacks,  # noqa: F401 (autouse: one parse of template.yaml per session)
    example,
    pure_outcome,
    run_example,
    run_on_pure_engine,
    run_on_runtime,
    start,
)

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics:UserWarning")


@contextmanager
def dynamodb_requests(lr: Any) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """The (operation, parameters) of every request the runtime's DynamoDB client makes meanwhile."""
    seen: list[tuple[str, dict[str, Any]]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        seen.append((model.name, dict(params)))

    events = lr.runtime.store._db.meta.events
    events.register("before-parameter-build.dynamodb.*", record, unique_id="request-costs")
    try:
        yield seen
    finally:
        events.unregister("before-parameter-build.dynamodb.*", unique_id="request-costs")


def _sort_key(params: dict[str, Any]) -> str:
    key = params.get("Key") or params.get("Item") or {}
    return str(key.get("sk", {}).get("S", ""))


def _items(lr: Any, prefix: str) -> list[dict[str, Any]]:
    db = lr.runtime.store._db
    return [item for item in db.scan(TableName=lr.resources.table)["Items"] if item["sk"]["S"].startswith(prefix)]


WAIT_THEN_PASS = {"StartAt": "Nap", "States": {"Nap": {"Type": "Wait", "Seconds": 30, "Next": "Done"},
                                                 "Done": {"Type": "Pass", "End": True}}}


def test_a_new_start_writes_its_record_without_reading_it_first(local_runtime: Any) -> None:
    lr = local_runtime()
    with dynamodb_requests(lr) as seen:
        arn = start(lr, WAIT_THEN_PASS, {"n": 1}, name="first")
    on_record = Counter(op for op, params in seen if _sort_key(params) == "U#r")
    assert on_record == {"PutItem": 1}

    # A repeat start (same name and input) still answers the same execution, and another input is refused.
    assert start(lr, WAIT_THEN_PASS, {"n": 1}, name="first") == arn
    refused = lr.invoke("start", {"flow": FLOW, "definition": WAIT_THEN_PASS, "name": "first", "input": {"n": 2}})
    assert refused["error"] == "ExecutionAlreadyExists", refused


def test_mocked_top_level_states_are_numbered_on_the_root_record(local_runtime: Any) -> None:
    flow = example("image-pipeline")
    run = run_example(local_runtime, "image-pipeline", "ThrottledThenDetected")
    pure = run_on_pure_engine(flow.text, flow.input, flow.resolver("ThrottledThenDetected"), run.start_ms,
                              flow="image-pipeline")

    assert run.outcome() == pure_outcome(pure)  # throttled twice, then the third response: one face
    assert _items(run.lr, "M#") == []
    record = run.lr.runtime.store.get_unit(run.arn.split(":", 6)[-1], "r")
    assert record.attrs["mock_calls"] == {"DetectFace": 3, "CropFace": 1, "NotifyThumbnailReady": 1}


def test_an_execution_started_before_counts_rode_on_the_record_keeps_its_counter_items(local_runtime: Any) -> None:
    flow = example("image-pipeline")
    lr = local_runtime(mock_config=flow.mock_config)
    start_ms = lr.clock.now_ms()
    arn = start(lr, flow.definition, flow.input, flow="image-pipeline", testCase="ThrottledThenDetected")
    # As a record written by the previous release looks: no mock_calls attribute.
    key = {"pk": {"S": f"EX#{arn.split(':', 6)[-1]}"}, "sk": {"S": "U#r"}}
    lr.runtime.store._db.update_item(TableName=lr.resources.table, Key=key, UpdateExpression="REMOVE mock_calls")
    run = Run(lr, arn, start_ms, lr.pump())
    pure = run_on_pure_engine(flow.text, flow.input, flow.resolver("ThrottledThenDetected"), start_ms,
                              flow="image-pipeline")

    assert run.outcome() == pure_outcome(pure)
    assert {item["sk"]["S"] for item in _items(lr, "M#")} == {"M#DetectFace", "M#CropFace", "M#NotifyThumbnailReady"}


def test_mocked_states_inside_a_map_keep_their_shared_counter(local_runtime: Any) -> None:
    flow = example("map-items")
    run = run_example(local_runtime, "map-items", "HappyPath")
    pure = run_on_pure_engine(flow.text, flow.input, flow.resolver("HappyPath"), run.start_ms, flow="map-items")

    assert run.outcome() == pure_outcome(pure)
    counted = {item["sk"]["S"][2:] for item in _items(run.lr, "M#")}
    top_level = set(flow.definition["States"])
    assert counted and not counted & top_level  # iteration states only: several units may call them at once


def test_a_unit_that_never_fanned_out_ends_without_looking_for_children(local_runtime: Any) -> None:
    lr = local_runtime()
    with dynamodb_requests(lr) as seen:
        run = run_on_runtime(lr, WAIT_THEN_PASS, {"n": 1})
    assert run.status == "SUCCEEDED"
    child_queries = [params for op, params in seen
                     if op == "Query" and any(str(v.get("S", "")).startswith("U#r/")
                                              for v in params.get("ExpressionAttributeValues", {}).values())]
    assert child_queries == []


def test_a_unit_that_fanned_out_still_stops_its_children_when_it_ends(local_runtime: Any) -> None:
    # The execution times out while both branches wait: ending, the root must find its child units and stop them.
    slow = {"StartAt": "Both", "TimeoutSeconds": 60, "States": {"Both": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": f"Nap{i}", "States": {f"Nap{i}": {"Type": "Wait", "Seconds": 3600, "End": True}}}
        for i in (1, 2)]}}}
    run = run_on_runtime(local_runtime(inline_fan_out=0), slow, {})

    assert run.status == "TIMED_OUT"
    assert set(run.unit_statuses().values()) - {"TIMED_OUT"} == {"ABORTED"}
