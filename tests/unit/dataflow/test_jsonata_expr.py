"""JSONata expressions evaluated through the real library, with Step Functions' functions and causes."""

from __future__ import annotations

import hashlib
import random
import re
import time
from typing import Any

import pytest

from cloudflow.core.dataflow import jsonata_expr
from cloudflow.core.dataflow.jsonata_expr import (
    UNDEFINED,
    JsonataBindings,
    evaluate,
    evaluate_template,
    expression_body,
    is_expression,
    result_type_error,
    undefined_result_error,
)
from cloudflow.core.failure import FailureRaised
from cloudflow.core.seeded_random import SeededRandom

NOW_MS = 1_795_687_200_000  # 2026-11-26T10:00:00.000Z
INPUT: dict[str, Any] = {
    "order": {"total": 27.5, "id": "o-1"},
    "items": [{"price": 1.5, "sku": "a"}, {"price": 2, "sku": "b"}, {"price": 3.25, "sku": "c"}],
    "name": "Ann",
    "nothing": None,
    "json": '{"a": [1, null, 2.5], "b": {"c": true}}',
}
CONTEXT: dict[str, Any] = {"Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:sm:run-1"}}


def bindings(
    *, variables: dict[str, Any] | None = None, draws: SeededRandom | None = None, **states: Any
) -> JsonataBindings:
    return JsonataBindings(
        states={"input": INPUT, "context": CONTEXT, **states},
        variables=variables if variables is not None else {"limit": 3, "tags": ["x", "y"]},
        now_ms=NOW_MS,
        draws=draws if draws is not None else SeededRandom("seed"),
    )


def run(body: str, scope: JsonataBindings | None = None, field: str = "Output") -> Any:
    return evaluate("{% " + body + " %}", scope if scope is not None else bindings(), field=field)


def cause_of(body: str, scope: JsonataBindings | None = None, field: str = "Output") -> str:
    with pytest.raises(FailureRaised) as raised:
        run(body, scope, field)
    assert raised.value.failure.error == "States.QueryEvaluationError"
    assert raised.value.failure.cause is not None
    return raised.value.failure.cause


# --- recognising expressions -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["{% $x %}", "{%$x%}", "{% 1 + 2 %}", "{%%}"])
def test_expressions_start_and_end_with_the_delimiters(text: str) -> None:
    assert is_expression(text)


@pytest.mark.parametrize("value", [" {% $x %}", "{% $x %} ", "{% $x", "$x %}", "{%", "$.x", "", 1, None, ["{% $x %}"]])
def test_anything_else_is_not_an_expression(value: object) -> None:
    assert not is_expression(value)


def test_the_body_is_the_trimmed_text_between_the_delimiters() -> None:
    assert expression_body("{% $states.input.a %}") == "$states.input.a"
    assert expression_body("{%$x%}") == "$x"


def test_evaluate_refuses_a_string_that_is_not_an_expression() -> None:
    with pytest.raises(ValueError, match="not a JSONata expression"):
        evaluate("$x", bindings())


# --- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("$states.input.order.total * 2", 55),
        ("$states.input.order.id", "o-1"),
        ("$map($states.input.items, function($v){$v.price})", [1.5, 2, 3.25]),
        ("$sum($states.input.items.price)", 6.75),
        ("'Order ' & $states.input.order.id & ' for ' & $states.input.name", "Order o-1 for Ann"),
        ("$states.input.items[price > 2].sku", "c"),
        ("$states.input.items.sku", ["a", "b", "c"]),
        ("$states.context.Execution.Id", CONTEXT["Execution"]["Id"]),
        ("$limit + 1", 4),
        ("$tags[1]", "y"),
        ("$count($tags)", 2),
        ("$states.input.nothing", None),
        ("null", None),
        ("{'a': 1, 'b': [true, null]}", {"a": 1, "b": [True, None]}),
        ("($x := 2; $x * $limit)", 6),
        ("$contains('hello$world', /^hello\\$/)", True),  # recorded AWS case: true
        ("$number(\"2\")", 2),
        ("$string(1/3)", "0.333333333333333"),
        ("$string(100)", "100"),
        ("$string({'a': 1.0})", '{"a":1}'),
        ("$states.input.order.total", 27.5),
    ],
)
def test_expressions_evaluate_over_states_and_variables(body: str, expected: Any) -> None:
    result = run(body)
    assert result == expected
    assert type(result) is type(expected)


def test_integral_numbers_come_back_as_ints() -> None:
    assert run("[1.0, 2.5 * 2, 3 / 2, 1e3]") == [1, 5, 1.5, 1000]
    assert [type(n) for n in run("[1.0, 2.5 * 2, 3 / 2]")] == [int, int, float]
    assert run("1e300") == 1e300  # beyond 2**53 a number stays a float (the library would give an int)
    assert type(run("1e300")) is float


