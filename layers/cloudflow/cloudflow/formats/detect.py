"""Which definition format a parsed document is written in."""

from __future__ import annotations

from typing import Any, Literal

DefinitionFormat = Literal["asl", "cloudflow", "fdl"]


def detect_format(document: Any) -> DefinitionFormat:
    """`cloudflow` (Type: StateMachine, SpecVersion, States as a list), `fdl` (type: flow, steps) or `asl`.

    Anything else, including text that is not a definition at all, counts as ASL, so ASL validation
    explains what is wrong with it.
    """
    if not isinstance(document, dict):
        return "asl"
    if document.get("Type") == "StateMachine" or "SpecVersion" in document or isinstance(document.get("States"), list):
        return "cloudflow"
    if document.get("type") == "flow" or ("steps" in document and "version" in document):
        return "fdl"
    return "asl"
