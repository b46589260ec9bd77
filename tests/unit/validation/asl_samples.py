"""Small valid definitions for the validation tests, and helpers to break them one field at a time."""

from __future__ import annotations

import copy
from typing import Any

from cloudflow.asl.validate import validate_definition

LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:work"

SUCCEED: dict[str, Any] = {"Type": "Succeed"}
TASK: dict[str, Any] = {"Type": "Task", "Resource": LAMBDA_ARN, "End": True}
PASS: dict[str, Any] = {"Type": "Pass", "End": True}


def machine(states: dict[str, Any], start_at: str | None = None, **top: Any) -> dict[str, Any]:
    """A definition whose StartAt is the first state given, unless `start_at` says otherwise."""
    return {"StartAt": start_at or next(iter(states)), "States": copy.deepcopy(states), **top}


def single(state: dict[str, Any], **others: Any) -> dict[str, Any]:
    """A definition that starts at state `S` (plus any other states given by name)."""
    return machine({"S": state, **others})


def branch(states: dict[str, Any]) -> dict[str, Any]:
    """A Parallel branch or Map processor starting at its first state."""
    return {"StartAt": next(iter(states)), "States": copy.deepcopy(states)}


def problems(definition: Any) -> list[tuple[str, str]]:
    """(code, pointer) of every diagnostic, in order."""
    return [(d.code, d.pointer) for d in validate_definition(definition)]


def with_choice(*rules: Any, default: str | None = "Done") -> dict[str, Any]:
    """A Choice `C` with the given rules, whose targets may be `Done` (a Succeed)."""
    state: dict[str, Any] = {"Type": "Choice", "Choices": list(rules)}
    if default is not None:
        state["Default"] = default
    return machine({"C": state, "Done": SUCCEED})


def with_map(processor_config: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    """A Map `M` over a one-state processor `Item`, with extra Map fields."""
    processor = branch({"Item": PASS})
    if processor_config is not None:
        processor["ProcessorConfig"] = processor_config
    return single({"Type": "Map", "ItemProcessor": processor, "End": True, **fields})


DISTRIBUTED = {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}

# Valid definitions that exercise most fields; the property tests mutate them.
VALID_DEFINITIONS: dict[str, dict[str, Any]] = {
    "every-state-type": machine(
        {
            "Start": {
                "Type": "Pass",
                "Result": {"n": 1},
                "ResultPath": "$.start",
                "Parameters": {"input.$": "$", "ctx.$": "$$.Execution.Id", "s.$": "States.Format('{}', $.n)"},
                "Next": "Work",
            },
            "Work": {
                "Type": "Task",
                "Resource": LAMBDA_ARN,
                "InputPath": "$.start",
                "ResultSelector": {"payload.$": "$.Payload"},
                "ResultPath": "$.work",
                "OutputPath": "$",
                "TimeoutSeconds": 30,
                "HeartbeatSeconds": 10,
                "Retry": [
                    {"ErrorEquals": ["Lambda.TooManyRequestsException"], "MaxAttempts": 2, "BackoffRate": 1.5},
                    {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "JitterStrategy": "FULL"},
                ],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}],
                "Next": "Decide",
            },
            "Decide": {
                "Type": "Choice",
                "Choices": [
                    {
                        "And": [
                            {"Variable": "$.n", "NumericGreaterThan": 0},
                            {"Not": {"Variable": "$.s", "StringMatches": "a*"}},
                        ],
                        "Next": "Pause",
                    },
                    {"Variable": "$.t", "TimestampLessThanEqualsPath": "$.u", "Next": "Fan"},
                ],
                "Default": "Failed",
            },
            "Pause": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "Next": "Fan"},
            "Fan": {
                "Type": "Parallel",
                "Branches": [branch({"One": PASS}), branch({"Two": {"Type": "Wait", "Seconds": 1, "End": True}})],
                "Next": "Each",
            },
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "ItemSelector": {"value.$": "$$.Map.Item.Value"},
                "MaxConcurrency": 2,
                "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, **branch({"Inner": SUCCEED})},
                "Next": "Done",
            },
            "Done": SUCCEED,
            "Failed": {"Type": "Fail", "Error": "Oops", "CausePath": "$.error.Cause"},
        },
        Comment="one of everything",
        TimeoutSeconds=300,
        Version="1.0",
    ),
    "legacy-iterator": single(
        {"Type": "Map", "Parameters": {"item.$": "$$.Map.Item.Value"}, "Iterator": branch({"Each": PASS}), "End": True}
    ),
    "distributed-map": with_map(
        DISTRIBUTED,
        ItemReader={"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}},
        ItemBatcher={"MaxItemsPerBatch": 10, "BatchInput": {"run.$": "$$.Execution.Id"}},
        ToleratedFailurePercentage=5,
        Label="Each",
    ),
    "jsonata": machine(
        {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"FunctionName": LAMBDA_ARN, "Payload": "{% $states.input %}"},
                "Output": "{% $states.result.Payload %}",
                "Assign": {"count": "{% $states.result.Payload.count %}"},
                "Next": "Check",
            },
            "Check": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% $count > 1 %}", "Next": "Done"}],
                "Default": "Done",
            },
            "Done": {"Type": "Succeed", "Output": {"count": "{% $count %}"}},
        },
        QueryLanguage="JSONata",
    ),
}
