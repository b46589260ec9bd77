"""What every conversion carries: the problems found so far, the state names used so far, field checks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cloudflow.formats.diagnostics import SCHEMA_VALIDATION_FAILED, Problems, child_pointer
from cloudflow.formats.state_names import StateNames

AslState = dict[str, Any]


@dataclass
class Conversion:
    problems: Problems = field(default_factory=Problems)
    names: StateNames = field(default_factory=StateNames)
    origins: dict[str, str] = field(default_factory=dict)
    """ASL state name -> JSON pointer of the source state it was made from (for unreachable states)."""

    def unknown_fields(self, value: dict[str, Any], pointer: str, known: Iterable[str], what: str) -> None:
        """Report fields the converter does not know: ignoring them could silently change the flow."""
        allowed = set(known)
        for name in value:
            if name not in allowed:
                self.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(pointer, name),
                                  f"{what} has no field {name!r} that this converter knows; known: "
                                  f"{', '.join(sorted(allowed))}.")

    def integer(self, value: dict[str, Any], name: str, pointer: str, minimum: int) -> int | None:
        """An optional integer field of at least `minimum`; None (reported when invalid) otherwise."""
        if name not in value:
            return None
        number = value[name]
        if isinstance(number, str) and number.strip().isdigit():
            number = int(number)  # CloudFlow writes some durations as strings ("30")
        if isinstance(number, bool) or not isinstance(number, int) or number < minimum:
            self.problems.add(SCHEMA_VALIDATION_FAILED, child_pointer(pointer, name),
                              f"{name} must be an integer of at least {minimum}, not {number!r}.")
            return None
        return number


@dataclass
class Chain:
    """The ASL states one source state becomes, in order: each moves on to the next, the last exits."""

    states: list[tuple[str, AslState]] = field(default_factory=list)
    side: dict[str, AslState] = field(default_factory=dict)
    """States entered another way (a Catch rule's helper), already complete."""

    def add(self, name: str, state: AslState) -> None:
        self.states.append((name, state))

    def linked(self, exit_transition: dict[str, Any] | None) -> dict[str, AslState]:
        """All states, each linked to the next; the last gets `exit_transition` (None: it has its own)."""
        linked: dict[str, AslState] = {}
        for index, (name, state) in enumerate(self.states):
            if index + 1 < len(self.states):
                state["Next"] = self.states[index + 1][0]
            elif exit_transition is not None:
                state.update(exit_transition)
            linked[name] = state
        return {**linked, **self.side}
