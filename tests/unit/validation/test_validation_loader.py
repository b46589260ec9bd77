"""Loading: text (JSON or YAML) -> validated -> frozen model, with every problem reported at once."""

from __future__ import annotations

import json

import pytest
import yaml

from cloudflow.asl.loader import load_state_machine, parse_definition_text
from cloudflow.asl.model import MapState, ParallelState, StateMachine, TaskState
from cloudflow.errors import InvalidDefinitionError
from tests.unit.validation.asl_samples import PASS, SUCCEED, VALID_DEFINITIONS, machine, single


def _problems_of(source: str | dict[str, object]) -> list[tuple[str, str]]:
    with pytest.raises(InvalidDefinitionError) as raised:
        load_state_machine(source)  # type: ignore[arg-type]
    return [(d.code, d.pointer) for d in raised.value.diagnostics]


def test_json_text_parses() -> None:
    assert parse_definition_text('{"StartAt": "S", "States": {}}') == {"StartAt": "S", "States": {}}


def test_yaml_text_parses_and_keeps_timestamps_as_strings() -> None:
    text = "StartAt: W\nStates:\n  W:\n    Type: Wait\n    Timestamp: 2016-03-14T01:59:00Z\n    End: true\n"
    assert parse_definition_text(text)["States"]["W"]["Timestamp"] == "2016-03-14T01:59:00Z"
    assert isinstance(load_state_machine(text), StateMachine)


def test_json_syntax_error_gives_line_and_column() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:
        parse_definition_text('{\n  "StartAt": "S",\n  "States": {,}\n}')
    [diagnostic] = raised.value.diagnostics
    assert (diagnostic.code, diagnostic.pointer) == ("INVALID_JSON_DESCRIPTION", "")
    assert "line 3, column 14" in diagnostic.message


def test_trailing_comma_in_json_is_a_json_error_not_accepted_as_yaml() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:
        parse_definition_text('{"StartAt": "S",}')
    assert raised.value.diagnostics[0].code == "INVALID_JSON_DESCRIPTION"


def test_yaml_syntax_error_gives_line_and_column() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:
        parse_definition_text("StartAt: S\nStates:\n  S: [unclosed\n")
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.code == "INVALID_JSON_DESCRIPTION"
    assert "line 4" in diagnostic.message


@pytest.mark.parametrize("text", ["", "   \n", "\ufeff"])
def test_empty_text_is_a_missing_description(text: str) -> None:
    with pytest.raises(InvalidDefinitionError) as raised:
        parse_definition_text(text)
    assert [d.code for d in raised.value.diagnostics] == ["MISSING_DESCRIPTION"]


def test_huge_integer_is_a_json_error() -> None:
    with pytest.raises(InvalidDefinitionError) as raised:
        parse_definition_text('{"a": ' + "1" * 5000 + "}")
    assert raised.value.diagnostics[0].code == "INVALID_JSON_DESCRIPTION"


def test_repeated_state_name_in_json_text_is_reported() -> None:
    text = '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Pass", "End": true}}}'
    with pytest.raises(InvalidDefinitionError) as raised:
        parse_definition_text(text)
    assert [(d.code, d.pointer) for d in raised.value.diagnostics] == [("DUPLICATE_STATE_NAME", "/States/A")]


def test_repeated_field_in_yaml_text_is_reported() -> None:
    text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n    End: false\n"
    with pytest.raises(InvalidDefinitionError) as raised:
        parse_definition_text(text)
    assert [(d.code, d.pointer) for d in raised.value.diagnostics] == [("SCHEMA_VALIDATION_FAILED", "/States/A/End")]


def test_recursive_yaml_alias_does_not_hang() -> None:
    assert _problems_of("StartAt: S\nStates: &s\n  S: *s\n") != []


@pytest.mark.parametrize("name", [name for name in VALID_DEFINITIONS if name != "jsonata"])
def test_valid_definitions_load_into_the_model(name: str) -> None:
    definition = VALID_DEFINITIONS[name]
    from_dict = load_state_machine(definition)
    assert load_state_machine(json.dumps(definition)) == from_dict
    assert load_state_machine(yaml.safe_dump(definition)) == from_dict


