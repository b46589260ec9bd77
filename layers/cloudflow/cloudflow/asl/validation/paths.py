"""Paths (InputPath, ResultPath, `...Path` fields) and payload templates (keys ending in `.$`)."""

from __future__ import annotations

import re
from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.report import Report, child_pointer
from cloudflow.asl.validation.values import shown
from cloudflow.core.dataflow.jsonpath import compile_path
from cloudflow.core.dataflow.path_value import compile_sourced_path
from cloudflow.json_types import json_type

# Used only while the intrinsics package is not importable: the bare shape of a call.
_INTRINSIC_SHAPE = re.compile(r"States\.[A-Za-z0-9]+\(.*\)", re.DOTALL)


def path_problem(text: str, *, context: bool = True, reference: bool = False) -> str | None:
    """Why `text` is not an acceptable path, or None when it is.

    `context` allows `$$...` (the Context object); `reference` demands a Reference Path, which
    selects one node (names and indexes only), as ResultPath must.
    """
    is_context = text.startswith("$$")
    if is_context and not context:
        return f"{shown(text)} reads the Context object, which is not allowed here"
    try:
        # The parser is another module's; whatever it raises means "not a path we can run".
        # Where the Context object may be read, so may variables (`$name...`); not in ResultPath.
        path = compile_sourced_path(text).path if context else compile_path(text)
    except Exception as exc:
        return str(exc) or f"{shown(text)} is not a valid JSONPath"
    if reference and not path.is_definite:
        return f"{shown(text)} is not a Reference Path (only names and indexes may follow '$')"
    return None


def check_path(
    report: Report,
    pointer: str,
    name: str,
    value: Any,
    *,
    nullable: bool = False,
    context: bool = True,
    reference: bool = False,
    intrinsic: bool = False,
) -> None:
    """Report unless `value` is a valid path (or null when `nullable`, or a call when `intrinsic`)."""
    if value is None and nullable:
        return
    if not isinstance(value, str):
        kinds = "a path string or null" if nullable else "a path string"
        report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"{name} must be {kinds}, not {json_type(value)}.")
        return
    if intrinsic and value.startswith("States."):
        _check_intrinsic(report, pointer, name, value)
        return
    problem = path_problem(value, context=context, reference=reference)
    if problem is not None:
        report.add(codes.INVALID_JSON_PATH, pointer, f"{name}: {problem}.")


def check_payload_template(report: Report, pointer: str, name: str, template: Any) -> None:
    """Check every `.$` key of a payload template, however deep in objects and arrays it sits."""
    if isinstance(template, dict):
        for key, value in template.items():
            if key.endswith(".$"):
                _check_dynamic_value(report, child_pointer(pointer, key), key, value)
            else:
                check_payload_template(report, child_pointer(pointer, key), name, value)
    elif isinstance(template, list):
        for index, item in enumerate(template):
            check_payload_template(report, child_pointer(pointer, index), name, item)


def _check_dynamic_value(report: Report, pointer: str, key: str, value: Any) -> None:
    if not isinstance(value, str):
        report.add(
            codes.SCHEMA_VALIDATION_FAILED,
            pointer,
            f"The value of '{key}' must be a path or an intrinsic function call, not {json_type(value)}.",
        )
    elif value.startswith("$"):
        check_path(report, pointer, f"'{key}'", value)
    elif value.startswith("States."):
        _check_intrinsic(report, pointer, f"'{key}'", value)
    else:
        report.add(
            codes.INVALID_JSON_PATH,
            pointer,
            f"The value of '{key}' must be a path ('$...', '$$...') or an intrinsic function call "
            f"('States.X(...)'), got {shown(value)}.",
        )


def _check_intrinsic(report: Report, pointer: str, name: str, text: str) -> None:
    problem = intrinsic_problem(text)
    if problem is not None:
        report.add(codes.INVALID_INTRINSIC, pointer, f"{name}: {problem}")


def intrinsic_problem(text: str) -> str | None:
    """Why `text` is not a valid intrinsic function call, or None when it is."""
    try:
        # Imported late: the intrinsics package is written alongside this one and may be mid-change.
        from cloudflow.core.dataflow.intrinsics import parse_intrinsic
    except ImportError:
        return None if _INTRINSIC_SHAPE.fullmatch(text) else f"{shown(text)} is not an intrinsic function call."
    try:
        parse_intrinsic(text)
    except Exception as exc:  # IntrinsicSyntaxError, or anything else: the call cannot run either way
        return str(exc) or f"{shown(text)} is not a valid intrinsic function call."
    return None
