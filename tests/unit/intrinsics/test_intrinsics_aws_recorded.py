"""Intrinsic calls whose results were recorded against real AWS Step Functions.

Each case is a Pass state's `"FunctionResult.$"` from LocalStack's AWS-validated snapshot tests
(tests/aws/services/stepfunctions/v2/intrinsic_functions), with the state input under
`FunctionInput` and the value AWS produced.
"""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.core.dataflow.intrinsics import evaluate_intrinsic, parse_intrinsic
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.seeded_random import SeededRandom

PAIR = "$.FunctionInput.fst, $.FunctionInput.snd"
FORMAT_1 = "States.Format('Formatting argument {}.', $.FunctionInput)"
FORMAT_2 = f"States.Format('Formatting arguments fst={{}} and snd={{}}.', {PAIR})"
ARGS_JSON_TEXT = '{"Arg1": 1, "Arg2": []}'
ARGS_OBJECT = {"Arg1": 1, "Arg2": []}

RECORDED = [
    # States.Array
    ("States.Array()", "HelloWorld", []),
    (f"States.Array({PAIR})", {"fst": "", "snd": ""}, ["", ""]),
    (f"States.Array({PAIR})", {"fst": " ", "snd": " "}, [" ", " "]),
    (f"States.Array({PAIR})", {"fst": ARGS_JSON_TEXT, "snd": ARGS_JSON_TEXT}, [ARGS_JSON_TEXT] * 2),
    (f"States.Array({PAIR})", {"fst": ARGS_OBJECT, "snd": ARGS_OBJECT}, [ARGS_OBJECT] * 2),
    # States.ArrayContains
    (f"States.ArrayContains({PAIR})", {"fst": [], "snd": []}, False),
    (f"States.ArrayContains({PAIR})", {"fst": [], "snd": 1}, False),
    (f"States.ArrayContains({PAIR})", {"fst": [[1, 2, 3], 2], "snd": None}, False),
    (f"States.ArrayContains({PAIR})", {"fst": [{"1": 2, "2": []}], "snd": {"1": 2, "2": []}}, True),
    (f"States.ArrayContains({PAIR})", {"fst": [True, False], "snd": True}, True),
    # States.ArrayLength, States.ArrayPartition
    ("States.ArrayLength($.FunctionInput)", [1, 2, 3, 4, 5, 6, 7, 8, 9], 9),
    (f"States.ArrayPartition({PAIR})", {"fst": [], "snd": 1}, []),
    (f"States.ArrayPartition({PAIR})", {"fst": [], "snd": 5}, []),
    (f"States.ArrayPartition({PAIR})", {"fst": [0], "snd": 3}, [[0]]),
    (f"States.ArrayPartition({PAIR})", {"fst": [0, 1], "snd": 1}, [[0], [1]]),
    (f"States.ArrayPartition({PAIR})", {"fst": [0, 1, 2], "snd": 4}, [[0, 1, 2]]),
    (f"States.ArrayPartition({PAIR})", {"fst": [0, 1, 2, 3], "snd": 2}, [[0, 1], [2, 3]]),
    (f"States.ArrayPartition({PAIR})", {"fst": [0, 1, 2, 3], "snd": 3}, [[0, 1, 2], [3]]),
    (f"States.ArrayPartition({PAIR})", {"fst": [0, 1, 2, 3], "snd": 5}, [[0, 1, 2, 3]]),
    # States.Base64Encode, States.Hash
    ("States.Base64Encode($.FunctionInput)", "", ""),
    ("States.Base64Encode($.FunctionInput)", "Data to encode", "RGF0YSB0byBlbmNvZGU="),
    (
        f"States.Hash({PAIR})",
        {"fst": "input data", "snd": "SHA-256"},
        "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3",
    ),
    (
        f"States.Hash({PAIR})",
        {"fst": "input data", "snd": "SHA-512"},
        "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d"
        "30d425402d4f91316d871303aac4",
    ),
    # States.Format: strings raw, null as "null", objects in Java's {k=v} form
    (FORMAT_1, "", "Formatting argument ."),
    (FORMAT_1, "HelloWorld", "Formatting argument HelloWorld."),
    (FORMAT_1, None, "Formatting argument null."),
    (FORMAT_1, 1, "Formatting argument 1."),
    (FORMAT_1, ARGS_JSON_TEXT, f"Formatting argument {ARGS_JSON_TEXT}."),
    (FORMAT_2, {"fst": "", "snd": ""}, "Formatting arguments fst= and snd=."),
    (FORMAT_2, {"fst": None, "snd": None}, "Formatting arguments fst=null and snd=null."),
    (FORMAT_2, {"fst": 1.1, "snd": 1.1}, "Formatting arguments fst=1.1 and snd=1.1."),
    (
        FORMAT_2,
        {"fst": ARGS_OBJECT, "snd": ARGS_OBJECT},
        "Formatting arguments fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.",
    ),
    # States.JsonToString: compact JSON
    ("States.JsonToString($.FunctionInput)", None, "null"),
    ("States.JsonToString($.FunctionInput)", 0, "0"),
    ("States.JsonToString($.FunctionInput)", 1.1, "1.1"),
    ("States.JsonToString($.FunctionInput)", ARGS_OBJECT, '{"Arg1":1,"Arg2":[]}'),
    # States.StringToJson: an empty string is null
    ("States.StringToJson($.FunctionInput)", "", None),
    ("States.StringToJson($.FunctionInput)", "-0", 0),
    ("States.StringToJson($.FunctionInput)", "1.1", 1.1),
    ("States.StringToJson($.FunctionInput)", "true", True),
    ("States.StringToJson($.FunctionInput)", '"HelloWorld"', "HelloWorld"),
    # States.MathAdd rounds each operand the Java way (halves up) before adding
    (f"States.MathAdd({PAIR})", {"fst": -9, "snd": 3}, -6),
    (f"States.MathAdd({PAIR})", {"fst": -1.5, "snd": 0}, -1),
    (f"States.MathAdd({PAIR})", {"fst": 0.5, "snd": 0}, 1),
    (f"States.MathAdd({PAIR})", {"fst": 2.5, "snd": 0}, 3),
    (f"States.MathAdd({PAIR})", {"fst": 3.5, "snd": 0}, 4),
    (f"States.MathAdd({PAIR})", {"fst": -0.5, "snd": 0}, 0),
    (f"States.MathAdd({PAIR})", {"fst": -3.5, "snd": 0}, -3),
    (f"States.MathAdd({PAIR})", {"fst": -1.49, "snd": -1.5}, -2),
    (f"States.MathAdd({PAIR})", {"fst": -1.5, "snd": -1.51}, -3),
    (f"States.MathAdd({PAIR})", {"fst": 1.49, "snd": 0}, 1),
    (f"States.MathAdd({PAIR})", {"fst": 1.51, "snd": 0}, 2),
    # States.StringSplit: every character of the second argument is a delimiter
    (f"States.StringSplit({PAIR})", {"fst": " ", "snd": ","}, [" "]),
    (
        f"States.StringSplit({PAIR})",
        {"fst": "This.is+a,test=string", "snd": ".+,="},
        ["This", "is", "a", "test", "string"],
    ),
    (
        f"States.StringSplit({PAIR})",
        {"fst": "split on T and \nnew line", "snd": "T\n"},
        ["split on ", " and ", "new line"],
    ),
    # A raw newline inside a string literal is kept as is
    ("States.StringSplit('Hello\nWorld', '\n')", None, ["Hello", "World"]),
]


