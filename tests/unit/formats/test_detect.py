"""detect_format: which format a parsed document is."""

from __future__ import annotations

from typing import Any

import pytest

from cloudflow.formats import detect_format, to_asl


@pytest.mark.parametrize(("document", "expected"), [
    ({"Type": "StateMachine", "SpecVersion": "v1", "StartAt": "A", "States": [{"Name": "A", "Type": "Pass"}]},
     "cloudflow"),
    ({"SpecVersion": "v1"}, "cloudflow"),  # incomplete, but recognisably CloudFlow: its problems get reported
    ({"StartAt": "A", "States": [{"Name": "A", "Type": "Pass", "End": True}]}, "cloudflow"),  # States as a list
    ({"version": "v1", "type": "flow", "steps": []}, "fdl"),
    ({"version": "v1beta1", "steps": [{"type": "pass", "name": "p"}]}, "fdl"),
    ({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}, "asl"),
    ({"QueryLanguage": "JSONata", "StartAt": "A", "States": {}}, "asl"),
    ({}, "asl"),
    ([1, 2], "asl"),
    ("text", "asl"),
    (None, "asl"),
])
def test_detect_format(document: Any, expected: str) -> None:
    assert detect_format(document) == expected


def test_an_asl_document_is_returned_as_it_is() -> None:
    asl = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
    assert to_asl(asl) == (asl, [])
