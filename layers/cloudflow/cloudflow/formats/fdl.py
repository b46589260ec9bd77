"""The legacy flow definition language of Serverless Workflow / FnF (`type: flow`, `steps`) -> ASL.

A flow's input is the execution input (or what the flow's inputMappings build from it); its output is
its local variable, the merge of its steps' outputs (or what its outputMappings build). The steps are
compiled by fdl_steps; this module adds the flow's own input and output and checks the names.
Problems are reported with pointers into the FDL document (`/steps/0/inputMappings/1/source`).
"""

from __future__ import annotations

from typing import Any

from cloudflow.asl.validation import codes
from cloudflow.errors import Diagnostic
from cloudflow.formats.conversion import AslState, Conversion
from cloudflow.formats.diagnostics import DUPLICATE_STATE_NAME, SCHEMA_VALIDATION_FAILED, child_pointer, field_pointer
from cloudflow.formats.fdl_mappings import MappingRefs, mapping_template
from cloudflow.formats.fdl_sequence import Sequence
from cloudflow.formats.fdl_steps import StepCompiler
from cloudflow.formats.reachability import check_reachability
from cloudflow.formats.state_names import MAX_STATE_NAME_LENGTH

VERSIONS = ("v1", "v1beta1")
_FLOW_FIELDS = ("version", "type", "steps", "inputMappings", "outputMappings", "timeoutSeconds")


def fdl_to_asl(document: dict[str, Any]) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The ASL definition of an FDL flow and every problem found on the way."""
    conversion = Conversion()
    problems = conversion.problems
    conversion.unknown_fields(document, "", _FLOW_FIELDS, "An FDL flow")
    if document.get("version") not in VERSIONS:
        problems.add(SCHEMA_VALIDATION_FAILED, field_pointer("", document, "version"),
                     f"version must be one of {', '.join(VERSIONS)}, not {document.get('version')!r}.")
    if document.get("type") != "flow":
        problems.add(SCHEMA_VALIDATION_FAILED, field_pointer("", document, "type"), "type must be flow.")
    if "steps" not in document:
        problems.missing("", "An FDL flow", "steps")
    _claim_names(conversion, document.get("steps"), "/steps")

    start = conversion.names.helper("Flow", "input")
    finish = conversion.names.helper("Flow", "output")
    states: dict[str, AslState] = {start: {}}
    first = StepCompiler(conversion).sequence(document.get("steps", []), "/steps",
                                              Sequence(states, finish, lambda _owner: finish))
    if "inputMappings" in document:
        # The flow's inputMappings read the execution input as $input.
        flow_input: dict[str, Any] = {"input": mapping_template(conversion, document["inputMappings"],
                                                                "/inputMappings", MappingRefs(input="$", local=None))}
    else:
        flow_input = {"input.$": "$"}
    states[start] = {"Type": "Pass", "Parameters": {**flow_input, "local": {}}, "Next": first}
    if "outputMappings" in document:
        refs = MappingRefs(input="$.input", local="$.local")
        output = mapping_template(conversion, document["outputMappings"], "/outputMappings", refs)
        states[finish] = {"Type": "Pass", "Parameters": output, "End": True}
    else:
        states[finish] = {"Type": "Pass", "OutputPath": "$.local", "End": True}

    machine: dict[str, Any] = {"Comment": "Converted from the Serverless Workflow flow definition language (FDL)",
                               "StartAt": start, "States": states}
    check_reachability(machine, conversion.origins, problems)
    seconds = conversion.integer(document, "timeoutSeconds", "", 1)
    if seconds is not None:
        machine["TimeoutSeconds"] = seconds
    return machine, problems.found


def _claim_names(conversion: Conversion, steps: Any, pointer: str) -> None:
    """Claim every step name first: they become ASL state names, unique across the whole definition."""
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if not isinstance(step, dict):
            continue
        here = child_pointer(pointer, index)
        name = step.get("name")
        if isinstance(name, str) and name:
            conversion.origins.setdefault(name, here)
            if len(name) > MAX_STATE_NAME_LENGTH:
                conversion.problems.add(codes.INVALID_STATE_NAME, child_pointer(here, "name"),
                                        f"A step name may have at most {MAX_STATE_NAME_LENGTH} characters (ASL).")
            earlier = conversion.names.claim(name, child_pointer(here, "name"))
            if earlier is not None:
                conversion.problems.add(DUPLICATE_STATE_NAME, child_pointer(here, "name"),
                                        f"Step name {name!r} is already used at {earlier}; step names must be "
                                        "unique across the whole flow.")
        for nested in _nested_steps(step, here):
            _claim_names(conversion, *nested)


def _nested_steps(step: dict[str, Any], pointer: str) -> list[tuple[Any, str]]:
    """(steps, pointer) of every list of steps a step holds."""
    found: list[tuple[Any, str]] = []
    if isinstance(step.get("choices"), list):
        found += [(c.get("steps"), child_pointer(pointer, "choices", i, "steps"))
                  for i, c in enumerate(step["choices"]) if isinstance(c, dict)]
    if isinstance(step.get("default"), dict):
        found.append((step["default"].get("steps"), child_pointer(pointer, "default", "steps")))
    if isinstance(step.get("branches"), list):
        found += [(b.get("steps"), child_pointer(pointer, "branches", i, "steps"))
                  for i, b in enumerate(step["branches"]) if isinstance(b, dict)]
    if step.get("type") == "foreach":
        found.append((step.get("steps"), child_pointer(pointer, "steps")))
    return found