def evaluate(text: str, state_input: Any, context: dict[str, Any] | None = None) -> Any:
    scope = Scope(input=state_input, context=context or {}, draws=SeededRandom(seed="s"))
    return evaluate_intrinsic(parse_intrinsic(text), scope)


@pytest.mark.parametrize(("text", "function_input", "expected"), RECORDED)
def test_matches_the_result_aws_recorded(text: str, function_input: Any, expected: Any) -> None:
    assert evaluate(text, {"FunctionInput": function_input}) == expected


def test_format_reads_the_context_object_and_prints_it_the_java_way() -> None:
    context = {
        "Execution": {"Name": "exec-1"},
        "StateMachine": {"Id": "arn:aws:states:us-east-1:111111111111:stateMachine:sm", "Name": "sm"},
    }
    text = "States.Format('Formatting arguments fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)"

    assert evaluate(text, {"FunctionInput": None}, context) == (
        "Formatting arguments fst=exec-1 and snd="
        "{Id=arn:aws:states:us-east-1:111111111111:stateMachine:sm, Name=sm}."
    )


def test_math_random_with_fractional_bounds_gives_an_int_in_range() -> None:
    # AWS recorded only that a number came back; bounds 12.5 and 44.51 truncate to [12, 44).
    value = evaluate(f"States.MathRandom({PAIR})", {"FunctionInput": {"fst": 12.5, "snd": 44.51}})

    assert isinstance(value, int)
    assert 12 <= value < 44


def test_every_function_in_one_state_as_aws_recorded() -> None:
    # From the AWS-recorded Assign case that calls every intrinsic on one input.
    state_input = {
        "rawString": "Hello World",
        "encodedString": "SGVsbG8gV29ybGQ=",
        "inputString": "Hash this string",
        "json1": {"a": 1, "b": 2},
        "json2": {"c": 3, "d": 4},
        "jsonString": '{"key":"value"}',
        "jsonObject": {"test": "object"},
        "value1": 5,
        "value2": 3,
        "csvString": "a,b,c,d,e",
        "name": "John",
        "place": "LocalStack",
    }
    hash_this_string = "1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e"
    expected = {
        "States.Base64Encode($.rawString)": "SGVsbG8gV29ybGQ=",
        "States.Base64Decode($.encodedString)": "Hello World",
        "States.Hash($.inputString, 'SHA-256')": hash_this_string,
        "States.JsonMerge($.json1, $.json2, false)": {"a": 1, "b": 2, "c": 3, "d": 4},
        "States.StringToJson($.jsonString)": {"key": "value"},
        "States.JsonToString($.jsonObject)": '{"test":"object"}',
        "States.MathAdd($.value1, $.value2)": 8,
        "States.StringSplit($.csvString, ',')": ["a", "b", "c", "d", "e"],
        "States.Format('Hello {}, welcome to {}!', $.name, $.place)": "Hello John, welcome to LocalStack!",
    }

    assert {text: evaluate(text, state_input) for text in expected} == expected


def test_fail_state_cause_built_with_format() -> None:
    text = "States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)"

    assert evaluate(text, {"Error": "error string", "Cause": "cause string"}) == (
        "This is a custom error message for error string, caused by cause string."
    )
