"""Rule trees, paths and failures of compiled Choice rules."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.core.choice import ChoiceRule, InvalidChoiceRuleError, compile_choice_rule
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.failure import FailureRaised
from cloudflow.core.seeded_random import SeededRandom

MISSING_CAUSE = "Invalid path '{}': The choice state's condition path references an invalid value."


def scope(data: Any, context: dict[str, Any] | None = None) -> Scope:
    return Scope(input=data, context=context or {}, draws=SeededRandom("seed"))


def evaluate(raw: dict[str, Any], data: Any, context: dict[str, Any] | None = None) -> bool:
    return compile_choice_rule(raw).evaluate(scope(data, context))


def runtime_failure(raw: dict[str, Any], data: Any) -> tuple[str, str | None]:
    with pytest.raises(FailureRaised) as raised:
        evaluate(raw, data)
    return raised.value.failure.error, raised.value.failure.cause


def test_compiled_rule_is_a_choice_rule() -> None:
    assert isinstance(compile_choice_rule({"Variable": "$.x", "IsNull": True, "Next": "A"}), ChoiceRule)


# --- a missing Variable ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rule",
    [
        {"Variable": "$.missing", "NumericEquals": 1},
        {"Variable": "$.missing", "StringEquals": "a"},
        {"Variable": "$.missing", "BooleanEquals": True},
        {"Variable": "$.missing", "TimestampEquals": "2016-03-14T01:59:00Z"},
        {"Variable": "$.missing", "StringMatches": "*"},
        {"Variable": "$.missing", "IsNull": False},
        {"Variable": "$.missing", "IsString": False},
        {"Variable": "$.missing", "NumericEqualsPath": "$.n"},
    ],
)
def test_missing_variable_fails_with_states_runtime(rule: dict[str, Any]) -> None:
    assert runtime_failure(rule, {"n": 1}) == ("States.Runtime", MISSING_CAUSE.format("$.missing"))


@pytest.mark.parametrize(("expected", "data", "matched"), [(True, {}, False), (False, {}, True)])
def test_is_present_meets_a_missing_path_without_failing(expected: bool, data: Any, matched: bool) -> None:
    assert evaluate({"Variable": "$.missing", "IsPresent": expected}, data) is matched


def test_is_present_counts_null_as_present() -> None:
    assert evaluate({"Variable": "$.x", "IsPresent": True}, {"x": None}) is True


def test_missing_nested_variable_names_the_rule_path() -> None:
    rule = {"Variable": "$.a.b[2]", "NumericEquals": 1}
    assert runtime_failure(rule, {"a": {"b": [0]}})[1] == MISSING_CAUSE.format("$.a.b[2]")


# --- ...Path operators ------------------------------------------------------------------------------


def test_path_operator_with_a_missing_right_hand_path_fails() -> None:
    rule = {"Variable": "$.n", "NumericEqualsPath": "$.missing"}
    assert runtime_failure(rule, {"n": 1}) == ("States.Runtime", MISSING_CAUSE.format("$.missing"))


def test_missing_right_hand_path_fails_even_when_the_variable_has_another_type() -> None:
    rule = {"Variable": "$.s", "NumericLessThanPath": "$.missing"}
    assert runtime_failure(rule, {"s": "text"})[0] == "States.Runtime"


@pytest.mark.parametrize(
    ("operator", "data"),
    [
        ("NumericEqualsPath", {"left": 1, "right": "1"}),
        ("NumericLessThanPath", {"left": 1, "right": {"v": 2}}),
        ("StringEqualsPath", {"left": 1, "right": 1}),
        ("BooleanEqualsPath", {"left": True, "right": 1}),
        ("TimestampEqualsPath", {"left": "2016-03-14T01:59:00Z", "right": "not a time"}),
    ],
)
def test_path_operator_with_a_right_hand_value_of_another_type_does_not_match(
    operator: str, data: dict[str, Any]
) -> None:
    assert evaluate({"Variable": "$.left", operator: "$.right"}, data) is False


@pytest.mark.parametrize(
    ("operator", "left", "right", "matched"),
    [
        ("StringLessThanPath", "a", "b", True),
        ("StringGreaterThanEqualsPath", "b", "b", True),
        ("NumericLessThanEqualsPath", -2.25, -2.25, True),
        ("NumericGreaterThanPath", 3, 2.5, True),
        ("BooleanEqualsPath", True, True, True),
        ("TimestampLessThanPath", "2016-03-14T01:59:00Z", "2016-03-14T01:59:01Z", True),
        ("TimestampGreaterThanPath", "2016-03-14T01:59:00Z", "2016-03-14T01:59:01Z", False),
    ],
)
def test_path_operators_compare_two_input_values(operator: str, left: Any, right: Any, matched: bool) -> None:
    assert evaluate({"Variable": "$.left", operator: "$.right"}, {"left": left, "right": right}) is matched


def test_path_operand_can_read_the_context_object() -> None:
    rule = {"Variable": "$.n", "NumericEqualsPath": "$$.Map.Item.Index"}
    assert evaluate(rule, {"n": 2}, {"Map": {"Item": {"Index": 2}}}) is True


# --- Variable paths ---------------------------------------------------------------------------------


def test_variable_can_read_the_context_object() -> None:
    rule = {"Variable": "$$.Execution.Input.input-value", "NumericLessThanEquals": 0}
    assert evaluate(rule, {}, {"Execution": {"Input": {"input-value": 0}}}) is True


def test_missing_context_variable_fails_naming_the_context_path() -> None:
    rule = {"Variable": "$$.Execution.Nope", "IsNull": True}
    with pytest.raises(FailureRaised) as raised:
        evaluate(rule, {}, {"Execution": {}})
    assert raised.value.failure.cause == MISSING_CAUSE.format("$$.Execution.Nope")


def test_variable_can_be_the_whole_input() -> None:
    rule = {"And": [{"Variable": "$", "IsNumeric": True}, {"Variable": "$", "NumericEquals": 3}]}
    assert [evaluate(rule, item) for item in [1, "Hello", {}, 3.3, 3]] == [False] * 4 + [True]


# --- And / Or / Not ---------------------------------------------------------------------------------


def test_and_or_not_nest_arbitrarily() -> None:
    rule = {
        "Or": [
            {
                "And": [
                    {"Variable": "$.a", "NumericGreaterThan": 1},
                    {"Not": {"Variable": "$.b", "IsNull": True}},
                ]
            },
            {"Variable": "$.c", "StringMatches": "yes*"},
        ],
        "Next": "Somewhere",
    }
    assert evaluate(rule, {"a": 2, "b": 0, "c": "no"}) is True
    assert evaluate(rule, {"a": 2, "b": None, "c": "no"}) is False
    assert evaluate(rule, {"a": 0, "b": None, "c": "yes please"}) is True


def test_singleton_and_with_comments() -> None:
    rule = {"And": [{"Variable": "$.status", "StringEquals": "complete", "Comment": "c"}], "Comment": "c"}
    assert evaluate(rule, {"status": "complete"}) is True
    assert evaluate(rule, {"status": "incomplete"}) is False


def test_and_stops_at_the_first_false_rule() -> None:
    rule = {"And": [{"Variable": "$.a", "IsPresent": True}, {"Variable": "$.a", "NumericEquals": 1}]}
    assert evaluate(rule, {}) is False  # the second rule would fail on the missing path


def test_or_stops_at_the_first_true_rule() -> None:
    rule = {"Or": [{"Variable": "$.a", "IsPresent": False}, {"Variable": "$.a", "NumericEquals": 1}]}
    assert evaluate(rule, {}) is True


def test_not_does_not_hide_a_failure() -> None:
    assert runtime_failure({"Not": {"Variable": "$.gone", "IsNull": True}}, {})[0] == "States.Runtime"


# --- compile errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        {"Variable": "$.x", "Next": "A"},
        {"Variable": "$.x", "NumericEquals": 1, "StringEquals": "1"},
        {"Variable": "$.x", "NumericEquals": "1"},
        {"Variable": "$.x", "NumericEquals": True},
        {"Variable": "$.x", "BooleanEquals": 1},
        {"Variable": "$.x", "StringEquals": 3},
        {"Variable": "$.x", "TimestampEquals": "2016-03-14 01:59:00Z"},
        {"Variable": "$.x", "IsNull": "true"},
        {"Variable": "$.x", "StringMatches": 1},
        {"Variable": "$.x", "NumericEqualsPath": 3},
        {"Variable": "$.x", "StringMatchesPath": "$.y"},
        {"Variable": "$.x", "NumericEqualz": 1},
        {"Variable": "x", "NumericEquals": 1},
        {"NumericEquals": 1},
        {"And": []},
        {"Or": {"Variable": "$.x", "IsNull": True}},
        {"And": [{"Variable": "$.x", "IsNull": True}], "Not": {"Variable": "$.x", "IsNull": True}},
        {"Not": {"Variable": "$.x", "IsNull": True}, "Variable": "$.x"},
    ],
)
def test_malformed_rules_are_rejected_at_compile_time(raw: dict[str, Any]) -> None:
    with pytest.raises(InvalidChoiceRuleError):
        compile_choice_rule(raw)
