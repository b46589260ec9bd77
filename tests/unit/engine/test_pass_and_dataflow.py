"""Pass and the data-flow fields every state shares (ASL spec, "Input and Output Processing")."""

from __future__ import annotations

import pytest

from tests.unit.engine.flows import run, states


def _pass(**fields: object) -> dict[str, object]:
    return states(P={"Type": "Pass", "End": True, **fields})


def test_pass_without_fields_hands_its_input_on() -> None:
    assert run(_pass(), {"a": 1}).output == {"a": 1}


def test_result_replaces_the_input() -> None:
    assert run(_pass(Result={"x": [1, 2]}), {"a": 1}).output == {"x": [1, 2]}


def test_result_path_merges_into_a_copy_of_the_input() -> None:
    result = run(_pass(Result=5, ResultPath="$.deep.er.value"), {"a": 1})
    assert result.output == {"a": 1, "deep": {"er": {"value": 5}}}


def test_result_path_null_discards_the_result() -> None:
    assert run(_pass(Result=5, ResultPath=None), {"a": 1}).output == {"a": 1}


def test_result_path_into_a_non_object_fails_with_result_path_match_failure() -> None:
    result = run(_pass(Result=5, ResultPath="$.a.b"), {"a": "text"})
    assert result.status == "FAILED"
    assert result.error == "States.ResultPathMatchFailure"
    assert "a.b" in (result.cause or "")


def test_result_path_into_a_non_object_input_fails() -> None:
    result = run(_pass(Result=5, ResultPath="$.x"), [1, 2])
    assert (result.status, result.error) == ("FAILED", "States.ResultPathMatchFailure")


def test_input_path_selects_and_null_gives_an_empty_object() -> None:
    assert run(_pass(InputPath="$.a"), {"a": {"b": 1}}).output == {"b": 1}
    assert run(_pass(InputPath=None), {"a": 1}).output == {}


def test_missing_input_path_fails_with_states_runtime_and_a_located_cause() -> None:
    result = run(_pass(InputPath="$.missing"), {"a": 1})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert result.cause == (
        "An error occurred while executing the state 'P' (entered at the event id #2). "
        "Invalid path '$.missing' : No results for path: $['missing']"
    )


def test_output_path_selects_from_the_result_merged_into_the_input() -> None:
    result = run(_pass(Result={"r": 1}, ResultPath="$.res", OutputPath="$.res"), {"a": 1})
    assert result.output == {"r": 1}


def test_output_path_null_outputs_an_empty_object() -> None:
    assert run(_pass(OutputPath=None), {"a": 1}).output == {}


def test_parameters_build_a_new_input_from_paths_context_and_constants() -> None:
    result = run(_pass(Parameters={
        "constant": "c", "fromInput.$": "$.a", "nested": {"deep.$": "$.b[1]"},
        "list": [{"x.$": "$.a"}], "name.$": "$$.Execution.Name", "state.$": "$$.State.Name",
    }), {"a": 1, "b": [10, 20]})
    assert result.output == {"constant": "c", "fromInput": 1, "nested": {"deep": 20}, "list": [{"x": 1}],
                             "name": "test-execution", "state": "P"}


def test_parameters_path_that_finds_nothing_fails_naming_the_field() -> None:
    result = run(_pass(Parameters={"value.$": "$.nope"}), {"a": 1})
    assert result.error == "States.Runtime"
    assert result.cause is not None
    assert result.cause.endswith(
        "The JSONPath '$.nope' specified for the field 'value.$' could not be found in the input '{\"a\":1}'"
    )


def test_indefinite_paths_yield_lists_even_when_nothing_matches() -> None:
    result = run(_pass(Parameters={"all.$": "$.items[*].id", "none.$": "$.missing[1:5]",
                                    "some.$": "$.items[?(@.id > 1)].id"}),
                 {"items": [{"id": 1}, {"id": 2}, {"id": 3}]})
    assert result.output == {"all": [1, 2, 3], "none": [], "some": [2, 3]}


@pytest.mark.parametrize(
    ("path", "expected"),
    [("$.Execution.Id", "arn:aws:states:us-east-1:123456789012:execution:TestFlow:test-execution"),
     ("$.StateMachine.Id", "arn:aws:states:us-east-1:123456789012:stateMachine:TestFlow"),
     ("$.StateMachine.Name", "TestFlow"),
     ("$.Execution.StartTime", "2023-11-14T22:13:20.000Z"),
     ("$.Execution.RedriveCount", 0),
     ("$.State.EnteredTime", "2023-11-14T22:13:20.000Z"),
     ("$.Execution.Input", {"k": "v"})],
)
def test_context_object_values(path: str, expected: object) -> None:
    result = run(_pass(Parameters={"v.$": "$" + path}), {"k": "v"})
    assert result.output == {"v": expected}


def test_pass_context_has_no_retry_count_as_in_step_functions() -> None:
    result = run(_pass(Parameters={"state.$": "$$.State"}))
    assert result.output == {"state": {"EnteredTime": "2023-11-14T22:13:20.000Z", "Name": "P"}}


def test_result_is_not_aliased_between_iterations_of_a_loop() -> None:
    definition = states(
        Init={"Type": "Pass", "Result": {"n": 0, "seen": []}, "Next": "Add"},
        Add={"Type": "Pass", "Result": {"tag": "x"}, "ResultPath": "$.last", "Next": "Done"},
        Done={"Type": "Succeed"},
    )
    assert run(definition).output == {"n": 0, "seen": [], "last": {"tag": "x"}}
