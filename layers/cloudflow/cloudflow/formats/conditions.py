"""CloudFlow Choice conditions -> ASL (JSONPath) Choice rules.

CloudFlow conditions are boolean expressions (`$Input.status == "ready" && $Input.total > 100`). ASL
Choice rules are typed: the literal on one side picks the family (String*, Numeric*, BooleanEquals,
IsNull). Two semantic differences are bridged here:

- A field that is missing makes an ASL comparison fail the state (States.Runtime); in CloudFlow the
  comparison is simply not true. Every comparison is therefore guarded by `IsPresent`.
- Comparing two fields has no type in ASL; `==` becomes "equal as strings, numbers or booleans".
"""

from __future__ import annotations

from typing import Any

from cloudflow.formats.diagnostics import INVALID_EXPRESSION, NO_ASL_COUNTERPART
from cloudflow.formats.expressions import COMPARISONS, Binary, Expression, Literal, Reference, Unary
from cloudflow.formats.values import CannotTranslate, Resolve

Rule = dict[str, Any]

_FLIPPED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_SUFFIX = {"==": "Equals", "<": "LessThan", "<=": "LessThanEquals", ">": "GreaterThan",
           ">=": "GreaterThanEquals"}


def translate_condition(expression: Expression, resolve: Resolve) -> Rule:
    """A Choice rule (without Next) equivalent to the condition; raises CannotTranslate."""
    if isinstance(expression, Binary) and expression.operator in ("&&", "||"):
        operator = "And" if expression.operator == "&&" else "Or"
        return {operator: _flattened(expression, resolve)}
    if isinstance(expression, Unary) and expression.operator == "!":
        return {"Not": translate_condition(expression.operand, resolve)}
    if isinstance(expression, Binary) and expression.operator in COMPARISONS:
        return _comparison(expression, resolve)
    if isinstance(expression, Binary) and expression.operator == "in":
        raise CannotTranslate(NO_ASL_COUNTERPART, "`in` (array membership, key presence) has no ASL Choice "
                                                  "rule counterpart")
    if isinstance(expression, Reference):
        # A bare field is a condition when it holds a boolean: true matches, anything else does not.
        variable = resolve(expression)
        return _guarded(variable, {"Variable": variable, "BooleanEquals": True})
    if isinstance(expression, Literal) and isinstance(expression.value, bool):
        always = {"Variable": "$", "IsPresent": True}
        return always if expression.value else {"Not": always}
    raise CannotTranslate(NO_ASL_COUNTERPART, "only comparisons, &&, || and ! of fields and literals can "
                                              "become ASL Choice rules")


def _flattened(expression: Binary, resolve: Resolve) -> list[Rule]:
    rules: list[Rule] = []
    for side in (expression.left, expression.right):
        if isinstance(side, Binary) and side.operator == expression.operator:
            rules += _flattened(side, resolve)
        else:
            rules.append(translate_condition(side, resolve))
    return rules


def _comparison(expression: Binary, resolve: Resolve) -> Rule:
    left, right, operator = expression.left, expression.right, expression.operator
    if isinstance(left, Literal) and isinstance(right, Reference):
        left, right, operator = right, left, _FLIPPED[operator]
    if not isinstance(left, Reference):
        raise CannotTranslate(NO_ASL_COUNTERPART, "a comparison needs a field on one side; ASL Choice rules "
                                                  "cannot compare two constants or computed values")
    variable = resolve(left)
    if isinstance(right, Reference):
        return _compare_fields(variable, operator, resolve(right))
    if not isinstance(right, Literal):
        raise CannotTranslate(NO_ASL_COUNTERPART, "ASL Choice rules compare a field with a literal or another "
                                                  "field, not with a computed value")
    return _compare_literal(variable, operator, right.value)


def _compare_literal(variable: str, operator: str, value: Any) -> Rule:
    if value is None:
        if operator not in ("==", "!="):
            raise CannotTranslate(INVALID_EXPRESSION, f"null cannot be ordered with {operator}")
        # A missing field equals null, as CloudFlow's nil does.
        is_null = {"Or": [{"Not": {"Variable": variable, "IsPresent": True}},
                          {"Variable": variable, "IsNull": True}]}
        return is_null if operator == "==" else {"Not": is_null}
    if isinstance(value, bool):
        if operator not in ("==", "!="):
            raise CannotTranslate(INVALID_EXPRESSION, f"booleans cannot be ordered with {operator}")
        family = "Boolean"
    elif isinstance(value, int | float):
        family = "Numeric"
    elif isinstance(value, str):
        family = "String"
    else:
        raise CannotTranslate(NO_ASL_COUNTERPART, "ASL Choice rules compare with strings, numbers, booleans "
                                                  "and null only, not arrays or objects")
    if operator == "!=":
        return {"Not": _guarded(variable, {"Variable": variable, f"{family}Equals": value})}
    return _guarded(variable, {"Variable": variable, f"{family}{_SUFFIX[operator]}": value})


def _compare_fields(variable: str, operator: str, other: str) -> Rule:
    base = "==" if operator == "!=" else operator
    families = ("String", "Numeric", "Boolean") if base == "==" else ("String", "Numeric")
    # A type mismatch is "no match" for each typed rule, so their Or compares by the values' own type.
    either = {"Or": [{"Variable": variable, f"{family}{_SUFFIX[base]}Path": other} for family in families]}
    guarded = {"And": [{"Variable": variable, "IsPresent": True}, {"Variable": other, "IsPresent": True},
                       either]}
    return {"Not": guarded} if operator == "!=" else guarded


def _guarded(variable: str, rule: Rule) -> Rule:
    if variable == "$":
        return rule
    return {"And": [{"Variable": variable, "IsPresent": True}, rule]}
