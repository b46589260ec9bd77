"""Intrinsic calls that fail at run time: States.Runtime, with the cause Step Functions gives."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.core.dataflow.intrinsics import evaluate_intrinsic, parse_intrinsic
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.error_names import UNCATCHABLE_BY_WILDCARD
from cloudflow.core.failure import Failure, FailureRaised
from cloudflow.core.seeded_random import SeededRandom


def failure_of(text: str, state_input: Any = None) -> Failure:
    scope = Scope(input=state_input, context={"Execution": {"Id": "e"}}, draws=SeededRandom(seed="s"))
    with pytest.raises(FailureRaised) as raised:
        evaluate_intrinsic(parse_intrinsic(text), scope)
    return raised.value.failure


INVALID_ARGUMENTS = [
    # wrong argument counts
    ("States.Format()", None),
    ("States.ArrayLength($.a, 1)", {"a": []}),
    ("States.Hash('hello')", None),
    ("States.JsonMerge($.a, $.b)", {"a": {}, "b": {}}),
    ("States.MathRandom(1)", None),
    ("States.MathRandom(1, 10, 5, 99)", None),
    ("States.UUID(1)", None),
    # wrong argument types
    ("States.ArrayLength('not-array')", None),
    ("States.ArrayContains('not-array', 'x')", None),
    ("States.ArrayPartition($.a, '2')", {"a": [1]}),
    ("States.ArrayPartition($.a, null)", {"a": [1]}),
    ("States.ArrayGetItem($.a, '1')", {"a": [1]}),
    ("States.ArrayUnique($.obj)", {"obj": {"a": 1}}),
    ("States.Base64Encode(123)", None),
    ("States.Base64Decode($.obj)", {"obj": {}}),
    ("States.Hash('hello', 123)", None),
    ("States.JsonMerge($.a, $.b, false)", {"a": None, "b": {}}),
    ("States.JsonMerge($.a, $.b, false)", {"a": {}, "b": []}),
    ("States.MathAdd('2', 1)", None),
    ("States.MathAdd(true, 1)", None),
    ("States.MathAdd(null, 1)", None),
    ("States.MathRandom(1, 10, 'seed')", None),
    ("States.MathRandom(1, 10, null)", None),
    ("States.StringSplit($.s, ',')", {"s": 123}),
    ("States.StringSplit($.s, $.d)", {"s": "a,b", "d": [","]}),
    ("States.StringToJson($.v)", {"v": {"a": 1}}),
    ("States.Format($.t, 1)", {"t": 123}),
    # values out of range
    ("States.ArrayPartition($.a, 0)", {"a": [1]}),
    ("States.ArrayPartition($.a, 0.6)", {"a": [1]}),
    ("States.ArrayPartition($.a, -1)", {"a": [1]}),
    ("States.ArrayGetItem($.a, 3)", {"a": [10, 20, 30]}),
    ("States.ArrayGetItem($.a, -1)", {"a": [10, 20, 30]}),
    ("States.ArrayRange(1, 10, 0)", None),
    ("States.ArrayRange(1, 10, 0.49)", None),
    ("States.ArrayRange(1, 1001, 1)", None),
    ("States.ArrayRange(1001, 1, -1)", None),
    ("States.MathAdd(2147483647, 1)", None),
    ("States.MathAdd(-2147483648, -1)", None),
    ("States.MathAdd(3000000000, 1)", None),
    ("States.MathRandom(1, 1)", None),
    ("States.MathRandom(10, 5)", None),
    ("States.MathRandom(1.4, 1.6)", None),
    ("States.Hash($.s, 'SHA-256')", {"s": "a" * 10_001}),
    ("States.Base64Encode($.s)", {"s": "a" * 10_001}),
    ("States.Base64Decode($.s)", {"s": "A" * 10_001}),
    # bad values
    ("States.Hash('data', 'sha-256')", None),
    ("States.Hash('data', 'SHA256')", None),
    ("States.Hash('data', 'MD-5')", None),
    ("States.JsonMerge($.a, $.b, true)", {"a": {}, "b": {}}),
    ("States.StringToJson($.v)", {"v": "{bad json}"}),
    ("States.StringToJson($.v)", {"v": '{"a":1'}),
    ("States.StringToJson($.v)", {"v": "undefined"}),
    ("States.StringToJson($.v)", {"v": "NaN"}),
    ("States.Format('{} {}', 'x')", None),
    ("States.Format('{}', 'x', 'y')", None),
    ("States.Format('Hello {', 'x')", None),
    ("States.Format('Hello {{}}', 'x')", None),
    ("States.Format('}')", None),
    ("States.Format($.t, 'x')", {"t": "Hello {"}),
]


@pytest.mark.parametrize(("text", "state_input"), INVALID_ARGUMENTS)
def test_rejected_arguments_fail_with_invalid_arguments(text: str, state_input: Any) -> None:
    failure = failure_of(text, state_input)

    name = parse_intrinsic(text).name
    assert failure.error == "States.Runtime"
    assert failure.cause == f"The function '{text}' had the following error: Invalid arguments in {name}"


def test_a_missing_path_names_the_path_and_the_input() -> None:
    failure = failure_of("States.Hash($.missing, 'SHA-256')", {"present": 1})

    assert failure.error == "States.Runtime"
    assert failure.cause == (
        "The function 'States.Hash($.missing, 'SHA-256')' had the following error: "
        "The JsonPath argument for the field '$.missing' could not be found in the input '{\"present\":1}'"
    )


def test_a_missing_context_path_fails_the_same_way() -> None:
    failure = failure_of("States.Array($$.Execution.Nope)", {})

    assert failure.cause is not None
    assert "The JsonPath argument for the field '$$.Execution.Nope' could not be found" in failure.cause


def test_a_missing_variable_fails_like_a_missing_path() -> None:
    failure = failure_of("States.Array($nothing)", {})

    assert failure.cause is not None
    assert "The JsonPath argument for the field '$nothing' could not be found" in failure.cause


def test_a_nested_failure_quotes_the_outermost_call() -> None:
    failure = failure_of("States.Array(1, States.MathAdd('x', 1))")

    assert failure.cause == (
        "The function 'States.Array(1, States.MathAdd('x', 1))' had the following error: "
        "Invalid arguments in States.MathAdd"
    )


def test_intrinsic_failures_are_not_caught_by_states_all() -> None:
    assert failure_of("States.MathAdd('x', 1)").error in UNCATCHABLE_BY_WILDCARD
