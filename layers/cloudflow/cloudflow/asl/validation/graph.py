"""The transition graph of one scope: StartAt and every Next exist, every state is reachable, one can end."""

from __future__ import annotations

from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.report import Report, child_pointer

_WITH_NEXT = frozenset({"Pass", "Task", "Wait", "Parallel", "Map"})
_WITH_CATCH = frozenset({"Task", "Parallel", "Map"})
_KNOWN_TYPES = _WITH_NEXT | {"Choice", "Succeed", "Fail"}


def transitions(state: Any, pointer: str) -> list[tuple[str, str]]:
    """(target, pointer) of every transition the state declares where its type allows one."""
    if not isinstance(state, dict):
        return []
    kind = state.get("Type")
    if not isinstance(kind, str):
        return []
    found: list[tuple[str, str]] = []
    if kind in _WITH_NEXT:
        found += _target(state, "Next", pointer)
    if kind == "Choice":
        found += _target(state, "Default", pointer)
        for index, rule in _entries(state.get("Choices")):
            found += _target(rule, "Next", child_pointer(pointer, "Choices", index))
    if kind in _WITH_CATCH:
        for index, catcher in _entries(state.get("Catch")):
            found += _target(catcher, "Next", child_pointer(pointer, "Catch", index))
    return found


def check_graph(report: Report, pointer: str, start_at: Any, states: dict[str, Any]) -> None:
    """Report missing targets, unreachable states and a scope with no way to end."""
    states_pointer = child_pointer(pointer, "States")
    edges: dict[str, list[str]] = {}
    for name, state in states.items():
        edges[name] = []
        for target, where in transitions(state, child_pointer(states_pointer, name)):
            if target in states:
                edges[name].append(target)
            else:
                report.add(codes.MISSING_TRANSITION_TARGET, where, _missing(target, nested=pointer != ""))
    if isinstance(start_at, str):
        if start_at in states:
            _check_reachable(report, states_pointer, start_at, edges)
        else:
            report.add(
                codes.MISSING_TRANSITION_TARGET,
                child_pointer(pointer, "StartAt"),
                f"StartAt names '{start_at}', which is not a state of this scope.",
            )
    # Only judged when every state is well-formed enough to tell; otherwise it is noise.
    typed = all(isinstance(state, dict) and _type_of(state) in _KNOWN_TYPES for state in states.values())
    if states and typed and not any(_can_end(state) for state in states.values()):
        report.add(codes.MISSING_END_STATE, states_pointer, "No state here can end: none is Succeed, Fail or has End.")


def _missing(target: str, *, nested: bool) -> str:
    message = f"There is no state named '{target}' in this States object"
    # Nested scopes are where people most often expect to jump out, and they cannot.
    return message + (" (a branch or ItemProcessor cannot transition outside itself)." if nested else ".")


def _check_reachable(report: Report, states_pointer: str, start_at: str, edges: dict[str, list[str]]) -> None:
    reached = {start_at}
    pending = [start_at]
    while pending:
        for target in edges[pending.pop()]:
            if target not in reached:
                reached.add(target)
                pending.append(target)
    for name in edges:
        if name not in reached:
            report.add(
                codes.UNREACHABLE_STATE,
                child_pointer(states_pointer, name),
                f"State '{name}' cannot be reached from StartAt.",
            )


def _type_of(state: dict[str, Any]) -> str:
    kind = state.get("Type")
    return kind if isinstance(kind, str) else ""


def _can_end(state: dict[str, Any]) -> bool:
    # A malformed End (reported by the field checks) still shows the intent to end here.
    return state["Type"] in ("Succeed", "Fail") or state.get("End", False) is not False


def _target(holder: Any, field: str, pointer: str) -> list[tuple[str, str]]:
    if isinstance(holder, dict) and isinstance(holder.get(field), str):
        return [(holder[field], child_pointer(pointer, field))]
    return []


def _entries(value: Any) -> list[tuple[int, Any]]:
    return list(enumerate(value)) if isinstance(value, list) else []
