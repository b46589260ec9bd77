"""Keys given twice in one object of the definition text, which JSON and YAML parsers silently drop.

A repeated state name would otherwise lose a state without a word, so parsing records every
repeat and this module turns the records into diagnostics with pointers.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from cloudflow.asl.validation import codes
from cloudflow.asl.validation.report import child_pointer
from cloudflow.errors import Diagnostic

# A `States` object of some scope: the definition's, a Parallel branch's or a Map processor's.
_STATES_OBJECT = re.compile(r"(.*(/Branches/\d+|/ItemProcessor|/Iterator))?/States")


class JsonDuplicateKeys:
    """An `object_pairs_hook` for `json.loads` that remembers which objects had a key twice."""

    def __init__(self) -> None:
        self.repeats: list[tuple[dict[str, Any], str]] = []

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        """Build the object as `json` would (the last value wins), noting each repeated key."""
        obj: dict[str, Any] = {}
        for key, value in pairs:
            if key in obj:
                self.repeats.append((obj, key))
            obj[key] = value
        return obj

    def diagnostics(self, root: Any) -> list[Diagnostic]:
        """One diagnostic per repeated key, located by walking `root` to each object noted."""
        if not self.repeats:
            return []
        pointers: dict[int, str] = {}
        stack: list[tuple[Any, str]] = [(root, "")]
        while stack:
            value, pointer = stack.pop()
            if isinstance(value, dict):
                pointers.setdefault(id(value), pointer)
                stack.extend((item, child_pointer(pointer, key)) for key, item in value.items())
            elif isinstance(value, list):
                stack.extend((item, child_pointer(pointer, i)) for i, item in enumerate(value))
        return [_diagnostic(pointers.get(id(obj), ""), key) for obj, key in self.repeats]


def yaml_duplicate_keys(root: yaml.Node | None) -> list[Diagnostic]:
    """One diagnostic per key repeated in a mapping of a composed YAML document."""
    found: list[Diagnostic] = []
    stack: list[tuple[yaml.Node, str]] = [(root, "")] if root is not None else []
    walked: set[int] = set()
    while stack:
        node, pointer = stack.pop()
        # An alias reuses its anchor's node (even inside itself): look at each node once.
        if id(node) in walked:
            continue
        walked.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
                if key in seen and key != "<<":
                    found.append(_diagnostic(pointer, key))
                seen.add(key)
                stack.append((value_node, child_pointer(pointer, key)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, child_pointer(pointer, i)) for i, item in enumerate(node.value))
    return found


def _diagnostic(parent: str, key: str) -> Diagnostic:
    pointer = child_pointer(parent, key)
    if _STATES_OBJECT.fullmatch(parent):
        return Diagnostic(codes.DUPLICATE_STATE_NAME, f"State name '{key}' appears more than once here.", pointer)
    return Diagnostic(codes.SCHEMA_VALIDATION_FAILED, f"Field '{key}' appears more than once in this object.", pointer)
