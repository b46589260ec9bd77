"""The definition as a whole: its type, its top-level fields, and plain JSON throughout."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.asl.validate import validate_definition
from tests.unit.validation.asl_samples import PASS, SUCCEED, VALID_DEFINITIONS, machine, problems, single

SCHEMA = "SCHEMA_VALIDATION_FAILED"


@pytest.mark.parametrize("name", VALID_DEFINITIONS)
def test_valid_definitions_have_no_diagnostics(name: str) -> None:
    assert validate_definition(VALID_DEFINITIONS[name]) == []


def _deeply_nested_result(levels: int) -> dict[str, Any]:
    value: Any = 1
    for _ in range(levels):
        value = {"x": value}
    return {"StartAt": "S", "States": {"S": {**PASS, "Result": value}}}


CASES: dict[str, tuple[Any, list[tuple[str, str]]]] = {
    "not-an-object": ([], [(SCHEMA, "")]),
    "null": (None, [(SCHEMA, "")]),
    "missing-StartAt": ({"States": {"S": SUCCEED}}, [(SCHEMA, "")]),
    "missing-States": ({"StartAt": "S"}, [(SCHEMA, "")]),
    "empty-States": ({"StartAt": "S", "States": {}}, [(SCHEMA, "/States")]),
    "States-not-object": ({"StartAt": "S", "States": []}, [(SCHEMA, "/States")]),
    "StartAt-not-string": ({"StartAt": 1, "States": {"S": SUCCEED}}, [(SCHEMA, "/StartAt")]),
    "StartAt-names-no-state": (machine({"S": SUCCEED}, start_at="T"), [("MISSING_TRANSITION_TARGET", "/StartAt")]),
    "unknown-top-field": (machine({"S": SUCCEED}, Foo=1), [(SCHEMA, "/Foo")]),
    "QueryLanguage-unknown": (machine({"S": SUCCEED}, QueryLanguage="XPath"), [(SCHEMA, "/QueryLanguage")]),
    "TimeoutSeconds-zero": (machine({"S": SUCCEED}, TimeoutSeconds=0), [(SCHEMA, "/TimeoutSeconds")]),
    "TimeoutSeconds-float": (machine({"S": SUCCEED}, TimeoutSeconds=1.5), [(SCHEMA, "/TimeoutSeconds")]),
    "TimeoutSeconds-boolean": (machine({"S": SUCCEED}, TimeoutSeconds=True), [(SCHEMA, "/TimeoutSeconds")]),
    "Version-not-string": (machine({"S": SUCCEED}, Version=1), [(SCHEMA, "/Version")]),
    "Comment-not-string": (machine({"S": SUCCEED}, Comment=["x"]), [(SCHEMA, "/Comment")]),
    "set-is-not-JSON": (single({**PASS, "Result": {1, 2}}), [(SCHEMA, "/States/S/Result")]),
    "NaN-is-not-JSON": (single({**PASS, "Result": [float("nan")]}), [(SCHEMA, "/States/S/Result/0")]),
    "integer-key": (single({**PASS, "Result": {3: "x"}}), [(SCHEMA, "/States/S/Result/3")]),
    "nested-too-deep": (_deeply_nested_result(500), [(SCHEMA, "/States/S/Result" + "/x" * 198)]),
}


@pytest.mark.parametrize(("definition", "expected"), CASES.values(), ids=CASES.keys())
def test_top_level_problem(definition: Any, expected: list[tuple[str, str]]) -> None:
    assert problems(definition) == expected


def test_cyclic_value_is_reported_not_a_crash() -> None:
    result: dict[str, Any] = {}
    result["self"] = result
    [diagnostic] = validate_definition({"StartAt": "S", "States": {"S": {**PASS, "Result": result}}})
    assert diagnostic.code == SCHEMA
    assert "nested deeper" in diagnostic.message


def test_messages_say_what_is_wrong() -> None:
    [diagnostic] = validate_definition(machine({"S": SUCCEED}, TimeoutSeconds=0))
    assert diagnostic.message == "TimeoutSeconds must be an integer from 1 to 99999999, got 0."
