"""A state machine scope (the definition, a Parallel branch, a Map processor) and the walk over them."""

from __future__ import annotations

from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.fields import JSONPATH, QUERY_LANGUAGES
from cloudflow.asl.validation.graph import check_graph
from cloudflow.asl.validation.object_fields import ObjectFields
from cloudflow.asl.validation.report import Report, child_pointer
from cloudflow.asl.validation.states import check_state

# Step Functions' limit on the length of a state name.
MAX_STATE_NAME_LENGTH = 80

_SCOPE_FIELDS: dict[str, frozenset[str]] = {
    "root": frozenset({"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"}),
    "branch": frozenset({"StartAt", "States", "Comment"}),
    "processor": frozenset({"StartAt", "States", "Comment", "ProcessorConfig"}),
}
_SCOPE_NAMES = {"root": "the state machine", "branch": "a Parallel branch", "processor": "a Map ItemProcessor"}


class MachineWalk:
    """Checks a definition scope by scope; state names must be unique across all of them."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.first_seen: dict[str, str] = {}

    def check_root(self, machine: Any) -> None:
        """The whole definition."""
        language = JSONPATH
        if isinstance(machine, dict) and machine.get("QueryLanguage") in QUERY_LANGUAGES:
            language = str(machine["QueryLanguage"])
        self.check_scope("", machine, language, "root")

    def check_scope(self, pointer: str, machine: Any, language: str, kind: str) -> None:
        """One scope: its own fields, each state in it, and its transition graph."""
        report, what = self.report, _SCOPE_NAMES[kind]
        if not isinstance(machine, dict):
            report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"{what.capitalize()} must be an object.")
            return
        scope = ObjectFields(report, pointer, machine)
        for name in machine:
            if name not in _SCOPE_FIELDS[kind]:
                report.add(codes.SCHEMA_VALIDATION_FAILED, scope.at(name), f"{name} is not a field of {what}.")
        if kind == "root":
            scope.one_of("QueryLanguage", QUERY_LANGUAGES)
            scope.of_type("Version", str)
            scope.integer("TimeoutSeconds", 1)
        scope.of_type("Comment", str)
        scope.of_type("StartAt", str)
        for name in ("StartAt", "States"):
            if name not in machine:
                report.add(codes.SCHEMA_VALIDATION_FAILED, pointer, f"{what.capitalize()} needs {name}.")
        states = machine.get("States")
        if "States" in machine and (not isinstance(states, dict) or not states):
            report.add(codes.SCHEMA_VALIDATION_FAILED, scope.at("States"), "States must be an object with a state.")
        if not isinstance(states, dict) or not states:
            return
        for name, state in states.items():
            here = child_pointer(scope.at("States"), name)
            self._check_name(name, here)
            check_state(report, here, state, language, self.check_scope)
        check_graph(report, pointer, machine.get("StartAt"), states)

    def _check_name(self, name: str, pointer: str) -> None:
        if not 0 < len(name) <= MAX_STATE_NAME_LENGTH:
            self.report.add(
                codes.INVALID_STATE_NAME,
                pointer,
                f"A state name must have 1 to {MAX_STATE_NAME_LENGTH} characters; this one has {len(name)}.",
            )
        # Step Functions names states uniquely across branches too (history and Context refer to them).
        if name in self.first_seen:
            self.report.add(
                codes.DUPLICATE_STATE_NAME,
                pointer,
                f"State name '{name}' is already used at {self.first_seen[name]}; names must be unique "
                "across the whole definition.",
            )
        else:
            self.first_seen[name] = pointer
