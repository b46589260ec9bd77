"""Choice outcomes recorded against real AWS Step Functions, replayed through the rule compiler.

Each row is one recorded execution of the same template: a Choice state with the single rule
`{"Variable": "$.Variable", OPERATOR: OPERAND, "Next": "ConditionTrue"}` run on the input
`{"Variable": VARIABLE, "Value": VALUE}` (the `...Path` operators read `$.Value`). `matched` says
whether AWS went to ConditionTrue. Source: the AWS-validated snapshots of LocalStack's
choice_operators tests (Apache-2.0), copied here so the suite runs without them.
"""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.core.choice import compile_choice_rule
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.seeded_random import SeededRandom

T0, T1 = "2012-10-09T19:00:55Z", "2012-10-09T19:00:56Z"  # the timestamps the recordings use

# (operator, operand, Variable, Value, matched)
RECORDED: list[tuple[str, Any, Any, Any, bool]] = [
    ("BooleanEquals", False, False, False, True),
    ("BooleanEquals", True, None, True, False),
    ("BooleanEquals", True, "", True, False),
    ("BooleanEquals", False, "", False, False),
    ("BooleanEquals", True, 0, True, False),
    ("BooleanEquals", True, 1, True, False),
    ("BooleanEqualsPath", "$.Value", None, False, False),
    ("BooleanEqualsPath", "$.Value", "", True, False),
    ("BooleanEqualsPath", "$.Value", 0, True, False),
    ("BooleanEqualsPath", "$.Value", [""], True, False),
    ("IsBoolean", False, None, False, True),
    ("IsBoolean", False, "", False, True),
    ("IsBoolean", False, [], False, True),
    ("IsBoolean", False, {}, False, True),
    ("IsBoolean", True, None, True, False),
    ("IsBoolean", True, "", True, False),
    ("IsBoolean", True, [], True, False),
    ("IsBoolean", True, {"A": 0}, True, False),
    ("IsBoolean", True, True, True, True),
    ("IsBoolean", False, False, False, False),
    ("IsNull", True, None, True, True),
    ("IsNull", False, "HelloWorld", False, True),
    ("IsNull", False, [""], False, True),
    ("IsNull", False, {}, False, True),
    ("IsNull", False, None, False, False),
    ("IsNull", True, "2012-10-09T19:00:55", True, False),
    ("IsNull", True, [""], True, False),
    ("IsNull", True, {}, True, False),
    ("IsNumeric", False, None, False, True),
    ("IsNumeric", False, "HelloWorld", False, True),
    ("IsNumeric", True, 0, True, True),
    ("IsNumeric", False, [], False, True),
    ("IsNumeric", True, " ", True, False),
    ("IsNumeric", True, [""], True, False),
    ("IsNumeric", False, 0, False, False),
    ("IsNumeric", True, False, True, False),
    ("IsNumeric", True, 1.1, True, True),
    ("IsPresent", True, " ", True, True),
    ("IsPresent", True, [], True, True),
    ("IsPresent", True, {}, True, True),
    ("IsPresent", True, True, True, True),
    ("IsPresent", False, " ", False, False),
    ("IsPresent", False, [], False, False),
    ("IsPresent", False, {}, False, False),
    ("IsPresent", False, False, False, False),
    ("IsString", False, None, False, True),
    ("IsString", True, "", True, True),
    ("IsString", False, [""], False, True),
    ("IsString", False, 0, False, True),
    ("IsString", False, "", False, False),
    ("IsString", True, [], True, False),
    ("IsString", True, {}, True, False),
    ("IsString", True, True, True, False),
    ("NumericEquals", 0, 0, 0, True),
    ("NumericEquals", 0.0, 0, 0.0, True),
    ("NumericEquals", 0, 0.0, 0, True),
    ("NumericEquals", 0.0, None, 0.0, False),
    ("NumericEquals", 1.0, 0.0, 1.0, False),
    ("NumericEquals", 0.0, 1.1, 0.0, False),
    ("NumericEquals", 1, 1.1, 1, False),
    ("NumericEquals", 1, True, 1, False),
    ("NumericEquals", 0.0, False, 0.0, False),
    ("NumericEquals", 1, [""], 1, False),
    ("NumericEqualsPath", "$.Value", 1, 1.0, True),
    ("NumericEqualsPath", "$.Value", 2.22, 2.22, True),
    ("NumericEqualsPath", "$.Value", None, 0, False),
    ("NumericEqualsPath", "$.Value", 0.0, 1.0, False),
    ("NumericEqualsPath", "$.Value", 1, 0.0, False),
    ("NumericEqualsPath", "$.Value", "", 0, False),
    ("NumericGreaterThan", 0, 1, 0, True),
    ("NumericGreaterThan", 0, 0, 0, False),
    ("NumericGreaterThan", 1, 0, 1, False),
    ("NumericGreaterThanEquals", 0, 0, 0, True),
    ("NumericGreaterThanEquals", 0, 0.0, 0, True),
    ("NumericGreaterThanEquals", 1, 0, 1, False),
    ("NumericGreaterThanEqualsPath", "$.Value", 0.0, 0, True),
    ("NumericGreaterThanEqualsPath", "$.Value", 1, 0, True),
    ("NumericGreaterThanPath", "$.Value", 0, 0, False),
    ("NumericGreaterThanPath", "$.Value", 0.0, 0, False),
    ("NumericLessThan", 1, 0, 1, True),
    ("NumericLessThan", 0, 0, 0, False),
    ("NumericLessThan", 0, 0.0, 0, False),
    ("NumericLessThanEquals", 1, 1, 1, True),
    ("NumericLessThanEquals", 0, 1, 0, False),
    ("NumericLessThanEqualsPath", "$.Value", 0, 0, True),
    ("NumericLessThanPath", "$.Value", 0, 0, False),
    ("NumericLessThanPath", "$.Value", 0.0, 0, False),
    ("StringEquals", "HelloWorld", None, "HelloWorld", False),
    ("StringEquals", "HelloWorld", {"A": 0}, "HelloWorld", False),
    ("StringEquals", "HelloWorld", True, "HelloWorld", False),
    ("StringEquals", "\t\r\n", "\t\n", "\t\r\n", False),
    ("StringEqualsPath", "$.Value", "Hello", "Hello", True),
    ("StringEqualsPath", "$.Value", " ", "     ", False),
    ("StringGreaterThan", "A\t\n\r", "A", "A\t\n\r", False),
    ("StringGreaterThanEquals", "", "", "", True),
    ("StringGreaterThanEquals", "A", "AB", "A", True),
    ("StringGreaterThanEqualsPath", "$.Value", "A", "AB", False),
    ("StringGreaterThanPath", "$.Value", "A", "A\t\n\r", False),
    ("StringLessThan", "AB", "A", "AB", True),
    ("StringLessThan", "A", "AB", "A", False),
    ("StringLessThanEquals", "A", "AB", "A", False),
    ("StringLessThanEqualsPath", "$.Value", "", "", True),
    ("StringLessThanPath", "$.Value", "", "", False),
    ("TimestampEquals", T0, T0, T0, True),
    ("TimestampEquals", T0, None, T0, False),
    ("TimestampEquals", T0, {}, T0, False),
    ("TimestampEquals", T0, False, T0, False),
    ("TimestampEquals", T1, T0, T1, False),
    ("TimestampEquals", T0, "2023-02-24 12:15:56.832957", T0, False),
    ("TimestampEquals", T0, 1.1, T0, False),
    ("TimestampEqualsPath", "$.Value", T0, T0, True),
    ("TimestampGreaterThan", T0, T0, T0, False),
    ("TimestampGreaterThan", T1, T0, T1, False),
    ("TimestampGreaterThanEquals", T0, T0, T0, True),
    ("TimestampGreaterThanEquals", T0, T1, T0, True),
    ("TimestampGreaterThanPath", "$.Value", T0, T1, False),
    ("TimestampLessThan", T0, T1, T0, False),
    ("TimestampLessThanEquals", T0, T1, T0, False),
    ("TimestampLessThanEqualsPath", "$.Value", T1, T0, False),
]


@pytest.mark.parametrize(("operator", "operand", "variable", "value", "matched"), RECORDED)
def test_outcome_matches_aws(operator: str, operand: Any, variable: Any, value: Any, matched: bool) -> None:
    rule = compile_choice_rule({"Variable": "$.Variable", operator: operand, "Next": "ConditionTrue"})
    scope = Scope(input={"Variable": variable, "Value": value}, context={}, draws=SeededRandom("seed"))
    assert rule.evaluate(scope) is matched
