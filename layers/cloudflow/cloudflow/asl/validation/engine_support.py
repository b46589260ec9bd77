"""Valid ASL that this engine cannot run yet, reported before a run instead of run wrongly.

JSONata states (QueryLanguage "JSONata", at the top or per state) are valid Step Functions
definitions, but the interpreter evaluates the JSONPath dialect only so far: running them would
hand `{% ... %}` text through verbatim.
"""

from __future__ import annotations

from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.report import child_pointer
from cloudflow.errors import Diagnostic

_JSONATA_MESSAGE = "JSONata states are not supported by this engine yet; use the JSONPath query language."


def unsupported_features(raw: Any) -> list[Diagnostic]:
    """Every place a validated definition uses something the engine cannot run."""
    found: list[Diagnostic] = []
    _walk_machine(raw, "", found)
    return found


def _walk_machine(machine: Any, pointer: str, found: list[Diagnostic]) -> None:
    if not isinstance(machine, dict):
        return
    if machine.get("QueryLanguage") == "JSONata":
        found.append(Diagnostic(codes.UNSUPPORTED_BY_ENGINE, _JSONATA_MESSAGE, child_pointer(pointer, "QueryLanguage")))
    states = machine.get("States")
    if not isinstance(states, dict):
        return
    states_pointer = child_pointer(pointer, "States")
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        state_pointer = child_pointer(states_pointer, name)
        if state.get("QueryLanguage") == "JSONata":
            found.append(Diagnostic(codes.UNSUPPORTED_BY_ENGINE, _JSONATA_MESSAGE,
                                    child_pointer(state_pointer, "QueryLanguage")))
        for index, branch in enumerate(state.get("Branches") or []):
            _walk_machine(branch, child_pointer(child_pointer(state_pointer, "Branches"), index), found)
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                _walk_machine(state[key], child_pointer(state_pointer, key), found)
