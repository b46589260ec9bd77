"""One state: its type, its fields, and the values of the fields every type shares or owns alone."""

from __future__ import annotations

import re
from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.choice import check_choices
from cloudflow.asl.validation.fields import (
    JSONATA,
    JSONPATH,
    QUERY_LANGUAGES,
    STATE_FIELDS,
    allowed_fields,
    check_state_fields,
)
from cloudflow.asl.validation.map_parallel import ScopeCheck, check_map, check_parallel
from cloudflow.asl.validation.object_fields import ObjectFields
from cloudflow.asl.validation.report import Report, child_pointer
from cloudflow.asl.validation.retry_catch import check_catch, check_retry
from cloudflow.asl.validation.values import check_choice, is_integer, is_jsonata, is_timestamp, shown

# An ARN: `arn:partition:service:region:account:resource` (region and account may be empty).
_ARN = re.compile(r"arn:[A-Za-z0-9-]+:[A-Za-z0-9-]+:[A-Za-z0-9-]*:[A-Za-z0-9-]*:.+", re.DOTALL)


def check_state(report: Report, pointer: str, state: Any, language: str, check_scope: ScopeCheck) -> None:
    """Every problem of one state, including those of the scopes (branches, processors) inside it."""
    if not isinstance(state, dict):
        report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, "A state must be an object.")
        return
    if "Type" not in state:
        report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, "A state needs a Type.")
        return
    kind = state["Type"]
    if not check_choice(report, child_pointer(pointer, "Type"), "Type", kind, STATE_FIELDS):
        return
    language = _state_language(report, pointer, state, language)
    check_state_fields(report, pointer, state, kind, language)
    # Values are checked only for fields the state may carry; the others were reported already.
    allowed = allowed_fields(kind, language)
    fields = ObjectFields(report, pointer, {k: v for k, v in state.items() if k in allowed}, language == JSONATA)
    _check_shared(fields, language)
    if kind == "Task":
        _check_task(fields)
    elif kind == "Wait":
        _check_wait(fields)
    elif kind == "Fail":
        _check_fail(fields)
    elif kind == "Choice":
        if "Choices" in fields.values:
            check_choices(report, fields.at("Choices"), fields.values["Choices"], language)
        fields.of_type("Default", str)
    elif kind == "Parallel":
        check_parallel(fields, language, check_scope)
    elif kind == "Map":
        check_map(fields, language, check_scope)


def _state_language(report: Report, pointer: str, state: dict[str, Any], inherited: str) -> str:
    if "QueryLanguage" not in state:
        return inherited
    here = child_pointer(pointer, "QueryLanguage")
    chosen = state["QueryLanguage"]
    if not check_choice(report, here, "QueryLanguage", chosen, QUERY_LANGUAGES):
        return inherited
    if inherited == JSONATA and chosen == JSONPATH:
        report.add(
            codes.SCHEMA_VALIDATION_FAILED, here, "A state cannot use JSONPath inside a machine that uses JSONata."
        )
    return str(chosen)


def _check_shared(fields: ObjectFields, language: str) -> None:
    for name in ("Comment", "Next"):
        fields.of_type(name, str)
    fields.path("InputPath", nullable=True)
    fields.path("OutputPath", nullable=True)
    fields.path("ResultPath", nullable=True, context=False, reference=True)
    fields.template("Parameters", object_only=False)
    fields.template("ResultSelector")
    fields.of_type("Assign", dict)
    if "Retry" in fields.values:
        check_retry(fields.report, fields.at("Retry"), fields.values["Retry"])
    if "Catch" in fields.values:
        check_catch(fields.report, fields.at("Catch"), fields.values["Catch"], language)


def _check_task(fields: ObjectFields) -> None:
    resource = fields.values.get("Resource")
    if "Resource" in fields.values and not (isinstance(resource, str) and _ARN.fullmatch(resource)):
        fields.report.add(
            codes.INVALID_RESOURCE,
            fields.at("Resource"),
            f"Resource must be an ARN such as arn:aws:states:::lambda:invoke, got {shown(resource)}.",
        )
    for name in ("TimeoutSeconds", "HeartbeatSeconds"):
        fields.integer(name, 1)
        fields.path(f"{name}Path")
    timeout, heartbeat = fields.values.get("TimeoutSeconds"), fields.values.get("HeartbeatSeconds")
    if is_integer(timeout) and is_integer(heartbeat) and heartbeat >= timeout:
        fields.report.add(
            codes.SCHEMA_VALIDATION_FAILED,
            fields.at("HeartbeatSeconds"),
            f"HeartbeatSeconds ({shown(heartbeat)}) must be less than TimeoutSeconds ({shown(timeout)}).",
        )
    fields.template("Credentials")


def _check_wait(fields: ObjectFields) -> None:
    fields.integer("Seconds", 0)
    timestamp = fields.values.get("Timestamp")
    literal = not (fields.jsonata and is_jsonata(timestamp))
    if "Timestamp" in fields.values and literal and not is_timestamp(timestamp):
        fields.report.add(
            codes.SCHEMA_VALIDATION_FAILED,
            fields.at("Timestamp"),
            f"Timestamp must be an ISO-8601 timestamp such as 2016-03-14T01:59:00Z, got {shown(timestamp)}.",
        )
    fields.path("SecondsPath")
    fields.path("TimestampPath")


def _check_fail(fields: ObjectFields) -> None:
    for name in ("Error", "Cause"):
        fields.of_type(name, str)
        # Step Functions lets these two compute the text with an intrinsic such as States.Format.
        fields.path(f"{name}Path", intrinsic=True)
