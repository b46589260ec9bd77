"""States that nothing leads to, reported at the source state they came from.

ASL refuses unreachable states; checking the generated ASL here lets the report point into the author's
document (`/States/3`, `/steps/2`) instead of at a state the author never wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.formats.diagnostics import Problems


def check_reachability(machine: dict[str, Any], origins: dict[str, str], problems: Problems) -> None:
    """Drop unreachable helper states; report every unreachable source state at its own pointer.

    A helper can be generated and never entered (the end of a choice branch whose every path ends in a
    succeed step): it is dead code of the conversion, not of the author, so it is left out.
    """
    for scope in list(_scopes(machine)):
        states = scope.get("States")
        if not isinstance(states, dict):
            continue
        reached: set[str] = set()
        pending = [scope.get("StartAt")]
        while pending:
            name = pending.pop()
            if isinstance(name, str) and name in states and name not in reached:
                reached.add(name)
                pending += _targets(states[name])
        for name in [name for name in states if name not in reached]:
            if name in origins:
                problems.add(codes.UNREACHABLE_STATE, origins[name],
                             f"{name!r} can never run: no state (or goto) leads to it.")
            else:
                del states[name]


def _targets(state: Any) -> list[Any]:
    if not isinstance(state, dict):
        return []
    targets = [state.get("Next"), state.get("Default")]
    for group in ("Choices", "Catch"):
        targets += [entry.get("Next") for entry in state.get(group) or [] if isinstance(entry, dict)]
    return targets


def _scopes(machine: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield machine
    states = machine.get("States")
    for state in states.values() if isinstance(states, dict) else []:
        if not isinstance(state, dict):
            continue
        for branch in state.get("Branches") or []:
            if isinstance(branch, dict):
                yield from _scopes(branch)
        if isinstance(state.get("ItemProcessor"), dict):
            yield from _scopes(state["ItemProcessor"])
