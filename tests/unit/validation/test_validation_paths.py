"""Paths and payload templates: JSONPath syntax, Reference Paths, `.$` keys and intrinsic calls."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.validation.asl_samples import PASS, TASK, problems, single

PATH = "INVALID_JSON_PATH"
SCHEMA = "SCHEMA_VALIDATION_FAILED"

CASES: dict[str, tuple[dict[str, Any], list[tuple[str, str]]]] = {
    "InputPath-without-dollar": ({**PASS, "InputPath": "a.b"}, [(PATH, "/States/S/InputPath")]),
    "InputPath-not-string": ({**PASS, "InputPath": 5}, [(SCHEMA, "/States/S/InputPath")]),
    "OutputPath-unclosed-bracket": ({**PASS, "OutputPath": "$.a["}, [(PATH, "/States/S/OutputPath")]),
    "ResultPath-not-a-reference-path": ({**PASS, "ResultPath": "$.a[*]"}, [(PATH, "/States/S/ResultPath")]),
    "ResultPath-filter": ({**TASK, "ResultPath": "$.a[?(@.b)]"}, [(PATH, "/States/S/ResultPath")]),
    "ResultPath-context-object": ({**PASS, "ResultPath": "$$.Execution"}, [(PATH, "/States/S/ResultPath")]),
    "Parameters-path-without-dollar": ({**PASS, "Parameters": {"a.$": "a"}}, [(PATH, "/States/S/Parameters/a.$")]),
    "Parameters-value-not-string": ({**PASS, "Parameters": {"a.$": 5}}, [(SCHEMA, "/States/S/Parameters/a.$")]),
    "Parameters-nested-in-arrays": (
        {**PASS, "Parameters": {"x": [1, {"y": {"b.$": "$.["}}]}},
        [(PATH, "/States/S/Parameters/x/1/y/b.$")],
    ),
    "Parameters-key-escaped": ({**PASS, "Parameters": {"a/b~.$": "x"}}, [(PATH, "/States/S/Parameters/a~1b~0.$")]),
    "Parameters-unknown-intrinsic": (
        {**PASS, "Parameters": {"a.$": "States.Nope(1)"}},
        [("INVALID_INTRINSIC", "/States/S/Parameters/a.$")],
    ),
    "Parameters-intrinsic-syntax": (
        {**PASS, "Parameters": {"a.$": "States.Format('{}', $.a"}},
        [("INVALID_INTRINSIC", "/States/S/Parameters/a.$")],
    ),
    "Parameters-intrinsic-nested-too-deep": (
        {**PASS, "Parameters": {"a.$": "States.Array(" * 12 + "1" + ")" * 12}},
        [("INVALID_INTRINSIC", "/States/S/Parameters/a.$")],
    ),
    "ResultSelector-not-object": ({**TASK, "ResultSelector": [1]}, [(SCHEMA, "/States/S/ResultSelector")]),
    "ResultSelector-bad-path": ({**TASK, "ResultSelector": {"p.$": "$..["}}, [(PATH, "/States/S/ResultSelector/p.$")]),
    "Credentials-bad-path": (
        {**TASK, "Credentials": {"RoleArn.$": "role"}},
        [(PATH, "/States/S/Credentials/RoleArn.$")],
    ),
}


@pytest.mark.parametrize(("state", "expected"), CASES.values(), ids=CASES.keys())
def test_path_problem(state: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert problems(single(state)) == expected


@pytest.mark.parametrize(
    "state",
    [
        {**PASS, "InputPath": None, "OutputPath": None, "ResultPath": None},
        {**PASS, "InputPath": "$$", "OutputPath": "$$.Execution.Input"},
        {**PASS, "InputPath": "$..a[?(@.b > 1)]", "ResultPath": "$.a[0].b"},
        {**PASS, "Parameters": {"a.$": "$.x", "b": {"c.$": "$$.Map.Item.Index"}, "d": ["$.not-dynamic"]}},
        {**PASS, "Parameters": {"id.$": "States.UUID()", "n.$": "States.MathAdd($.a, 1)"}},
        {**PASS, "Parameters": "plain text"},
    ],
    ids=["nulls", "context-object", "indefinite-input", "templates", "intrinsics", "non-object-parameters"],
)
def test_valid_paths(state: dict[str, Any]) -> None:
    assert problems(single(state)) == []
