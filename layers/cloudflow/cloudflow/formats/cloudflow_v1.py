"""CloudFlow's current format (`Type: StateMachine`, `SpecVersion: v1`) -> an ASL (JSONPath) definition.

The document is ASL-shaped already: StartAt, states with Next/End, Choice, Parallel, Map. What differs:

- `States` is a list of states that carry their `Name`; ASL keys them by name.
- Data: a state's `$Input` is its input after the InputConstructor (ASL has no such stage before a Task's
  Parameters), so an InputConstructor becomes a helper Pass state entered instead of the state itself;
  its output is then exactly `$Input`. Outputs: see cloudflow_v1_results.
- Tasks name actions (`FC:InvokeFunction`), not ASL resources: see actions.
- Conditions are expressions: see conditions.

Problems are reported with pointers into the CloudFlow document (`/States/2/TaskMode`).
"""

from __future__ import annotations

from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.errors import Diagnostic
from cloudflow.formats.cloudflow_v1_references import References
from cloudflow.formats.cloudflow_v1_states import StateTranslator
from cloudflow.formats.conversion import AslState, Chain, Conversion
from cloudflow.formats.diagnostics import (
    DUPLICATE_STATE_NAME,
    MISSING_TRANSITION_TARGET,
    SCHEMA_VALIDATION_FAILED,
    child_pointer,
    field_pointer,
)
from cloudflow.formats.reachability import check_reachability
from cloudflow.formats.state_names import MAX_STATE_NAME_LENGTH
from cloudflow.formats.values import translate_template

SPEC_VERSION = "v1"
_DOCUMENT_FIELDS = ("Type", "Name", "SpecVersion", "Description", "StartAt", "States")
_COMMON = ("Name", "Type", "Description", "InputConstructor")
# The fields each state type takes (CloudFlow's state reference pages).
STATE_FIELDS: dict[str, tuple[str, ...]] = {
    "Task": (*_COMMON, "OutputConstructor", "Next", "End", "Action", "TaskMode", "Parameters", "Timeout",
             "Timeout.$", "Retry", "Catch"),
    "Pass": (*_COMMON, "OutputConstructor", "Next", "End"),
    "Wait": (*_COMMON, "OutputConstructor", "Next", "End", "Seconds", "Seconds.$"),
    "Choice": (*_COMMON, "Branches", "Default", "Next", "End"),
    "Parallel": (*_COMMON, "OutputConstructor", "Next", "End", "Branches", "Retry", "Catch"),
    "Map": (*_COMMON, "OutputConstructor", "Next", "End", "ItemsPath", "Processor", "ItemConstructor",
            "MaxConcurrency", "MaxConcuccency", "ProcessorConfig", "ItemBatcher", "ItemReader", "ResultWriter",
            "MaxItems", "ToleratedFailurePercentage", "ToleratedFailureCount", "Retry", "Catch"),
    "Succeed": (*_COMMON, "OutputConstructor", "End"),
    "Fail": (*_COMMON, "OutputConstructor", "End", "Code", "Detail", "Code.$", "Detail.$"),
}


