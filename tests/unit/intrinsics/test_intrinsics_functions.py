"""What each intrinsic returns, including the AWS behaviours that differ from the obvious reading.

Cases marked "AWS:" restate results observed on AWS Step Functions (truncation of sizes, Java
HashSet order, StringTokenizer splitting, lenient Base64, Java text comparison).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from cloudflow.core.dataflow.intrinsics import evaluate_intrinsic, parse_intrinsic
from cloudflow.core.dataflow.scope import Scope
from cloudflow.core.seeded_random import SeededRandom

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def evaluate(text: str, state_input: Any = None, *, seed: str = "s") -> Any:
    scope = Scope(input=state_input, context={}, draws=SeededRandom(seed=seed))
    return evaluate_intrinsic(parse_intrinsic(text), scope)


CASES = [
    # States.Format
    (
        "States.Format('Name: \\'{}\\', Surname: \"{}\"', 'Ada', 'Lovelace')",
        None,
        "Name: 'Ada', Surname: \"Lovelace\"",
    ),
    ("States.Format('no placeholders')", None, "no placeholders"),
    ("States.Format($.template, $.name)", {"template": "Hello {}", "name": "Ada"}, "Hello Ada"),
    ("States.Format('\\{\\} {} \\\\', 'x')", None, "{} x \\"),
    ("States.Format('{}|{}|{}|{}', false, -1, 3.5, $.n)", {"n": None}, "false|-1|3.5|null"),
    ("States.Format('{}', $.big)", {"big": 1e20}, "1.0E20"),
    ("States.Format('{}', $.whole)", {"whole": 2.0}, "2.0"),
    ("States.Format('{}', $.list)", {"list": ["a", {"b": None}, [1.5]]}, "[a, {b=null}, [1.5]]"),
    (
        "States.Format('arn:{}:{}', 'lambda', States.JsonToString($.obj))",
        {"obj": {"k": 1}},
        'arn:lambda:{"k":1}',
    ),
    # AWS: a StringToJson result is a JSON node, printed as JSON text.
    ("States.Format('{}', States.StringToJson($.json))", {"json": '"x"'}, '"x"'),
    # States.StringToJson / JsonToString / JsonMerge
    ("States.StringToJson($.json)", {"json": ' {"a":1} '}, {"a": 1}),
    ("States.StringToJson($.json)", {"json": '{"a":"it\'s"}'}, {"a": "it's"}),
    ("States.StringToJson($.json)", {"json": "[1,2,3]"}, [1, 2, 3]),
    ("States.StringToJson($.json)", {"json": "null"}, None),
    (
        "States.StringToJson(States.JsonToString($.obj))",
        {"obj": {"a": 1, "n": {"ok": True}}},
        {"a": 1, "n": {"ok": True}},
    ),
    (
        "States.JsonToString($.v)",
        {"v": {"s": 'é\n"', "big": 1e-5, "l": [None, True]}},
        '{"s":"é\\n\\"","big":1.0E-5,"l":[null,true]}',
    ),
    ("States.JsonToString($.v)", {"v": "text"}, '"text"'),
    (
        "States.JsonMerge($.a, $.b, false)",
        {"a": {"x": 1, "y": 2}, "b": {"y": 3, "z": 4}},
        {"x": 1, "y": 3, "z": 4},
    ),
    ("States.JsonMerge($.a, $.b, false)", {"a": {"n": {"a1": 1}}, "b": {"n": {"a3": 3}}}, {"n": {"a3": 3}}),
    # AWS: any deep flag other than true means a shallow merge.
    ("States.JsonMerge($.a, $.b, 'false')", {"a": {"x": 1}, "b": {}}, {"x": 1}),
    # States.Array family
    ("States.Array(1, States.Array(2, 3))", None, [1, [2, 3]]),
    ("States.ArrayPartition($.a, 4)", {"a": [1, 2, 3, 4, 5, 6, 7, 8, 9]}, [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
    # AWS: fractional sizes and indexes are truncated, not rounded.
    ("States.ArrayPartition($.a, 2.6)", {"a": [1, 2, 3, 4, 5]}, [[1, 2], [3, 4], [5]]),
    ("States.ArrayPartition($.a, 2147483647)", {"a": [1, 2]}, [[1, 2]]),
    ("States.ArrayGetItem($.a, 1.2)", {"a": [10, 20, 30]}, 20),
    ("States.ArrayGetItem(States.Array('x', 'y', 'z'), 1)", None, "y"),
    # AWS: any index into an empty array gives null.
    ("States.ArrayGetItem($.a, 999)", {"a": []}, None),
    ("States.ArrayLength(States.Array())", None, 0),
    ("States.ArrayRange(1, 9, 2)", None, [1, 3, 5, 7, 9]),
    ("States.ArrayRange(5, 1, -2)", None, [5, 3, 1]),
    ("States.ArrayRange(5, 1, 1)", None, []),
    ("States.ArrayRange(3, 3, -1)", None, [3]),
    ("States.ArrayRange(1.6, 1.4, 1)", None, [1]),
    ("States.ArrayRange(5.4, -0.6, -2.4)", None, [5, 3, 1]),
    # AWS: ArrayContains compares Java text forms, so key order counts and true matches "true".
    ("States.ArrayContains($.a, $.t)", {"a": [{"a": 1, "b": 2}], "t": {"a": 1, "b": 2}}, True),
    ("States.ArrayContains($.a, $.t)", {"a": [{"a": 1, "b": 2}], "t": {"b": 2, "a": 1}}, False),
    ("States.ArrayContains($.a, true)", {"a": ["true", "false"]}, True),
    ("States.ArrayContains($.a, false)", {"a": [0, 1, -1, -1.5]}, False),
    ("States.ArrayContains($.a, null)", {"a": [1, None]}, True),
    ("States.ArrayContains($.a, $.t)", {"a": [[0, 1, False]], "t": [0, 1, False]}, True),
    # AWS: ArrayUnique iterates a Java HashSet, so the order is by hash bucket.
    ("States.ArrayUnique($.a)", {"a": [1, 2, 3, 3, 3, 4]}, [1, 2, 3, 4]),
    ("States.ArrayUnique($.a)", {"a": ["a", "b", "a", "c", "b"]}, ["a", "b", "c"]),
    ("States.ArrayUnique($.a)", {"a": [True, False, True, False]}, [False, True]),
    ("States.ArrayUnique($.a)", {"a": [[1, 2], [1, 2], [2, 1]]}, [[2, 1], [1, 2]]),
    ("States.ArrayUnique($.a)", {"a": [None, None, 1, None]}, [None, 1]),
    ("States.ArrayUnique($.a)", {"a": [1, "1", 1, "01"]}, [1, "1", "01"]),
    ("States.ArrayUnique($.a)", {"a": [{"a": 1, "b": 2}, {"b": 2, "a": 1}]}, [{"a": 1, "b": 2}]),
    ("States.ArrayUnique($.a)", {"a": []}, []),
    # States.StringSplit (AWS: StringTokenizer, empty parts dropped)
    ("States.StringSplit($.s, ',')", {"s": "a,,b,"}, ["a", "b"]),
    ("States.StringSplit($.s, ',')", {"s": ",a"}, ["a"]),
    ("States.StringSplit($.s, ',')", {"s": ""}, []),
    ("States.StringSplit($.s, 'ab')", {"s": "1a2b3ab4"}, ["1", "2", "3", "4"]),
    ("States.StringSplit($.s, '.|]\\\\')", {"s": "a.b|c]d\\e"}, ["a", "b", "c", "d", "e"]),
    ("States.StringSplit($.s, '')", {"s": "abc"}, ["abc"]),
    # Encoding and hashing
    ("States.Base64Encode('🚀')", None, "8J+agA=="),
    ("States.Base64Encode('こんにちは')", None, "44GT44KT44Gr44Gh44Gv"),
    ("States.Base64Decode('4pyT')", None, "✓"),
    ("States.Base64Decode(States.Base64Encode($.s))", {"s": "abc\u0000def"}, "abc\u0000def"),
    # AWS: malformed Base64 is decoded leniently rather than refused.
    ("States.Base64Decode('abc')", None, "i\ufffd"),  # 0x69 0xB7: the lone 0xB7 is not UTF-8
    ("States.Base64Decode(' YWJjZA== ')", None, "abcd"),
    ("States.Base64Decode('ab==cd')", None, "i"),
    ("States.Hash('hello', 'MD5')", None, "5d41402abc4b2a76b9719d911017c592"),
    ("States.Hash('hello', 'SHA-1')", None, "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),
    (
        "States.Hash('hello', 'SHA-384')",
        None,
        "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f",
    ),
    (
        "States.Hash('🚀', 'SHA-256')",
        None,
        "ebbc0b2870eb323f2b6cffa5c493ceef81ae7eb36afc73d4e0367301631daec5",
    ),
    # AWS: a number is hashed through its text.
    ("States.Hash(123, 'MD5')", None, "202cb962ac59075b964b07152d234b70"),
    # States.MathAdd
    ("States.MathAdd($.v, -1)", {"v": 111}, 110),
    ("States.MathAdd(1.6, 2.7)", None, 5),
    ("States.MathAdd(2147483646, 1)", None, 2147483647),
    ("States.MathAdd(-2147483647, -1)", None, -2147483648),
    ("States.MathAdd(States.MathAdd($.x, 1), 2)", {"x": 5}, 8),
]


@pytest.mark.parametrize(("text", "state_input", "expected"), CASES)
def test_returns_what_step_functions_returns(text: str, state_input: Any, expected: Any) -> None:
    assert evaluate(text, state_input) == expected


def test_array_unique_keeps_an_integer_and_an_equal_double_apart() -> None:
    # Java's Integer 1 and Double 1.0 are not equal; the Double hashes into an earlier bucket.
    result = evaluate("States.ArrayUnique($.a)", {"a": [1, 1.0, 1]})

    assert result == [1.0, 1]
    assert [type(v) for v in result] == [float, int]


def test_array_range_allows_exactly_1000_items() -> None:
    assert len(evaluate("States.ArrayRange(1, 1000, 1)")) == 1000
    assert evaluate("States.ArrayRange(1000, 1, -1)")[-1] == 1


def test_hash_accepts_exactly_10000_characters() -> None:
    assert len(evaluate("States.Hash($.s, 'SHA-256')", {"s": "a" * 10_000})) == 64


def test_math_random_stays_within_start_inclusive_end_exclusive() -> None:
    values = {evaluate("States.MathRandom(1, 4)", seed=f"seed-{i}") for i in range(200)}

    assert values == {1, 2, 3}


def test_math_random_truncates_its_bounds() -> None:
    values = {evaluate("States.MathRandom(1.6, 3.9)", seed=f"seed-{i}") for i in range(100)}

    assert values == {1, 2}


def test_math_random_with_a_seed_depends_only_on_the_seed() -> None:
    first = evaluate("States.MathRandom(1, 1000000, 42)", seed="one")
    second = evaluate("States.MathRandom(1, 1000000, 42)", seed="two")
    other = evaluate("States.MathRandom(1, 1000000, 43)", seed="one")

    assert first == second
    assert first != other


def test_math_random_without_a_seed_draws_from_the_scope() -> None:
    scope = Scope(input=None, context={}, draws=SeededRandom(seed="s"))
    call = parse_intrinsic("States.MathRandom(0, 1000000)")

    draws = [evaluate_intrinsic(call, scope) for _ in range(3)]

    assert scope.draws.counter == 3
    assert draws == [evaluate("States.MathRandom(0, 1000000)", seed="s"), *draws[1:]]
    assert len(set(draws)) == 3


def test_uuid_is_a_v4_uuid_drawn_from_the_scope() -> None:
    first = evaluate("States.UUID()", seed="a")

    assert UUID4.match(first)
    assert first == evaluate("States.UUID()", seed="a")
    assert first != evaluate("States.UUID()", seed="b")


def test_variables_are_read_when_the_scope_carries_them() -> None:
    class ScopeWithVariables(Scope):
        variables: dict[str, Any]

    scope = ScopeWithVariables(input={}, context={}, draws=SeededRandom(seed="s"))
    scope.variables = {"order": {"items": [1, 2, 3]}}

    assert evaluate_intrinsic(parse_intrinsic("States.ArrayLength($order.items)"), scope) == 3


def test_results_do_not_share_containers_with_the_input() -> None:
    state_input = {"a": {"k": [1]}}

    result = evaluate("States.Array($.a)", state_input)
    result[0]["k"].append(2)

    assert state_input == {"a": {"k": [1]}}
