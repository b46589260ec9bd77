"""Choice rules: exactly one operator, values of the right type, Variable where needed, Next on top only."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.validation.asl_samples import SUCCEED, machine, problems, with_choice

SCHEMA = "SCHEMA_VALIDATION_FAILED"
RULE = "/States/C/Choices/0"
IS_A = {"Variable": "$.a", "IsPresent": True}

CASES: dict[str, tuple[dict[str, Any], list[tuple[str, str]]]] = {
    "Choices-missing": (
        machine({"C": {"Type": "Choice", "Default": "Done"}, "Done": SUCCEED}),
        [(SCHEMA, "/States/C")],
    ),
    "Choices-empty": (with_choice(), [(SCHEMA, "/States/C/Choices")]),
    "rule-not-object": (with_choice("yes"), [(SCHEMA, RULE)]),
    "rule-without-Next": (with_choice({**IS_A}), [(SCHEMA, RULE)]),
    "rule-without-operator": (with_choice({"Variable": "$.a", "Next": "Done"}), [(SCHEMA, RULE)]),
    "rule-with-two-operators": (
        with_choice({"Variable": "$.a", "IsNull": True, "IsString": True, "Next": "Done"}),
        [(SCHEMA, RULE)],
    ),
    "rule-unknown-field": (with_choice({**IS_A, "Next": "Done", "Vairable": "$.b"}), [(SCHEMA, f"{RULE}/Vairable")]),
    "comparison-without-Variable": (with_choice({"StringEquals": "x", "Next": "Done"}), [(SCHEMA, RULE)]),
    "Variable-invalid-path": (
        with_choice({"Variable": "a", "IsNull": True, "Next": "Done"}),
        [("INVALID_JSON_PATH", f"{RULE}/Variable")],
    ),
    "NumericEquals-string": (
        with_choice({"Variable": "$.a", "NumericEquals": "1", "Next": "Done"}),
        [(SCHEMA, f"{RULE}/NumericEquals")],
    ),
    "StringEquals-number": (
        with_choice({"Variable": "$.a", "StringEquals": 1, "Next": "Done"}),
        [(SCHEMA, f"{RULE}/StringEquals")],
    ),
    "BooleanEquals-string": (
        with_choice({"Variable": "$.a", "BooleanEquals": "true", "Next": "Done"}),
        [(SCHEMA, f"{RULE}/BooleanEquals")],
    ),
    "TimestampEquals-not-a-timestamp": (
        with_choice({"Variable": "$.a", "TimestampEquals": "yesterday", "Next": "Done"}),
        [(SCHEMA, f"{RULE}/TimestampEquals")],
    ),
    "IsNull-string": (with_choice({"Variable": "$.a", "IsNull": "yes", "Next": "Done"}), [(SCHEMA, f"{RULE}/IsNull")]),
    "StringEqualsPath-not-a-path": (
        with_choice({"Variable": "$.a", "StringEqualsPath": "b", "Next": "Done"}),
        [("INVALID_JSON_PATH", f"{RULE}/StringEqualsPath")],
    ),
    "And-with-Variable": (
        with_choice({"Variable": "$.a", "And": [IS_A], "Next": "Done"}),
        [(SCHEMA, f"{RULE}/Variable")],
    ),
    "And-empty": (with_choice({"And": [], "Next": "Done"}), [(SCHEMA, f"{RULE}/And")]),
    "Or-not-array": (with_choice({"Or": IS_A, "Next": "Done"}), [(SCHEMA, f"{RULE}/Or")]),
    "Not-array": (with_choice({"Not": [IS_A], "Next": "Done"}), [(SCHEMA, f"{RULE}/Not")]),
    "inner-rule-with-Next": (
        with_choice({"And": [IS_A, {**IS_A, "Next": "Done"}], "Next": "Done"}),
        [(SCHEMA, f"{RULE}/And/1/Next")],
    ),
    "inner-rule-wrong-type": (
        with_choice({"Not": {"Variable": "$.a", "NumericLessThan": True}, "Next": "Done"}),
        [(SCHEMA, f"{RULE}/Not/NumericLessThan")],
    ),
    "Default-not-string": (
        machine({"C": {"Type": "Choice", "Choices": [{**IS_A, "Next": "Done"}], "Default": 1}, "Done": SUCCEED}),
        [(SCHEMA, "/States/C/Default")],
    ),
}


@pytest.mark.parametrize(("definition", "expected"), CASES.values(), ids=CASES.keys())
def test_choice_problem(definition: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert problems(definition) == expected


@pytest.mark.parametrize(
    "rule",
    [
        {"Variable": "$.a", "StringMatches": "log-*.txt", "Next": "Done"},
        {"Variable": "$$.Execution.Input.a", "NumericGreaterThanEqualsPath": "$$.Execution.Input.b", "Next": "Done"},
        {"Variable": "$.t", "TimestampGreaterThan": "2012-10-09T19:00:55Z", "Next": "Done"},
        {"Or": [{"Not": IS_A}, {"And": [IS_A, {"Variable": "$.b", "IsTimestamp": False}]}], "Next": "Done"},
        {"Variable": "$.n", "NumericEquals": 1.5, "Next": "Done", "Comment": "why"},
    ],
    ids=["StringMatches", "context-paths", "timestamp", "nested", "comment"],
)
def test_valid_rules(rule: dict[str, Any]) -> None:
    assert problems(with_choice(rule, default=None)) == []
