"""Alibaba Cloud CloudFlow definitions, converted into the ASL this engine runs.

Two formats: CloudFlow's current one (`Type: StateMachine`, `SpecVersion: v1`, a list of named states)
and the legacy flow definition language of Serverless Workflow / FnF (`version`, `type: flow`, `steps`).
`to_asl` returns the equivalent ASL (JSONPath) definition and every problem found, each located by a JSON
pointer into the original document.
"""

from __future__ import annotations

from typing import Any

from cloudflow.errors import Diagnostic
from cloudflow.formats.cloudflow_v1 import cloudflow_to_asl
from cloudflow.formats.detect import DefinitionFormat, detect_format
from cloudflow.formats.diagnostics import converted_definition_problems
from cloudflow.formats.fdl import fdl_to_asl

__all__ = ["DefinitionFormat", "Diagnostic", "converted_definition_problems", "detect_format", "to_asl"]


def to_asl(document: Any) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The ASL definition equivalent to `document` (CloudFlow, FDL or already ASL) and its problems.

    When the list of problems is not empty the definition is incomplete and must not be run.
    """
    found = detect_format(document)
    if found == "cloudflow":
        return cloudflow_to_asl(document)
    if found == "fdl":
        return fdl_to_asl(document)
    return document, []
