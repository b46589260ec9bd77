"""CloudFlow expressions: parsing, values and built-in functions -> ASL paths and intrinsics, conditions -> rules."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.asl.loader import load_state_machine
from cloudflow.formats.cloudflow_v1_references import References
from cloudflow.formats.conditions import translate_condition
from cloudflow.formats.diagnostics import INVALID_EXPRESSION, NO_ASL_COUNTERPART, Problems
from cloudflow.formats.expressions import (
    WILDCARD,
    Binary,
    Call,
    ExpressionSyntaxError,
    Literal,
    Reference,
    parse_expression,
)
from cloudflow.formats.values import CannotTranslate, Constant, Dynamic, translate_template, translate_value
from tests.unit.engine.flows import run, states

INPUT = References(input="$")


def value(text: str) -> Dynamic | Constant:
    return translate_value(parse_expression(text), INPUT.resolve)


# --- parsing ---------------------------------------------------------------------------------------------

def test_references_with_names_indexes_quoted_names_and_wildcards() -> None:
    assert parse_expression("$Input.order.lines[0]['unit price']") == \
        Reference("$Input", ("order", "lines", 0, "unit price"))
    assert parse_expression("$local[*].name") == Reference("$local", (WILDCARD, "name"))
    assert parse_expression("$.status") == Reference("$", ("status",))
    assert parse_expression("$Context.Execution.Input.视频") == \
        Reference("$Context", ("Execution", "Input", "视频"))


def test_literals_calls_and_precedence() -> None:
    assert parse_expression("`raw \\n text`") == Literal("raw \\n text")
    assert parse_expression("'it\\'s \"q\"'") == Literal("it's \"q\"")
    assert parse_expression('"a\\"b\\u00e9"') == Literal('a"bé')
    assert parse_expression("-2.5") == Literal(-2.5)
    assert parse_expression('format("{} {}", $Input.a, 1)') == \
        Call("format", (Literal("{} {}"), Reference("$Input", ("a",)), Literal(1)))
    parsed = parse_expression('$Input.a == 1 || $Input.b == 2 && !$Input.c')
    assert isinstance(parsed, Binary) and parsed.operator == "||"
    assert isinstance(parsed.right, Binary) and parsed.right.operator == "&&"


@pytest.mark.parametrize("text", ["", "$Input.", "$Input[x]", "format(", "1 +", "$Input.a ==", "hello",
                                  '"unterminated'])
def test_syntax_errors_say_where(text: str) -> None:
    with pytest.raises(ExpressionSyntaxError):
        parse_expression(text)


# --- values and built-in functions ------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "asl"), [
    ("$Input.order.id", "$.order.id"),
    ("$Input['odd key'][2]", "$['odd key'][2]"),
    ("$Context.Execution.Input.x", "$$.Execution.Input.x"),
    ("$Context.Execution.Name", "$$.Execution.Name"),
    ("$Context.Current.Name", "$$.State.Name"),
    ("$Context.Current.TaskToken", "$$.Task.Token"),
    ("$Context.Current.RetryCount", "$$.State.RetryCount"),
    ("$Context.Current.Input.a", "$.a"),
    ("uuid()", "States.UUID()"),
    ('format("order {} of {}", $Input.id, $Context.Execution.Name)',
     "States.Format('order {} of {}', $.id, $$.Execution.Name)"),
    ("format('{} \\'q\\' {x}', 1)", "States.Format('{} \\'q\\' \\{x\\}', 1)"),
    ("length($Input.lines)", "States.ArrayLength($.lines)"),
    ("jsonMerge($Input.a, $Input.b)", "States.JsonMerge($.a, $.b, false)"),
    ('jsonMerge($Input.a, {"k": 1})', "States.JsonMerge($.a, States.StringToJson('\\{\"k\":1\\}'), false)"),
    ("arrayContains([1, 2], $Input.n)", "States.ArrayContains(States.Array(1, 2), $.n)"),
    ('hash($Input.s, "SHA-256")', "States.Hash($.s, 'SHA-256')"),
    ("toJSON($Input)", "States.JsonToString($)"),
])
def test_dynamic_values(text: str, asl: str) -> None:
    assert value(text) == Dynamic(asl)


def test_constant_values_stay_constant() -> None:
    assert value("42") == Constant(42)
    assert value('[1, "a", {"b": null}]') == Constant([1, "a", {"b": None}])


@pytest.mark.parametrize(("text", "code"), [
    ("mapKeys($Input.m)", NO_ASL_COUNTERPART),
    ("$Global.x", NO_ASL_COUNTERPART),
    ("$Context.Flow.Region", NO_ASL_COUNTERPART),
    ("$Input.a == 1", NO_ASL_COUNTERPART),
    ("uuid(1)", INVALID_EXPRESSION),
    ("$Output.Body", INVALID_EXPRESSION),
    ("$Item.sku", INVALID_EXPRESSION),
    ("$local.x", INVALID_EXPRESSION),
])
def test_values_without_counterpart(text: str, code: str) -> None:
    with pytest.raises(CannotTranslate) as raised:
        value(text)
    assert raised.value.code == code


def test_templates_keep_constants_and_translate_dollar_keys_deeply() -> None:
    problems = Problems()
    template = {"a": "$Input.not.an.expression", "b.$": "$Input.b", "c": [{"d.$": "uuid()"}, 3],
                "e.$": "7", "f.$": "nope(", "g.$": 12}
    assert translate_template(template, INPUT.resolve, "/P", problems) == {
        "a": "$Input.not.an.expression", "b.$": "$.b", "c": [{"d.$": "States.UUID()"}, 3], "e": 7}
    assert {(p.pointer, p.code) for p in problems.found} == {("/P/f.$", INVALID_EXPRESSION),
                                                            ("/P/g.$", INVALID_EXPRESSION)}


def test_translated_intrinsics_run_on_the_engine() -> None:
    parameters = translate_template({
        "label.$": 'format("{} x {}", $Input.sku, $Input.qty)', "count.$": "length($Input.tags)",
        "merged.$": 'jsonMerge($Input.a, {"z": [1, 2]})', "has.$": 'arrayContains($Input.tags, "red")',
        "parts.$": 'split("a,b", ",")', "sum.$": "intAdd($Input.qty, 5)",
    }, INPUT.resolve, "", Problems())
    result = run(states(P={"Type": "Pass", "Parameters": parameters, "End": True}),
                 {"sku": "MUG", "qty": 2, "tags": ["red", "big"], "a": {"y": 1}})
    assert result.output == {"label": "MUG x 2", "count": 2, "merged": {"y": 1, "z": [1, 2]}, "has": True,
                             "parts": ["a", "b"], "sum": 7}


# --- conditions ---------------------------------------------------------------------------------------------

def rule(text: str) -> dict[str, Any]:
    return translate_condition(parse_expression(text), INPUT.resolve)


def test_comparisons_with_a_literal_pick_the_typed_rule_and_guard_presence() -> None:
    assert rule('$Input.status == "ready"') == {"And": [{"Variable": "$.status", "IsPresent": True},
                                                        {"Variable": "$.status", "StringEquals": "ready"}]}
    assert rule("10 < $Input.n") == {"And": [{"Variable": "$.n", "IsPresent": True},
                                             {"Variable": "$.n", "NumericGreaterThan": 10}]}
    assert rule("$Input.ok != true")["Not"]["And"][1] == {"Variable": "$.ok", "BooleanEquals": True}


@pytest.mark.parametrize(("condition", "data", "matches"), [
    ('$Input.status == "ready"', {"status": "ready"}, True),
    ('$Input.status == "ready"', {"status": "done"}, False),
    ('$Input.status == "ready"', {}, False),                    # missing: not true (ASL would fail the state)
    ('$Input.status != "ready"', {}, True),
    ("$Input.n >= 10 && $Input.n < 20", {"n": 10}, True),
    ("$Input.n >= 10 && $Input.n < 20", {"n": 20}, False),
    ('$Input.n > 5 || $Input.vip == true', {"n": 1, "vip": True}, True),
    ('!($Input.n > 5)', {"n": 1}, True),
    ("$Input.name <= `m`", {"name": "alice"}, True),
    ("$Input.a == $Input.b", {"a": 3, "b": 3}, True),
    ("$Input.a == $Input.b", {"a": "3", "b": 3}, False),
    ("$Input.a != $Input.b", {"a": "x", "b": "y"}, True),
    ("$Input.a < $Input.b", {"a": "abc", "b": "abd"}, True),
    ("$Input.gone == null", {}, True),
    ("$Input.gone == null", {"gone": None}, True),
    ("$Input.gone != null", {"gone": 0}, True),
    ("$Input.flag", {"flag": True}, True),
    ("$Input.flag", {"flag": "yes"}, False),
    ("$Context.Execution.Input.mode == \"fast\"", {"mode": "fast"}, True),
    ("true", {}, True),
])
def test_conditions_decide_as_cloudflow_does_when_run(condition: str, data: dict[str, Any], matches: bool) -> None:
    definition = states(C={"Type": "Choice", "Choices": [{**rule(condition), "Next": "Yes"}], "Default": "No"},
                        Yes={"Type": "Pass", "Result": "yes", "End": True},
                        No={"Type": "Pass", "Result": "no", "End": True})
    load_state_machine(definition)  # valid ASL
    assert run(definition, data).output == ("yes" if matches else "no")


@pytest.mark.parametrize(("text", "code"), [
    ('"a" in $Input.tags', NO_ASL_COUNTERPART),
    ("length($Input.a) > 2", NO_ASL_COUNTERPART),
    ("1 == 1", NO_ASL_COUNTERPART),
    ("$Input.a > null", INVALID_EXPRESSION),
    ("$Input.a > true", INVALID_EXPRESSION),
    ("$Input.a == [1]", NO_ASL_COUNTERPART),
])
def test_conditions_without_counterpart(text: str, code: str) -> None:
    with pytest.raises(CannotTranslate) as raised:
        rule(text)
    assert raised.value.code == code