def test_result_and_error_output_are_visible_when_given() -> None:
    scope = bindings(result={"Payload": {"ok": True}}, errorOutput={"Error": "E", "Cause": "c"})
    assert run("$states.result.Payload.ok", scope) is True
    assert run("$states.errorOutput.Error", scope) == "E"


def test_results_are_fresh_json_not_the_input_objects() -> None:
    result = run("$states.input.order")
    assert result == INPUT["order"]
    result["total"] = 0
    assert INPUT["order"]["total"] == 27.5


def test_an_expression_that_selects_nothing_is_undefined_not_null() -> None:
    assert run("$states.input.missing") is UNDEFINED
    assert run("$doesNotExist") is UNDEFINED
    assert run("$states.input.nothing") is None


def test_null_values_stay_null() -> None:
    scope = JsonataBindings({"input": None, "context": {}}, {"ItemsVar": None}, NOW_MS, SeededRandom("s"))
    assert run("$ItemsVar", scope) is None  # recorded case: Assign {"ItemsVar": null}, then Items "{% $ItemsVar %}"
    assert run("$type($ItemsVar)", scope) == "null"
    assert run("$states.input", scope) is None
    assert run("$exists($states.input)", scope) is True


def test_each_body_is_compiled_once() -> None:
    jsonata_expr._compile.cache_clear()
    for limit in range(5):
        assert run("$limit * 10", bindings(variables={"limit": limit})) == limit * 10
    assert run("{%   $limit * 10   %}"[3:-3], bindings(variables={"limit": 1})) == 10
    info = jsonata_expr._compile.cache_info()
    assert (info.misses, info.hits) == (1, 5)


# --- Step Functions' functions -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [  # the recorded AWS executions (conformance cases) and the docs' examples
        ("$partition([0], 2)", [[0]]),
        ("$partition([0, 1, 2, 3], 3)", [[0, 1, 2], [3]]),
        ("$partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)", [[1, 2, 3], [4, 5, 6], [7, 8, 9]]),
        ("$partition([1, 2, 3], 2.9)", [[1, 2], [3]]),
        ("$range(0, 9, 3)", [0, 3, 6, 9]),
        ("$range(0, 10, 3)", [0, 3, 6, 9]),
        ("$range(1, 9, 9)", [1]),
        ("$range(0, 10, 2)", [0, 2, 4, 6, 8, 10]),
        ("$range(10, 1, -4)", [10, 6, 2]),
        ("$range(5, 1, 1)", []),
        ("$parse('1')", 1),
        ("$parse('true')", True),
        ("$parse('{\"Arg1\": 1, \"Arg2\": []}')", {"Arg1": 1, "Arg2": []}),
        ("$parse('null')", None),
        ("$parse($states.input.json).a[2]", 2.5),
    ],
)
def test_step_functions_functions(body: str, expected: Any) -> None:
    assert run(body) == expected


@pytest.mark.parametrize(("algorithm", "name"), [("MD5", "md5"), ("SHA-1", "sha1"), ("SHA-256", "sha256"),
                                                 ("SHA-384", "sha384"), ("SHA-512", "sha512")])
def test_hash_gives_the_hex_digest(algorithm: str, name: str) -> None:
    text = "input data ü"
    assert run(f"$hash('{text}', '{algorithm}')") == hashlib.new(name, text.encode()).hexdigest()


def test_random_without_a_seed_draws_from_the_steps_source() -> None:
    first, again, later = SeededRandom("run-1"), SeededRandom("run-1"), SeededRandom("run-1", counter=7)
    value = run("$random()", bindings(draws=first))
    assert 0 <= value < 1
    assert first.counter == 1  # it used exactly one draw
    assert run("$random()", bindings(draws=again)) == value  # same seed and counter: same number
    assert run("$random()", bindings(draws=later)) != value  # another counter: another number
    assert value == SeededRandom("run-1").next_float()


def test_random_with_a_seed_depends_on_the_seed_alone() -> None:
    draws = SeededRandom("run-1")
    seeded = run("$random(42)", bindings(draws=draws))
    assert draws.counter == 0
    assert run("$random(42)", bindings(draws=SeededRandom("other", counter=9))) == seeded
    assert run("$random(42.9)") == seeded  # integer arguments are rounded down
    assert run("$random(43)") != seeded
    assert 0 <= seeded < 1


def test_uuid_draws_a_v4_uuid_from_the_steps_source() -> None:
    draws = SeededRandom("run-1", counter=3)
    value = run("$uuid()", bindings(draws=draws))
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", value)
    assert value == SeededRandom("run-1", counter=3).next_uuid()
    assert draws.counter == 4
    assert run("$uuid()", bindings(draws=SeededRandom("run-1", counter=4))) != value
    assert run("[$uuid(), $uuid()]")[0] != run("[$uuid(), $uuid()]")[1]


