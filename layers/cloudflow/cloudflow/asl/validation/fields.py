"""Which fields each state type may, must and must not carry, in each query language."""

from __future__ import annotations

from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.report import Report, child_pointer

JSONPATH = "JSONPath"
JSONATA = "JSONata"
QUERY_LANGUAGES = (JSONPATH, JSONATA)


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_COMMON = _names("Type Comment QueryLanguage")
_TRANSITION = _names("Next End")
_IO = _names("InputPath OutputPath")
_RESULT = _names("ResultPath ResultSelector Parameters")
_ERRORS = _names("Retry Catch")
_JSONATA_IO = _names("Output Assign")

# Every field a state type knows, in either language.
STATE_FIELDS: dict[str, frozenset[str]] = {
    "Pass": _COMMON | _TRANSITION | _IO | _JSONATA_IO | _names("ResultPath Parameters Result"),
    "Task": _COMMON | _TRANSITION | _IO | _RESULT | _ERRORS | _JSONATA_IO
    | _names("Arguments Resource TimeoutSeconds TimeoutSecondsPath HeartbeatSeconds HeartbeatSecondsPath Credentials"),
    "Choice": _COMMON | _IO | _JSONATA_IO | _names("Choices Default"),
    "Wait": _COMMON | _TRANSITION | _IO | _JSONATA_IO | _names("Seconds SecondsPath Timestamp TimestampPath"),
    "Succeed": _COMMON | _IO | _names("Output"),
    "Fail": _COMMON | _names("Error ErrorPath Cause CausePath"),
    "Parallel": _COMMON | _TRANSITION | _IO | _RESULT | _ERRORS | _JSONATA_IO | _names("Branches Arguments"),
    "Map": _COMMON | _TRANSITION | _IO | _RESULT | _ERRORS | _JSONATA_IO
    | _names(
        "ItemsPath Items ItemSelector ItemProcessor Iterator ItemReader ItemBatcher ResultWriter Label"
        " MaxConcurrency MaxConcurrencyPath ToleratedFailureCount ToleratedFailureCountPath"
        " ToleratedFailurePercentage ToleratedFailurePercentagePath"
    ),
}  # fmt: skip

# JSONata replaces the JSONPath pipeline (InputPath ... OutputPath) with Arguments and Output.
JSONPATH_ONLY = _names(
    "InputPath OutputPath ResultPath ResultSelector Parameters Result ItemsPath SecondsPath TimestampPath"
    " TimeoutSecondsPath HeartbeatSecondsPath ErrorPath CausePath MaxConcurrencyPath ToleratedFailureCountPath"
    " ToleratedFailurePercentagePath"
)
JSONATA_ONLY = _names("Arguments Output Items")  # Assign (variables) belongs to both

REQUIRED: dict[str, tuple[str, ...]] = {"Task": ("Resource",), "Choice": ("Choices",), "Parallel": ("Branches",)}

# Pairs that say the same thing two ways: at most one of each may be given. (ItemsPath and Items
# never meet: each belongs to one query language, so the misplaced one is reported instead.)
EXCLUSIVE: dict[str, tuple[tuple[str, str], ...]] = {
    "Task": (("TimeoutSeconds", "TimeoutSecondsPath"), ("HeartbeatSeconds", "HeartbeatSecondsPath")),
    "Fail": (("Error", "ErrorPath"), ("Cause", "CausePath")),
    "Map": (
        ("ItemSelector", "Parameters"),
        ("MaxConcurrency", "MaxConcurrencyPath"),
        ("ToleratedFailureCount", "ToleratedFailureCountPath"),
        ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
    ),
}

# Exactly one of each group must be present (the model needs one, the engine needs to know which).
ONE_OF: dict[str, tuple[str, ...]] = {
    "Wait": ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"),
    "Map": ("ItemProcessor", "Iterator"),
}


def report_unknown_field(report: Report, pointer: str, name: str, message: str) -> None:
    """Report a field that does not belong where it is."""
    report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, message)


def allowed_fields(kind: str, language: str) -> frozenset[str]:
    """The fields a state of type `kind` may carry in `language`."""
    excluded = JSONPATH_ONLY if language == JSONATA else JSONATA_ONLY
    return STATE_FIELDS[kind] - excluded


def check_state_fields(report: Report, pointer: str, state: dict[str, Any], kind: str, language: str) -> None:
    """Unknown, misplaced, missing and conflicting fields of one state (its values are checked elsewhere)."""
    allowed = allowed_fields(kind, language)
    for name in state:
        if name not in allowed:
            report_unknown_field(report, child_pointer(pointer, name), name, _why_not(name, kind, language))
    for name in REQUIRED.get(kind, ()):
        if name not in state:
            report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"A {kind} state needs the field {name}.")
    for first, second in EXCLUSIVE.get(kind, ()):
        if first in state and second in state and {first, second} <= allowed:
            report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"{first} and {second} cannot both be given.")
    group = [name for name in ONE_OF.get(kind, ()) if name in allowed]
    present = [name for name in group if name in state]
    if group and len(present) != 1:
        given = f"found {', '.join(present)}" if present else "found none"
        report.add(
            codes.SCHEMA_VALIDATION_FAILED,
            pointer,
            f"A {kind} state needs exactly one of {', '.join(group)} ({given}).",
        )
    if kind in ("Pass", "Task", "Wait", "Parallel", "Map"):
        _check_transition(report, pointer, state, kind)


def _check_transition(report: Report, pointer: str, state: dict[str, Any], kind: str) -> None:
    # `"End": false` says nothing, so it counts as absent (and Next is then required).
    end = state.get("End", False)
    if not isinstance(end, bool):
        report.add(codes.SCHEMA_VALIDATION_FAILED, child_pointer(pointer, "End"), "End must be true or false.")
    elif "Next" in state and end:
        report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"A {kind} state cannot have both Next and End.")
    elif "Next" not in state and not end:
        report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f'A {kind} state needs Next or "End": true.')


def _why_not(name: str, kind: str, language: str) -> str:
    if name in STATE_FIELDS[kind]:
        if language == JSONATA:
            return f"{name} is a JSONPath field; it is not allowed when QueryLanguage is JSONata."
        return f'{name} is a JSONata field; it needs "QueryLanguage": "JSONata".'
    return f"{name} is not a field of a {kind} state."
