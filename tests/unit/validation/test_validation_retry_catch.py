"""Retry and Catch: fields and ranges of each entry, and States.ALL alone and last."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.validation.asl_samples import SUCCEED, TASK, problems, single

SCHEMA = "SCHEMA_VALIDATION_FAILED"


def _retry(*retriers: Any) -> dict[str, Any]:
    return single({**TASK, "Retry": list(retriers)})


def _catch(*catchers: Any) -> dict[str, Any]:
    return single({**TASK, "Catch": list(catchers)}, Handle=SUCCEED)


ANY = {"ErrorEquals": ["States.ALL"]}
TIMEOUT = {"ErrorEquals": ["States.Timeout"]}

CASES: dict[str, tuple[dict[str, Any], list[tuple[str, str]]]] = {
    "Retry-not-array": (single({**TASK, "Retry": {}}), [(SCHEMA, "/States/S/Retry")]),
    "retrier-not-object": (_retry("States.ALL"), [(SCHEMA, "/States/S/Retry/0")]),
    "retrier-without-ErrorEquals": (_retry({"MaxAttempts": 1}), [(SCHEMA, "/States/S/Retry/0")]),
    "ErrorEquals-empty": (_retry({"ErrorEquals": []}), [(SCHEMA, "/States/S/Retry/0/ErrorEquals")]),
    "ErrorEquals-not-strings": (_retry({"ErrorEquals": [1]}), [(SCHEMA, "/States/S/Retry/0/ErrorEquals")]),
    "States.ALL-not-alone": (
        _retry({"ErrorEquals": ["States.ALL", "States.Timeout"]}),
        [(SCHEMA, "/States/S/Retry/0/ErrorEquals")],
    ),
    "States.ALL-retrier-not-last": (_retry(ANY, TIMEOUT), [(SCHEMA, "/States/S/Retry/0/ErrorEquals")]),
    "MaxAttempts-negative": (_retry({**TIMEOUT, "MaxAttempts": -1}), [(SCHEMA, "/States/S/Retry/0/MaxAttempts")]),
    "IntervalSeconds-zero": (
        _retry({**TIMEOUT, "IntervalSeconds": 0}),
        [(SCHEMA, "/States/S/Retry/0/IntervalSeconds")],
    ),
    "BackoffRate-below-one": (_retry({**TIMEOUT, "BackoffRate": 0.5}), [(SCHEMA, "/States/S/Retry/0/BackoffRate")]),
    "BackoffRate-huge": (_retry({**TIMEOUT, "BackoffRate": 10**400}), [(SCHEMA, "/States/S/Retry/0/BackoffRate")]),
    "MaxDelaySeconds-zero": (
        _retry({**TIMEOUT, "MaxDelaySeconds": 0}),
        [(SCHEMA, "/States/S/Retry/0/MaxDelaySeconds")],
    ),
    "JitterStrategy-unknown": (
        _retry({**TIMEOUT, "JitterStrategy": "SOME"}),
        [(SCHEMA, "/States/S/Retry/0/JitterStrategy")],
    ),
    "retrier-with-Next": (_retry({**TIMEOUT, "Next": "S"}), [(SCHEMA, "/States/S/Retry/0/Next")]),
    "Catch-not-array": (single({**TASK, "Catch": "all"}), [(SCHEMA, "/States/S/Catch")]),
    "catcher-without-Next": (_catch(TIMEOUT), [(SCHEMA, "/States/S/Catch/0"), ("UNREACHABLE_STATE", "/States/Handle")]),
    "States.ALL-catcher-not-last": (
        _catch({**ANY, "Next": "Handle"}, {**TIMEOUT, "Next": "Handle"}),
        [(SCHEMA, "/States/S/Catch/0/ErrorEquals")],
    ),
    "catcher-ResultPath-not-reference": (
        _catch({**ANY, "Next": "Handle", "ResultPath": "$.errors[*]"}),
        [("INVALID_JSON_PATH", "/States/S/Catch/0/ResultPath")],
    ),
    "catcher-unknown-field": (
        _catch({**ANY, "Next": "Handle", "MaxAttempts": 1}),
        [(SCHEMA, "/States/S/Catch/0/MaxAttempts")],
    ),
}


@pytest.mark.parametrize(("definition", "expected"), CASES.values(), ids=CASES.keys())
def test_retry_catch_problem(definition: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert problems(definition) == expected


def test_full_retrier_and_catcher_are_valid() -> None:
    definition = single(
        {
            **TASK,
            "Retry": [
                {
                    "ErrorEquals": ["A", "B"],
                    "IntervalSeconds": 1,
                    "MaxAttempts": 0,
                    "BackoffRate": 1,
                    "MaxDelaySeconds": 31_622_400,
                    "JitterStrategy": "NONE",
                    "Comment": "c",
                },
                ANY,
            ],
            "Catch": [{**TIMEOUT, "Next": "Handle", "ResultPath": None, "Comment": "c"}, {**ANY, "Next": "Handle"}],
        },
        Handle=SUCCEED,
    )
    assert problems(definition) == []
