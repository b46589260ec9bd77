"""Parsing intrinsic calls: argument kinds, escapes, nesting and what is refused."""

from __future__ import annotations

import pytest

from cloudflow.core.dataflow.intrinsics import IntrinsicCall, IntrinsicSyntaxError, parse_intrinsic
from cloudflow.core.dataflow.intrinsics.syntax import (
    ContextPath,
    InputPath,
    Literal,
    StringLiteral,
    VariablePath,
)


def test_parses_every_kind_of_argument() -> None:
    call = parse_intrinsic("States.Array('a', 1, -2.5, 1e3, true, false, null, $.x, $$.Execution.Id, $v.y)")

    kinds = [type(arg) for arg in call.args]
    assert kinds == [
        StringLiteral,
        Literal,
        Literal,
        Literal,
        Literal,
        Literal,
        Literal,
        InputPath,
        ContextPath,
        VariablePath,
    ]
    assert [arg.value for arg in call.args[:7]] == ["a", 1, -2.5, 1000.0, True, False, None]  # type: ignore[union-attr]
    assert isinstance(call.args[1], Literal) and type(call.args[1].value) is int
    assert isinstance(call.args[9], VariablePath) and call.args[9].name == "v"


def test_keeps_the_source_text_of_each_call() -> None:
    call = parse_intrinsic("States.Format('{}', States.MathAdd($.a, 1))")

    nested = call.args[1]
    assert isinstance(nested, IntrinsicCall)
    assert call.text == "States.Format('{}', States.MathAdd($.a, 1))"
    assert nested.text == "States.MathAdd($.a, 1)"


def test_allows_whitespace_around_arguments() -> None:
    call = parse_intrinsic("  States.Array( $.a ,1 ,\t'x' )  ")

    assert len(call.args) == 3


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        (r"'it\'s'", "it's"),
        (r"'\{\}'", "{}"),
        (r"'back\\slash'", "back\\slash"),
        ("'multi\nline'", "multi\nline"),
        ("''", ""),
        ("'a,b)c'", "a,b)c"),
    ],
)
def test_resolves_string_escapes(literal: str, value: str) -> None:
    arg = parse_intrinsic(f"States.Array({literal})").args[0]

    assert isinstance(arg, StringLiteral)
    assert arg.value == value


def test_escaped_braces_are_not_format_placeholders() -> None:
    arg = parse_intrinsic(r"States.Format('\{\} {} \{x\}', 1)").args[0]

    assert isinstance(arg, StringLiteral)
    assert arg.format_pieces == ("{} ", " {x}")


def test_a_lone_brace_leaves_no_format_template() -> None:
    arg = parse_intrinsic("States.Format('Hello {', 1)").args[0]

    assert isinstance(arg, StringLiteral)
    assert arg.format_pieces is None


def test_paths_may_hold_commas_parentheses_and_quotes_in_brackets() -> None:
    call = parse_intrinsic("States.Array($.a['x,y'], $.b[?(@.v > 1)].v, $)")

    assert [arg.text for arg in call.args] == ["$.a['x,y']", "$.b[?(@.v > 1)].v", "$"]  # type: ignore[union-attr]


def test_context_paths_drop_one_dollar() -> None:
    arg = parse_intrinsic("States.Array($$.Execution.Input.a)").args[0]

    assert isinstance(arg, ContextPath)
    assert arg.path.text == "$.Execution.Input.a"


def test_nesting_up_to_ten_calls_is_accepted() -> None:
    text = "States.Array(" * 10 + "1" + ")" * 10

    assert parse_intrinsic(text).name == "States.Array"


def test_nesting_eleven_calls_is_refused() -> None:
    with pytest.raises(IntrinsicSyntaxError, match="nest at most 10"):
        parse_intrinsic("States.Array(" * 11 + "1" + ")" * 11)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("States.Compare($.a, $.b)", "unknown intrinsic function 'States.Compare'"),
        ("States.format('x')", "unknown intrinsic function"),
        ("$.a", "expected a function call"),
        ("States.Array", "expected a function call"),
        ("States.Array(", "expected an argument"),
        ("States.Array(1,)", "expected an argument"),
        ("States.Array(1 2)", "expected ','"),
        ("States.Array($.a) trailing", "unexpected text after the call"),
        ("States.Array([1,2])", "expected an argument"),
        ("States.Array(1.)", "invalid number"),
        ("States.Array(.5)", "expected an argument"),
        ("States.Array(01)", "invalid number"),
        ("States.Array('open)", "unterminated string"),
        (r"States.Array('a\nb')", "invalid escape"),
        ("States.Array(undefined)", "expected a function call"),
        ("States.Array($.a[)", "Invalid JSONPath"),
    ],
)
def test_refuses_malformed_calls_with_a_clear_message(text: str, why: str) -> None:
    with pytest.raises(IntrinsicSyntaxError, match=why.replace("(", r"\(").replace("[", r"\[")):
        parse_intrinsic(text)


def test_syntax_errors_are_value_errors() -> None:
    assert issubclass(IntrinsicSyntaxError, ValueError)


def test_parsing_is_cached() -> None:
    text = "States.MathAdd($.cached, 1)"

    assert parse_intrinsic(text) is parse_intrinsic(text)
