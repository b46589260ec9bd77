"""Compiling a raw JSONPath Choice rule (the ASL object) into the rule tree, once per definition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cloudflow.core.choice.operand import RulePath
from cloudflow.core.choice.operators import (
    COMPARISONS,
    IS_PRESENT,
    PATH_SUFFIX,
    STRING_MATCHES,
    TYPE_TESTS,
)
from cloudflow.core.choice.rules import (
    AllOf,
    AnyOf,
    ChoiceRule,
    LiteralComparison,
    Negation,
    PathComparison,
    PresenceTest,
    TypeTest,
    WildcardMatch,
)
from cloudflow.core.choice.string_matches import compile_wildcard
from cloudflow.core.dataflow.jsonpath import JsonPathSyntaxError


class InvalidChoiceRuleError(ValueError):
    """The raw rule is not a valid JSONPath Choice rule (a definition error, not a workflow failure)."""


# Fields a rule may carry besides its operator; they matter to the Choice state, not to matching.
_NON_OPERATOR_FIELDS = frozenset({"Variable", "Next", "Comment", "Assign"})
_BOOLEAN_OPERATORS = ("And", "Or", "Not")


def compile_choice_rule(raw: Mapping[str, Any]) -> ChoiceRule:
    """Compile a Choice rule (top level or nested); raises InvalidChoiceRuleError when malformed."""
    if not isinstance(raw, Mapping):
        raise InvalidChoiceRuleError(f"A choice rule must be an object, got {raw!r}")
    boolean = [key for key in _BOOLEAN_OPERATORS if key in raw]
    if boolean:
        if len(boolean) > 1 or "Variable" in raw:
            raise InvalidChoiceRuleError(
                "A choice rule is either one of And, Or, Not or a Variable with one operator"
            )
        return _compile_boolean(boolean[0], raw[boolean[0]])
    return _compile_data_test(raw)


def _compile_boolean(name: str, operand: Any) -> ChoiceRule:
    if name == "Not":
        return Negation(compile_choice_rule(operand))
    if not isinstance(operand, list) or not operand:
        raise InvalidChoiceRuleError(f"{name} must be a non-empty array of choice rules")
    rules = tuple(compile_choice_rule(inner) for inner in operand)
    return AllOf(rules) if name == "And" else AnyOf(rules)


def _compile_data_test(raw: Mapping[str, Any]) -> ChoiceRule:
    operators = [key for key in raw if key not in _NON_OPERATOR_FIELDS]
    if len(operators) != 1:
        found = ", ".join(operators) or "none"
        raise InvalidChoiceRuleError(
            f"A data-test rule needs exactly one comparison operator (found {found})"
        )
    if "Variable" not in raw:
        raise InvalidChoiceRuleError("A data-test rule needs a Variable")
    name = operators[0]
    variable = _compile_path("Variable", raw["Variable"])
    operand = raw[name]

    if name == IS_PRESENT:
        return PresenceTest(variable, _expect_boolean(name, operand))
    if name in TYPE_TESTS:
        return TypeTest(variable, TYPE_TESTS[name], _expect_boolean(name, operand))
    if name == STRING_MATCHES:
        if not isinstance(operand, str):
            raise InvalidChoiceRuleError(f"{name} must be a string pattern, got {operand!r}")
        return WildcardMatch(variable, compile_wildcard(operand))
    if name in COMPARISONS:
        comparison = COMPARISONS[name]
        expected = comparison.reader(operand)
        if expected is None:
            raise InvalidChoiceRuleError(f"{name} has a value of the wrong type: {operand!r}")
        return LiteralComparison(variable, comparison, expected)
    base = name.removesuffix(PATH_SUFFIX)
    if name.endswith(PATH_SUFFIX) and base in COMPARISONS:
        return PathComparison(variable, COMPARISONS[base], _compile_path(name, operand))
    raise InvalidChoiceRuleError(f"Unknown choice rule operator {name!r}")


def _compile_path(field: str, text: Any) -> RulePath:
    if not isinstance(text, str):
        raise InvalidChoiceRuleError(f"{field} must be a path string, got {text!r}")
    try:
        return RulePath.compile(text)
    except JsonPathSyntaxError as error:
        raise InvalidChoiceRuleError(f"{field}: {error}") from None


def _expect_boolean(name: str, operand: Any) -> bool:
    if type(operand) is not bool:
        raise InvalidChoiceRuleError(f"{name} must be true or false, got {operand!r}")
    return operand
