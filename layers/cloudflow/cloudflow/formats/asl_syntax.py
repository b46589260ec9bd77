"""Writing ASL text: JSONPath paths and intrinsic-function literals."""

from __future__ import annotations

import json
import re
from typing import Any

from cloudflow.formats.expressions import Segment, Wildcard

# Field names the engine's JSONPath reads after a dot; anything else is written as ['name'].
_DOT_NAME = re.compile(r"[^.\[\]()\s=<>!&|,'\"@$*\\]+")


def asl_path(base: str, segments: tuple[Segment, ...] | list[Segment]) -> str:
    """`base` ("$", "$.step.input", "$$.Execution.Input") followed by the segments."""
    text = base
    for segment in segments:
        if isinstance(segment, Wildcard):
            text += "[*]"
        elif isinstance(segment, int):
            text += f"[{segment}]"
        elif _DOT_NAME.fullmatch(segment):
            text += f".{segment}"
        else:
            text += "['" + segment.replace("\\", "\\\\").replace("'", "\\'") + "']"
    return text


def intrinsic_string(text: str, *, placeholders: bool = False) -> str:
    """A single-quoted intrinsic string literal; `placeholders` keeps `{}` pairs for States.Format."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'")
    if placeholders:
        pieces = escaped.split("{}")
        return "'" + "{}".join(p.replace("{", "\\{").replace("}", "\\}") for p in pieces) + "'"
    return "'" + escaped.replace("{", "\\{").replace("}", "\\}") + "'"


def intrinsic_scalar(value: Any) -> str:
    """A number, boolean or null as an intrinsic argument (strings go through `intrinsic_string`)."""
    return json.dumps(value)
