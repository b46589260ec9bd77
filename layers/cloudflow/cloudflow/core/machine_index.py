"""Finding a (sub) state machine by its JSON pointer, and caching compiled expressions per machine."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from cloudflow.asl.model import MapState, ParallelState, StateMachine

T = TypeVar("T")


def _index(machine: StateMachine, prefix: str, out: dict[str, StateMachine]) -> None:
    out[prefix] = machine
    for name, state in machine.states.items():
        escaped = name.replace("~", "~0").replace("/", "~1")
        if isinstance(state, ParallelState):
            for i, branch in enumerate(state.branches):
                _index(branch, f"{prefix}/States/{escaped}/Branches/{i}", out)
        elif isinstance(state, MapState):
            _index(state.item_processor, f"{prefix}/States/{escaped}/ItemProcessor", out)


def machine_at(root: StateMachine, pointer: str) -> StateMachine:
    """The machine at `pointer` ("" is the root, "/States/P/Branches/0" a branch)."""
    paths: dict[str, StateMachine] | None = root.compiled.get("machine_paths")
    if paths is None:
        paths = {}
        _index(root, "", paths)
        root.compiled["machine_paths"] = paths
    return paths[pointer]


def child_pointer(parent_pointer: str, state_name: str, suffix: str) -> str:
    """The pointer of a sub machine of `state_name` (suffix "Branches/0" or "ItemProcessor")."""
    escaped = state_name.replace("~", "~0").replace("/", "~1")
    return f"{parent_pointer}/States/{escaped}/{suffix}"


def cached(root: StateMachine, owner: object, key: str, build: Callable[[], T]) -> T:
    """Compile once per (state object, key) and keep the result with the root machine."""
    cache_key = (id(owner), key)
    store = root.compiled
    if cache_key not in store:
        store[cache_key] = build()
    value: T = store[cache_key]
    return value