def test_now_and_millis_are_the_steps_time() -> None:
    assert run("$now()") == "2026-11-26T10:00:00.000Z"
    assert run("$millis()") == NOW_MS
    assert run("$now('[Y0001]-[M01]-[D01]')") == "2026-11-26"
    later = JsonataBindings({"input": {}}, {}, NOW_MS + 1234, SeededRandom("s"))
    assert run("$now()", later) == "2026-11-26T10:00:01.234Z"
    assert run("$toMillis($now())", later) == NOW_MS + 1234


def test_to_millis_fills_missing_date_parts_from_the_steps_day() -> None:
    assert run("$toMillis('10:00', '[H01]:[m01]')") == NOW_MS


def test_shuffle_is_a_permutation_drawn_from_the_steps_source() -> None:
    shuffled = run("$shuffle([1, 2, 3, 4, 5, 6])", bindings(draws=SeededRandom("a")))
    assert sorted(shuffled) == [1, 2, 3, 4, 5, 6]
    assert run("$shuffle([1, 2, 3, 4, 5, 6])", bindings(draws=SeededRandom("a"))) == shuffled


def test_evaluation_reads_neither_the_clock_nor_the_random_module(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*_args: Any) -> Any:
        raise AssertionError("read the clock or the random module")

    monkeypatch.setattr(time, "time", forbidden)
    monkeypatch.setattr(time, "time_ns", forbidden)
    monkeypatch.setattr(random, "random", forbidden)
    monkeypatch.setattr(random, "shuffle", forbidden)
    body = (
        "{'now': $now(), 'millis': $millis(), 'r': $random(), 'seeded': $random(1), 'id': $uuid(),"
        " 'shuffled': $shuffle([1, 2, 3]), 'parsed': $toMillis('10:00', '[H01]:[m01]'), 'fresh': $never_compiled}"
    )
    assert set(run(body)) == {"now", "millis", "r", "seeded", "id", "shuffled", "parsed"}


# --- templates ---------------------------------------------------------------------------------


def test_templates_evaluate_every_expression_at_any_depth() -> None:
    template = {
        "static": "Hello",
        "total": "{% $states.input.order.total %}",
        "nested": {"list": [1, "{% $limit %}", {"deep": "{% $uppercase($states.input.name) %}"}], "flag": True},
        "not-evaluated": "$limit",
        "spaced": " {% $limit %}",
        "none": None,
    }
    assert evaluate_template(template, bindings(), field="Arguments") == {
        "static": "Hello",
        "total": 27.5,
        "nested": {"list": [1, 3, {"deep": "ANN"}], "flag": True},
        "not-evaluated": "$limit",
        "spaced": " {% $limit %}",
        "none": None,
    }


def test_a_template_that_is_one_expression_is_its_value() -> None:
    assert evaluate_template("{% $states.input.items.price %}", bindings()) == [1.5, 2, 3.25]
    assert evaluate_template([1, '{% $number("2") %}', 3], bindings()) == [1, 2, 3]  # recorded case
    assert evaluate_template(42, bindings()) == 42


def test_templates_copy_literal_containers() -> None:
    template = {"a": {"b": [1, 2]}}
    result = evaluate_template(template, bindings())
    result["a"]["b"].append(3)
    assert template == {"a": {"b": [1, 2]}}


def test_an_undefined_field_fails_with_its_path() -> None:
    # Recorded AWS executions: Output {"result": "{% $doesNotExist %}"} and Arguments.FunctionName
    # fail the state (AWS does not drop the field).
    with pytest.raises(FailureRaised) as raised:
        evaluate_template({"result": "{% $doesNotExist %}"}, bindings(), field="Output")
    assert raised.value.failure.cause == (
        "The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined)."
    )
    with pytest.raises(FailureRaised) as raised:
        evaluate_template("{% $doesNotExist %}", bindings(), field="Output")
    assert raised.value.failure.cause == (
        "The JSONata expression '$doesNotExist' specified for the field 'Output' returned nothing (undefined)."
    )
    with pytest.raises(FailureRaised) as raised:
        evaluate_template({"Items": [1, "{% $nope %}"]}, bindings())
    assert "for the field 'Items/1' returned nothing" in str(raised.value.failure.cause)


def test_an_object_constructor_inside_an_expression_leaves_undefined_members_out() -> None:
    assert run("{'a': $states.input.missing, 'b': 1}") == {"b": 1}  # JSONata's own rule


# --- failures ----------------------------------------------------------------------------------