def test_loaded_model_keeps_the_structure() -> None:
    loaded = load_state_machine(VALID_DEFINITIONS["every-state-type"])
    work = loaded.states["Work"]
    assert isinstance(work, TaskState)
    assert [r.error_equals for r in work.retry] == [("Lambda.TooManyRequestsException",), ("States.ALL",)]
    assert isinstance(loaded.states["Fan"], ParallelState)
    assert len(loaded.states["Fan"].branches) == 2
    each = loaded.states["Each"]
    assert isinstance(each, MapState)
    assert each.item_processor.start_at == "Inner"


def test_legacy_iterator_loads_as_item_processor() -> None:
    loaded = load_state_machine(VALID_DEFINITIONS["legacy-iterator"])
    each = loaded.states["S"]
    assert isinstance(each, MapState)
    assert each.item_processor.start_at == "Each"
    assert each.item_selector == {"item.$": "$$.Map.Item.Value"}


def test_every_problem_is_reported_at_once() -> None:
    definition = machine(
        {
            "Start": {"Type": "Task", "Resource": "nope", "Result": 1, "Next": "Missing",
                      "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"], "MaxAttempts": -1}]},
            "Check": {"Type": "Choice", "Choices": [{"Variable": "$.a", "Next": "Start"}], "Next": "Start"},
            "Wait": {"Type": "Wait", "Seconds": 1, "Timestamp": "now", "End": True},
            "Bad": {"Type": "Pass", "InputPath": "x", "ResultPath": "$.a[*]", "Parameters": {"p.$": "States.No()"},
                    "End": True},
            "N" * 81: SUCCEED,
        },
        TimeoutSeconds=-5,
    )  # fmt: skip
    expected = [
        ("SCHEMA_VALIDATION_FAILED", "/TimeoutSeconds"),
        ("SCHEMA_VALIDATION_FAILED", "/States/Start/Result"),
        ("INVALID_RESOURCE", "/States/Start/Resource"),
        ("SCHEMA_VALIDATION_FAILED", "/States/Start/Retry/0/ErrorEquals"),
        ("SCHEMA_VALIDATION_FAILED", "/States/Start/Retry/1/MaxAttempts"),
        ("SCHEMA_VALIDATION_FAILED", "/States/Check/Next"),
        ("SCHEMA_VALIDATION_FAILED", "/States/Check/Choices/0"),
        ("SCHEMA_VALIDATION_FAILED", "/States/Wait"),
        ("SCHEMA_VALIDATION_FAILED", "/States/Wait/Timestamp"),
        ("INVALID_JSON_PATH", "/States/Bad/InputPath"),
        ("INVALID_JSON_PATH", "/States/Bad/ResultPath"),
        ("INVALID_INTRINSIC", "/States/Bad/Parameters/p.$"),
        ("INVALID_STATE_NAME", "/States/" + "N" * 81),
        ("MISSING_TRANSITION_TARGET", "/States/Start/Next"),
        ("UNREACHABLE_STATE", "/States/Check"),
        ("UNREACHABLE_STATE", "/States/Wait"),
        ("UNREACHABLE_STATE", "/States/Bad"),
        ("UNREACHABLE_STATE", "/States/" + "N" * 81),
    ]
    assert sorted(_problems_of(definition)) == sorted(expected)


def test_text_problems_and_definition_problems_are_reported_together() -> None:
    text = '{"StartAt": "A", "Foo": 1, "States": {"A": {"Type": "Succeed"}, "A": {"Type": "Pass", "End": true}}}'
    assert _problems_of(text) == [("DUPLICATE_STATE_NAME", "/States/A"), ("SCHEMA_VALIDATION_FAILED", "/Foo")]


def test_jsonata_definitions_load_with_expressions_in_numeric_fields() -> None:
    definition = machine(
        {"W": {"Type": "Wait", "Seconds": "{% $states.input.n %}", "End": True}}, QueryLanguage="JSONata"
    )
    assert load_state_machine(definition).states["W"].seconds == "{% $states.input.n %}"  # type: ignore[union-attr]
    assert load_state_machine(VALID_DEFINITIONS["jsonata"]).query_language == "JSONata"


def test_a_broken_definition_never_reaches_the_model() -> None:
    assert _problems_of(single({**PASS, "Next": "Nowhere"})) == [
        ("SCHEMA_VALIDATION_FAILED", "/States/S"),
        ("MISSING_TRANSITION_TARGET", "/States/S/Next"),
    ]
