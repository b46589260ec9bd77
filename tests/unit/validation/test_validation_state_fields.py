"""The fields of each state type: unknown, misplaced, missing, conflicting, typed and in range."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.validation.asl_samples import LAMBDA_ARN, PASS, SUCCEED, TASK, branch, machine, problems, single

SCHEMA = "SCHEMA_VALIDATION_FAILED"
WAIT: dict[str, Any] = {"Type": "Wait", "End": True}
FAIL: dict[str, Any] = {"Type": "Fail"}
# A Task that ends by way of its Catch, so it can lack End and Next without other problems.
CAUGHT: dict[str, Any] = {"Type": "Task", "Resource": LAMBDA_ARN, "Catch": [{"ErrorEquals": ["E"], "Next": "Done"}]}

CASES: dict[str, tuple[Any, list[tuple[str, str]]]] = {
    "state-not-an-object": (machine({"S": 3}), [(SCHEMA, "/States/S")]),
    "missing-Type": (single({"End": True}), [(SCHEMA, "/States/S")]),
    "unknown-Type": (single({"Type": "Sleep", "End": True}), [(SCHEMA, "/States/S/Type")]),
    "unknown-field": (single({**PASS, "Colour": "red"}), [(SCHEMA, "/States/S/Colour")]),
    "Result-on-Task": (single({**TASK, "Result": 1}), [(SCHEMA, "/States/S/Result")]),
    "Next-on-Succeed": (single({**SUCCEED, "Next": "S"}), [(SCHEMA, "/States/S/Next")]),
    "End-on-Succeed": (single({**SUCCEED, "End": True}), [(SCHEMA, "/States/S/End")]),
    "Next-on-Fail": (single({**FAIL, "Next": "S"}), [(SCHEMA, "/States/S/Next")]),
    "InputPath-on-Fail": (single({**FAIL, "InputPath": "$"}), [(SCHEMA, "/States/S/InputPath")]),
    "Next-on-Choice": (
        machine(
            {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "D"}], "Next": "D"},
                "D": SUCCEED,
            }
        ),
        [(SCHEMA, "/States/C/Next")],
    ),
    "neither-Next-nor-End": (single(CAUGHT, Done=SUCCEED), [(SCHEMA, "/States/S")]),
    "End-false-without-Next": (single({**CAUGHT, "End": False}, Done=SUCCEED), [(SCHEMA, "/States/S")]),
    "both-Next-and-End": (single({**PASS, "Next": "Done"}, Done=SUCCEED), [(SCHEMA, "/States/S")]),
    "End-not-boolean": (single({**PASS, "End": "yes"}), [(SCHEMA, "/States/S/End")]),
    "Next-not-string": (single({**CAUGHT, "Next": 1}, Done=SUCCEED), [(SCHEMA, "/States/S/Next")]),
    "Comment-not-string": (single({**PASS, "Comment": 1}), [(SCHEMA, "/States/S/Comment")]),
    "Task-without-Resource": (single({"Type": "Task", "End": True}), [(SCHEMA, "/States/S")]),
    "Resource-not-an-ARN": (single({**TASK, "Resource": "my-function"}), [("INVALID_RESOURCE", "/States/S/Resource")]),
    "TimeoutSeconds-zero": (single({**TASK, "TimeoutSeconds": 0}), [(SCHEMA, "/States/S/TimeoutSeconds")]),
    "TimeoutSeconds-too-big": (single({**TASK, "TimeoutSeconds": 10**8}), [(SCHEMA, "/States/S/TimeoutSeconds")]),
    "TimeoutSeconds-and-Path": (
        single({**TASK, "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t"}),
        [(SCHEMA, "/States/S")],
    ),
    "TimeoutSecondsPath-invalid": (
        single({**TASK, "TimeoutSecondsPath": "t"}),
        [("INVALID_JSON_PATH", "/States/S/TimeoutSecondsPath")],
    ),
    "HeartbeatSeconds-not-below-TimeoutSeconds": (
        single({**TASK, "TimeoutSeconds": 10, "HeartbeatSeconds": 10}),
        [(SCHEMA, "/States/S/HeartbeatSeconds")],
    ),
    "HeartbeatSeconds-and-Path": (
        single({**TASK, "HeartbeatSeconds": 5, "HeartbeatSecondsPath": "$.h"}),
        [(SCHEMA, "/States/S")],
    ),
    "Credentials-not-object": (single({**TASK, "Credentials": "role"}), [(SCHEMA, "/States/S/Credentials")]),
    "Wait-without-duration": (single(WAIT), [(SCHEMA, "/States/S")]),
    "Wait-with-two-durations": (single({**WAIT, "Seconds": 1, "TimestampPath": "$.t"}), [(SCHEMA, "/States/S")]),
    "Wait-Seconds-negative": (single({**WAIT, "Seconds": -1}), [(SCHEMA, "/States/S/Seconds")]),
    "Wait-Seconds-string": (single({**WAIT, "Seconds": "5"}), [(SCHEMA, "/States/S/Seconds")]),
    "Wait-Timestamp-not-ISO": (
        single({**WAIT, "Timestamp": "2016-03-14 01:59:00Z"}),
        [(SCHEMA, "/States/S/Timestamp")],
    ),
    "Wait-Timestamp-impossible-date": (
        single({**WAIT, "Timestamp": "2016-13-05T21:29:29Z"}),
        [(SCHEMA, "/States/S/Timestamp")],
    ),
    "Wait-SecondsPath-invalid": (
        single({**WAIT, "SecondsPath": "$.a["}),
        [("INVALID_JSON_PATH", "/States/S/SecondsPath")],
    ),
    "Fail-Error-and-ErrorPath": (single({**FAIL, "Error": "E", "ErrorPath": "$.e"}), [(SCHEMA, "/States/S")]),
    "Fail-Cause-and-CausePath": (single({**FAIL, "Cause": "C", "CausePath": "$.c"}), [(SCHEMA, "/States/S")]),
    "Fail-Error-not-string": (single({**FAIL, "Error": 5}), [(SCHEMA, "/States/S/Error")]),
    "Fail-CausePath-bad-intrinsic": (
        single({**FAIL, "CausePath": "States.Format("}),
        [("INVALID_INTRINSIC", "/States/S/CausePath")],
    ),
    "state-name-too-long": (machine({"N" * 81: SUCCEED}), [("INVALID_STATE_NAME", "/States/" + "N" * 81)]),
    "state-name-escaped-in-pointer": (machine({"a/b~c": {**PASS, "Colour": 1}}), [(SCHEMA, "/States/a~1b~0c/Colour")]),
    "state-name-reused-in-a-branch": (
        single({"Type": "Parallel", "Branches": [branch({"S": SUCCEED})], "End": True}),
        [("DUPLICATE_STATE_NAME", "/States/S/Branches/0/States/S")],
    ),
}


@pytest.mark.parametrize(("definition", "expected"), CASES.values(), ids=CASES.keys())
def test_state_field_problem(definition: Any, expected: list[tuple[str, str]]) -> None:
    assert problems(definition) == expected


@pytest.mark.parametrize(
    "state",
    [
        {**TASK, "TimeoutSecondsPath": "$.t", "HeartbeatSecondsPath": "$$.Execution.Input.h"},
        {**TASK, "Credentials": {"RoleArn.$": "$.role"}},
        {**WAIT, "Timestamp": "2016-03-05T21:29:29.243167252Z"},
        {**WAIT, "Timestamp": "2016-03-05T21:29:29+02:00"},
        {**WAIT, "Seconds": 0},
        {**FAIL, "ErrorPath": "$$.State.Name", "CausePath": "States.Format('{} failed', $.name)"},
        {**PASS, "End": True, "Comment": "fine"},
    ],
    ids=["task-paths", "credentials", "nanoseconds", "offset", "zero-seconds", "fail-paths", "comment"],
)
def test_valid_state_variants(state: dict[str, Any]) -> None:
    assert problems(single(state)) == []
