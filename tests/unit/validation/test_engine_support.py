"""Valid ASL the engine cannot run yet is refused at load time, with a pointer."""

from __future__ import annotations

import pytest

from cloudflow.asl.loader import load_state_machine
from cloudflow.errors import InvalidDefinitionError


def test_jsonata_states_are_refused_with_a_pointer_until_the_engine_runs_them() -> None:
    definition = {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "End": True, "Branches": [{"StartAt": "J", "States": {
            "J": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 %}", "End": True}}}]}}}
    with pytest.raises(InvalidDefinitionError) as raised:
        load_state_machine(definition)
    assert [(d.code, d.pointer) for d in raised.value.diagnostics] == [
        ("UNSUPPORTED_BY_ENGINE", "/States/P/Branches/0/States/J/QueryLanguage")]


def test_top_level_jsonata_is_refused_at_its_field() -> None:
    definition = {"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": {"Type": "Succeed"}}}
    with pytest.raises(InvalidDefinitionError) as raised:
        load_state_machine(definition)
    assert [d.pointer for d in raised.value.diagnostics] == ["/QueryLanguage"]
