"""QueryLanguage: JSONata fields are accepted (contents unchecked), JSONPath fields are not, and back."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.validation.asl_samples import LAMBDA_ARN, PASS, SUCCEED, TASK, branch, machine, problems, single

SCHEMA = "SCHEMA_VALIDATION_FAILED"


def _jsonata(state: dict[str, Any], **others: Any) -> dict[str, Any]:
    return machine({"S": state, **others}, QueryLanguage="JSONata")


CASES: dict[str, tuple[dict[str, Any], list[tuple[str, str]]]] = {
    "InputPath-in-JSONata": (_jsonata({**PASS, "InputPath": "$.a"}), [(SCHEMA, "/States/S/InputPath")]),
    "Parameters-in-JSONata": (_jsonata({**TASK, "Parameters": {}}), [(SCHEMA, "/States/S/Parameters")]),
    "ItemsPath-in-JSONata": (
        _jsonata({"Type": "Map", "ItemsPath": "$.a", "ItemProcessor": branch({"A": SUCCEED}), "End": True}),
        [(SCHEMA, "/States/S/ItemsPath")],
    ),
    "Variable-rule-in-JSONata": (
        _jsonata({"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "D"}]}, D=SUCCEED),
        [
            (SCHEMA, "/States/S/Choices/0/Variable"),
            (SCHEMA, "/States/S/Choices/0/IsNull"),
            (SCHEMA, "/States/S/Choices/0"),
        ],
    ),
    "Condition-not-an-expression": (
        _jsonata({"Type": "Choice", "Choices": [{"Condition": "$a > 1", "Next": "D"}]}, D=SUCCEED),
        [(SCHEMA, "/States/S/Choices/0/Condition")],
    ),
    "Arguments-in-JSONPath": (single({**TASK, "Arguments": {}}), [(SCHEMA, "/States/S/Arguments")]),
    "Output-in-JSONPath": (single({**PASS, "Output": 1}), [(SCHEMA, "/States/S/Output")]),
    "JSONPath-state-in-JSONata-machine": (
        _jsonata({**PASS, "QueryLanguage": "JSONPath"}),
        [(SCHEMA, "/States/S/QueryLanguage")],
    ),
    "state-QueryLanguage-unknown": (single({**PASS, "QueryLanguage": "SQL"}), [(SCHEMA, "/States/S/QueryLanguage")]),
    "ItemSelector-plain-string-in-JSONata": (
        _jsonata({"Type": "Map", "ItemSelector": "$.a", "ItemProcessor": branch({"A": SUCCEED}), "End": True}),
        [(SCHEMA, "/States/S/ItemSelector")],
    ),
    "Wait-Seconds-plain-string-in-JSONata": (
        _jsonata({"Type": "Wait", "Seconds": "5", "End": True}),
        [(SCHEMA, "/States/S/Seconds")],
    ),
}


@pytest.mark.parametrize(("definition", "expected"), CASES.values(), ids=CASES.keys())
def test_query_language_problem(definition: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert problems(definition) == expected


@pytest.mark.parametrize(
    "definition",
    [
        _jsonata({"Type": "Wait", "Seconds": "{% $states.input.wait %}", "Output": "{% $states.input %}", "End": True}),
        _jsonata(
            {
                "Type": "Map",
                "Items": "{% [1, 2] %}",
                "MaxConcurrency": "{% 2 %}",
                # The whole selector may be one expression (the CDK's jsonataItemSelector).
                "ItemSelector": "{% {'n': $states.context.Map.Item.Index} %}",
                "ItemProcessor": branch({"A": SUCCEED}),
                "End": True,
            }
        ),
        _jsonata(
            {
                **TASK,
                "TimeoutSeconds": "{% 5 %}",
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Next": "D",
                        "Output": "{% $states.errorOutput %}",
                        "Assign": {"failed": True},
                    }
                ],
            },
            D=SUCCEED,
        ),
        _jsonata({"Type": "Fail", "Error": "{% 'E' %}", "Cause": "{% $states.input.why %}"}),
        # A single state may opt in to JSONata inside a JSONPath machine.
        single(
            {
                "Type": "Task",
                "Resource": LAMBDA_ARN,
                "QueryLanguage": "JSONata",
                "Arguments": "{% $states.input %}",
                "End": True,
            }
        ),
        # Variables belong to both query languages.
        single({**PASS, "Assign": {"x": 1, "y.$": "$.a"}}),
    ],
    ids=["wait", "map", "task-catch", "fail", "per-state", "assign-in-jsonpath"],
)
def test_valid_jsonata(definition: dict[str, Any]) -> None:
    assert problems(definition) == []
