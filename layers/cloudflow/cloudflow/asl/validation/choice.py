"""Choice rules: one comparison (or And, Or, Not) per rule, values of the right type, Next on top only."""

from __future__ import annotations

from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.fields import JSONATA, report_unknown_field
from cloudflow.asl.validation.object_fields import ObjectFields
from cloudflow.asl.validation.paths import check_path
from cloudflow.asl.validation.report import Report, child_pointer
from cloudflow.asl.validation.values import as_finite_float, is_jsonata, is_timestamp, shown
from cloudflow.json_types import json_type

_COMPARED = ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
# Operator name -> what its literal value must be.
_LITERAL_KINDS: dict[str, str] = {
    **{f"String{c}": "string" for c in _COMPARED},
    "StringMatches": "string",
    **{f"Numeric{c}": "number" for c in _COMPARED},
    **{f"Timestamp{c}": "timestamp" for c in _COMPARED},
    "BooleanEquals": "boolean",
    **{f"Is{t}": "boolean" for t in ("Null", "Present", "Numeric", "String", "Boolean", "Timestamp")},
}
# Each comparison also has a form that reads the other side from a path.
_PATH_OPERATORS = frozenset(f"{kind}{c}Path" for kind in ("String", "Numeric", "Timestamp") for c in _COMPARED) | {
    "BooleanEqualsPath"
}
_COMBINATORS = frozenset({"And", "Or", "Not"})
OPERATORS = frozenset(_LITERAL_KINDS) | _PATH_OPERATORS | _COMBINATORS

_JSONATA_RULE_FIELDS = frozenset({"Condition", "Next", "Comment", "Assign", "Output"})


def check_choices(report: Report, pointer: str, choices: Any, language: str) -> None:
    """The Choices array of a Choice state (the Next targets are checked with the graph)."""
    if not isinstance(choices, list) or not choices:
        report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, "Choices must be a non-empty array of rules.")
        return
    for index, rule in enumerate(choices):
        here = child_pointer(pointer, index)
        if language == JSONATA:
            _check_jsonata_rule(report, here, rule)
        else:
            _check_rule(report, here, rule, top_level=True)


def _check_rule(report: Report, pointer: str, rule: Any, *, top_level: bool) -> None:
    if not isinstance(rule, dict):
        report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"A Choice rule must be an object, not {json_type(rule)}.")
        return
    fields = ObjectFields(report, pointer, rule)
    for name in rule:
        if name == "Next" and not top_level:
            message = "Next belongs on the top-level rule only, not inside And, Or or Not."
            report.add(codes.SCHEMA_VALIDATION_FAILED, fields.at(name), message)
        elif name not in OPERATORS and name not in ("Variable", "Comment", "Next", *(("Assign",) if top_level else ())):
            report_unknown_field(report, fields.at(name), name, f"{name} is not a field of a Choice rule.")
    if top_level and "Next" not in rule:
        report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, "A Choice rule needs Next.")
    if top_level:
        fields.of_type("Next", str)
    fields.of_type("Comment", str)
    operators = [name for name in rule if name in OPERATORS]
    if len(operators) != 1:
        found = ", ".join(operators) if operators else "none"
        report.add(
            codes.SCHEMA_VALIDATION_FAILED,
            pointer,
            f"A Choice rule needs exactly one comparison operator, or And, Or or Not (found {found}).",
        )
        return
    operator = operators[0]
    if operator in _COMBINATORS:
        _check_combinator(report, pointer, rule, operator)
    else:
        _check_comparison(report, pointer, rule, operator)


def _check_combinator(report: Report, pointer: str, rule: dict[str, Any], operator: str) -> None:
    here = child_pointer(pointer, operator)
    if "Variable" in rule:
        report.add(
            codes.SCHEMA_VALIDATION_FAILED,
            child_pointer(pointer, "Variable"),
            f"A rule with {operator} takes no Variable.",
        )
    operand = rule[operator]
    if operator == "Not":
        _check_rule(report, here, operand, top_level=False)
        return
    if not isinstance(operand, list) or not operand:
        report.add(codes.SCHEMA_VALIDATION_FAILED, here, f"{operator} must be a non-empty array of rules.")
        return
    for index, inner in enumerate(operand):
        _check_rule(report, child_pointer(here, index), inner, top_level=False)


def _check_comparison(report: Report, pointer: str, rule: dict[str, Any], operator: str) -> None:
    if "Variable" not in rule:
        report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"A rule with {operator} needs a Variable.")
    else:
        check_path(report, child_pointer(pointer, "Variable"), "Variable", rule["Variable"])
    here = child_pointer(pointer, operator)
    value = rule[operator]
    if operator in _PATH_OPERATORS:
        check_path(report, here, operator, value)
        return
    kind = _LITERAL_KINDS[operator]
    if not _is_kind(value, kind):
        report.add(codes.SCHEMA_VALIDATION_FAILED, here, f"{operator} must be {_KIND_TEXT[kind]}, got {shown(value)}.")


_KIND_TEXT = {
    "string": "a string",
    "number": "a number",
    "boolean": "true or false",
    "timestamp": "an ISO-8601 timestamp such as 2016-03-14T01:59:00Z",
}


def _is_kind(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return as_finite_float(value) is not None
    if kind == "boolean":
        return isinstance(value, bool)
    return is_timestamp(value)


def _check_jsonata_rule(report: Report, pointer: str, rule: Any) -> None:
    if not isinstance(rule, dict):
        report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"A Choice rule must be an object, not {json_type(rule)}.")
        return
    for name in rule:
        if name not in _JSONATA_RULE_FIELDS:
            report.add(
                codes.SCHEMA_VALIDATION_FAILED,
                child_pointer(pointer, name),
                f"{name} is not a field of a JSONata Choice rule (use Condition).",
            )
    for name in ("Condition", "Next"):
        if name not in rule:
            report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"A JSONata Choice rule needs {name}.")
    condition = rule.get("Condition", True)
    if not isinstance(condition, bool) and not is_jsonata(condition):
        report.add(
            codes.SCHEMA_VALIDATION_FAILED,
            child_pointer(pointer, "Condition"),
            "Condition must be true, false or a JSONata expression {% ... %}.",
        )
    fields = ObjectFields(report, pointer, rule)
    fields.of_type("Next", str)
    fields.of_type("Comment", str)
    fields.of_type("Assign", dict)
