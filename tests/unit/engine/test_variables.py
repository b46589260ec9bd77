"""Workflow variables (ASL `Assign`) in JSONPath and JSONata states: evaluation order and scopes."""

from __future__ import annotations

from tests.unit.engine.flows import ScriptedTasks, TaskReturned, TaskThrew, run, states


def test_assign_reads_the_result_and_later_states_read_the_variable_by_path() -> None:
    definition = states(
        A={"Type": "Pass", "Parameters": {"input": "PENDING"}, "Assign": {"saved.$": "$.input", "n": 2},
           "Next": "B"},
        B={"Type": "Pass", "Parameters": {"saved.$": "$saved", "twice.$": "States.MathAdd($n, $n)"}, "End": True},
    )
    assert run(definition, {}).output == {"saved": "PENDING", "twice": 4}


def test_a_state_reads_variables_as_they_were_when_it_was_entered() -> None:
    # OutputPath reads `answer` before the same state's Assign replaces it.
    definition = states(
        A={"Type": "Pass", "Result": {"q": "life"}, "Assign": {"question.$": "$.q", "answer": 42}, "Next": "B"},
        B={"Type": "Pass", "InputPath": "$answer", "ResultPath": "$.got", "OutputPath": "$answer",
           "Assign": {"answer": "changed"}, "Next": "C"},
        C={"Type": "Pass", "Parameters": {"answer.$": "$answer", "question.$": "$question"}, "End": True},
    )
    assert run(definition, {}).output == {"answer": "changed", "question": "life"}


def test_choice_assigns_from_the_matching_rule_or_else_from_the_state() -> None:
    definition = states(
        Check={"Type": "Choice", "Default": "Done", "Assign": {"status": "INCORRECT"},
               "Choices": [{"Variable": "$.guess", "NumericEquals": 42, "Assign": {"status": "CORRECT"},
                            "Next": "Done"}]},
        Done={"Type": "Pass", "Parameters": {"status.$": "$status"}, "End": True},
    )
    assert run(definition, {"guess": 42}).output == {"status": "CORRECT"}
    assert run(definition, {"guess": "42"}).output == {"status": "INCORRECT"}


def test_a_catcher_assigns_from_the_error_output() -> None:
    definition = states(
        Call={"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
              "Assign": {"never": True},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"why.$": "$.Cause"}, "Next": "Report"}],
              "End": True},
        Report={"Type": "Pass", "Parameters": {"why.$": "$why"}, "End": True},
    )
    tasks = ScriptedTasks({"Call": [TaskThrew("Boom", "it broke")]})
    assert run(definition, {}, tasks).output == {"why": "it broke"}


def test_fail_reads_error_and_cause_from_variables() -> None:
    definition = states(
        A={"Type": "Pass", "Assign": {"e": "Exception", "c": "An Exception"}, "Next": "F"},
        F={"Type": "Fail", "ErrorPath": "$e", "CausePath": "$c"},
    )
    result = run(definition, {})
    assert (result.status, result.error, result.cause) == ("FAILED", "Exception", "An Exception")


def test_iterations_read_outer_variables_and_keep_their_own_assignments_inside() -> None:
    definition = states(
        Setup={"Type": "Pass", "Assign": {"bias": 10, "seen": "outer"}, "Next": "Each"},
        Each={"Type": "Map", "ItemsPath": "$.items", "Next": "After", "ItemProcessor": {
            "StartAt": "Own", "States": {
                "Own": {"Type": "Pass", "Assign": {"seen.$": "$"}, "Next": "Add"},
                "Add": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($bias, $seen)"}, "End": True}}}},
        After={"Type": "Pass", "Parameters": {"results.$": "$", "seen.$": "$seen"}, "End": True},
    )
    result = run(definition, {"items": [1, 2]})
    assert result.output == {"results": [{"sum": 11}, {"sum": 12}], "seen": "outer"}


def test_a_missing_variable_fails_the_state_with_states_runtime() -> None:
    definition = states(A={"Type": "Pass", "Parameters": {"x.$": "$nope"}, "End": True})
    result = run(definition, {})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert "$nope" in (result.cause or "")


def test_task_results_feed_variables_after_the_result_selector() -> None:
    definition = states(
        Call={"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
              "ResultSelector": {"total.$": "$.amount"}, "Assign": {"total.$": "$.total"}, "Next": "Show"},
        Show={"Type": "Pass", "Parameters": {"total.$": "$total"}, "End": True},
    )
    tasks = ScriptedTasks({"Call": [TaskReturned({"amount": 7})]})
    assert run(definition, {}, tasks).output == {"total": 7}


def test_validation_accepts_variable_paths_where_values_are_read_but_not_as_result_path() -> None:
    import pytest

    from cloudflow.asl.loader import load_state_machine
    from cloudflow.errors import InvalidDefinitionError

    load_state_machine(states(A={"Type": "Pass", "InputPath": "$answer", "OutputPath": "$x.y", "End": True}))
    with pytest.raises(InvalidDefinitionError) as raised:
        load_state_machine(states(A={"Type": "Pass", "ResultPath": "$answer", "End": True}))
    assert [d.pointer for d in raised.value.diagnostics] == ["/States/A/ResultPath"]


def test_one_assign_block_may_store_at_most_256_kib() -> None:
    definition = states(A={"Type": "Pass", "Assign": {"big.$": "$.text", "more.$": "$.text"}, "End": True})
    result = run(definition, {"text": "x" * 140_000})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert "more than the 262144 bytes one state may assign" in (result.cause or "")


def test_the_variables_of_an_execution_may_store_at_most_10_mib() -> None:
    # 42 states each store a new 250,000-byte variable: the 42nd crosses 10 MiB (10,485,760 bytes).
    names = [f"S{i}" for i in range(42)]
    definition = states(**{name: {"Type": "Pass", "Assign": {f"v{i}.$": "$.text"},
                                  **({"Next": names[i + 1]} if i + 1 < len(names) else {"End": True})}
                           for i, name in enumerate(names)})
    result = run(definition, {"text": "x" * 250_000})
    assert (result.status, result.error) == ("FAILED", "States.Runtime")
    assert "'S41'" in (result.cause or "") and "more than the 10485760 bytes an execution may store" in (
        result.cause or "")
    assert run(states(**{name: state for name, state in list(definition["States"].items())[:41]} | {
        "S40": {"Type": "Pass", "Assign": {"v40.$": "$.text"}, "End": True}}), {"text": "x" * 250_000}
    ).status == "SUCCEEDED"
