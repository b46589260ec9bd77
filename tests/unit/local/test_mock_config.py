"""The Step Functions Local mock config: parsing, validation messages, and how answers are picked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cloudflow.core.commands import InvokeTask
from cloudflow.errors import InvalidInputError
from cloudflow.local.mock_config import MockConfig
from cloudflow.local.task_outcome import TaskResolver, TaskReturned, TaskThrew

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:detect-face"


def invoke(state: str, resource: str = LAMBDA_INVOKE, attempt: int = 0) -> InvokeTask:
    return InvokeTask(
        token="t-1",
        resource=resource,
        parameters={"FunctionName": "detect-face", "Payload": {}},
        pattern="request-response",
        state_name=state,
        frame_id="root",
        attempt=attempt,
        timeout_seconds=None,
        heartbeat_seconds=None,
    )


def returns(payload: Any) -> dict[str, Any]:
    return {"Return": {"StatusCode": 200, "Payload": payload}}


def throws(error: str, cause: str = "boom") -> dict[str, Any]:
    return {"Throw": {"Error": error, "Cause": cause}}


def config(responses: dict[str, Any], case: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "StateMachines": {"Flow": {"TestCases": {"Case": case or {"Work": "Mock"}}}},
        "MockedResponses": responses,
    }


def resolver_for(responses: dict[str, Any], case: dict[str, str] | None = None) -> TaskResolver:
    return MockConfig.from_dict(config(responses, case)).resolver("Flow", "Case")


# --- picking answers ------------------------------------------------------------------------------


def test_aws_guide_example_retry_path() -> None:
    resolver = resolver_for(
        {
            "Mock": {
                "0": throws("Lambda.ResourceNotReadyException"),
                "1-2": throws("Lambda.TimeoutException"),
                "3": returns({"body": "Hello from Lambda!"}),
            }
        }
    )
    answers = [resolver.resolve(invoke("Work", attempt=n)) for n in range(4)]
    assert answers == [
        TaskThrew("Lambda.ResourceNotReadyException", "boom"),
        TaskThrew("Lambda.TimeoutException", "boom"),
        TaskThrew("Lambda.TimeoutException", "boom"),
        TaskReturned({"StatusCode": 200, "Payload": {"body": "Hello from Lambda!"}}),
    ]


def test_counts_every_invocation_of_a_state_name_not_the_attempt() -> None:
    # Re-entering a state (a loop, a Map iteration) starts again at attempt 0 but the count goes on.
    resolver = resolver_for({"Mock": {"0": returns("first"), "1": returns("second")}})
    assert resolver.resolve(invoke("Work", attempt=0)) == TaskReturned(
        {"StatusCode": 200, "Payload": "first"}
    )
    assert resolver.resolve(invoke("Work", attempt=0)) == TaskReturned(
        {"StatusCode": 200, "Payload": "second"}
    )


def test_each_state_has_its_own_counter() -> None:
    resolver = resolver_for(
        {"A": {"0": returns("a0"), "1": returns("a1")}, "B": {"0": returns("b0")}},
        case={"First": "A", "Second": "B"},
    )
    assert resolver.resolve(invoke("First")) == TaskReturned({"StatusCode": 200, "Payload": "a0"})
    assert resolver.resolve(invoke("Second")) == TaskReturned({"StatusCode": 200, "Payload": "b0"})
    assert resolver.resolve(invoke("First")) == TaskReturned({"StatusCode": 200, "Payload": "a1"})


def test_past_the_last_key_fails_with_states_runtime_as_sfn_local() -> None:
    resolver = resolver_for({"Mock": {"0-1": returns("ok")}})
    resolver.resolve(invoke("Work"))
    resolver.resolve(invoke("Work"))
    outcome = resolver.resolve(invoke("Work"))
    assert isinstance(outcome, TaskThrew)
    assert outcome.error == "States.Runtime"
    assert outcome.cause is not None
    assert "invocation 2 of state 'Work'" in outcome.cause
    assert "'Mock' defines \"0-1\"" in outcome.cause


def test_a_gap_between_keys_fails_that_invocation_only() -> None:
    resolver = resolver_for({"Mock": {"0": returns("a"), "2": returns("c")}})
    assert isinstance(resolver.resolve(invoke("Work")), TaskReturned)
    gap = resolver.resolve(invoke("Work"))
    assert isinstance(gap, TaskThrew) and gap.error == "States.Runtime"
    assert resolver.resolve(invoke("Work")) == TaskReturned({"StatusCode": 200, "Payload": "c"})


def test_a_state_the_test_case_does_not_name_is_not_known() -> None:
    resolver = resolver_for({"Mock": {"0": returns("x")}})
    assert resolver.resolve(invoke("Other")) is None
    # ...and asking does not consume an invocation of any mocked state.
    assert resolver.resolve(invoke("Work")) == TaskReturned({"StatusCode": 200, "Payload": "x"})


def test_bare_function_arn_gets_only_the_payload() -> None:
    resolver = resolver_for({"Mock": {"0": returns({"faces": 1}), "1": returns("text")}})
    assert resolver.resolve(invoke("Work", FUNCTION_ARN)) == TaskReturned({"faces": 1})
    assert resolver.resolve(invoke("Work", FUNCTION_ARN + ":live")) == TaskReturned("text")


def test_bare_function_arn_without_payload_fails_clearly() -> None:
    resolver = resolver_for({"Mock": {"0": {"Return": {"faces": 1}}}})
    outcome = resolver.resolve(invoke("Work", FUNCTION_ARN))
    assert isinstance(outcome, TaskThrew) and outcome.error == "States.Runtime"
    assert outcome.cause is not None and "Invoke response" in outcome.cause


def test_other_resources_get_the_return_as_is() -> None:
    resolver = resolver_for({"Mock": {"0": {"Return": {"MessageId": "m-1"}}}})
    assert resolver.resolve(invoke("Work", "arn:aws:states:::sns:publish")) == TaskReturned(
        {"MessageId": "m-1"}
    )


@pytest.mark.parametrize("value", [None, 0, "text", [1, 2], True])
def test_return_may_be_any_json_value(value: Any) -> None:
    resolver = resolver_for({"Mock": {"0": {"Return": value}}})
    assert resolver.resolve(invoke("Work")) == TaskReturned(value)


def test_throw_cause_is_optional() -> None:
    resolver = resolver_for({"Mock": {"0": {"Throw": {"Error": "Oops"}}}})
    assert resolver.resolve(invoke("Work")) == TaskThrew("Oops", None)


def test_each_resolver_counts_afresh() -> None:
    mock = MockConfig.from_dict(config({"Mock": {"0": returns("a"), "1": returns("b")}}))
    first, second = mock.resolver("Flow", "Case"), mock.resolver("Flow", "Case")
    assert first.resolve(invoke("Work")) == second.resolve(invoke("Work"))


@pytest.mark.parametrize("key", ["0-3", " 0 - 3 "])
def test_range_keys(key: str) -> None:
    resolver = resolver_for({"Mock": {key: returns("r")}})
    assert all(isinstance(resolver.resolve(invoke("Work")), TaskReturned) for _ in range(4))
    assert isinstance(resolver.resolve(invoke("Work")), TaskThrew)


def test_keys_may_come_in_any_order() -> None:
    resolver = resolver_for({"Mock": {"1-2": returns("later"), "0": returns("first")}})
    assert resolver.resolve(invoke("Work")) == TaskReturned({"StatusCode": 200, "Payload": "first"})
    assert resolver.resolve(invoke("Work")) == TaskReturned({"StatusCode": 200, "Payload": "later"})


def test_empty_mocked_response_is_accepted_and_fails_when_used() -> None:
    resolver = resolver_for({"Mock": {}})
    outcome = resolver.resolve(invoke("Work"))
    assert isinstance(outcome, TaskThrew) and outcome.error == "States.Runtime"


# --- choosing the state machine and test case -----------------------------------------------------


def two_machines() -> MockConfig:
    case: dict[str, Any] = {"TestCases": {"HappyPath": {}}}
    return MockConfig.from_dict({"StateMachines": {"A": case, "B": case}, "MockedResponses": {}})


def test_the_only_state_machine_is_used_when_none_is_named() -> None:
    assert MockConfig.from_dict(config({"Mock": {}})).resolver(None, "Case") is not None


def test_several_state_machines_need_a_name() -> None:
    with pytest.raises(InvalidInputError, match=r"2 state machines \(A, B\); name one"):
        two_machines().resolver(None, "HappyPath")


def test_unknown_state_machine_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInputError, match=r"unknown state machine 'C'; known: A, B") as raised:
        two_machines().resolver("C", "HappyPath")
    assert raised.value.field == "state_machine_name"


def test_unknown_test_case_lists_the_known_ones() -> None:
    with pytest.raises(InvalidInputError, match=r"unknown test case 'Sad' .*known: HappyPath"):
        two_machines().resolver("A", "Sad")


# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ([], "(mock config)", "must be a JSON object"),
        ({}, "(mock config)", "missing StateMachines"),
        ({"StateMachines": {}, "MockedResponse": {}}, "MockedResponse", "unknown field"),
        ({"StateMachines": []}, "StateMachines", "must be an object"),
        ({"StateMachines": {"SM": {}}}, "StateMachines.SM", "missing TestCases"),
        (
            {"StateMachines": {"SM": {"TestCases": {"T": {"S": 1}}}}},
            "StateMachines.SM.TestCases.T.S",
            "name of",
        ),
        (
            {"StateMachines": {"SM": {"TestCases": {"T": {"My State": "Nope"}}}}, "MockedResponses": {}},
            'StateMachines.SM.TestCases.T."My State"',
            "names mocked response 'Nope', which MockedResponses does not define",
        ),
        (config({"LambdaOK": {"0": {}}}), 'MockedResponses.LambdaOK."0"', "needs Return or Throw"),
        (config({"LambdaOK": {"0": "x"}}), 'MockedResponses.LambdaOK."0"', "needs Return or Throw"),
        (
            config({"M": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}),
            'MockedResponses.M."0"',
            "both Return and Throw",
        ),
        (config({"M": {"0": {"Returns": 1}}}), 'MockedResponses.M."0".Returns', "unknown field"),
        (config({"M": {"first": returns(1)}}), "MockedResponses.M.first", "not an invocation key"),
        (config({"M": {"-1": returns(1)}}), 'MockedResponses.M."-1"', "not an invocation key"),
        (config({"M": {"1-2-3": returns(1)}}), 'MockedResponses.M."1-2-3"', "not an invocation key"),
        (config({"M": {"3-1": returns(1)}}), 'MockedResponses.M."3-1"', r"ends \(1\) before it starts \(3\)"),
        (
            config({"M": {"0-2": returns(1), "2": returns(2)}}),
            'MockedResponses.M."2"',
            'overlaps key "0-2"',
        ),
        (config({"M": {"0": {"Throw": "E"}}}), 'MockedResponses.M."0".Throw', "must be an object"),
        (config({"M": {"0": {"Throw": {"Cause": "c"}}}}), 'MockedResponses.M."0".Throw.Error', "non-empty"),
        (
            config({"M": {"0": {"Throw": {"Error": "E", "Cause": 3}}}}),
            'MockedResponses.M."0".Throw.Cause',
            "must be a string",
        ),
        (config({"M": []}), "MockedResponses.M", "must map invocation keys"),
    ],
)
def test_invalid_configs_name_the_field(data: Any, field: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as raised:
        MockConfig.from_dict(data)
    assert raised.value.field == field


# --- files ----------------------------------------------------------------------------------------


def test_from_file(tmp_path: Path) -> None:
    path = tmp_path / "mock-config.json"
    path.write_text(json.dumps(config({"Mock": {"0": returns("ok")}})))
    resolver = MockConfig.from_file(path).resolver(None, "Case")
    assert resolver.resolve(invoke("Work")) == TaskReturned({"StatusCode": 200, "Payload": "ok"})


def test_from_file_missing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="cannot read the mock config"):
        MockConfig.from_file(tmp_path / "absent.json")


def test_from_file_bad_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "mock-config.json"
    path.write_text('{"StateMachines": }')
    with pytest.raises(InvalidInputError, match=r"not valid JSON: .*\(line 1, column 19\)"):
        MockConfig.from_file(path)


def test_from_file_structure_error_names_field_and_file(tmp_path: Path) -> None:
    path = tmp_path / "mock-config.json"
    path.write_text(json.dumps(config({"LambdaOK": {"0": {}}})))
    with pytest.raises(InvalidInputError, match=r"needs Return or Throw \(in .*mock-config.json\)") as raised:
        MockConfig.from_file(path)
    assert raised.value.field == 'MockedResponses.LambdaOK."0"'