def cloudflow_to_asl(document: dict[str, Any]) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The ASL definition of a CloudFlow state machine and every problem found on the way."""
    conversion = Conversion()
    problems = conversion.problems
    conversion.unknown_fields(document, "", _DOCUMENT_FIELDS, "A CloudFlow state machine")
    if document.get("Type") != "StateMachine":
        problems.add(SCHEMA_VALIDATION_FAILED, field_pointer("", document, "Type"), "Type must be StateMachine.")
    if document.get("SpecVersion") != SPEC_VERSION:
        problems.add(SCHEMA_VALIDATION_FAILED, field_pointer("", document, "SpecVersion"),
                     f"SpecVersion must be {SPEC_VERSION}, not {document.get('SpecVersion')!r}.")
    _claim_names(conversion, document, "")
    machine = _ScopeConverter(conversion).convert(document, "", "The state machine")
    check_reachability(machine, conversion.origins, problems)
    description = " ".join(str(part) for part in (document.get("Name"), document.get("Description")) if part)
    comment = {"Comment": f"Converted from CloudFlow: {description}"} if description else {}
    return {**comment, **machine}, problems.found


def _claim_names(conversion: Conversion, scope: Any, pointer: str) -> None:
    """Claim every state name first (ASL names are unique across branches), so helpers never take one."""
    states = scope.get("States") if isinstance(scope, dict) else None
    for index, state in enumerate(states if isinstance(states, list) else []):
        here = child_pointer(pointer, "States", index)
        if not isinstance(state, dict):
            continue
        name = state.get("Name")
        if isinstance(name, str) and name:
            conversion.origins.setdefault(name, here)
            earlier = conversion.names.claim(name, child_pointer(here, "Name"))
            if earlier is not None:
                conversion.problems.add(DUPLICATE_STATE_NAME, child_pointer(here, "Name"),
                                        f"State name {name!r} is already used at {earlier}; names must be unique "
                                        "across the whole flow, branches included.")
        if state.get("Type") == "Parallel" and isinstance(state.get("Branches"), list):
            for branch_index, branch in enumerate(state["Branches"]):
                _claim_names(conversion, branch, child_pointer(here, "Branches", branch_index))
        if state.get("Type") == "Map":
            _claim_names(conversion, state.get("Processor"), child_pointer(here, "Processor"))


class _ScopeConverter:
    """Converts one scope ({StartAt, States}) and, through the state translator, the scopes it holds."""

    def __init__(self, conversion: Conversion) -> None:
        self.conversion = conversion
        self.problems = conversion.problems

    def convert(self, scope: Any, pointer: str, what: str) -> dict[str, Any]:
        if not isinstance(scope, dict):
            self.problems.add(SCHEMA_VALIDATION_FAILED, pointer, f"{what} must be an object with StartAt and States.")
            return {"StartAt": "", "States": {}}
        if pointer:
            self.conversion.unknown_fields(scope, pointer, ("StartAt", "States"), what)
        states = self._states(scope, pointer, what)
        entries = {name: self._entry(name, state) for name, (state, _) in states.items()}

        def target(name: Any, at: str) -> str:
            if isinstance(name, str) and name in entries:
                return entries[name]
            self.problems.add(MISSING_TRANSITION_TARGET, at, f"{name!r} names no state of this scope "
                                                             f"({', '.join(entries) or 'it has none'}).")
            return str(name)

        translator = StateTranslator(self.conversion, self.convert, target)
        asl_states: dict[str, AslState] = {}
        for name, (state, here) in states.items():
            asl_states.update(self._state(translator, name, state, here, entries[name], target))
        start = target(scope.get("StartAt"), child_pointer(pointer, "StartAt")) if "StartAt" in scope else ""
        if "StartAt" not in scope:
            self.problems.missing(pointer or "", what, "StartAt")
        return {"StartAt": start, "States": asl_states}

    def _states(self, scope: dict[str, Any], pointer: str, what: str) -> dict[str, tuple[dict[str, Any], str]]:
        """name -> (state, pointer) of the well-formed states (the others are reported)."""
        listed = scope.get("States")
        if not isinstance(listed, list) or not listed:
            self.problems.add(SCHEMA_VALIDATION_FAILED, field_pointer(pointer, scope, "States"),
                              f"{what} needs States: a non-empty array of states, each with Name and Type.")
            return {}
        found: dict[str, tuple[dict[str, Any], str]] = {}
        for index, state in enumerate(listed):
            here = child_pointer(pointer, "States", index)
            if not isinstance(state, dict):
                self.problems.add(SCHEMA_VALIDATION_FAILED, here, "A state must be an object with Name and Type.")
                continue
            name, kind = state.get("Name"), state.get("Type")
            if not isinstance(name, str) or not name:
                self.problems.add(SCHEMA_VALIDATION_FAILED, field_pointer(here, state, "Name"), "A state needs a Name.")
                continue
            if len(name) > MAX_STATE_NAME_LENGTH:
                self.problems.add(codes.INVALID_STATE_NAME, child_pointer(here, "Name"),
                                  f"A state name may have at most {MAX_STATE_NAME_LENGTH} characters (ASL).")
            if not isinstance(kind, str) or kind not in STATE_FIELDS:
                self.problems.add(SCHEMA_VALIDATION_FAILED, field_pointer(here, state, "Type"),
                                  f"Type {kind!r} is not a CloudFlow state type ({', '.join(STATE_FIELDS)}).")
                continue
            self.conversion.unknown_fields(state, here, STATE_FIELDS[kind], f"A {kind} state")
            found.setdefault(name, (state, here))
        return found

    def _entry(self, name: str, state: dict[str, Any]) -> str:
        """The ASL state entered for this state: its InputConstructor's helper when it has one."""
        return self.conversion.names.helper(name, "InputConstructor") if "InputConstructor" in state else name

    def _state(self, translator: StateTranslator, name: str, state: dict[str, Any], pointer: str, entry: str,
               target: Any) -> dict[str, AslState]:
        chain = Chain()
        if entry != name:
            constructor = state["InputConstructor"]
            here = child_pointer(pointer, "InputConstructor")
            if not isinstance(constructor, dict):
                self.problems.add(SCHEMA_VALIDATION_FAILED, here, "InputConstructor must be an object.")
            parameters = translate_template(constructor, References(input="$").resolve, here, self.problems)
            chain.add(entry, {"Type": "Pass", "Parameters": parameters})
        kind = state["Type"]
        moves_on = translator.translate(kind, name, state, pointer, chain)
        return chain.linked(self._exit(kind, state, pointer, target) if moves_on else None)

    def _exit(self, kind: str, state: dict[str, Any], pointer: str, target: Any) -> dict[str, Any]:
        if state.get("End") is True and "Next" not in state:
            return {"End": True}
        if "Next" in state and state.get("End") is not True:
            return {"Next": target(state["Next"], child_pointer(pointer, "Next"))}
        self.problems.add(SCHEMA_VALIDATION_FAILED, pointer,
                          f"A {kind} state needs exactly one of Next (the state that follows) or End: true.")
        return {"End": True}


__all__ = ["STATE_FIELDS", "cloudflow_to_asl"]
