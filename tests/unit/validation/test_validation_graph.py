"""Transitions: every target exists in the same scope, every state is reachable, some state can end."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.validation.asl_samples import LAMBDA_ARN, PASS, SUCCEED, TASK, branch, machine, problems, single

MISSING = "MISSING_TRANSITION_TARGET"

CASES: dict[str, tuple[Any, list[tuple[str, str]]]] = {
    "Next-names-no-state": (
        single({"Type": "Pass", "Next": "Nowhere"}, Done=SUCCEED),
        [(MISSING, "/States/S/Next"), ("UNREACHABLE_STATE", "/States/Done")],
    ),
    "Choice-Default-names-no-state": (
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "D"}],
                    "Default": "Gone",
                },
                "D": SUCCEED,
            }
        ),
        [(MISSING, "/States/C/Default")],
    ),
    "Choice-rule-Next-names-no-state": (
        machine(
            {
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "Gone"}],
                    "Default": "D",
                },
                "D": SUCCEED,
            }
        ),
        [(MISSING, "/States/C/Choices/0/Next")],
    ),
    "Catch-Next-names-no-state": (
        single({**TASK, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Gone"}]}),
        [(MISSING, "/States/S/Catch/0/Next")],
    ),
    "unreachable-state": (single(PASS, Orphan=SUCCEED), [("UNREACHABLE_STATE", "/States/Orphan")]),
    "unreachable-loop": (
        single(PASS, A={"Type": "Pass", "Next": "B"}, B={"Type": "Pass", "Next": "A"}),
        [("UNREACHABLE_STATE", "/States/A"), ("UNREACHABLE_STATE", "/States/B")],
    ),
    "no-state-can-end": (
        machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Wait", "Seconds": 1, "Next": "A"}}),
        [("MISSING_END_STATE", "/States")],
    ),
    "branch-Next-cannot-leave-the-branch": (
        machine(
            {
                "P": {
                    "Type": "Parallel",
                    "Branches": [
                        branch(
                            {
                                "X": {
                                    "Type": "Task",
                                    "Resource": LAMBDA_ARN,
                                    "Next": "Outside",
                                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "End"}],
                                },
                                "End": SUCCEED,
                            }
                        )
                    ],
                    "Next": "Outside",
                },
                "Outside": SUCCEED,
            }
        ),
        [(MISSING, "/States/P/Branches/0/States/X/Next")],
    ),
    "processor-state-unreachable": (
        single({"Type": "Map", "ItemProcessor": branch({"A": SUCCEED, "B": SUCCEED}), "End": True}),
        [("UNREACHABLE_STATE", "/States/S/ItemProcessor/States/B")],
    ),
    "processor-StartAt-names-no-state": (
        single({"Type": "Map", "ItemProcessor": {"StartAt": "Z", "States": {"A": SUCCEED}}, "End": True}),
        [(MISSING, "/States/S/ItemProcessor/StartAt")],
    ),
}


@pytest.mark.parametrize(("definition", "expected"), CASES.values(), ids=CASES.keys())
def test_graph_problem(definition: Any, expected: list[tuple[str, str]]) -> None:
    assert problems(definition) == expected


def test_states_reached_only_through_catch_or_choice_are_reachable() -> None:
    definition = machine(
        {
            "T": {**TASK, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C"}]},
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": True, "Next": "Y"}], "Default": "N"},
            "Y": SUCCEED,
            "N": {"Type": "Fail", "Error": "No"},
        }
    )
    assert problems(definition) == []
