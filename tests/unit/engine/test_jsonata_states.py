"""JSONata states run on the engine: every field that takes an expression, `$states`, variables,
mixing with JSONPath states, and Step Functions' States.QueryEvaluationError causes."""

from __future__ import annotations

from typing import Any

from tests.unit.engine.flows import START_MS, ScriptedTasks, TaskReturned, TaskThrew, run, states

LAMBDA = "arn:aws:states:::lambda:invoke"


def jsonata(**named: dict[str, Any]) -> dict[str, Any]:
    return {"QueryLanguage": "JSONata", **states(**named)}


def test_output_and_assign_see_states_input_and_entry_variables() -> None:
    definition = jsonata(
        A={"Type": "Pass", "Assign": {"n": "{% $states.input.n %}"}, "Next": "B"},
        B={"Type": "Pass", "Output": {"before": "{% $n %}", "doubled": "{% $n * 2 %}"},
           "Assign": {"n": "{% $n + 1 %}"}, "Next": "C"},
        C={"Type": "Pass", "Output": "{% $merge([$states.input, {'after': $n}]) %}", "End": True},
    )
    assert run(definition, {"n": 3}).output == {"before": 3, "doubled": 6, "after": 4}


def test_task_arguments_result_output_and_assign() -> None:
    definition = jsonata(Call={
        "Type": "Task", "Resource": LAMBDA, "End": True,
        "Arguments": {"FunctionName": "f", "Payload": {"id": "{% $states.input.id %}"}},
        "Output": {"status": "{% $states.result.Payload.status %}", "id": "{% $states.input.id %}"},
    })
    tasks = ScriptedTasks({"Call": [lambda call: TaskReturned({"Payload": {"status": "ok", "got": call.parameters}})]})
    result = run(definition, {"id": 7}, tasks)
    assert result.output == {"status": "ok", "id": 7}
    assert tasks.calls[0].parameters == {"FunctionName": "f", "Payload": {"id": 7}}


def test_an_expression_that_yields_nothing_fails_naming_the_field() -> None:
    definition = jsonata(S={"Type": "Pass", "Output": {"result": "{% $doesNotExist %}"}, "End": True})
    result = run(definition, {})
    assert (result.status, result.error) == ("FAILED", "States.QueryEvaluationError")
    assert result.cause == ("An error occurred while executing the state 'S' (entered at the event id #2). "
                            "The JSONata expression '$doesNotExist' specified for the field 'Output/result' "
                            "returned nothing (undefined).")


def test_choice_conditions_with_rule_output_and_default_assign() -> None:
    definition = jsonata(
        Check={"Type": "Choice", "Default": "Low", "Assign": {"band": "low"},
               "Choices": [{"Condition": "{% $states.input.n > 10 %}", "Next": "High",
                            "Output": {"n": "{% $states.input.n %}", "big": True}, "Assign": {"band": "high"}}]},
        High={"Type": "Pass", "Output": "{% $merge([$states.input, {'band': $band}]) %}", "End": True},
        Low={"Type": "Pass", "Output": "{% {'band': $band} %}", "End": True},
    )
    assert run(definition, {"n": 11}).output == {"n": 11, "big": True, "band": "high"}
    assert run(definition, {"n": 1}).output == {"band": "low"}


def test_wait_seconds_from_an_expression_and_map_items_from_one() -> None:
    definition = jsonata(
        W={"Type": "Wait", "Seconds": "{% $states.input.delay %}", "Next": "M"},
        M={"Type": "Map", "Items": "{% $states.input.values %}", "MaxConcurrency": "{% 1 %}", "End": True,
           "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}", "i": "{% $states.context.Map.Item.Index %}"},
           "ItemProcessor": {"StartAt": "Sq", "States": {
               "Sq": {"Type": "Pass", "Output": "{% $states.input.v * $states.input.v + $states.input.i %}",
                      "End": True}}}},
    )
    result = run(definition, {"delay": 60, "values": [2, 3]})
    assert result.output == [4, 10]
    assert result.ended_ms - START_MS == 60_000  # the wait, on the virtual clock


def test_catch_output_defaults_to_the_error_output_and_sees_it_in_assign() -> None:
    definition = jsonata(
        Call={"Type": "Task", "Resource": LAMBDA, "Arguments": {"FunctionName": "f"},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Assign": {"err": "{% $states.errorOutput.Error %}"},
                         "Next": "After"}], "End": True},
        After={"Type": "Pass", "Output": "{% {'caught': $states.input, 'err': $err} %}", "End": True},
    )
    tasks = ScriptedTasks({"Call": [TaskThrew("Boom", "broken")]})
    assert run(definition, {}, tasks).output == {"caught": {"Error": "Boom", "Cause": "broken"}, "err": "Boom"}


def test_fail_error_and_cause_from_expressions() -> None:
    definition = jsonata(F={"Type": "Fail", "Error": "{% 'E' & $states.input.code %}",
                            "Cause": "{% $states.input.why %}"})
    result = run(definition, {"code": 7, "why": "no stock"})
    assert (result.error, result.cause) == ("E7", "no stock")


def test_a_jsonata_state_inside_a_jsonpath_machine() -> None:
    definition = states(
        P={"Type": "Pass", "Parameters": {"x.$": "$.a"}, "Assign": {"k": 5}, "Next": "J"},
        J={"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.x + $k %}", "End": True},
    )
    assert run(definition, {"a": 1}).output == 6


def test_parallel_arguments_and_branch_scopes() -> None:
    definition = jsonata(
        Setup={"Type": "Pass", "Assign": {"base": 100}, "Next": "Both"},
        Both={"Type": "Parallel", "Arguments": {"v": "{% $states.input.v %}"}, "Next": "Done",
              "Output": "{% $states.result %}",
              "Branches": [
                  {"StartAt": "A", "States": {"A": {"Type": "Pass", "Assign": {"base": 1},
                                                    "Output": "{% $states.input.v + $base %}", "End": True}}},
                  {"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": "{% $states.input.v + $base %}",
                                                    "End": True}}}]},
        Done={"Type": "Pass", "Output": "{% $append($states.input, [$base]) %}", "End": True},
    )
    assert run(definition, {"v": 1}).output == [101, 101, 100]


def test_random_and_uuid_are_the_same_on_every_run_of_the_same_execution() -> None:
    definition = jsonata(S={"Type": "Pass", "Output": {"r": "{% $random() %}", "u": "{% $uuid() %}"}, "End": True})
    first, second = run(definition, {}).output, run(definition, {}).output
    assert first == second
    assert run(definition, {}, seed="other").output != first