def test_undefined_and_type_errors_for_callers_use_aws_words() -> None:
    assert undefined_result_error("$doesNotExist", "Arguments/FunctionName").failure.cause == (
        "The JSONata expression '$doesNotExist' specified for the field 'Arguments/FunctionName' "
        "returned nothing (undefined)."
    )
    # Recorded AWS executions of Map Items:
    assert result_type_error("{'foo': 'bar'}", "Items", "array", {"foo": "bar"}).failure.cause == (
        "The JSONata expression '{'foo': 'bar'}' specified for the field 'Items' returned an unexpected result "
        'type. Expected \'array\', but was \'object\' for value: {"foo":"bar"}'
    )
    assert result_type_error("$ItemsVar", "Items", "array", "string").failure.cause == (
        "The JSONata expression '$ItemsVar' specified for the field 'Items' returned an unexpected result "
        "type. Expected 'array', but was 'string' for value: \"string\""
    )
    assert result_type_error("null", "Items", "array", None).failure.cause.endswith(  # type: ignore[union-attr]
        "Expected 'array', but was 'null' for value: null"
    )


def test_a_function_error_names_its_jsonata_code() -> None:
    # Recorded AWS execution: "... specified for the field 'Output/FunctionResult' threw an error
    # during evaluation. T1006: Attempted to invoke a non-function"
    assert cause_of("$randomSeeded($states.input.x)", field="Output/FunctionResult") == (
        "The JSONata expression '$randomSeeded($states.input.x)' specified for the field 'Output/FunctionResult' "
        "threw an error during evaluation. T1006: Attempted to invoke a non-function"
    )


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("'a' + 1", 'T2001: The left side of the "+" operator must evaluate to a number'),
        ("$sum('a')", 'T0412: Argument 1 of function "sum" must be an array of "numbers"'),
        ('$number("x")', 'D3030: Unable to cast value to a number: "x"'),
        ("$toMillis('x')", 'D3110: The argument of the toMillis function must be an ISO 8601 formatted timestamp. '
                           'Given "x"'),
        ("$single([1, 2])", "D3138: The $single() function expected exactly 1 matching result.  Instead it matched "
                            "more."),
        ("$error('boom')", "D3137: boom"),
        ("1 / 0", "D1001: Number out of range: null"),
        ("$random('x')", 'T0410: Argument 1 of function "random" does not match function signature'),
    ],
)
def test_evaluation_errors(body: str, detail: str) -> None:
    assert cause_of(body) == (
        f"The JSONata expression '{body}' specified for the field 'Output' threw an error during evaluation. {detail}"
    )


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("1 +", "S0207: Unexpected end of expression"),
        ("($x := 1", 'S0203: Expected ")" before end of expression'),
        ("'open", "S0101: String literal must be terminated by a matching quote"),
    ],
)
def test_syntax_errors(body: str, detail: str) -> None:
    assert cause_of(body) == (
        f"The JSONata expression '{body}' specified for the field 'Output' threw an error during evaluation. {detail}"
    )
    assert cause_of(body).endswith(detail)  # the failed compilation is cached and fails the same way again


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("$partition([1, 2], 0)", "The chunk size argument of $partition must be a positive integer, got 0"),
        ("$range(1, 5, 0)", "The step argument of $range must not be zero"),
        ("$range(0, 5000, 1)", "$range would generate 5001 values, more than the limit of 1000"),
        ("$hash('x', 'SHA256')", 'must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, got "SHA256"'),
        ("$parse('{bad')", 'The argument of $parse is not valid JSON: "{bad"'),
        ("$parse('NaN')", 'The argument of $parse is not valid JSON: "NaN"'),
    ],
)
def test_step_functions_function_errors(body: str, message: str) -> None:
    cause = cause_of(body)
    assert cause.startswith(f"The JSONata expression '{body}' specified for the field 'Output' threw an error")
    assert cause.endswith(message)


@pytest.mark.parametrize("body", ["function($x){$x}", "$fn := function($x){$x}", "$string", "/abc/",
                                  "{'f': function(){1}}", "[1, $sum]"])
def test_results_that_are_not_json_are_refused(body: str) -> None:
    # Recorded AWS execution: Items "{% $fn := function($x){$x} %}"
    assert cause_of(body, field="Items") == (
        f"The JSONata expression '{body}' specified for the field 'Items' returned an unsupported result type."
    )


def test_without_a_field_the_cause_leaves_the_field_out() -> None:
    with pytest.raises(FailureRaised) as raised:
        evaluate("{% $x() %}", bindings())
    assert raised.value.failure.cause == (
        "The JSONata expression '$x()' threw an error during evaluation. T1006: Attempted to invoke a non-function"
    )
