"""Choice routing, Succeed and Fail (ASL spec, "Choice State", "Succeed State", "Fail State")."""

from __future__ import annotations

from tests.unit.engine.flows import run, states


def _router() -> dict[str, object]:
    return states(
        Route={"Type": "Choice", "InputPath": "$.order", "OutputPath": "$.kind",
               "Choices": [
                   {"Variable": "$.total", "NumericGreaterThan": 100, "Next": "Big"},
                   {"And": [{"Variable": "$.kind", "IsPresent": True},
                            {"Not": {"Variable": "$.kind", "StringEquals": "gift"}}], "Next": "Other"},
               ], "Default": "Fallback"},
        Big={"Type": "Pass", "Result": "big", "End": True},
        Other={"Type": "Pass", "End": True},
        Fallback={"Type": "Fail", "Error": "NoRoute", "Cause": "nothing matched"},
    )


def test_first_matching_rule_wins() -> None:
    assert run(_router(), {"order": {"total": 150, "kind": "x"}}).output == "big"


def test_choice_output_path_applies_to_its_effective_input() -> None:
    assert run(_router(), {"order": {"total": 5, "kind": "book"}}).output == "book"


def test_default_is_taken_when_no_rule_matches() -> None:
    result = run(_router(), {"order": {"total": 5, "kind": "gift"}})
    assert (result.status, result.error, result.cause) == ("FAILED", "NoRoute", "nothing matched")


def test_no_match_and_no_default_fails_with_no_choice_matched() -> None:
    definition = states(C={"Type": "Choice", "Choices": [
        {"Variable": "$.x", "BooleanEquals": True, "Next": "S"}]}, S={"Type": "Succeed"})
    result = run(definition, {"x": False})
    assert (result.status, result.error) == ("FAILED", "States.NoChoiceMatched")


def test_succeed_applies_input_and_output_paths() -> None:
    definition = states(S={"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"})
    assert run(definition, {"a": {"b": 7}}).output == 7


def test_fail_without_error_or_cause_reports_neither() -> None:
    result = run(states(F={"Type": "Fail"}))
    assert (result.status, result.error, result.cause) == ("FAILED", None, None)


def test_fail_reads_error_and_cause_through_paths_and_intrinsics() -> None:
    definition = states(F={"Type": "Fail", "ErrorPath": "$.e",
                           "CausePath": "States.Format('bad {}', $.n)"})
    result = run(definition, {"e": "Custom", "n": 3})
    assert (result.error, result.cause) == ("Custom", "bad 3")


def test_fail_with_a_missing_cause_path_fails_with_runtime() -> None:
    result = run(states(F={"Type": "Fail", "Error": "E", "CausePath": "$.nope"}), {"a": 1})
    assert result.error == "States.Runtime"
    assert "The JSONPath '$.nope' specified for the field 'CausePath' could not be found" in (result.cause or "")
