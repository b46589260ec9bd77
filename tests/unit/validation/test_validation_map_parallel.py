"""Parallel and Map: nested scopes, ProcessorConfig, and the Map-only fields."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.validation.asl_samples import DISTRIBUTED, PASS, SUCCEED, branch, problems, single, with_map

SCHEMA = "SCHEMA_VALIDATION_FAILED"
PARALLEL: dict[str, Any] = {"Type": "Parallel", "End": True}
MAP_ONLY: dict[str, Any] = {"Type": "Map", "End": True}

CASES: dict[str, tuple[dict[str, Any], list[tuple[str, str]]]] = {
    "Parallel-without-Branches": (single(PARALLEL), [(SCHEMA, "/States/S")]),
    "Branches-empty": (single({**PARALLEL, "Branches": []}), [(SCHEMA, "/States/S/Branches")]),
    "branch-not-object": (single({**PARALLEL, "Branches": ["A"]}), [(SCHEMA, "/States/S/Branches/0")]),
    "branch-unknown-field": (
        single({**PARALLEL, "Branches": [{**branch({"A": SUCCEED}), "TimeoutSeconds": 5}]}),
        [(SCHEMA, "/States/S/Branches/0/TimeoutSeconds")],
    ),
    "branch-state-problem": (
        single({**PARALLEL, "Branches": [branch({"A": SUCCEED}), branch({"B": {**PASS, "Result": 1, "Seconds": 1}})]}),
        [(SCHEMA, "/States/S/Branches/1/States/B/Seconds")],
    ),
    "Map-without-processor": (single(MAP_ONLY), [(SCHEMA, "/States/S")]),
    "Map-with-ItemProcessor-and-Iterator": (
        single({**MAP_ONLY, "ItemProcessor": branch({"A": SUCCEED}), "Iterator": branch({"B": SUCCEED})}),
        [(SCHEMA, "/States/S")],
    ),
    "ItemSelector-and-Parameters": (with_map(ItemSelector={}, Parameters={}), [(SCHEMA, "/States/S")]),
    "ItemSelector-not-object": (with_map(ItemSelector=[]), [(SCHEMA, "/States/S/ItemSelector")]),
    "ItemSelector-bad-path": (
        with_map(ItemSelector={"v.$": "$$.Map.Item.Value["}),
        [("INVALID_JSON_PATH", "/States/S/ItemSelector/v.$")],
    ),
    "ItemsPath-invalid": (with_map(ItemsPath="items"), [("INVALID_JSON_PATH", "/States/S/ItemsPath")]),
    "Items-needs-JSONata": (with_map(Items=[1, 2]), [(SCHEMA, "/States/S/Items")]),
    "MaxConcurrency-negative": (with_map(MaxConcurrency=-1), [(SCHEMA, "/States/S/MaxConcurrency")]),
    "MaxConcurrency-and-Path": (with_map(MaxConcurrency=1, MaxConcurrencyPath="$.m"), [(SCHEMA, "/States/S")]),
    "ToleratedFailureCount-and-Path": (
        with_map(DISTRIBUTED, ToleratedFailureCount=1, ToleratedFailureCountPath="$.n"),
        [(SCHEMA, "/States/S")],
    ),
    "ToleratedFailurePercentage-over-100": (
        with_map(DISTRIBUTED, ToleratedFailurePercentage=101),
        [(SCHEMA, "/States/S/ToleratedFailurePercentage")],
    ),
    "ToleratedFailurePercentage-and-Path": (
        with_map(DISTRIBUTED, ToleratedFailurePercentage=1, ToleratedFailurePercentagePath="$.p"),
        [(SCHEMA, "/States/S")],
    ),
    "ProcessorConfig-Mode-unknown": (
        with_map({"Mode": "PARALLEL"}),
        [(SCHEMA, "/States/S/ItemProcessor/ProcessorConfig/Mode")],
    ),
    "DISTRIBUTED-without-ExecutionType": (
        with_map({"Mode": "DISTRIBUTED"}),
        [(SCHEMA, "/States/S/ItemProcessor/ProcessorConfig")],
    ),
    "ExecutionType-unknown": (
        with_map({"Mode": "DISTRIBUTED", "ExecutionType": "FAST"}),
        [(SCHEMA, "/States/S/ItemProcessor/ProcessorConfig/ExecutionType")],
    ),
    "ProcessorConfig-unknown-field": (
        with_map({"Mode": "INLINE", "Workers": 2}),
        [(SCHEMA, "/States/S/ItemProcessor/ProcessorConfig/Workers")],
    ),
    "ProcessorConfig-on-a-branch": (
        single({**PARALLEL, "Branches": [{**branch({"A": SUCCEED}), "ProcessorConfig": {}}]}),
        [(SCHEMA, "/States/S/Branches/0/ProcessorConfig")],
    ),
    "ItemReader-needs-distributed": (
        with_map(ItemReader={"Resource": "arn:aws:states:::s3:getObject"}),
        [(SCHEMA, "/States/S/ItemReader")],
    ),
    "ItemReader-without-Resource": (with_map(DISTRIBUTED, ItemReader={}), [(SCHEMA, "/States/S/ItemReader")]),
    "ItemBatcher-MaxItemsPerBatch-zero": (
        with_map(DISTRIBUTED, ItemBatcher={"MaxItemsPerBatch": 0}),
        [(SCHEMA, "/States/S/ItemBatcher/MaxItemsPerBatch")],
    ),
    "ItemBatcher-BatchInput-bad-path": (
        with_map(DISTRIBUTED, ItemBatcher={"BatchInput": {"x.$": "x"}}),
        [("INVALID_JSON_PATH", "/States/S/ItemBatcher/BatchInput/x.$")],
    ),
    "Label-too-long": (with_map(DISTRIBUTED, Label="L" * 41), [(SCHEMA, "/States/S/Label")]),
    "processor-Next-cannot-leave": (
        single(
            {
                **MAP_ONLY,
                "End": None,
                "Next": "After",
                "ItemProcessor": branch({"X": {"Type": "Pass", "Next": "After"}, "Y": SUCCEED}),
            },
            After=SUCCEED,
        ),
        [
            (SCHEMA, "/States/S/End"),
            ("MISSING_TRANSITION_TARGET", "/States/S/ItemProcessor/States/X/Next"),
            ("UNREACHABLE_STATE", "/States/S/ItemProcessor/States/Y"),
        ],
    ),
    "Iterator-state-problem": (
        single({**MAP_ONLY, "Iterator": branch({"X": {"Type": "Succeed", "Result": 1}})}),
        [(SCHEMA, "/States/S/Iterator/States/X/Result")],
    ),
}


@pytest.mark.parametrize(("definition", "expected"), CASES.values(), ids=CASES.keys())
def test_map_parallel_problem(definition: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert problems(definition) == expected


def test_tolerated_failures_and_label_are_accepted_on_an_inline_map() -> None:
    # Step Functions accepts these without DISTRIBUTED (a recorded AWS run in the conformance corpus).
    assert problems(with_map(ToleratedFailureCount=1, Label="Each")) == []
