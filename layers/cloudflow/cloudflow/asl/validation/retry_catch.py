"""Retry and Catch: retriers, catchers and the placement of States.ALL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.fields import JSONATA, JSONPATH, report_unknown_field
from cloudflow.asl.validation.object_fields import ObjectFields
from cloudflow.asl.validation.report import Report, child_pointer
from cloudflow.asl.validation.values import MAX_SECONDS, check_type

ALL_ERRORS = "States.ALL"
# A year, the longest delay Step Functions lets a retrier wait.
MAX_DELAY_SECONDS = 31_622_400

_RETRIER_FIELDS = frozenset(
    {"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds", "JitterStrategy", "Comment"}
)
# (field, minimum, maximum) of the integer fields of a retrier.
_RETRIER_INTEGERS = (
    ("IntervalSeconds", 1, MAX_SECONDS),
    ("MaxAttempts", 0, MAX_SECONDS),
    ("MaxDelaySeconds", 1, MAX_DELAY_SECONDS),
)
_CATCHER_FIELDS = {
    JSONPATH: frozenset({"ErrorEquals", "Next", "ResultPath", "Assign", "Comment"}),
    JSONATA: frozenset({"ErrorEquals", "Next", "Output", "Assign", "Comment"}),
}


def check_retry(report: Report, pointer: str, retry: Any) -> None:
    """A Retry array: every retrier's fields, and States.ALL only in the last one."""
    for retrier, is_last in _entries(report, pointer, retry, "Retry", "retrier"):
        _check_known(retrier, _RETRIER_FIELDS, "retrier")
        _check_error_equals(retrier, is_last=is_last, what="retrier")
        for name, minimum, maximum in _RETRIER_INTEGERS:
            retrier.integer(name, minimum, maximum)
        retrier.number("BackoffRate", 1.0, MAX_SECONDS)
        retrier.one_of("JitterStrategy", ("FULL", "NONE"))
        retrier.of_type("Comment", str)


def check_catch(report: Report, pointer: str, catch: Any, language: str) -> None:
    """A Catch array: every catcher's fields, and States.ALL only in the last one (targets: graph)."""
    for catcher, is_last in _entries(report, pointer, catch, "Catch", "catcher"):
        _check_known(catcher, _CATCHER_FIELDS[JSONATA if language == JSONATA else JSONPATH], "catcher")
        _check_error_equals(catcher, is_last=is_last, what="catcher")
        if "Next" not in catcher.values:
            report.add(codes.SCHEMA_VALIDATION_FAILED, catcher.pointer, "A catcher needs Next.")
        catcher.of_type("Next", str)
        if language != JSONATA:
            catcher.path("ResultPath", nullable=True, context=False, reference=True)
        catcher.of_type("Assign", dict)
        catcher.of_type("Comment", str)


def _entries(report: Report, pointer: str, value: Any, field: str, what: str) -> Iterator[tuple[ObjectFields, bool]]:
    """Each object of a Retry or Catch array, and whether it is the last one (other entries are reported)."""
    if not check_type(report, pointer, field, value, list):
        return
    for index, entry in enumerate(value):
        here = child_pointer(pointer, index)
        if check_type(report, here, f"A {what}", entry, dict):
            yield ObjectFields(report, here, entry), index == len(value) - 1


def _check_known(entry: ObjectFields, known: frozenset[str], what: str) -> None:
    for name in entry.values:
        if name not in known:
            report_unknown_field(entry.report, entry.at(name), name, f"{name} is not a field of a {what}.")


def _check_error_equals(entry: ObjectFields, *, is_last: bool, what: str) -> None:
    report, here = entry.report, entry.at("ErrorEquals")
    if "ErrorEquals" not in entry.values:
        report.add(codes.SCHEMA_VALIDATION_FAILED, entry.pointer, f"A {what} needs ErrorEquals.")
        return
    names = entry.values["ErrorEquals"]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        report.add(codes.SCHEMA_VALIDATION_FAILED, here, "ErrorEquals must be a non-empty array of error names.")
        return
    if ALL_ERRORS not in names:
        return
    # States.ALL matches everything, so anything beside or after it could never be chosen.
    if len(names) > 1:
        report.add(codes.SCHEMA_VALIDATION_FAILED, here, f"{ALL_ERRORS} must appear alone in ErrorEquals.")
    if not is_last:
        report.add(codes.SCHEMA_VALIDATION_FAILED, here, f"A {what} with {ALL_ERRORS} must be the last one.")
